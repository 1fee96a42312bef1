import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { STAFF_ROLE_LIST, SERVICE_SCOPES, type Principal, type StaffRole } from '../../src/platform/auth/roles.ts';
import { saveDraft } from '../../src/modules/dossiers/drafts.ts';
import { createScan } from '../../src/modules/digitisation/create-scan.ts';
import { recordDigitisedItem } from '../../src/modules/digitisation/record-digitised-item.ts';
import { importLegacyResults } from '../../src/modules/digitisation/import-legacy-results.ts';
import { makePng } from '../../src/platform/blobs/testing/fixtures.ts';
import { vietnamDay } from '../../src/platform/i18n/index.ts';
import { payAt } from '../../src/modules/payments/testing/fixtures.ts';
import { indexDocument } from '../../src/modules/documents/search/index-document.ts';
import { createFile } from '../../src/modules/documents/files/create-file.ts';
import { changeFile } from '../../src/modules/documents/files/change-file.ts';
import { createOutgoing } from '../../src/modules/documents/outgoing/create-outgoing.ts';
import { createIncomingDocument } from '../../src/modules/documents/incoming/create-incoming-document.ts';
import { api, issueToken, type TestApp } from '../helpers.ts';
import { TEST_PROCEDURE, uploadPdf } from '../dossier-fixtures.ts';

/**
 * The objects the security tests act on: two "sides", each a procedure whose every step is
 * in one unit, a citizen who filed a dossier there (with an uploaded file), the dossier
 * walked to a signed and returned result (on the way, the specialist requested its lệ phí and
 * the citizen paid it online through the payment platform's simulator: a settled payment with
 * its receipt), a share link, a notification, a filing draft, a scan of the dossier's paper
 * component T-01 made into a digitised item (held by the citizen), a batch of old results
 * imported by the unit's clerk (one result of the citizen's, its scan not yet read), and a
 * reconciliation mismatch about the side's payment (the statement planted with another amount),
 * resolved by a finance officer of the unit.
 * `own` is in unit X (000.05.01.G12) and belongs to citizen A; `other` is in unit Y
 * (000.05.02.G12) and belongs to citizen B. The principals under test are citizen A and
 * officials of unit X: `own` is theirs, `other` is not.
 */
export const UNIT_X = '000.05.01.G12';
export const UNIT_Y = '000.05.02.G12';

export interface Side {
  unit: string;
  procedure: string;
  citizen: Extract<Principal, { kind: 'citizen' }>;
  citizenToken: string;
  dossier: string;
  result: string;
  upload: string;
  notification: string;
  shareToken: string;
  /** A finished scan of the dossier's component T-01, made by the side's desk. */
  scan: string;
  /** The digitised item made of that scan: the unit's, and in the citizen's repository. */
  item: string;
  /** An import batch of old results, the unit's. */
  legacyBatch: string;
  /** A work file of the unit's, holding one indexed document (issue 18). */
  documentFile: string;
  /** An outgoing document drafted in the unit (issue 18 item 1), to be signed by the demo's signing leader above both units. */
  outgoingDocument: string;
  /** An e-mailed document the unit's clerk recorded as incoming (issue 18 item 2). */
  incomingDocument: string;
  /** The dossier's settled online payment (its id), with its receipt. */
  payment: string;
  /** That payment's MaThamChieu, as the payment platform knows it. */
  reference: string;
  /** The token of that payment's page on the payment platform's simulator. */
  payToken: string;
  /** A reconciliation mismatch about that payment: the unit's, already resolved. */
  mismatch: string;
  /** Real demo specialist assigned to the dossier (and the staff record :username routes use). */
  specialist: string;
  /** Text that only this side's owner and officials may ever see: personal data and form answers. */
  secrets: string[];
  /** What only the owner's own filing draft contains. */
  draftSecret: string;
}

/** Who calls: anonymous, a citizen, one principal per staff role (in unit X), one per service scope. */
export type Caller = 'anonymous' | 'citizen' | StaffRole | `scope:${keyof typeof SERVICE_SCOPES}`;
export const CALLERS: Caller[] = ['anonymous', 'citizen', ...STAFF_ROLE_LIST, ...(Object.keys(SERVICE_SCOPES).map((s) => `scope:${s}`) as Caller[])];

export interface World {
  own: Side;
  other: Side;
  /** Bearer tokens by caller (none for anonymous). */
  tokens: Map<Caller, string>;
  principals: Map<Caller, Principal | null>;
  /** Re-creates both citizens' drafts as the world made them (draft routes may change them). */
  resetDrafts(): Promise<void>;
  /** The Vietnam day the payments were made and reconciled (YYYY-MM-DD). */
  day: string;
}

