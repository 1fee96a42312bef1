import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream, type PDFObject } from 'pdf-lib';
import type { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import { fromZod } from '../../../platform/http/validation.ts';
import { MM, longDate, renderDocument, type Block, type DocumentSpec, type Field } from '../../../platform/pdf/index.ts';
import { resultDocumentSchema, type CertificateContent, type ResultDocumentData, type ResultHolder } from './types.ts';

/**
 * A rectangle on a page of the rendered PDF, in PDF points, PDF user space: `x`, `y` are the
 * lower-left corner measured from the lower-left corner of the page (what pdf-lib's
 * `page.drawImage({ x, y, width, height })` and PAdES visible-signature widgets take).
 * `page` is 0-based.
 */
export interface PlacementRect {
  page: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface RenderedResult {
  pdf: Uint8Array;
  /** Where the visible image of the signer's signature goes: centred between the signer's title and name. */
  signatureRect: PlacementRect;
  /** Where the organisation seal image goes, at its real size, over the left third of the signature. */
  sealRect: PlacementRect;
}

export interface RenderResultOptions {
  /** Room between the signer's title and name, in mm; default 30. */
  signatureSpaceMm?: number;
  /** Width of the signature image, in mm; default 50. */
  signatureWidthMm?: number;
  /** Diameter of the seal (its real size), in mm; default 36. */
  sealDiameterMm?: number;
}

// Mirrors of the layout constants of platform/pdf/document.ts (not exported there): the
// page margin, the share of the left column of the signature block, the line leading and
// where a line's baseline sits in its box. `locateSignature` checks the rendered PDF against
// them and fails loudly if the renderer's layout ever changes.
const MARGIN = 20 * MM;
const LEFT_COLUMN = 0.45;
const LEADING = 1.38;
const BASELINE_DROP = 1 + (LEADING - 1.265) / 2;
const FONT_SIZE = 11;

const upper = (s: string) => s.normalize('NFC').toLocaleUpperCase('vi');
const idLabel = (h: ResultHolder) =>
  h.kind === 'individual' ? 'Số định danh cá nhân' : h.kind === 'organisation' ? 'Mã số doanh nghiệp, tổ chức' : 'Mã số định danh';
const para = (text: Extract<Block, { kind: 'paragraph' }>['text'], o: { italic?: boolean } = {}): Block => ({
  kind: 'paragraph',
  text,
  firstLineIndent: 10,
  italic: o.italic,
});

function parse<T>(schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) throw fromZod(r.error, 'data');
  return r.data;
}

function holderFields(h: ResultHolder, label: string): Field[] {
  return [{ label, value: h.name, bold: true }, { label: idLabel(h), value: h.idNumber }, ...(h.address ? [{ label: 'Địa chỉ', value: h.address }] : [])];
}

function certificateBody(d: ResultDocumentData & { content: CertificateContent }): Block[] {
  const c = d.content;
  const verb = d.kind === 'certificate' ? 'CHỨNG NHẬN' : 'CẤP PHÉP';
  const blocks: Block[] = [
    { kind: 'paragraph', text: c.intro ?? `${upper(d.agency.name)} ${verb}:`, bold: true, align: 'left', spaceAfter: 2 * MM },
    {
      kind: 'fields',
      items: [...holderFields(d.holder, c.holderLabel ?? 'Tên tổ chức, cá nhân'), ...c.fields.map((f) => ({ label: f.label, value: f.value }))],
    },
  ];
  if (c.table) {
    if (c.table.caption) blocks.push({ kind: 'paragraph', text: c.table.caption, bold: true, align: 'left' });
    blocks.push({
      kind: 'table',
      columns: c.table.columns.map((col) => ({ header: col.header, width: col.width ?? 1, align: col.align })),
      rows: c.table.rows,
    });
  }
  if (c.validUntil) blocks.push(para([`${d.documentName} có hiệu lực đến hết `, { text: longDate(c.validUntil), bold: true }, '.']));
  for (const n of c.notes ?? []) blocks.push(para(n));
  return blocks;
}

function bodyOf(d: ResultDocumentData): { title: string; subtitle?: string[]; body: Block[] } {
  switch (d.kind) {
    case 'certificate':
    case 'licence':
      return { title: d.documentName, body: certificateBody(d) };
    case 'written_reply':
      return {
        title: d.documentName,
        subtitle: [d.content.subject],
        body: [
          { kind: 'paragraph', text: [{ text: 'Kính gửi: ', italic: true }, d.content.addressee ?? d.holder.name], align: 'center', spaceAfter: 3 * MM },
          ...d.content.paragraphs.map((p) => para(p)),
        ],
      };
    case 'refusal_decision':
      return {
        title: 'Quyết định',
        subtitle: [d.content.subject],
        body: [
          { kind: 'paragraph', text: upper(d.content.authority), bold: true, align: 'center', spaceAfter: 3 * MM },
          ...d.content.legalBasis.map((b) => para(b, { italic: true })),
          ...(d.content.proposal ? [para(d.content.proposal, { italic: true })] : []),
          { kind: 'paragraph', text: 'QUYẾT ĐỊNH:', bold: true, align: 'center', spaceAfter: 2 * MM },
          ...d.content.articles.map((a, i) => para([{ text: `Điều ${i + 1}. `, bold: true }, a])),
        ],
      };
  }
}

/** The spec given to `renderDocument`: exported for tests and previews. */
export function resultSpec(d: ResultDocumentData, spaceMm: number): DocumentSpec {
  const { title, subtitle, body } = bodyOf(d);
  return {
    qr: {
      dossierCode: d.dossierCode,
      procedureCode: d.procedure.code,
      applicantId: d.holder.idNumber,
      documentName: d.documentName,
      extra: { kq: d.resultCode, url: d.verificationUrl },
      caption: [`Mã hồ sơ: ${d.dossierCode}`, `Mã kết quả: ${d.resultCode}`, `Xác thực tại: ${d.verificationUrl}`],
    },
    header: { parentAgencies: d.agency.parent ? [d.agency.parent] : [], agency: d.agency.name, number: d.number, place: d.agency.place, date: d.issuedAt },
    title,
    subtitle,
    body: [
      ...body,
      {
        kind: 'signature',
        // An electronic result has no "(Ký và ghi rõ họ tên)": the signature image fills the gap.
        signer: { title: d.signer.title.replace(/\s*\/\s*/g, '\n'), note: '', name: d.signer.name, space: spaceMm },
        recipients: d.recipients,
      },
    ],
    meta: {
      title: d.documentName,
      subject: `${d.documentName} số ${d.number} — hồ sơ ${d.dossierCode} — ${d.procedure.name}`,
      keywords: [d.dossierCode, d.procedure.code, d.resultCode, d.number, d.holder.idNumber],
    },
    fontSize: FONT_SIZE,
  };
}

interface TextLine {
  y: number;
  size: number;
}

function contentStreams(doc: PDFDocument, contents: PDFObject | undefined): string[] {
  const objs = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
  return objs.map((o) => (o instanceof PDFRawStream ? new TextDecoder('latin1').decode(decodePDFRawStream(o).decode()) : ''));
}

/** The baselines of the text lines of a page, in drawing order (one entry per line, not per string). */
function textLines(doc: PDFDocument, pageIndex: number): TextLine[] {
  const page = doc.getPage(pageIndex);
  const lines: TextLine[] = [];
  for (const s of contentStreams(doc, page.node.Contents())) {
    for (const bt of s.matchAll(/\bBT\b([\s\S]*?)\bET\b/g)) {
      const tf = /([\d.]+)\s+Tf\b/.exec(bt[1]);
      const tm = /(-?[\d.]+)\s+(-?[\d.]+)\s+Tm\b/.exec(bt[1]);
      if (!tf || !tm) continue;
      const l = { y: Number(tm[2]), size: Number(tf[1]) };
      const last = lines[lines.length - 1];
      if (last && Math.abs(last.y - l.y) < 0.01) continue;
      lines.push(l);
    }
  }
  return lines;
}

/**
 * Finds the gap left for the signature in the rendered PDF: the signature block is the last
 * thing drawn on the last page (page numbers aside, which sit in the top margin), its name
 * lines are the last lines, and the gap of `spaceMm` separates them from the signer's title.
 * Returns the gap's bottom (top of the name's first line box) and the page.
 */
async function locateSignature(pdf: Uint8Array, spaceMm: number): Promise<{ page: number; bottom: number; pageWidth: number }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const page = doc.getPageCount() - 1;
  const { width, height } = doc.getPage(page).getSize();
  const lines = textLines(doc, page).filter((l) => l.y < height - MARGIN);
  const fail = (why: string) =>
    new AppError('INTERNAL', { vi: `Không xác định được vị trí chữ ký trên văn bản: ${why}`, en: `Cannot locate the signature block: ${why}` });
  if (lines.length < 2) throw fail('too few lines');
  let i = lines.length - 1;
  const step = (a: TextLine, b: TextLine) => a.y - b.y;
  while (i > 0 && Math.abs(step(lines[i - 1], lines[i]) - lines[i].size * LEADING) < 0.05) i--;
  const name = lines[i];
  const title = lines[i - 1];
  if (!title || Math.abs(step(title, name) - (name.size * LEADING + spaceMm * MM)) > 0.05) throw fail('the gap under the title is not where expected');
  return { page, bottom: name.y + name.size * BASELINE_DROP, pageWidth: width };
}

