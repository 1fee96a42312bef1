import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { act, fileOnline, importTestProcedures, signInCrew, TEST_PROCEDURE, type Crew } from '../../../test/dossier-fixtures.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { bearerPages, formFields, setField } from '../../../test/payment-fixtures.ts';

const CODE = TEST_PROCEDURE.code;
const URL_ = `/api/v1/procedures/${CODE}/versions`;

interface Detail {
  code: string;
  version: number;
  methods: { channel: string; fees: { value: number }[] }[];
  workflow: { step: string; name: string; role: string; unit: string; workingDays: number }[];
  eForm: { properties: Record<string, Record<string, unknown>>; required?: string[] } | null;
  versions: { version: number; effectiveFrom: string; effectiveTo: string | null }[];
}
interface Saved {
  code: string;
  version: number;
  status: string;
  effectiveFrom: string;
  versions: { version: number; effectiveFrom: string; effectiveTo: string | null }[];
}
interface Failed {
  error: { code: string; details?: { path: string; message: string; messageEn: string }[] };
}

const day = (offset: number) => vietnamDay(new Date(Date.now() + offset * 86_400_000));
const methods = (fee: number) =>
  TEST_PROCEDURE.executionMethods.map((m) => ({
    channel: m.submissionMethod,
    processingTime: m.processingTime,
    processingTimeUnit: m.processingTimeUnit,
    fees: [{ type: 'FEE', value: fee }],
  }));
/** The test procedure's workflow with approval moved to the unit leader of the handling unit. */
const leaderApproves = TEST_PROCEDURE.congso.workflow.map((s) =>
  s.step === 'approve' ? { ...s, name: 'Lãnh đạo phòng phê duyệt', role: 'unit_leader', unit: '000.05.01.G12', workingDays: 1 } : s,
);

let t: TestApp;
let admin: string;
let crew: Crew;
const get = async (version?: number) => (await api<Detail>(t, 'GET', `/api/v1/procedures/${CODE}${version ? `?version=${version}` : ''}`)).body;

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  admin = await login(t, 'admin');
  crew = await signInCrew(t);
});
afterAll(() => t?.close());

/** Files online and takes the dossier to "proposed", where the approve step's role decides who may approve. */
async function fileAndPropose(): Promise<{ code: string; procedureVersion: number }> {
  const filed = await fileOnline(t, crew.citizen);
  expect(filed.status).toBe(201);
  for (const [who, body] of [
    ['receiving', { action: 'receive' }],
    ['leader', { action: 'assign', assignee: 'chuyenvien' }],
    ['specialist', { action: 'propose' }],
  ] as const) {
    const r = await act(t, crew[who], filed.body.code, body);
    expect(r.status, `${body.action}: ${JSON.stringify(r.body)}`).toBe(200);
  }
  const view = await api<{ procedureVersion: number }>(t, 'GET', `/api/v1/dossiers/${filed.body.code}`, { token: crew.receiving });
  return { code: filed.body.code, procedureVersion: view.body.procedureVersion };
}