export const procedureFor = (code: string, unit: string, name: string) => ({
  ...TEST_PROCEDURE,
  code,
  name,
  congso: {
    ...TEST_PROCEDURE.congso,
    agencyCode: unit,
    eForm: {
      type: 'object',
      required: ['tenDoanhNghiep', 'maSoThue'],
      properties: {
        tenDoanhNghiep: { type: 'string', title: 'Tên doanh nghiệp', minLength: 1, maxLength: 200 },
        maSoThue: { type: 'string', title: 'Mã số thuế', pattern: '^[0-9]{10}$' },
        diaChi: { type: 'string', title: 'Địa chỉ', maxLength: 500 },
        ghiChu: { type: 'string', title: 'Ghi chú', maxLength: 2000, 'x-ui': { widget: 'textarea' } },
        website: { type: 'string', title: 'Trang web', maxLength: 300 },
        soLuong: { type: 'integer', title: 'Số lượng', minimum: 0, maximum: 1000000 },
        ngayCap: { type: 'string', title: 'Ngày cấp', format: 'date' },
        email: { type: 'string', title: 'Thư điện tử', format: 'email' },
      },
    },
    workflow: [
      { step: 'receive', name: 'Tiếp nhận', role: 'receiving_officer', unit, workingDays: 0.5 },
      { step: 'assign', name: 'Phân công', role: 'unit_leader', unit, workingDays: 0.5 },
      { step: 'examine', name: 'Thẩm định', role: 'specialist', unit, workingDays: 5 },
      { step: 'approve', name: 'Phê duyệt', role: 'signing_leader', unit, workingDays: 2 },
      { step: 'return', name: 'Trả kết quả', role: 'receiving_officer', unit, workingDays: 0 },
    ],
  },
});

export const PROC_X = '9.190001';
export const PROC_Y = '9.190002';

function staffPrincipal(role: StaffRole, unit: string, who?: { id: string; username: string; name: string }): Principal {
  return {
    kind: 'staff',
    id: who?.id ?? randomUUID(),
    username: who?.username ?? `sec.${role}.${unit}`,
    name: who?.name ?? `Cán bộ thử ${role}`,
    roles: [{ role, unitId: unit }],
  };
}

async function realStaff(t: TestApp, username: string) {
  const r = await t.ctx.database.db.selectFrom('staff').select(['id', 'username', 'full_name']).where('username', '=', username).executeTakeFirstOrThrow();
  return { id: r.id, username: r.username, name: r.full_name };
}

const must = <T extends { status: number; body: unknown }>(what: string, r: T, ok = [200, 201]): T => {
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
  return r;
};

