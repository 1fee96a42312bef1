import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, FORM, TEST_PROCEDURE } from '../../../test/dossier-fixtures.ts';

/**
 * Issue 11, items 7 and 10 on the officials' dossier pages: people by name and role (never the
 * username), the specialist's proposal in front of the approver, the draft result filled from
 * the e-form, form links only where the history calls for the form (an HTML error page
 * otherwise), and English names from the data on English pages only.
 */

// The test procedure with English names for its field and steps, as the congso extension allows.
const BILINGUAL = {
  ...TEST_PROCEDURE,
  code: '9.100071',
  congso: {
    ...TEST_PROCEDURE.congso,
    field: 'Thử nghiệm song ngữ',
    fieldEn: 'Bilingual testing',
    eForm: {
      type: 'object',
      required: ['tenDoanhNghiep', 'maSoThue'],
      properties: {
        tenDoanhNghiep: { type: 'string', title: 'Tên doanh nghiệp', 'x-title-en': 'Company name', minLength: 1, maxLength: 200, 'x-ui': { order: 1 } },
        maSoThue: { type: 'string', title: 'Mã số thuế', 'x-title-en': 'Tax code', pattern: '^[0-9]{10}$', 'x-ui': { order: 2 } },
        nhomHang: { type: 'string', title: 'Nhóm hàng', enum: ['my_pham', 'khac'], 'x-enum-titles': ['Mỹ phẩm', 'Khác'], 'x-ui': { order: 3 } },
      },
    },
    workflow: [
      { step: 'receive', name: 'Tiếp nhận', nameEn: 'Receipt', role: 'receiving_officer', unit: '000.05.01.G12', workingDays: 0.5 },
      { step: 'assign', name: 'Phân công', nameEn: 'Assignment', role: 'unit_leader', unit: '000.05.01.G12', workingDays: 0.5 },
      { step: 'examine', name: 'Thẩm định', nameEn: 'Examination', role: 'specialist', unit: '000.05.01.G12', workingDays: 5 },
      { step: 'approve', name: 'Phê duyệt', nameEn: 'Approval', role: 'signing_leader', unit: '000.05.00.G12', workingDays: 2 },
      { step: 'return', name: 'Trả kết quả', nameEn: 'Return of the result', role: 'receiving_officer', unit: '000.05.01.G12', workingDays: 0 },
    ],
  },
};

let t: TestApp;
let citizen: string;
const tok = { receiving: '', leader: '', specialist: '', signer: '' };
beforeAll(async () => {
  t = await startTestApp();
  const admin = await login(t, 'admin');
  const imported = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [TEST_PROCEDURE, BILINGUAL] });
  if (imported.status !== 200) throw new Error(JSON.stringify(imported.body));
  citizen = await citizenToken(t, '30000000-0000-4000-8000-000000000071');
  tok.receiving = await login(t, 'tiepnhan.xnk');
  tok.leader = await login(t, 'lanhdao');
  tok.specialist = await login(t, 'chuyenvien');
  tok.signer = await login(t, 'ky');
}, 300_000);
afterAll(() => t?.close());

const get = async (token: string, url: string, accept = 'text/html') => {
  const r = await fetch(`${t.base}${url}`, { headers: { authorization: `Bearer ${token}`, accept } });
  return { status: r.status, type: r.headers.get('content-type') ?? '', html: await r.text() };
};
const file = async (procedure = BILINGUAL.code, form: Record<string, unknown> = { ...FORM, nhomHang: 'my_pham' }) =>
  (await fileOnline(t, citizen, { procedure, form })).body.code;
const walk = async (code: string, steps: [keyof typeof tok, Record<string, unknown>][]) => {
  for (const [who, body] of steps) {
    const r = await act(t, tok[who], code, body);
    if (r.status !== 200) throw new Error(`${String(body.action)}: ${JSON.stringify(r.body)}`);
  }
};