describe('an administrator edits a procedure as a new version', () => {
  it('changes the fee and a workflow step from today: a dossier filed before keeps the old version, one filed after uses the new', async () => {
    const before = await fileAndPropose();
    expect(before.procedureVersion).toBe(1);

    const r = await api<Saved>(t, 'POST', URL_, {
      token: admin,
      body: { baseVersion: 1, effectiveFrom: day(0), methods: methods(150_000), workflow: leaderApproves, note: 'Quyết định 123/QĐ-BCT' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ code: CODE, version: 2, status: 'new-version' });
    const [v1, v2] = r.body.versions;
    expect(v1.effectiveTo).toBe(v2.effectiveFrom);
    expect(v2.effectiveTo).toBeNull();

    const now = await get();
    expect(now.version).toBe(2);
    expect(now.methods.every((m) => m.fees[0].value === 150_000)).toBe(true);
    expect(now.workflow.find((s) => s.step === 'approve')).toMatchObject({ role: 'unit_leader', unit: '000.05.01.G12', name: 'Lãnh đạo phòng phê duyệt' });
    // What was not sent is kept.
    expect(now.eForm).toEqual(TEST_PROCEDURE.congso.eForm);

    const old = await get(before.procedureVersion);
    expect(old.methods[0].fees[0].value).toBe(100_000);
    expect(old.workflow.find((s) => s.step === 'approve')).toMatchObject({ role: 'signing_leader', unit: '000.05.00.G12' });

    const after = await fileAndPropose();
    expect(after.procedureVersion).toBe(2);

    // The approve step each dossier was filed under decides who may approve it.
    const refused = async (token: string, code: string) => {
      const r = await act(t, token, code, { action: 'approve' });
      return [r.status, r.body.error?.code];
    };
    expect(await refused(crew.leader, before.code)).toEqual([403, 'NOT_YOUR_STEP']);
    expect((await act(t, crew.signer, before.code, { action: 'approve' })).status).toBe(200);
    expect(await refused(crew.signer, after.code)).toEqual([403, 'NOT_YOUR_STEP']);
    expect((await act(t, crew.leader, after.code, { action: 'approve' })).status).toBe(200);

    const auditor = await tokenFor(t, 'auditor');
    const trail = await api<{ action: string; actor: string; target: string | null; data: Record<string, unknown> }[]>(
      t,
      'GET',
      '/api/v1/audit?action=catalog.version',
      { token: auditor },
    );
    expect(trail.body).toEqual([
      expect.objectContaining({
        actor: 'staff:admin',
        target: `procedure:${CODE}`,
        data: expect.objectContaining({ version: 2, basedOn: 1, changed: ['methods', 'workflow'], note: 'Quyết định 123/QĐ-BCT' }),
      }),
    ]);
  });

  it('refuses everyone but administrators, and saves nothing for them', async () => {
    for (const grant of ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'citizen', 'scope:dossiers:write'] as const) {
      const r = await api(t, 'POST', URL_, { token: await tokenFor(t, grant), body: { effectiveFrom: day(0), methods: methods(1) } });
      expect(r.status, grant).toBe(403);
    }
    expect((await api(t, 'POST', URL_, { body: { effectiveFrom: day(0), methods: methods(1) } })).status).toBe(401);
    expect((await get()).versions).toHaveLength(2);
  });

  it('refuses invalid edits with 400 naming each field, and saves nothing', async () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['no steps', { effectiveFrom: day(0), workflow: [] }, ['workflow']],
      [
        'an unknown role and a role that does not handle dossiers',
        {
          effectiveFrom: day(0),
          workflow: [{ ...leaderApproves[0], role: 'chief_wizard' }, { ...leaderApproves[1], role: 'auditor' }, ...leaderApproves.slice(2)],
        },
        ['workflow[0].role', 'workflow[1].role'],
      ],
      [
        'a negative budget',
        { effectiveFrom: day(0), workflow: [{ ...leaderApproves[0], workingDays: -1 }, ...leaderApproves.slice(1)] },
        ['workflow[0].workingDays'],
      ],
      [
        'an unknown unit and a repeated step',
        { effectiveFrom: day(0), workflow: [leaderApproves[0], { ...leaderApproves[1], unit: '999.99.99.G12' }, { ...leaderApproves[2], step: 'receive' }] },
        ['workflow[1].unit', 'workflow[2].step'],
      ],
      ['a date in the past', { effectiveFrom: day(-1), methods: methods(1) }, ['effectiveFrom']],
      ['a date that does not exist', { effectiveFrom: '2099-02-30', methods: methods(1) }, ['effectiveFrom']],
      [
        'a fee that is not a number and a processing time of 0',
        { effectiveFrom: day(0), methods: [{ channel: 'ONLINE', processingTime: 0, fees: [{ value: 'mười nghìn' }] }] },
        ['methods[0].processingTime', 'methods[0].fees[0].value'],
      ],
      [
        'an e-form pattern RE2 cannot run',
        {
          effectiveFrom: day(0),
          eFormFields: [
            { key: 'ten', label: 'Tên', type: 'text' },
            { key: 'ma', label: 'Mã', type: 'text', pattern: '^(a)\\1$' },
          ],
        },
        ['eFormFields[1].pattern'],
      ],
      [
        'an e-form choice list without choices and a repeated key',
        {
          effectiveFrom: day(0),
          eFormFields: [
            { key: 'loai', label: 'Loại', type: 'select' },
            { key: 'loai', label: 'Loại 2', type: 'text' },
          ],
        },
        ['eFormFields[0].choices', 'eFormFields[1].key'],
      ],
      [
        'an e-form JSON Schema with an outside reference',
        { effectiveFrom: day(0), eForm: { type: 'object', properties: { a: { $ref: 'https://example.com/x.json' } } } },
        ['eForm.properties.a.$ref'],
      ],
      ['a field this edit does not have, and no date', { name: 'Tên khác' }, ['name', 'effectiveFrom']],
      [
        'a cut-off on a limit in working days, a cut-off that is no time, an unknown unit, and hours of 0 or none',
        {
          effectiveFrom: day(0),
          methods: [
            { channel: 'ONLINE', processingTime: 5, processingTimeUnit: 'WORKING_DAY', processingCutoff: '15:00' },
            { channel: 'DIRECT', processingTimeUnit: 'WORKING_HOUR' },
            { channel: 'POSTAL', processingTime: 2, processingTimeUnit: 'WEEK' },
          ],
        },
        ['methods[0].processingCutoff', 'methods[1].processingTime', 'methods[2].processingTimeUnit'],
      ],
      [
        'a cut-off written otherwise than HH:MM',
        { effectiveFrom: day(0), methods: [{ channel: 'ONLINE', processingTimeUnit: 'SAME_DAY', processingCutoff: '15h' }] },
        ['methods[0].processingCutoff'],
      ],
      [
        'working hours of 0',
        { effectiveFrom: day(0), methods: [{ channel: 'ONLINE', processingTime: 0, processingTimeUnit: 'WORKING_HOUR' }] },
        ['methods[0].processingTime'],
      ],
      [
        'every section at once',
        { effectiveFrom: day(-3), methods: [{ channel: 'ONLINE', processingTime: -1 }], workflow: [{ ...leaderApproves[0], role: 'chief_wizard' }] },
        ['effectiveFrom', 'methods[0].processingTime', 'workflow[0].role'],
      ],
    ];
    for (const [what, body, paths] of cases) {
      const r = await api<Failed>(t, 'POST', URL_, { token: admin, body });
      expect(r.status, what).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      const got = (r.body.error.details ?? []).map((d) => d.path);
      for (const p of paths) expect(got, `${what}: ${JSON.stringify(r.body.error.details)}`).toContain(p);
      for (const d of r.body.error.details ?? []) expect(d.message && d.messageEn, what).toBeTruthy();
      for (const d of r.body.error.details ?? []) expect(d.message, what).not.toBe(d.messageEn);
    }
    expect((await get()).versions).toHaveLength(2);
    expect((await get()).methods[0].fees[0].value).toBe(150_000);
  });

  it('schedules a version for a later day, keeps the current one in force until then, and refuses an edit starting before it', async () => {
    const r = await api<Saved>(t, 'POST', URL_, { token: admin, body: { baseVersion: 2, effectiveFrom: day(7), methods: methods(200_000) } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.version).toBe(3);
    expect(r.body.effectiveFrom).toBe(new Date(`${day(7)}T00:00:00+07:00`).toISOString());
    expect((await get()).version).toBe(2);
    const filed = await fileOnline(t, crew.citizen);
    expect((await api<{ procedureVersion: number }>(t, 'GET', `/api/v1/dossiers/${filed.body.code}`, { token: crew.receiving })).body.procedureVersion).toBe(2);

    const early = await api<Failed>(t, 'POST', URL_, { token: admin, body: { effectiveFrom: day(0), methods: methods(1) } });
    expect([early.status, early.body.error.code]).toEqual([409, 'EFFECTIVE_DATE_TOO_EARLY']);
    expect(early.body.error.details?.map((d) => d.path)).toEqual(['effectiveFrom']);
    const stale = await api<Failed>(t, 'POST', URL_, { token: admin, body: { baseVersion: 2, effectiveFrom: day(8), methods: methods(1) } });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'STALE_BASE_VERSION']);
    expect(stale.body.error.details?.map((d) => d.path)).toEqual(['baseVersion']);
    expect((await get(3)).versions).toHaveLength(3);
  });

  it('edits the e-form fields, keeping what the editor does not show, and filing then follows the new form', async () => {
    const fields = [
      { key: 'tenDoanhNghiep', label: 'Tên doanh nghiệp', labelEn: 'Company name', type: 'text', required: true },
      { key: 'maSoThue', label: 'Mã số thuế', type: 'text', required: true },
      {
        key: 'loaiHinh',
        label: 'Loại hình',
        labelEn: 'Kind',
        type: 'select',
        required: true,
        choices: [
          { value: 'tnhh', label: 'Công ty TNHH' },
          { value: 'cp', label: 'Công ty cổ phần' },
        ],
      },
    ];
    const r = await api<Saved>(t, 'POST', URL_, { token: admin, body: { effectiveFrom: day(9), eFormFields: fields } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const v = await get(r.body.version);
    expect(v.eForm?.required).toEqual(['tenDoanhNghiep', 'maSoThue', 'loaiHinh']);
    // Kept from the version before: the pattern (not sent) and the lengths.
    expect(v.eForm?.properties.maSoThue).toMatchObject({ type: 'string', pattern: '^[0-9]{10}$', title: 'Mã số thuế' });
    expect(v.eForm?.properties.tenDoanhNghiep).toMatchObject({ maxLength: 200, 'x-title-en': 'Company name' });
    expect(v.eForm?.properties.loaiHinh).toMatchObject({ enum: ['tnhh', 'cp'], 'x-enum-titles': ['Công ty TNHH', 'Công ty cổ phần'] });
  });

  it('an edit that changes nothing saves no version', async () => {
    const latest = (await get(4)).versions.length;
    const r = await api<Saved>(t, 'POST', URL_, { token: admin, body: { effectiveFrom: day(10), methods: methods(200_000) } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('unchanged');
    expect((await get()).versions).toHaveLength(latest);
    expect((await api(t, 'POST', '/api/v1/procedures/9.999999/versions', { token: admin, body: { effectiveFrom: day(0) } })).status).toBe(404);
  });
});

describe('the time limit of a method in the editor', () => {
  const code = '9.200001';
  const url = `/api/v1/procedures/${code}/versions`;
  type Method = { channel: string; processingTime: number; processingTimeUnit: string; processingCutoff?: string; processingTimeText?: string };
  // Each edit takes effect on a later day, so it is read by its version, not as the one in force.
  const methodsOf = async (version: number) => (await api<{ methods: Method[] }>(t, 'GET', `/api/v1/procedures/${code}?version=${version}`)).body.methods;
  const save = async (n: number, methods: Record<string, unknown>[]) => {
    const r = await api<Saved>(t, 'POST', url, { token: admin, body: { effectiveFrom: day(n), methods } });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };

  beforeAll(async () => {
    const r = await api(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: {
        records: [
          {
            code,
            name: 'Thủ tục thử thời hạn',
            executionMethods: [{ submissionMethod: 'ONLINE', processingTime: 1, processingTimeUnit: 'OTHER', description: 'Theo quy định' }],
            executionCases: [{ name: '', profileComponents: [{ code: '9.200001-TP01', name: 'Đơn đề nghị', originalQty: 1, required: true }] }],
          },
        ],
        defaults: { agencyCode: '000.05.01.G12', effectiveFrom: '2025-01-01' },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it('keeps a unit the import could not map while the administrator leaves it, with its text', async () => {
    const r = await save(20, [{ channel: 'ONLINE', processingTime: 1, processingTimeUnit: 'OTHER', fees: [{ value: 5_000 }] }]);
    expect(r).toMatchObject({ status: 'new-version', version: 2 });
    expect(await methodsOf(2)).toEqual([expect.objectContaining({ processingTimeUnit: 'OTHER', processingTimeText: 'Theo quy định' })]);
  });

  it('sets a same-day limit with a cut-off, then one in working hours, which drops the cut-off and the imported text', async () => {
    const sameDay = await save(21, [{ channel: 'ONLINE', processingTimeUnit: 'SAME_DAY', processingCutoff: '15:00', fees: [{ value: 5_000 }] }]);
    expect(sameDay).toMatchObject({ status: 'new-version', version: 3 });
    const [d] = await methodsOf(3);
    expect([d.processingTimeUnit, d.processingTime, d.processingCutoff, d.processingTimeText]).toEqual(['SAME_DAY', 1, '15:00', undefined]);
    // Sent again without the cut-off, the same-day method keeps it: an unchanged edit saves nothing.
    expect(await save(22, [{ channel: 'ONLINE', processingTimeUnit: 'SAME_DAY', fees: [{ value: 5_000 }] }])).toMatchObject({
      status: 'unchanged',
      version: 3,
    });

    const hours = await save(23, [{ channel: 'ONLINE', processingTime: 8, processingTimeUnit: 'WORKING_HOUR', fees: [{ value: 5_000 }] }]);
    expect(hours).toMatchObject({ status: 'new-version', version: 4 });
    const [m] = await methodsOf(4);
    expect([m.processingTimeUnit, m.processingTime, m.processingCutoff]).toEqual(['WORKING_HOUR', 8, undefined]);
  });

  it('offers the four units and the cut-off on the editor page, and shows the limit as the public page does', async () => {
    const res = await fetch(`${t.base}/can-bo/thu-tuc/${code}/sua`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const label of ['Ngày làm việc', 'Ngày (lịch)', 'Giờ làm việc', 'Trong ngày']) expect(html).toContain(`>${label}</option>`);
    expect(html).toContain('name="methods.0.processingCutoff"');
    expect(html).toContain('08 giờ làm việc');
  });

  it('the page form: saved unchanged makes no version; a cut-off that is no time is named at its input; a good one saves', async () => {
    const office = bearerPages(() => t.base);
    const editUrl = `/can-bo/thu-tuc/${code}/sua`;
    const fields = async () => formFields((await office.page(admin, editUrl)).html, 'id="edit-form"');
    const post = (f: [string, string][]) => office.post(admin, editUrl, [...f, ['op', 'save']]);
    const unchanged = await post(await fields());
    expect(unchanged.status, unchanged.status === 303 ? '' : (await unchanged.text()).replace(/[\s\S]*govuk-error-summary/, '').slice(0, 3000)).toBe(303);
    expect(unchanged.headers.get('location')).toBe(`/can-bo/thu-tuc/${code}/phien-ban?khong-doi=1`);

    let f = setField(await fields(), 'effectiveFrom', day(24));
    f = setField(f, 'methods.0.processingTimeUnit', 'SAME_DAY');
    f = setField(f, 'methods.0.processingTime', '');
    const bad = await post(setField(f, 'methods.0.processingCutoff', '25:00'));
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('href="#methods-0-processingCutoff"');
    expect(html).toContain('Giờ chốt nhận hồ sơ: Phải là giờ dạng GG:PP, ví dụ 15:00');

    const good = await post(setField(f, 'methods.0.processingCutoff', '15:30'));
    expect(good.status, good.status === 303 ? '' : await good.text()).toBe(303);
    const [m] = await methodsOf(5);
    expect([m.processingTimeUnit, m.processingTime, m.processingCutoff]).toEqual(['SAME_DAY', 1, '15:30']);
  });
});