const round = (r: PlacementRect): PlacementRect => ({ page: r.page, x: +r.x.toFixed(2), y: +r.y.toFixed(2), w: +r.w.toFixed(2), h: +r.h.toFixed(2) });

/**
 * Renders a result document (A4, Decree 30/2020 layout) and tells where its visible
 * signature and seal images go (Decree 30/2020, Appendix I: the signature image centred
 * between the signer's title and name; the seal at its real size over about a third of the
 * signature, on its left).
 */
export async function renderResult(input: ResultDocumentData, o: RenderResultOptions = {}): Promise<RenderedResult> {
  const d = parse(resultDocumentSchema, input);
  const spaceMm = o.signatureSpaceMm ?? 30;
  const pdf = await renderDocument(resultSpec(d, spaceMm));
  const at = await locateSignature(pdf, spaceMm);

  const textWidth = at.pageWidth - 2 * MARGIN;
  const colLeft = MARGIN + textWidth * LEFT_COLUMN;
  const colCentre = colLeft + (textWidth * (1 - LEFT_COLUMN)) / 2;
  const sw = (o.signatureWidthMm ?? 50) * MM;
  const sh = spaceMm * MM;
  const signatureRect: PlacementRect = { page: at.page, x: colCentre - sw / 2, y: at.bottom, w: sw, h: sh };
  const seal = (o.sealDiameterMm ?? 36) * MM;
  const sealRect: PlacementRect = { page: at.page, x: signatureRect.x + sw / 3 - seal, y: at.bottom + sh / 2 - seal / 2, w: seal, h: seal };
  return { pdf, signatureRect: round(signatureRect), sealRect: round(sealRect) };
}
