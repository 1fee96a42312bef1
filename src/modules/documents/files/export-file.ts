import { create } from 'xmlbuilder2';
import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { renderDocument, shortDate, type RichText } from '../../../platform/pdf/index.ts';
import { listUnits } from '../../organisation/list-units.ts';
import { getFile } from './get-file.ts';
import type { FileView } from './schemas.ts';

export const WORK_FILE_XML_NS = 'urn:congso:work-file:1';

const KIND_VI = { incoming: 'Văn bản đến', outgoing: 'Văn bản đi' } as const;
const retentionVi = (y: number | null) => (y === null ? 'Vĩnh viễn' : `${y} năm`);
const STATUS_VI = { open: 'Đang lập', closed: 'Đã kết thúc' } as const;

/** A name for downloads: the file's code without characters a file system or a header dislikes. */
export const exportName = (f: Pick<FileView, 'code' | 'year'>, ext: 'pdf' | 'xml') =>
  `ho-so-${f.year}-${f.code
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .replace(/[^A-Za-z0-9.-]+/g, '-')}.${ext}`;

/**
 * The work file as an A4 document: the national header of its unit, the cover's data (code,
 * title, year, retention, who kept it, dates) and its table of documents (number and notation,
 * date, author agency, subject). Visibility as getFile.
 */
export async function renderFilePdf(ctx: Ctx, p: Principal, id: string, opts: { now?: Date } = {}): Promise<{ file: FileView; pdf: Uint8Array }> {
  const f = await getFile(ctx, p, id);
  const units = new Map((await listUnits(ctx)).map((u) => [u.id, u]));
  const unit = units.get(f.unitId);
  const parent = unit?.parentId ? units.get(unit.parentId) : undefined;
  const place = /khu vực (.+)$/i.exec(unit?.name ?? '')?.[1]?.trim() || 'Hà Nội';
  const now = opts.now ?? new Date(Date.now() + ctx.config.clockOffsetMs);
  const rows: RichText[][] = f.documents.map((d, i) => [
    String(i + 1),
    d.numberNotation ?? '',
    d.date ? shortDate(d.date) : '',
    d.organ ?? '',
    d.subject || { text: '(không còn trong chỉ mục)', italic: true },
    KIND_VI[d.kind],
  ]);
  const pdf = await renderDocument({
    pageNumbers: 'bottom',
    qr: {
      dossierCode: f.code,
      procedureCode: '',
      applicantId: f.unitId,
      documentName: 'Hồ sơ công việc',
      extra: { nam: f.year, id: f.id, vanBan: f.documents.length },
      caption: [`Hồ sơ: ${f.code}`, `Năm ${f.year}`],
    },
    header: { parentAgencies: parent ? [parent.name] : [], agency: unit?.name ?? f.unitId, place, date: now },
    title: 'HỒ SƠ CÔNG VIỆC',
    subtitle: [f.title],
    body: [
      {
        kind: 'fields',
        items: [
          { label: 'Mã hồ sơ', value: f.code, bold: true },
          { label: 'Tiêu đề hồ sơ', value: f.title },
          [
            { label: 'Năm', value: String(f.year) },
            { label: 'Thời hạn bảo quản', value: retentionVi(f.retentionYears) },
          ],
          { label: 'Đơn vị lập hồ sơ', value: f.unitName },
          { label: 'Người lập hồ sơ', value: f.responsible.name },
          [
            { label: 'Trạng thái', value: STATUS_VI[f.status] },
            { label: 'Ngày kết thúc', value: f.closedAt ? shortDate(new Date(f.closedAt)) : '' },
          ],
          [
            { label: 'Hạn nộp lưu', value: shortDate(f.transferDue) },
            { label: 'Số lượng văn bản', value: String(f.documents.length) },
          ],
        ],
      },
      { kind: 'heading', text: 'MỤC LỤC VĂN BẢN', align: 'center', size: 12 },
      f.documents.length
        ? {
            kind: 'table',
            size: 9,
            numbered: true,
            columns: [
              { header: 'STT', width: 0.8, align: 'center' },
              { header: 'Số, ký hiệu', width: 2.2 },
              { header: 'Ngày tháng', width: 2.1, align: 'center' },
              { header: 'Tác giả', width: 2.3 },
              { header: 'Trích yếu nội dung', width: 5 },
              { header: 'Loại', width: 1.5 },
            ],
            rows,
          }
        : { kind: 'paragraph', text: { text: 'Hồ sơ chưa có văn bản nào.', italic: true }, align: 'center' },
    ],
    meta: { title: `Hồ sơ ${f.code}: ${f.title}`, subject: 'Hồ sơ công việc', keywords: [f.code, String(f.year), f.unitId] },
  });
  return { file: f, pdf };
}

/**
 * The work file as XML, our own small schema (namespace urn:congso:work-file:1, UTF-8):
 *
 *   <workFile xmlns="urn:congso:work-file:1" id="{uuid}" version="{row version}">
 *     <code/> <title/> <year/> <unit id="…">name</unit>
 *     <retention permanent="true"/> | <retention years="10"/>
 *     <responsible id="{staff id}">name</responsible>
 *     <status>open|closed</status> <closedAt>ISO instant</closedAt>?  <transferDue>YYYY-MM-DD</transferDue>
 *     <documents count="n">
 *       <document seq="1" kind="incoming|outgoing" id="…">
 *         <numberNotation/>? <date>YYYY-MM-DD</date>? <organ/>? <subject/> <status/>? <addedAt>ISO instant</addedAt>
 *       </document> …
 *     </documents>
 *   </workFile>
 *
 * Optional elements are left out when empty. Visibility as getFile.
 */
export async function fileXml(ctx: Ctx, p: Principal, id: string): Promise<{ file: FileView; xml: string }> {
  const f = await getFile(ctx, p, id);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(WORK_FILE_XML_NS, 'workFile', { id: f.id, version: String(f.version) });
  root.ele('code').txt(f.code);
  root.ele('title').txt(f.title);
  root.ele('year').txt(String(f.year));
  root.ele('unit', { id: f.unitId }).txt(f.unitName);
  root.ele('retention', f.retentionYears === null ? { permanent: 'true' } : { years: String(f.retentionYears) });
  root.ele('responsible', { id: f.responsible.id }).txt(f.responsible.name);
  root.ele('status').txt(f.status);
  if (f.closedAt) root.ele('closedAt').txt(f.closedAt);
  root.ele('transferDue').txt(f.transferDue);
  const docs = root.ele('documents', { count: String(f.documents.length) });
  f.documents.forEach((d, i) => {
    const e = docs.ele('document', { seq: String(i + 1), kind: d.kind, id: d.id });
    if (d.numberNotation) e.ele('numberNotation').txt(d.numberNotation);
    if (d.date) e.ele('date').txt(d.date);
    if (d.organ) e.ele('organ').txt(d.organ);
    e.ele('subject').txt(d.subject);
    if (d.status) e.ele('status').txt(d.status);
    e.ele('addedAt').txt(d.addedAt);
  });
  return { file: f, xml: root.end({ prettyPrint: true }) };
}
