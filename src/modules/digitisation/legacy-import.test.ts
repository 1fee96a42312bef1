import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, issueToken, startTestApp, until, type TestApp } from '../../../test/helpers.ts';
import { describeWithTool } from '../../../test/tools.ts';
import { scannedVietnamesePage } from '../../platform/ocr/testing.ts';
import { findCitizen } from '../identity/find-citizen.ts';
import type { MyResult } from '../results/repository.ts';
import type { PublicResult } from '../results/schemas.ts';
import { registerDigitisationWorkers } from './ocr-worker.ts';
import { registerLegacyWorkers, type LegacyBatchView } from './import-legacy-results.ts';
import type { CampaignView } from './campaign.ts';
import { makeZip } from '../../platform/blobs/testing/fixtures.ts';

const UNIT = '000.05.04.G12';
let t: TestApp;
let clerk: string;
let reader: string; // an auditor of the unit: reads, may not import

/** Holders: three demo citizens and a demo business (accounts exist), and one who never signed in. */
const HOLDERS = [
  { id: '001089012345', name: 'Trần Văn Minh' },
  { id: '079194006789', name: 'Nguyễn Thị Thanh Hà' },
  { id: '048201004512', name: 'Lê Hoàng Nam' },
  { id: '0101234567', name: 'Công ty TNHH Thương mại Sao Việt' },
  { id: '001190000001', name: 'Đỗ Thị Lan' },
];

async function post(token: string, files: { name: string; bytes: Uint8Array }[], fields: Record<string, string> = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append('file', new Blob([new Uint8Array(f.bytes)]), f.name);
  const r = await fetch(`${t.base}/api/v1/digitisation/legacy-batches`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd });
  return { status: r.status, body: (await r.json()) as LegacyBatchView & { error: { code: string; details?: { path: string }[] } } };
}

const finished = (id: string) =>
  until(
    `batch ${id} done`,
    async () => {
      const b = (await api<LegacyBatchView>(t, 'GET', `/api/v1/digitisation/legacy-batches/${id}`, { token: clerk })).body;
      return b.status === 'done' && b;
    },
    400_000,
  );

/** A tiny scanned page (100 dpi PNG): recognition stays quick. */
const page = (i: number) => scannedVietnamesePage({ lines: ['GIẤY PHÉP KINH DOANH', `Số ${i}/GP-SCT`, 'Sở Công Thương'], dpi: 100, skewDeg: 0.5, seed: i });

