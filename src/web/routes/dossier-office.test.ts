import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  act,
  citizenToken,
  fileOnline,
  importTestProcedures,
  samplePdf,
  TABLE_FORM,
  TABLE_PROCEDURE,
  TEST_PROCEDURE,
  uploadPdf,
  versionOf,
  type View,
} from '../../../test/dossier-fixtures.ts';
import { api } from '../../../test/helpers.ts';
import { readBack } from '../../platform/pdf/testing.ts';

let t: TestApp;
let citizen: string;
const tok: Record<'receiving' | 'leader' | 'specialist' | 'otherLeader', string> = { receiving: '', leader: '', specialist: '', otherLeader: '' };
beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  citizen = await citizenToken(t, '30000000-0000-4000-8000-000000000001');
  tok.receiving = await login(t, 'tiepnhan.xnk');
  tok.leader = await login(t, 'lanhdao');
  tok.specialist = await login(t, 'chuyenvien');
  tok.otherLeader = await login(t, 'lanhdao.xuatxu');
});
afterAll(() => t?.close());

const page = async (token: string, url: string) => {
  const r = await fetch(`${t.base}${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, html: await r.text() };
};
const post = (token: string, url: string, fields: [string, string][]) =>
  fetch(`${t.base}${url}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
const status = async (code: string) => (await act(t, tok.receiving, code, { action: 'return' })).body;
/** The version a page's action forms carry (the hidden input), as a browser would send it. */
const versionIn = (html: string, name = 'version') => {
  const m = new RegExp(`name="${name.replace(/\./g, '\\.')}" value="(\\d+)"`).exec(html);
  if (!m) throw new Error(`no ${name} input on the page`);
  return m[1];
};

describe('the officials’ dossier pages', () => {
  it('the queue shows what waits for me; search ignores diacritics; other units see nothing', async () => {
    const { body } = await fileOnline(t, citizen);
    const mine = await page(tok.receiving, '/can-bo/ho-so?queue=mine');
    expect(mine.status).toBe(200);
    expect(mine.html).toContain(body.code);
    expect(mine.html).toContain('Mới nộp, chờ tiếp nhận');
    const byName = await page(tok.receiving, '/can-bo/ho-so?queue=all&q=tran+van+minh');
    expect(byName.html).toContain(body.code);
    const other = await page(tok.otherLeader, `/can-bo/ho-so?queue=all&q=${body.code}`);
    expect(other.html).toContain('<p class="govuk-body">0 hồ sơ</p>');
    expect(other.html).not.toContain(`href="/can-bo/ho-so/${body.code}"`);
    expect((await page(tok.otherLeader, `/can-bo/ho-so/${body.code}`)).status).toBe(404);
    expect((await page(citizen, '/can-bo/ho-so')).status).toBe(403);
  });

  it('actions taken through the forms: receive, assign, request a supplement listing each item; a refused action re-renders with the reason', async () => {
    const { body } = await fileOnline(t, citizen);
    const detail = await page(tok.receiving, `/can-bo/ho-so/${body.code}`);
    expect(detail.html).toContain('name="action" value="receive"');
    expect(detail.html).not.toContain('name="action" value="approve"');
    expect(versionIn(detail.html)).toBe('1');
    const r = await post(tok.receiving, `/can-bo/ho-so/${body.code}/thao-tac`, [
      ['action', 'receive'],
      ['version', versionIn(detail.html)],
    ]);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/can-bo/ho-so/${body.code}?done=receive`);

    const fresh = await page(tok.receiving, `/can-bo/ho-so/${body.code}`);
    const again = await post(tok.receiving, `/can-bo/ho-so/${body.code}/thao-tac`, [
      ['action', 'receive'],
      ['version', versionIn(fresh.html)],
    ]);
    expect(again.status).toBe(409);
    const againHtml = await again.text();
    expect(againHtml).toContain('govuk-error-summary');
    expect(againHtml).toContain('Thao tác được phép');

    const leaderPage = await page(tok.leader, `/can-bo/ho-so/${body.code}`);
    expect(
      (
        await post(tok.leader, `/can-bo/ho-so/${body.code}/thao-tac`, [
          ['action', 'assign'],
          ['assignee', 'chuyenvien'],
          ['version', versionIn(leaderPage.html)],
        ])
      ).status,
    ).toBe(303);
    const specialistPage = await page(tok.specialist, `/can-bo/ho-so/${body.code}`);
    const noItems = await post(tok.specialist, `/can-bo/ho-so/${body.code}/thao-tac`, [
      ['action', 'request_supplement'],
      ['items', '  '],
      ['version', versionIn(specialistPage.html)],
    ]);
    expect(noItems.status).toBe(400);
    const noVersion = await post(tok.specialist, `/can-bo/ho-so/${body.code}/thao-tac`, [
      ['action', 'request_supplement'],
      ['items', 'Thiếu bản sao giấy phép'],
    ]);
    expect(noVersion.status, 'a form without the version is refused').toBe(400);
    const ok = await post(tok.specialist, `/can-bo/ho-so/${body.code}/thao-tac`, [
      ['action', 'request_supplement'],
      ['items', 'Thiếu bản sao giấy phép\nĐơn chưa ký tên'],
      ['version', versionIn(specialistPage.html)],
    ]);
    expect(ok.status).toBe(303);
    const after = await page(tok.specialist, `/can-bo/ho-so/${body.code}`);
    expect(after.html).toContain('Chờ bổ sung hồ sơ');
    expect(after.html).toContain('Thiếu bản sao giấy phép');
    expect(after.html).toContain('Đơn chưa ký tên');
    expect(await status(body.code)).toMatchObject({ error: { code: 'ACTION_NOT_ALLOWED' } });
  });

  it('a unit leader assigns several received dossiers at once; one that cannot be assigned is reported, the others are done', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await fileOnline(t, citizen);
      await act(t, tok.receiving, body.code, { action: 'receive' });
      codes.push(body.code);
    }
    const notReceived = (await fileOnline(t, citizen)).body.code;
    const queue = await page(tok.leader, '/can-bo/ho-so?queue=unit');
    expect(queue.html).toContain('name="codes"');
    // Each row with a checkbox carries the version it was listed at; the others are sent as a client read them.
    const listed = async (c: string): Promise<[string, string][]> => [
      ['codes', c],
      [`version.${c}`, queue.html.includes(`name="version.${c}"`) ? versionIn(queue.html, `version.${c}`) : String(await versionOf(t, tok.leader, c))],
    ];
    const r = await post(tok.leader, '/can-bo/ho-so/phan-cong', [
      ...(await Promise.all([...codes, notReceived].map(listed))).flat(),
      ['assignee', 'chuyenvien'],
    ]);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('Đã phân công 3 hồ sơ');
    expect(html).toContain(notReceived);
    for (const c of codes) expect((await act(t, tok.specialist, c, { action: 'propose' })).status).toBe(200);
    expect((await post(tok.specialist, '/can-bo/ho-so/phan-cong', [['codes', codes[0]]])).status).toBe(403);
  });

  it('a form sent from a page the dossier has moved past is refused: 409, the message in the page language, the page as it is now, nothing logged', async () => {
    const { body } = await fileOnline(t, citizen);
    const seen = await page(tok.receiving, `/can-bo/ho-so/${body.code}`);
    expect(seen.html).toContain('name="action" value="refuse"');
    // Someone else receives it meanwhile, from their own copy of the page.
    const other = await post(tok.receiving, `/can-bo/ho-so/${body.code}/thao-tac`, [
      ['action', 'receive'],
      ['version', versionIn(seen.html)],
    ]);
    expect(other.status).toBe(303);
    // Refusing is still allowed on a received dossier, but it was chosen on the submitted one.
    const stale = await post(tok.receiving, `/can-bo/ho-so/${body.code}/thao-tac`, [
      ['action', 'refuse'],
      ['reason', 'Hồ sơ không thuộc thẩm quyền'],
      ['version', versionIn(seen.html)],
    ]);
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toMatch(/text\/html/);
    const html = await stale.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('đã thay đổi từ khi bạn mở trang');
    expect(html).toContain(`href="/can-bo/ho-so/${body.code}"`);
    expect(html, 'the page shows the current state').toContain('Đã tiếp nhận, chờ phân công');
    expect(versionIn(html), 'its forms carry the current version').toBe('2');
    const en = await post(tok.receiving, `/can-bo/ho-so/${body.code}/thao-tac?lang=en`, [
      ['action', 'refuse'],
      ['reason', 'Not within our remit'],
      ['version', '1'],
    ]);
    expect(en.status).toBe(409);
    expect(await en.text()).toContain('has changed since the page was opened');
    const log = await api<{ action: string }[]>(t, 'GET', `/api/v1/dossiers/${body.code}/actions`, { token: tok.receiving });
    expect(log.body.map((a) => a.action)).toEqual(['submit', 'receive']);
  });

  it('bulk assignment refuses a dossier that changed after the queue was shown, and assigns it from a fresh queue', async () => {
    const { body } = await fileOnline(t, citizen);
    await act(t, tok.receiving, body.code, { action: 'receive' });
    const queue = await page(tok.leader, `/can-bo/ho-so?queue=unit&q=${body.code}`);
    const listedAt = versionIn(queue.html, `version.${body.code}`);
    // Still received, still assignable, but no longer what the leader saw: a new date was set meanwhile.
    expect((await act(t, tok.leader, body.code, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2099-12-31' })).status).toBe(200);
    const r = await post(tok.leader, '/can-bo/ho-so/phan-cong', [
      ['codes', body.code],
      [`version.${body.code}`, listedAt],
      ['assignee', 'chuyenvien'],
    ]);
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('đã thay đổi từ khi bạn mở trang');
    expect((await api<View>(t, 'GET', `/api/v1/dossiers/${body.code}`, { token: tok.leader })).body).toMatchObject({ status: 'received', assignee: null });
    const fresh = await page(tok.leader, `/can-bo/ho-so?queue=unit&q=${body.code}`);
    const ok = await post(tok.leader, '/can-bo/ho-so/phan-cong', [
      ['codes', body.code],
      [`version.${body.code}`, versionIn(fresh.html, `version.${body.code}`)],
      ['assignee', 'chuyenvien'],
    ]);
    expect(ok.status).toBe(200);
    expect((await api<View>(t, 'GET', `/api/v1/dossiers/${body.code}`, { token: tok.leader })).body).toMatchObject({
      status: 'processing',
      assignee: 'chuyenvien',
    });
  });

  it('at the counter: the officer files for the applicant with the scan; a wrong identifier comes back next to its field, the scan kept', async () => {
    const url = `/can-bo/tiep-nhan/${TEST_PROCEDURE.code}`;
    const blank = await page(tok.receiving, url);
    expect(blank.status).toBe(200);
    expect(blank.html).toContain('name="a.identifier"');
    expect(blank.html).toContain('name="file.0"');
    const fd = new FormData();
    for (const [k, v] of Object.entries({
      channel: '3',
      'a.name': 'Đặng Văn Lâm',
      'a.identifier': '12ab',
      'a.phone': '0987654321',
      'f.tenDoanhNghiep': 'Hộ kinh doanh Đặng Lâm',
      'f.maSoThue': '0109876543',
    }))
      fd.append(k, v);
    fd.append('file.0', new Blob([new Uint8Array(await samplePdf())], { type: 'application/pdf' }), 'ban-quet.pdf');
    const bad = await fetch(`${t.base}${url}`, { method: 'POST', redirect: 'manual', headers: { authorization: `Bearer ${tok.receiving}` }, body: fd });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('id="a-identifier-error"');
    const kept = /name="kept\.0" value="([^"]+)"/.exec(html)?.[1];
    expect(kept).toMatch(/^[0-9a-f-]{36}\|ban-quet\.pdf$/);

    const again = new FormData();
    for (const [k, v] of Object.entries({
      channel: '3',
      'a.name': 'Đặng Văn Lâm',
      'a.identifier': '001095004321',
      'a.phone': '0987654321',
      'f.tenDoanhNghiep': 'Hộ kinh doanh Đặng Lâm',
      'f.maSoThue': '0109876543',
      'kept.0': kept!.replace(/&amp;/g, '&'),
    }))
      again.append(k, v);
    const ok = await fetch(`${t.base}${url}`, { method: 'POST', redirect: 'manual', headers: { authorization: `Bearer ${tok.receiving}` }, body: again });
    expect(ok.status).toBe(303);
    const code = decodeURIComponent(/\/can-bo\/ho-so\/([^?]+)\?done=receive/.exec(ok.headers.get('location') ?? '')?.[1] ?? '');
    const view = await api<Omit<View, 'components'> & { channel: number; components: { fileName: string | null }[] }>(t, 'GET', `/api/v1/dossiers/${code}`, {
      token: tok.receiving,
    });
    expect(view.body).toMatchObject({ status: 'received', channel: 3 });
    expect(view.body.components.map((c) => c.fileName)).toEqual(['ban-quet.pdf']);
    expect((await page(tok.specialist, url)).status).toBe(403);
  });
});

describe('a time limit in working hours on the officials’ pages (issue 19)', () => {
  it('the apology form asks for a time too, and the new appointment is that moment, shown with its time', async () => {
    const hours = {
      ...TEST_PROCEDURE,
      code: '9.100022',
      name: 'Thủ tục thử nghiệm giải quyết trong 4 giờ làm việc',
      executionMethods: TEST_PROCEDURE.executionMethods.map((m) => ({ ...m, processingTime: 4, processingTimeUnit: 'WORKING_HOUR' })),
    };
    const imported = await api(t, 'POST', '/api/v1/procedures/import', { token: await login(t, 'admin'), body: [hours] });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const { body } = await fileOnline(t, citizen, { procedure: hours.code });
    expect((await act(t, tok.receiving, body.code, { action: 'receive' })).status).toBe(200);
    const before = await page(tok.leader, `/can-bo/ho-so/${body.code}`);
    expect(before.html).toContain('name="newDueTime"');
    // A dossier counted in days has no time to give.
    const { body: daysDossier } = await fileOnline(t, citizen);
    expect((await act(t, tok.receiving, daysDossier.code, { action: 'receive' })).status).toBe(200);
    const days = await page(tok.leader, `/can-bo/ho-so/${daysDossier.code}`);
    expect(days.html).toContain('name="newDueDate"');
    expect(days.html).not.toContain('name="newDueTime"');

    // Three weeks on, at 10:00 Viet Nam time: later than the current due moment whatever the hour the test runs.
    const day = new Date(Date.now() + 21 * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
    const r = await post(tok.leader, `/can-bo/ho-so/${body.code}/thao-tac`, [
      ['action', 'apologise'],
      ['version', versionIn(before.html)],
      ['reason', 'Cần xác minh thêm với cơ quan liên quan'],
      ['newDueDate', day],
      ['newDueTime', '10:00'],
    ]);
    expect(r.status, await r.clone().text()).toBe(303);
    const v = (await api<View & { dueAt: string }>(t, 'GET', `/api/v1/dossiers/${body.code}`, { token: tok.leader })).body;
    expect(v.dueAt).toBe(`${day}T10:00:00+07:00`);
    const after = await page(tok.leader, `/can-bo/ho-so/${body.code}`);
    const shown = `10:00 ${day.split('-').reverse().join('/')}`;
    // The due row and the history's new appointment both show the time.
    expect(after.html.split(shown).length - 1).toBeGreaterThanOrEqual(2);
  });
});

describe('the official reads the e-form, not JSON', () => {
  let code = '';
  let admin = '';
  beforeAll(async () => {
    admin = await login(t, 'admin');
    const imported = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [TABLE_PROCEDURE] });
    expect(imported.status).toBe(200);
    const filed = await api<View>(t, 'POST', '/api/v1/dossiers', {
      token: citizen,
      body: {
        procedureCode: TABLE_PROCEDURE.code,
        channel: 2,
        form: TABLE_FORM,
        components: [{ code: 'HD-01', uploadId: await uploadPdf(t, citizen, 'hoa-don.pdf') }],
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    code = filed.body.code;
  });

  it('labelled values in the form’s order, codes by their names, dates dd/mm/yyyy, the table as a table', async () => {
    const { status, html } = await page(tok.receiving, `/can-bo/ho-so/${code}`);
    expect(status).toBe(200);
    const labels = [...html.matchAll(/<dt class="govuk-summary-list__key">([^<]+)<\/dt><dd class="govuk-summary-list__value">([^<]*)<\/dd>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(labels).toContainEqual(['Tên thương nhân xuất khẩu', 'Công ty TNHH Cà phê Tây Nguyên']);
    expect(labels).toContainEqual(['Nước nhập khẩu', 'Thái Lan']);
    expect(labels).toContainEqual(['Ngày hóa đơn', '05/03/2025']);
    const order = ['Tên thương nhân xuất khẩu', 'Mã số thuế', 'Địa chỉ trụ sở', 'Nước nhập khẩu'].map((l) => html.indexOf(`>${l}</dt>`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toContain('<caption class="govuk-table__caption govuk-table__caption--s">Danh mục hàng hóa</caption>');
    expect(html).toContain('<th scope="col" class="govuk-table__header">Mã HS</th>');
    expect(html).toContain('<td class="govuk-table__cell" data-label="Tiêu chí xuất xứ">Xuất xứ thuần túy</td>');
    expect(html).toContain('<td class="govuk-table__cell" data-label="Số lượng">12.000</td>');
    // Neither keys, nor codes, nor JSON.
    const main = /<main[\s\S]*<\/main>/.exec(html)![0];
    for (const raw of ['tenDoanhNghiep', 'nuocNhapKhau', 'hangHoa', 'tieuChiXuatXu', '{&quot;', '[{', '>TH<', '>WO<']) expect(main).not.toContain(raw);
  });

  it('components by the procedure’s document name, the file name second', async () => {
    const { html } = await page(tok.receiving, `/can-bo/ho-so/${code}`);
    expect(html).toMatch(/<li>Hóa đơn thương mại — <a class="govuk-link" href="\/api\/v1\/uploads\/[0-9a-f-]{36}">hoa-don\.pdf<\/a><\/li>/);
    expect(html).not.toContain('hoa-don.pdf — hoa-don.pdf');
  });

  it('form 01 names the components by their document and prints the e-form as labelled lines', async () => {
    expect((await act(t, tok.receiving, code, { action: 'receive' })).status).toBe(200);
    const r = await fetch(`${t.base}/can-bo/ho-so/${code}/bieu-mau/01`, { headers: { authorization: `Bearer ${tok.receiving}` } });
    expect(r.status).toBe(200);
    const { flow } = await readBack(new Uint8Array(await r.arrayBuffer()));
    expect(flow).toContain('Hóa đơn thương mại — hoa-don.pdf');
    expect(flow).toContain('Nước nhập khẩu: Thái Lan');
    expect(flow).toContain('Danh mục hàng hóa, dòng 1: Mô tả hàng hóa: Cà phê nhân; Mã HS: 09011110');
    expect(flow).not.toContain('nuocNhapKhau');
  });

  it('in English, the English names the schema has', async () => {
    const { html } = await page(tok.receiving, `/can-bo/ho-so/${code}?lang=en`);
    expect(html).toContain('<dt class="govuk-summary-list__key">Importing country</dt><dd class="govuk-summary-list__value">Thailand</dd>');
    expect(html).toContain('<th scope="col" class="govuk-table__header">HS code</th>');
  });
});
