import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Principal } from '../src/platform/auth/roles.ts';
import { api, login, type TestApp } from './helpers.ts';
import { requireTool } from './tools.ts';

/** A procedure for tests: one required component, a two-field e-form, the demo units' workflow. */
export const TEST_PROCEDURE = {
  code: '9.100001',
  name: 'Thủ tục thử nghiệm cấp giấy xác nhận',
  executionMethods: [
    { submissionMethod: 'ONLINE', processingTime: 10, processingTimeUnit: 'WORKING_DAY', fees: [{ type: 'FEE', value: 100000 }] },
    { submissionMethod: 'DIRECT', processingTime: 10, processingTimeUnit: 'WORKING_DAY', fees: [{ type: 'FEE', value: 100000 }] },
    { submissionMethod: 'POSTAL', processingTime: 10, processingTimeUnit: 'WORKING_DAY', fees: [{ type: 'FEE', value: 100000 }] },
  ],
  executionCases: [
    {
      name: '',
      profileComponents: [
        { code: 'T-01', name: 'Đơn đề nghị', originalQty: 1, copyQty: 0, required: true, hasElectronicForm: true },
        // Its name asks for the kind of document the procedure issues (resultType), so a result of it can be reused there.
        {
          code: 'T-02',
          name: 'Giấy tờ khác: Giấy xác nhận thử nghiệm đã được cấp (nếu có)',
          originalQty: 0,
          copyQty: 1,
          required: false,
          hasElectronicForm: false,
        },
      ],
    },
  ],
  executionSteps: [],
  congso: {
    field: 'Thử nghiệm',
    agencyCode: '000.05.01.G12',
    level: 'full',
    effectiveFrom: '2025-01-01',
    resultType: 'Giấy xác nhận thử nghiệm',
    eForm: {
      type: 'object',
      required: ['tenDoanhNghiep', 'maSoThue'],
      properties: {
        tenDoanhNghiep: { type: 'string', title: 'Tên doanh nghiệp', 'x-title-en': 'Company name', minLength: 1, maxLength: 200 },
        maSoThue: {
          type: 'string',
          title: 'Mã số thuế',
          'x-title-en': 'Tax code',
          pattern: '^[0-9]{10}$',
          description: '10 chữ số',
          'x-description-en': '10 digits',
          examples: ['0101234567'],
        },
      },
    },
    workflow: [
      { step: 'receive', name: 'Tiếp nhận', role: 'receiving_officer', unit: '000.05.01.G12', workingDays: 0.5 },
      { step: 'assign', name: 'Phân công', role: 'unit_leader', unit: '000.05.01.G12', workingDays: 0.5 },
      { step: 'examine', name: 'Thẩm định', role: 'specialist', unit: '000.05.01.G12', workingDays: 5 },
      { step: 'approve', name: 'Phê duyệt', role: 'signing_leader', unit: '000.05.00.G12', workingDays: 2 },
      { step: 'return', name: 'Trả kết quả', role: 'receiving_officer', unit: '000.05.01.G12', workingDays: 0 },
    ],
  },
};
/** The same without a required component, for load tests that file without files. */
export const LIGHT_PROCEDURE = {
  ...TEST_PROCEDURE,
  code: '9.100002',
  executionCases: [{ name: '', profileComponents: [{ ...TEST_PROCEDURE.executionCases[0].profileComponents[0], required: false }] }],
};

export const FORM = { tenDoanhNghiep: 'Công ty TNHH Thử Nghiệm', maSoThue: '0101234567' };

/**
 * A procedure that charges at filing online: a phí of 1.000.000 đồng per point of sale (an
 * e-form field), waived for poor households and halved for people with disabilities, and a lệ
 * phí of 5.000 đồng; one point of sale owes 1.005.000 đồng ("Một triệu không trăm linh năm
 * nghìn đồng"). A lệ phí of 200.000 đồng is collected on the officer's request. At the counter
 * and by post the same fees are collected at the desk.
 */