describe('officials are named, not identified by username', () => {
  it('the dossier page, its history and the queue name the specialist and the actors with their roles', async () => {
    const code = await file();
    await walk(code, [
      ['receiving', { action: 'receive' }],
      ['leader', { action: 'assign', assignee: 'chuyenvien' }],
    ]);
    const detail = await get(tok.leader, `/can-bo/ho-so/${code}`);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain('Trần Minh Đức (Chuyên viên)');
    expect(detail.html).toContain('Nguyễn Thị Hoa (Cán bộ một cửa)');
    expect(detail.html).toContain('Lê Thu Hương (Lãnh đạo đơn vị)');
    expect(detail.html).not.toContain('Chuyên viên: chuyenvien');
    // No username appears as text anywhere on the page (they may stay in form values).
    const text = detail.html.replace(/<[^>]*>/g, ' ');
    for (const u of ['chuyenvien', 'tiepnhan.xnk', 'lanhdao']) expect(text).not.toMatch(new RegExp(`(^|[\\s:>(])${u.replace('.', '\\.')}([\\s<),.]|$)`));

    const queue = await get(tok.leader, `/can-bo/ho-so?queue=all&q=${code}`);
    expect(queue.html).toContain('Trần Minh Đức');

    const en = await get(tok.leader, `/can-bo/ho-so/${code}?lang=en`);
    expect(en.html).toContain('Trần Minh Đức (Specialist)');
    expect(en.html).toContain('Nguyễn Thị Hoa (Receiving officer)');
  });

  it('the action log API adds the assignee’s name beside the username', async () => {
    const code = await file();
    await walk(code, [
      ['receiving', { action: 'receive' }],
      ['leader', { action: 'assign', assignee: 'chuyenvien' }],
    ]);
    const log = await api<{ action: string; assignee: string | null; assigneeName?: string | null }[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, {
      token: tok.leader,
    });
    expect(log.status).toBe(200);
    expect(log.body.find((e) => e.action === 'assign')).toMatchObject({ assignee: 'chuyenvien', assigneeName: 'Trần Minh Đức' });
  });
});

describe('the approver sees the proposal; the specialist starts the draft from the e-form', () => {
  it('the signing leader reads the specialist’s note and the proposed result before approving', async () => {
    const code = await file();
    await walk(code, [
      ['receiving', { action: 'receive' }],
      ['leader', { action: 'assign', assignee: 'chuyenvien' }],
    ]);
    // Before any proposal, the banner is not there.
    expect((await get(tok.signer, `/can-bo/ho-so/${code}`)).html).not.toContain('Đề xuất của chuyên viên');
    await walk(code, [['specialist', { action: 'propose', note: 'Hồ sơ đầy đủ, đề nghị cấp giấy xác nhận' }]]);
    const page = await get(tok.signer, `/can-bo/ho-so/${code}`);
    expect(page.html).toContain('Đề xuất của chuyên viên');
    expect(page.html).toContain('Hồ sơ đầy đủ, đề nghị cấp giấy xác nhận');
    expect(page.html).toContain('Trần Minh Đức (Chuyên viên)');
    expect(page.html).toContain(`href="/api/v1/dossiers/${code}/result-preview"`);
    // The proposal comes before the actions the approver takes on it.
    expect(page.html.indexOf('Đề xuất của chuyên viên')).toBeLessThan(page.html.indexOf('name="action" value="approve"'));
  });

  it('with no draft saved, the draft form is filled from the e-form (choices by their titles); a saved draft is shown as saved', async () => {
    const code = await file();
    await walk(code, [
      ['receiving', { action: 'receive' }],
      ['leader', { action: 'assign', assignee: 'chuyenvien' }],
    ]);
    const first = await get(tok.specialist, `/can-bo/ho-so/${code}/ket-qua`);
    expect(first.status).toBe(200);
    expect(first.html).toContain('được điền sẵn từ tờ khai');
    const fields = /<textarea[^>]*id="fields"[^>]*>([^<]*)<\/textarea>/.exec(first.html)?.[1] ?? '';
    expect(fields).toContain('Tên doanh nghiệp: Công ty TNHH Thử Nghiệm');
    expect(fields).toContain('Mã số thuế: 0101234567');
    expect(fields).toContain('Nhóm hàng: Mỹ phẩm');
    expect(fields).not.toContain('my_pham');

    const saved = await fetch(`${t.base}/can-bo/ho-so/${code}/ket-qua`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${tok.specialist}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ kind: 'certificate', documentName: 'Giấy xác nhận thử', fields: 'Tên doanh nghiệp: Công ty Đã Sửa' }).toString(),
    });
    expect(saved.status).toBe(303);
    const after = await get(tok.specialist, `/can-bo/ho-so/${code}/ket-qua`);
    expect(after.html).not.toContain('được điền sẵn từ tờ khai');
    expect(after.html).toContain('Tên doanh nghiệp: Công ty Đã Sửa');
    expect(after.html).toContain('Trần Minh Đức (Chuyên viên)');
  });
});