/** Files a dossier for one side and walks it to a signed, returned result. */
async function buildSide(
  t: TestApp,
  side: 'A' | 'B',
  unit: string,
  procedure: string,
  specialistName: string,
): Promise<Side & { staff: Record<string, string> }> {
  const tag = side === 'A' ? 'alpha' : 'beta';
  const citizen: Side['citizen'] = {
    kind: 'citizen',
    id: randomUUID(),
    name: `Trần Văn ${tag}secretname`,
    identifier: side === 'A' ? '079100000011' : '079200000022',
    citizenKind: 'citizen',
  };
  const citizenToken = await issueToken(t.ctx, citizen);
  const sp = await realStaff(t, specialistName);
  const receiving = staffPrincipal('receiving_officer', unit);
  const staff = {
    receiving: await issueToken(t.ctx, receiving),
    leader: await issueToken(t.ctx, staffPrincipal('unit_leader', unit)),
    specialist: await issueToken(t.ctx, staffPrincipal('specialist', unit, sp)),
    signer: await issueToken(t.ctx, staffPrincipal('signing_leader', unit)),
  };
  const upload = await uploadPdf(t, citizenToken, `${tag}-don.pdf`);
  const form = { tenDoanhNghiep: `Công ty ${tag}secretform`, maSoThue: side === 'A' ? '0101111111' : '0102222222', diaChi: `Số 1 phố ${tag}secretaddress` };
  const filed = must(
    `file ${side}`,
    await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
      token: citizenToken,
      body: {
        procedureCode: procedure,
        channel: 2,
        form,
        applicant: { name: citizen.name, identifier: citizen.identifier, email: `${tag}secretmail@example.vn` },
        components: [{ code: 'T-01', uploadId: upload }],
      },
    }),
  );
  const code = filed.body.code;
  const act = async (token: string, body: Record<string, unknown>) => {
    const { version } = must(
      `${side} read before ${String(body.action)}`,
      await api<{ version: number }>(t, 'GET', `/api/v1/dossiers/${code}`, { token }),
    ).body;
    return must(`${side} ${String(body.action)}`, await api(t, 'POST', `/api/v1/dossiers/${code}/actions`, { token, body: { ...body, version } }));
  };
  await act(staff.receiving, { action: 'receive' });
  await act(staff.leader, { action: 'assign', assignee: sp.username });
  const { payment, reference, payToken } = await payFee(t, code, citizenToken, (body) => act(staff.specialist, body), side);
  must(
    `${side} result draft`,
    await api(t, 'PUT', `/api/v1/dossiers/${code}/result-draft`, {
      token: staff.specialist,
      body: { kind: 'certificate', documentName: `Giấy xác nhận ${tag}`, fields: [{ label: 'Phạm vi', value: `Phạm vi ${tag}secretdraft` }] },
    }),
  );
  await act(staff.specialist, { action: 'propose' });
  await act(staff.signer, { action: 'approve' });
  const signed = must(
    `${side} sign`,
    await api<{ resultCode?: string; error?: unknown }[]>(t, 'POST', '/api/v1/results/sign', { token: staff.signer, body: { dossierCodes: [code] } }),
  );
  const result = signed.body[0].resultCode;
  if (!result) throw new Error(`${side} sign: ${JSON.stringify(signed.body)}`);
  await act(staff.receiving, { action: 'return', method: 'online' });
  const share = must(`${side} share`, await api<{ url: string }>(t, 'POST', `/api/v1/results/${result}/share`, { token: citizenToken, body: { hours: 24 } }));
  const n = await t.ctx.database.db.selectFrom('notifications').select('id').where('dossier_code', '=', code).orderBy('created_at').executeTakeFirst();
  if (!n) throw new Error(`${side}: no notification was written for ${code}`);
  const { scan, item } = await digitise(t, receiving, code, `${tag}secretscan`);
  const legacyBatch = await importOldResult(t, staffPrincipal('clerk', unit), citizen, tag);
  const documentFile = await fileWithDocument(t, staffPrincipal('specialist', unit, sp), unit, tag);
  const outgoingDocument = await draftOutgoing(t, staffPrincipal('specialist', unit, sp), staff.specialist, tag);
  const incomingDocument = await recordPaperDocument(t, staffPrincipal('clerk', unit), tag);
  return {
    unit,
    procedure,
    citizen,
    citizenToken,
    dossier: code,
    result,
    upload,
    notification: n.id,
    shareToken: share.body.url.split('/chia-se/')[1],
    scan,
    item,
    legacyBatch,
    documentFile,
    outgoingDocument,
    incomingDocument,
    payment,
    reference,
    payToken,
    mismatch: '', // set by buildWorld, once both sides have paid
    specialist: specialistName,
    staff,
    secrets: [
      `${tag}secretname`,
      `${tag}secretform`,
      `${tag}secretaddress`,
      `${tag}secretmail`,
      `${tag}secretdraft`,
      `${tag}secretscan`,
      `${tag}secretdocument`,
      `${tag}secretworkfile`,
      `${tag}secretoutgoing`,
      `${tag}secretincoming`,
      citizen.identifier!,
    ],
    draftSecret: `${tag}secretdraftform`,
  };
}

/**
 * The procedure's lệ phí is due on request: the assigned specialist requests it, the applicant
 * starts paying online and pays on the payment platform's page (the simulator, mounted in demo
 * mode), which confirms to our callback before sending the browser back; the dossier resumes.
 */
async function payFee(
  t: TestApp,
  code: string,
  citizenToken: string,
  specialistActs: (body: Record<string, unknown>) => Promise<unknown>,
  side: string,
): Promise<{ payment: string; reference: string; payToken: string }> {
  await specialistActs({ action: 'request_fee', lines: [{ name: 'Lệ phí cấp giấy xác nhận', amount: 100_000 }], note: 'Thông tư 85/2019/TT-BTC' });
  const started = must(
    `${side} start payment`,
    await api<{ paymentId: string; redirectUrl: string }>(t, 'POST', `/api/v1/dossiers/${code}/payments`, { token: citizenToken, body: {} }),
    [201],
  ).body;
  const back = await payAt(started.redirectUrl);
  if (back.status !== 303) throw new Error(`${side} pay: the platform's page answered ${back.status}`);
  const paid = must(
    `${side} payment`,
    await api<{ state: string; reference: string; receipt: unknown }>(t, 'GET', `/api/v1/payments/${started.paymentId}`, { token: citizenToken }),
  ).body;
  if (paid.state !== 'success' || !paid.receipt) throw new Error(`${side} payment not settled with a receipt: ${JSON.stringify(paid)}`);
  return { payment: started.paymentId, reference: paid.reference, payToken: new URL(started.redirectUrl).pathname.split('/').pop()! };
}