const FEES_AT_FILING = [
  {
    type: 'CHARGE',
    value: 1_000_000,
    description: 'Phí thẩm định điều kiện kinh doanh: 1.000.000 đồng/điểm kinh doanh',
    code: 'PHI-TD',
    per: { field: 'soDiemBan', label: 'số điểm kinh doanh' },
    reductions: [
      { category: 'ho-ngheo', label: 'Hộ nghèo', labelEn: 'Poor household', percent: 100 },
      { category: 'khuyet-tat', label: 'Người khuyết tật', labelEn: 'Person with a disability', percent: 50 },
    ],
    dueAt: 'filing',
  },
  { type: 'FEE', value: 5_000, description: 'Lệ phí tiếp nhận hồ sơ', code: 'LP-TN', dueAt: 'filing' },
  { type: 'FEE', value: 200_000, description: 'Lệ phí cấp giấy phép', code: 'LP-CAP', dueAt: 'request' },
];
export const FEE_PROCEDURE = {
  ...LIGHT_PROCEDURE,
  code: '9.100003',
  name: 'Thủ tục thử nghiệm có thu phí khi nộp hồ sơ',
  executionMethods: (['ONLINE', 'DIRECT', 'POSTAL'] as const).map((m) => ({
    submissionMethod: m,
    processingTime: 10,
    processingTimeUnit: 'WORKING_DAY',
    fees: FEES_AT_FILING,
  })),
  congso: {
    ...LIGHT_PROCEDURE.congso,
    eForm: {
      ...LIGHT_PROCEDURE.congso.eForm,
      required: [...LIGHT_PROCEDURE.congso.eForm.required, 'soDiemBan'],
      properties: {
        ...LIGHT_PROCEDURE.congso.eForm.properties,
        soDiemBan: { type: 'integer', title: 'Số điểm kinh doanh', 'x-title-en': 'Points of sale', minimum: 0, maximum: 1000 },
      },
    },
  },
};
export const FEE_FORM = { ...FORM, soDiemBan: 1 };

export async function importFeeProcedure(t: TestApp) {
  const admin = await login(t, 'admin');
  const r = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [FEE_PROCEDURE] });
  if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
}

/**
 * A procedure whose e-form is the demo's certificate-of-origin form (2.001270: a country code
 * list, a goods table of 1–50 rows, dates, patterns with their descriptions), with components
 * a repository document may or may not fit, in the test units' workflow.
 */
const CO_DEMO = JSON.parse(readFileSync(new URL('../demo/procedures/2.001270.json', import.meta.url), 'utf8'));
export const TABLE_PROCEDURE = {
  ...TEST_PROCEDURE,
  code: '9.100003',
  name: 'Thủ tục thử nghiệm có bảng kê hàng hóa',
  executionCases: [
    {
      name: '',
      profileComponents: [
        { code: 'HD-01', name: 'Hóa đơn thương mại', originalQty: 0, copyQty: 1, required: false, hasElectronicForm: false },
        {
          code: 'AT-01',
          name: 'Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (nếu có)',
          originalQty: 0,
          copyQty: 1,
          required: false,
          hasElectronicForm: false,
        },
      ],
    },
  ],
  congso: { ...TEST_PROCEDURE.congso, resultType: 'Giấy chứng nhận xuất xứ hàng hóa mẫu D', eForm: CO_DEMO.congso.eForm },
};
/** A valid answer to TABLE_PROCEDURE's e-form. */
export const TABLE_FORM = {
  tenDoanhNghiep: 'Công ty TNHH Cà phê Tây Nguyên',
  maSoThue: '0101234567',
  diaChi: '12 Lê Duẩn, Buôn Ma Thuột',
  nuocNhapKhau: 'TH',
  soHoaDon: 'HD-2025-001',
  ngayHoaDon: '2025-03-05',
  hangHoa: [{ moTa: 'Cà phê nhân', maHS: '09011110', soLuong: 12000, donViTinh: 'kg', tieuChiXuatXu: 'WO' }],
};

export async function importTableProcedure(t: TestApp) {
  const r = await api(t, 'POST', '/api/v1/procedures/import', { token: await login(t, 'admin'), body: [TABLE_PROCEDURE] });
  if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function importTestProcedures(t: TestApp) {
  const admin = await login(t, 'admin');
  const r = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [TEST_PROCEDURE, LIGHT_PROCEDURE] });
  if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function citizenToken(t: TestApp, id: string, name = 'Trần Văn Minh', identifier = '001089012345') {
  const p: Principal = { kind: 'citizen', id, name, identifier, citizenKind: 'citizen' };
  return t.ctx.tokens.issue(p);
}