describe('form links follow the dossier’s history, and a form asked for anyway is an error page', () => {
  it('before receipt there is no 01 or 06; asking for 06 gives an HTML page with the reason, not JSON', async () => {
    const code = await file();
    const before = await get(tok.receiving, `/can-bo/ho-so/${code}`);
    expect(before.html).not.toContain(`/bieu-mau/01"`);
    expect(before.html).not.toContain(`/bieu-mau/06"`);
    expect(before.html).not.toContain(`/api/v1/dossiers/${code}/forms/`);
    const refused = await get(tok.receiving, `/can-bo/ho-so/${code}/bieu-mau/06`);
    expect(refused.status).toBe(409);
    expect(refused.type).toContain('text/html');
    expect(refused.html).toContain('Hồ sơ chưa được tiếp nhận nên chưa có Phiếu kiểm soát quá trình giải quyết');
    expect(refused.html).not.toContain('"error"');

    await walk(code, [['receiving', { action: 'receive' }]]);
    const after = await get(tok.receiving, `/can-bo/ho-so/${code}`);
    expect(after.html).toContain(`href="/can-bo/ho-so/${code}/bieu-mau/01"`);
    expect(after.html).toContain(`href="/can-bo/ho-so/${code}/bieu-mau/06"`);
    expect(after.html).not.toContain(`/bieu-mau/02"`);
    expect(after.html).not.toContain(`/bieu-mau/08"`);
    const pdf = await fetch(`${t.base}/can-bo/ho-so/${code}/bieu-mau/01`, { headers: { authorization: `Bearer ${tok.receiving}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    // Every link offered opens: the page and the form endpoint apply one rule.
    for (const n of [...after.html.matchAll(/\/bieu-mau\/(\d\d)"/g)].map((m) => m[1])) {
      expect((await fetch(`${t.base}/api/v1/dossiers/${code}/forms/${n}`, { headers: { authorization: `Bearer ${tok.receiving}` } })).status, `form ${n}`).toBe(
        200,
      );
    }
  });

  it('the supplement request (02) appears once a supplement is asked for', async () => {
    const code = await file();
    await walk(code, [['receiving', { action: 'request_supplement', items: [{ reason: 'Thiếu bản sao giấy phép' }] }]]);
    const page = await get(tok.receiving, `/can-bo/ho-so/${code}`);
    expect(page.html).toContain(`href="/can-bo/ho-so/${code}/bieu-mau/02"`);
    expect(page.html).not.toContain(`/bieu-mau/06"`);
  });
});

describe('English pages show the English names the data has; Vietnamese pages none of them', () => {
  it('unit, field and step names follow the page language', async () => {
    const code = await file();
    await walk(code, [
      ['receiving', { action: 'receive' }],
      ['leader', { action: 'assign', assignee: 'chuyenvien' }],
    ]);
    const vi = await get(tok.leader, `/can-bo/ho-so/${code}`);
    expect(vi.html).toContain('Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội');
    expect(vi.html).toContain('Thử nghiệm song ngữ');
    expect(vi.html).toContain('Thẩm định');
    for (const en of ['Regional Import-Export Management Office', 'Bilingual testing', 'Examination']) expect(vi.html).not.toContain(en);

    const en = await get(tok.leader, `/can-bo/ho-so/${code}?lang=en`);
    expect(en.html).toContain('Regional Import-Export Management Office in Hà Nội');
    expect(en.html).toContain('Bilingual testing');
    expect(en.html).toContain('Examination');
    expect(en.html).toContain('Being processed');
  });

  it('a step without an English name falls back to Vietnamese', async () => {
    const code = await file(TEST_PROCEDURE.code, FORM);
    await walk(code, [['receiving', { action: 'receive' }]]);
    const en = await get(tok.leader, `/can-bo/ho-so/${code}?lang=en`);
    expect(en.html).toContain('Phân công');
  });
});