/**
 * The platform's statement of the day is planted with another amount for each side's payment, a
 * finance officer reconciles the day (one run, every unit's mismatches recorded), and each
 * unit's finance officer resolves the mismatch about their unit's payment. The plants are then
 * cleared, so later runs see the statement as it was paid.
 */
async function reconcile(t: TestApp, sides: Side[], days: string[]): Promise<void> {
  const faults = (body: Record<string, unknown>) =>
    fetch(`${t.base}/simulators/payment/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      async (r) => {
        if (r.status !== 200) throw new Error(`simulator faults: ${r.status} ${await r.text()}`);
      },
    );
  for (const s of sides) await faults({ plant: { kind: 'change_amount', reference: s.reference, amount: 100_001 } });
  const finance = async (unit: string) => issueToken(t.ctx, staffPrincipal('finance_officer', unit));
  for (const day of days)
    must('reconcile', await api(t, 'POST', '/api/v1/payments/reconciliation/runs', { token: await finance(sides[0].unit), body: { day } }), [201]);
  await faults({ reset: true });
  for (const s of sides) {
    const token = await finance(s.unit);
    const views = [];
    for (const day of days)
      views.push(
        must(
          `${s.unit} reconciliation`,
          await api<{ runs: { items: { id: string; reference: string; unitId: string | null }[] }[] }>(t, 'GET', `/api/v1/payments/reconciliation?day=${day}`, {
            token,
          }),
        ).body,
      );
    const item = views.flatMap((v) => v.runs.flatMap((r) => r.items)).find((i) => i.reference === s.reference && i.unitId === s.unit);
    if (!item) throw new Error(`${s.unit}: no mismatch about ${s.reference}: ${JSON.stringify(views)}`);
    must(
      `${s.unit} resolve`,
      await api(t, 'POST', `/api/v1/payments/reconciliation/items/${item.id}/resolve`, { token, body: { note: 'Ngân hàng xác nhận số tiền đúng' } }),
    );
    s.mismatch = item.id;
  }
}

/**
 * The desk scans the dossier's component T-01 and makes a digitised item of it. The OCR job does
 * not run in test apps (no workers): the scan is marked read with the text given, as the job's
 * last transaction leaves it (the searchable PDF is the PDF as sent), like `finishScan` in
 * src/modules/digitisation/items.test.ts.
 */
async function digitise(t: TestApp, desk: Principal, dossier: string, text: string): Promise<{ scan: string; item: string }> {
  const scan = await createScan(t.ctx, desk, { files: [{ fileName: 'a.png', bytes: makePng() }], fields: { dossierCode: dossier, componentCode: 'T-01' } });
  const db = t.ctx.database.db;
  await sql`update scans set status = 'done', progress = 1, output_upload_id = source_upload_id, started_at = now(), finished_at = now()
            where id = ${scan.id}`.execute(db);
  await sql`insert into scan_pages (scan_id, page, text) values (${scan.id}, 1, ${`Giấy đề nghị ${text}`})`.execute(db);
  const { item } = await recordDigitisedItem(t.ctx, desk, scan.id);
  return { scan: scan.id, item: item.code };
}

/** A work file the unit's specialist keeps, holding one indexed document whose subject only the unit's officials may see. */
async function fileWithDocument(t: TestApp, keeper: Principal, unit: string, tag: string): Promise<string> {
  const id = `sec-${tag}`;
  await t.ctx.database.db
    .transaction()
    .execute((tx) => indexDocument(tx, { kind: 'incoming', id, unitId: unit, subject: `Công văn ${tag}secretdocument`, date: '2026-01-05', text: 'Nội dung' }));
  const f = await createFile(t.ctx, keeper, { unitId: unit, code: `SEC-${tag}`, title: `Hồ sơ ${tag}secretworkfile`, year: 2026, retentionYears: 10 });
  await changeFile(t.ctx, keeper, f.id, { action: 'add', version: f.version, kind: 'incoming', documentId: id });
  return f.id;
}

/** A draft outgoing document of the specialist's unit, its main file uploaded by the specialist. */
async function draftOutgoing(t: TestApp, specialist: Principal, token: string, tag: string): Promise<string> {
  const main = await uploadPdf(t, token, `${tag}-van-ban-di.pdf`);
  const signer = await realStaff(t, 'ky');
  const r = await createOutgoing(
    t.ctx,
    {
      seriesCode: 'CV',
      subject: `Công văn ${tag}secretoutgoing`,
      signer: { staffId: signer.id },
      recipients: [{ kind: 'internal', unitId: '000.01.00.G12' }],
      mainUploadId: main,
    },
    specialist,
  );
  return r.id;
}

/** An e-mailed document the unit's clerk records as incoming, its subject only the unit's officials may see. */
async function recordPaperDocument(t: TestApp, clerk: Principal, tag: string): Promise<string> {
  const r = await createIncomingDocument(
    t.ctx,
    clerk,
    {
      channel: 'email',
      senderName: 'Sở Công Thương Hà Nội',
      numberNotation: '12/SCT-QLTM',
      promulgationDate: '2026-01-05',
      subject: `Công văn ${tag}secretincoming`,
    },
    [
      {
        fileName: `${tag}-van-ban-den.eml`,
        bytes: Buffer.from('From: vanthu@sct.hanoi.gov.vn\r\nSubject: Cong van\r\nDate: Mon, 5 Jan 2026 08:00:00 +0700\r\n\r\nNoi dung\r\n'),
      },
    ],
  );
  return r.id;
}

/** The unit's clerk imports one old result of the citizen's (a scan and its CSV line); its OCR never runs here. */
async function importOldResult(t: TestApp, clerk: Principal, holder: Side['citizen'], tag: string): Promise<string> {
  const file = `${tag}-ket-qua-cu.png`;
  const csv = `file,holder identifier,holder name,document name,issue date\n${file},${holder.identifier},${holder.name},Giấy phép cũ ${tag},01/02/2015\n`;
  const batch = await importLegacyResults(t.ctx, clerk, {
    files: [
      { fileName: 'ket-qua-cu.csv', bytes: new TextEncoder().encode(csv) },
      { fileName: file, bytes: makePng() },
    ],
    fields: {},
  });
  if (batch.rows[0]?.status !== 'ocr') throw new Error(`legacy import ${tag}: ${JSON.stringify(batch.rows)}`);
  return batch.id;
}

/** Builds the world on a started demo app. */
export async function buildWorld(t: TestApp): Promise<World> {
  const admin = await issueToken(t.ctx, staffPrincipal('administrator', '000.00.00.G12'));
  must(
    'import',
    await api(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: [procedureFor(PROC_X, UNIT_X, 'Thủ tục an ninh X'), procedureFor(PROC_Y, UNIT_Y, 'Thủ tục an ninh Y')],
    }),
  );
  // The payments are made now; a build that runs across midnight in Vietnam pays on two days, and both are reconciled.
  const firstDay = vietnamDay(new Date());
  const own = await buildSide(t, 'A', UNIT_X, PROC_X, 'chuyenvien');
  const other = await buildSide(t, 'B', UNIT_Y, PROC_Y, 'chuyenvien.hcm');
  const lastDay = vietnamDay(new Date());
  await reconcile(t, [own, other], [...new Set([firstDay, lastDay])]);
  const day = lastDay;

  const principals = new Map<Caller, Principal | null>();
  principals.set('anonymous', null);
  principals.set('citizen', own.citizen);
  const sp = await realStaff(t, own.specialist);
  for (const role of STAFF_ROLE_LIST) principals.set(role, staffPrincipal(role, UNIT_X, role === 'specialist' ? sp : undefined));
  for (const s of Object.keys(SERVICE_SCOPES))
    principals.set(`scope:${s}` as Caller, { kind: 'service', clientId: `sec-client-${s.replace(':', '-')}`, name: `Hệ thống ${s}`, scopes: [s] });
  const tokens = new Map<Caller, string>();
  for (const [c, p] of principals) if (p) tokens.set(c, await issueToken(t.ctx, p));

  const resetDrafts = async () => {
    for (const s of [own, other]) await saveDraft(t.ctx, s.citizen.id, s.procedure, { form: { tenDoanhNghiep: s.draftSecret }, components: [] });
  };
  await resetDrafts();
  return { own, other, tokens, principals, resetDrafts, day };
}