describeWithTool(['ocrmypdf', 'pdftoppm'], 'results issued before the system', () => {
  beforeAll(async () => {
    t = await startTestApp();
    // Two scans read at a time, as two worker nodes would (ocrmypdf runs with one job each).
    await registerDigitisationWorkers(t.ctx);
    await registerDigitisationWorkers(t.ctx);
    await registerLegacyWorkers(t.ctx);
    clerk = await issueToken(t.ctx, { kind: 'staff', id: randomUUID(), username: 'vanthu.cu', name: 'Văn thư', roles: [{ role: 'clerk', unitId: UNIT }] });
    reader = await issueToken(t.ctx, { kind: 'staff', id: randomUUID(), username: 'kiemtra.cu', name: 'Kiểm tra', roles: [{ role: 'auditor', unitId: UNIT }] });
  }, 600_000);
  afterAll(async () => t?.close());

  const codes = new Map<string, string[]>(); // holder identifier → result codes

  it('turns a ZIP of 20 scans with its CSV into 20 registered digitised results; a row of an unknown holder and one with a bad date are reported by line', async () => {
    const scans = await Promise.all(Array.from({ length: 20 }, (_, i) => page(i + 1)));
    const header =
      'Tệp / File,Số định danh / Holder identifier,Người được cấp,Tên giấy tờ,Loại giấy tờ,Số,Ký hiệu,Cơ quan ban hành,Ngày ban hành,Có giá trị đến';
    const lines = [header];
    for (let i = 1; i <= 20; i++) {
      const h = HOLDERS[(i - 1) % HOLDERS.length];
      // Rows 16–20 give no document type: registered, their metadata left for an officer to confirm.
      const type = i <= 15 ? 'giấy phép' : '';
      // Row 20 expired in 2020: digitised, but no longer a result in force.
      const until = i === 20 ? '01/01/2020' : i % 2 ? '' : '31/12/2030';
      lines.push(`scan-${i}.png,${h.id},${h.name},Giấy phép kinh doanh số ${i},${type},${i},GP-SCT,Sở Công Thương,0${(i % 9) + 1}/03/2015,${until}`);
      // Line 5 (after row 3) an unknown holder, line 12 (after row 9) a date that does not exist.
      if (i === 3) lines.push('scan-1.png,999123456789,Không Ai,Giấy phép,giấy phép,1,GP,Sở Công Thương,01/03/2015,');
      if (i === 9) lines.push('scan-2.png,001089012345,Trần Văn Minh,Giấy phép,giấy phép,2,GP,Sở Công Thương,30/02/2015,');
    }
    const zip = makeZip([
      ...scans.map((bytes, i) => ({ name: `lo-2015/scan-${i + 1}.png`, data: Buffer.from(bytes), method: 0 as const })),
      { name: 'lo-2015/danh-sach.csv', data: `\uFEFF${lines.join('\r\n')}\r\n` },
    ]);

    expect((await post(reader, [{ name: 'lo.zip', bytes: zip }])).status).toBe(403);
    const r = await post(clerk, [{ name: 'lo.zip', bytes: zip }]);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ unitId: UNIT, source: 'zip', total: 22, counts: { rejected: 2, ocr: 20, done: 0, failed: 0 } });
    const rejected = r.body.rows.filter((x) => x.status === 'rejected');
    expect(rejected.map((x) => [x.line, x.problems.map((p) => p.field)])).toEqual([
      [5, ['holderIdentifier']],
      [12, ['issueDate']],
    ]);
    expect(rejected[1].problems[0].vi).toContain('30/02/2015');

    const done = await finished(r.body.id);
    expect(done.counts).toEqual({ rejected: 2, ocr: 0, done: 20, failed: 0 });
    expect(done.progress).toBe(1);
    // The officials of the unit follow it; nobody else learns it exists.
    expect((await api(t, 'GET', `/api/v1/digitisation/legacy-batches/${r.body.id}`, { token: reader })).status).toBe(200);
    const other = await issueToken(t.ctx, {
      kind: 'staff',
      id: randomUUID(),
      username: 'vanthu.khac',
      name: 'Khác',
      roles: [{ role: 'clerk', unitId: '000.05.01.G12' }],
    });
    expect((await api(t, 'GET', `/api/v1/digitisation/legacy-batches/${r.body.id}`, { token: other })).status).toBe(404);

    const registered = done.rows.filter((x) => x.status === 'done');
    expect(registered.map((x) => x.confirmed)).toEqual([...Array(15).fill(true), ...Array(5).fill(false)]);
    for (const [i, row] of registered.entries()) {
      expect(row.resultCode).toMatch(/^000\.05\.04\.G12-KQ\d{2}-\d{6}$/);
      expect(row.itemCode).toMatch(/^000\.05\.04\.G12\.SH\.\d{4}\.\d{6}$/);
      const h = HOLDERS[i % HOLDERS.length];
      codes.set(h.id, [...(codes.get(h.id) ?? []), row.resultCode!]);
    }
    expect(new Set(registered.map((x) => x.resultCode)).size).toBe(20);

    // In each holder's repository, as a digitised copy with no dossier: 4 each.
    for (const h of HOLDERS) {
      const account = (await findCitizen(t.ctx, h.id)) ?? randomUUID();
      const token = await issueToken(t.ctx, {
        kind: 'citizen',
        id: account,
        name: h.name,
        identifier: h.id,
        citizenKind: h.id.length === 10 ? 'business' : 'citizen',
      });
      const mine = (await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token })).body.filter((x) => x.digitisedCopy);
      expect(mine.map((x) => x.resultCode).sort()).toEqual([...codes.get(h.id)!].sort());
      expect(mine[0]).toMatchObject({ dossierCode: null, procedureCode: null, issuer: 'Sở Công Thương', status: 'valid' });
      // The file is the searchable PDF of the scan.
      const pdf = await fetch(`${t.base}/api/v1/results/${mine[0].resultCode}/pdf`, { headers: { authorization: `Bearer ${token}` } });
      const bytes = new Uint8Array(await pdf.arrayBuffer());
      expect([pdf.status, bytes.byteLength > 1000]).toEqual([200, true]);
      // Anyone checking the file learns it is the registered digitised copy, not a signed original.
      if (h === HOLDERS[0]) {
        const v = await fetch(`${t.base}/api/v1/public/results/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: bytes });
        expect(await v.json()).toMatchObject({ registered: true, signaturesIntact: false, result: { resultCode: mine[0].resultCode, digitisedCopy: true } });
      }
    }
    const stranger = await issueToken(t.ctx, { kind: 'citizen', id: randomUUID(), name: 'Người lạ', identifier: '001095000009', citizenKind: 'citizen' });
    expect((await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token: stranger })).body).toEqual([]);

    // Public verification says what it is: a digitised copy of a paper result, with the paper's dates.
    const first = registered[0].resultCode!;
    const pub = await api<PublicResult>(t, 'GET', `/api/v1/public/results/${first}`);
    expect(pub.body).toMatchObject({
      resultCode: first,
      status: 'valid',
      kind: 'legacy',
      digitisedCopy: true,
      issuerUnit: UNIT,
      issuer: 'Sở Công Thương',
      procedureCode: null,
      number: '1/GP-SCT',
      originalIssueDate: '2015-03-02',
      validUntil: null,
    });
    const html = await (await fetch(`${t.base}/verify/${first}`)).text();
    expect(html).toContain('id="digitised-copy"');
    expect(html).toContain('02/03/2015');
  }, 450_000);

  it('imports a folder (the scans with the CSV in one form) and one scan with its fields; a bad field of a single scan is a 400', async () => {
    const csv =
      'file,holder identifier,holder name,document name,document type,issuing agency,issue date\nmot.png,001089012345,Trần Văn Minh,Quyết định,quyết định,UBND,2016-05-01\nthieu.png,001089012345,Trần Văn Minh,Quyết định,,,2016-05-01\n';
    const r = await post(clerk, [
      { name: 'mot.png', bytes: await page(21) },
      { name: 'danh-sach.csv', bytes: new TextEncoder().encode(csv) },
    ]);
    expect(r.status).toBe(202);
    expect(r.body.source).toBe('folder');
    expect(r.body.rows.map((x) => [x.line, x.status, x.problems.map((p) => p.field)])).toEqual([
      [2, 'ocr', []],
      [3, 'rejected', ['file']],
    ]);
    const bad = await post(clerk, [{ name: 'mot.png', bytes: await page(22) }], {
      holderIdentifier: '001089012345',
      documentName: 'Giấy phép',
      issueDate: '2016-13-01',
    });
    expect([bad.status, bad.body.error.code, bad.body.error.details?.map((d) => d.path)]).toEqual([400, 'VALIDATION_FAILED', ['issueDate']]);
    expect((await finished(r.body.id)).counts).toEqual({ rejected: 1, ocr: 0, done: 1, failed: 0 });
  }, 200_000);

  it('shows the campaign per unit against the deadline, with a chart, a table and an XLSX export', async () => {
    const c = await api<CampaignView>(t, 'GET', '/api/v1/digitisation/campaign', { token: clerk });
    expect(c.status).toBe(200);
    // 20 + 1 registered, one of them expired in 2020: 20 in force; 15 + 1 confirmed by their complete CSV rows.
    expect(c.body.units).toEqual([
      { unitId: UNIT, name: expect.any(String), nameEn: expect.anything(), known: 20, digitised: 20, confirmed: 16, progress: 1, confirmedProgress: 0.8 },
    ]);
    expect(c.body.deadline).toBe(`${c.body.today.slice(0, 4)}-12-31`);
    expect(c.body.deadlineSet).toBe(false);

    const admin = await issueToken(t.ctx, {
      kind: 'staff',
      id: randomUUID(),
      username: 'quantri.cu',
      name: 'Quản trị',
      roles: [{ role: 'administrator', unitId: UNIT }],
    });
    expect((await api(t, 'PUT', '/api/v1/digitisation/campaign/deadline', { token: clerk, body: { deadline: '2030-06-30' } })).status).toBe(403);
    expect((await api(t, 'PUT', '/api/v1/digitisation/campaign/deadline', { token: admin, body: { deadline: '2030-06-30' } })).status).toBe(200);
    expect((await api<CampaignView>(t, 'GET', '/api/v1/digitisation/campaign', { token: reader })).body).toMatchObject({
      deadline: '2030-06-30',
      deadlineSet: true,
    });

    const x = await fetch(`${t.base}/api/v1/digitisation/campaign.xlsx`, { headers: { authorization: `Bearer ${clerk}` } });
    expect(x.headers.get('content-type')).toContain('spreadsheetml');
    const bytes = new Uint8Array(await x.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]);
    // The page: a progress bar per unit, the chart as an image (drawn without script) and its table.
    const html = await (await fetch(`${t.base}/can-bo/so-hoa/chien-dich`, { headers: { authorization: `Bearer ${clerk}` } })).text();
    expect(html).toContain(`data-unit="${UNIT}"`);
    expect(html).toContain('<progress max="1000" value="1000"');
    expect(html).toContain('src="/can-bo/so-hoa/chien-dich/bieu-do.svg?lang=vi"');
    expect(html).toContain('30/06/2030');
    const svg = await fetch(`${t.base}/can-bo/so-hoa/chien-dich/bieu-do.svg`, { headers: { authorization: `Bearer ${clerk}` } });
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    const text = await svg.text();
    expect([text.startsWith('<svg'), / style="/.test(text)]).toEqual([true, false]);
    // The export is a workbook the upload checks accept as XLSX.
    const { inspectUpload } = await import('../../platform/blobs/inspect.ts');
    expect(inspectUpload(bytes, 'chien-dich.xlsx').kind).toBe('xlsx');
    // Read back by a spreadsheet library: the title, the header, this unit's row with numbers as numbers, and the total.
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer as never);
    const ws = wb.worksheets[0];
    const rows = ws.getSheetValues().filter(Boolean) as unknown[][];
    expect(String(rows[0][1])).toContain('30/06/2030');
    expect(rows[1].slice(1)).toEqual(['Mã đơn vị', 'Đơn vị', 'Kết quả còn hiệu lực', 'Đã số hóa', 'Đã xác nhận', 'Tỷ lệ số hóa (%)']);
    const view = (await api<CampaignView>(t, 'GET', '/api/v1/digitisation/campaign', { token: reader })).body;
    const mine = view.units.find((u) => u.unitId === UNIT)!;
    const row = rows.find((r) => r[1] === UNIT)!;
    expect(row.slice(3, 7)).toEqual([mine.known, mine.digitised, mine.confirmed, Math.round(mine.progress * 1000) / 10]);
    expect(rows.at(-1)!.slice(1, 6)).toEqual(['Tổng', '', view.totals.known, view.totals.digitised, view.totals.confirmed]);
  }, 300_000);
});