let pdfBytes: Uint8Array | undefined;
export async function samplePdf(): Promise<Uint8Array> {
  if (!pdfBytes) {
    const doc = await PDFDocument.create();
    doc.addPage([200, 200]).drawText('Don de nghi');
    pdfBytes = await doc.save();
  }
  return pdfBytes;
}

/** Uploads a small real PDF as the caller and returns its upload id. */
export async function uploadPdf(t: TestApp, token: string, name = 'don-de-nghi.pdf'): Promise<string> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(await samplePdf())], { type: 'application/pdf' }), name);
  const r = await fetch(`${t.base}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd });
  if (r.status !== 201) throw new Error(`upload: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { id: string }).id;
}

export interface View {
  code: string;
  version: number;
  status: string;
  nationalStatus: number;
  dueDate: string | null;
  allowedActions: string[];
  assignee: string | null;
  handlingUnit: string;
  components: { code: string | null; supplemented: boolean; reused: boolean }[];
}

export async function fileOnline(t: TestApp, token: string, opts: { procedure?: string; key?: string; form?: Record<string, unknown> } = {}) {
  const upload = opts.procedure === LIGHT_PROCEDURE.code ? [] : [{ code: 'T-01', uploadId: await uploadPdf(t, token) }];
  return api<View & { error?: { code: string; details?: { path: string }[] } }>(t, 'POST', '/api/v1/dossiers', {
    token,
    headers: opts.key ? { 'idempotency-key': opts.key } : {},
    body: { procedureCode: opts.procedure ?? TEST_PROCEDURE.code, channel: 2, form: opts.form ?? FORM, components: upload },
  });
}

/** The dossier's version as `token` reads it; 1 for a caller who cannot see it (the action then answers 404 either way). */
export async function versionOf(t: TestApp, token: string, code: string): Promise<number> {
  const r = await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token });
  return r.status === 200 ? r.body.version : 1;
}

export type ActReply = View & { error?: { code: string; message: string; messageEn: string; details?: { path: string; message: string }[] } };

/** Takes an action as a client does: naming the version it read just before, unless the body names one. */
export async function act(t: TestApp, token: string, code: string, body: Record<string, unknown>) {
  const version = 'version' in body ? body.version : await versionOf(t, token, code);
  return api<ActReply>(t, 'POST', `/api/v1/dossiers/${code}/actions`, { token, body: { ...body, version } });
}

/** The people who take a dossier through the workflow of TEST_PROCEDURE, signed in. */
export interface Crew {
  citizen: string;
  receiving: string;
  leader: string;
  specialist: string;
  signer: string;
}

export async function signInCrew(t: TestApp, citizenId = '50000000-0000-4000-8000-000000000001'): Promise<Crew> {
  return {
    citizen: await citizenToken(t, citizenId),
    receiving: await login(t, 'tiepnhan.xnk'),
    leader: await login(t, 'lanhdao'),
    specialist: await login(t, 'chuyenvien'),
    signer: await login(t, 'ky'),
  };
}

/** Files a dossier online and walks it to approval: receive, assign, propose, approve. */
/** A dossier filed online by the crew's citizen and received at the desk. */
export async function fileAndReceive(t: TestApp, crew: Crew): Promise<string> {
  const code = (await fileOnline(t, crew.citizen)).body.code;
  await act(t, crew.receiving, code, { action: 'receive' });
  return code;
}

export async function fileAndApprove(t: TestApp, crew: Crew): Promise<string> {
  const { body } = await fileOnline(t, crew.citizen);
  for (const [who, b] of [
    ['receiving', { action: 'receive' }],
    ['leader', { action: 'assign', assignee: 'chuyenvien' }],
    ['specialist', { action: 'propose' }],
    ['signer', { action: 'approve' }],
  ] as const) {
    const r = await act(t, crew[who], body.code, b);
    if (r.status !== 200) throw new Error(`${b.action}: ${JSON.stringify(r.body)}`);
  }
  return body.code;
}

/** What poppler's pdfsig says of a PDF (it exits non-zero for the demo's untrusted test CA, so its output is read either way). */
export function pdfsigReport(pdf: Uint8Array): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-pdfsig-'));
  try {
    const file = path.join(dir, 'signed.pdf');
    writeFileSync(file, pdf);
    try {
      return execFileSync(requireTool('pdfsig'), [file], { encoding: 'utf8' });
    } catch (e) {
      const out = (e as { stdout?: string }).stdout;
      if (typeof out !== 'string') throw e;
      return out;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
