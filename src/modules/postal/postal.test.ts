import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../platform/errors.ts';
import { SESSION_COOKIE } from '../../platform/auth/sessions.ts';
import { deliverOutbox } from '../../platform/outbox/index.ts';
import { api, login, startTestApp, until, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, FORM, importTestProcedures, samplePdf, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';
import { pollPostalTracking } from './poll-postal-tracking.ts';
import { listPostalOrders } from './list-postal-orders.ts';
import { postalChoiceProblems } from './postal-choice.ts';
import { HttpVnpostClient } from './vnpost-client.ts';
import { orderOf } from './postal-orders.ts';

/**
 * VNPost orders through the public interface (issue 16 item 3), against the VNPost simulator the
 * app serves in demo mode: an order created once when the result is returned by post, a pickup
 * at filing cancelled on withdrawal, tracking kept once per event and in VNPost's order whatever
 * the answers, and a failing VNPost never in the officer's way.
 */

let t: TestApp;
const P = TEST_PROCEDURE.code;
const ADDRESS = 'Số 45 Nguyễn Thị Minh Khai, phường Bến Thành, Thành phố Hồ Chí Minh';
const ha = { id: '00000000-0000-4000-8000-00000000e002', name: 'Nguyễn Thị Thanh Hà', identifier: '079194006789' };
let citizen = '';
const SIM = '/simulators/vnpost';
const H = 3600_000;

type SimOrder = Record<string, unknown> & { OrderNumber: string; cancelled: boolean; events: { StatusCode: string }[] };
type ErrorReply = { error?: { code: string; details?: { path: string }[] } };

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  citizen = await citizenToken(t, ha.id, ha.name, ha.identifier);
});
afterAll(() => t?.close());
beforeEach(async () => {
  await api(t, 'POST', `${SIM}/faults`, { body: { reset: true } });
});

async function file(body: Record<string, unknown>) {
  return api<{ code: string } & ErrorReply>(t, 'POST', '/api/v1/dossiers', {
    token: citizen,
    body: {
      procedureCode: P,
      channel: 2,
      form: FORM,
      components: [{ code: 'T-01', uploadId: await uploadPdf(t, citizen) }],
      applicant: { kind: 'citizen', name: ha.name, identifier: ha.identifier, email: 'ha@example.vn', phone: '0903 456 712', address: ADDRESS },
      ...body,
    },
  });
}

async function walkToApproved(code: string) {
  for (const [who, body] of [
    ['tiepnhan.xnk', { action: 'receive' }],
    ['lanhdao', { action: 'assign', assignee: 'chuyenvien' }],
    ['chuyenvien', { action: 'propose' }],
    ['ky', { action: 'approve' }],
  ] as const) {
    const r = await act(t, await login(t, who), code, body);
    if (r.status !== 200) throw new Error(`${body.action}: ${JSON.stringify(r.body)}`);
  }
}

const simOrders = async (order: string) => (await api<{ orders: SimOrder[] }>(t, 'GET', `${SIM}/orders?order=${encodeURIComponent(order)}`)).body.orders;
const deliver = () => deliverOutbox(t.ctx, 'vnpost', { now: 'ignore-backoff' });
const messages = (code: string) =>
  t.ctx.database.db
    .selectFrom('outbox_messages')
    .select(['kind', 'status'])
    .where('adapter', '=', 'vnpost')
    .where('key', 'like', `postal:${code}-%`)
    .orderBy('id')
    .execute();

describe('postal delivery of the result', () => {
  it('is ordered once when the officer returns by post, with the applicant as receiver and the fee shown at filing collected on delivery', async () => {
    const f = await file({ delivery: 'post' });
    expect(f.status).toBe(201);
    const code = f.body.code;
    // Chosen at filing: requested, nothing sent.
    expect((await listPostalOrders(t.ctx, code)).map((o) => [o.purpose, o.state, o.fee])).toEqual([['delivery', 'requested', 30_000]]);
    await walkToApproved(code);
    const desk = await login(t, 'tiepnhan.xnk');
    const version = (await api<{ version: number }>(t, 'GET', `/api/v1/dossiers/${code}`, { token: desk })).body.version;
    expect((await act(t, desk, code, { action: 'return', version })).status).toBe(200);
    // The same return sent again is refused (stale) and orders nothing more.
    expect((await act(t, desk, code, { action: 'return', version })).status).toBe(409);
    expect(await messages(code)).toEqual([{ kind: 'create-order', status: 'pending' }]);
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(await deliver()).toMatchObject({ sent: 0 });
    const [o] = await simOrders(`${code}-TKQ`);
    expect(o).toMatchObject({
      CustomerCode: 'CONGSO-DEMO',
      OrderNumber: `${code}-TKQ`,
      ItemCode: '',
      CODAmount: 30_000,
      Receiver: { Name: ha.name, Address: ADDRESS, Tel: '0903456712', Province: '79', District: '', Email: 'ha@example.vn' },
    });
    expect((o.Sender as { Province: string; Name: string }).Province).toBe('01');
    expect((o.Sender as { Name: string }).Name).toMatch(/^Bộ phận Một cửa - /);
    expect((await listPostalOrders(t.ctx, code))[0].state).toBe('registered');
  });

  it('a failing VNPost does not hold up the return: the order goes once VNPost answers again', async () => {
    const f = await file({ delivery: 'post' });
    const code = f.body.code;
    await walkToApproved(code);
    await api(t, 'POST', `${SIM}/faults`, { body: { failNext: 3, status: 503 } });
    expect((await act(t, await login(t, 'tiepnhan.xnk'), code, { action: 'return' })).status).toBe(200);
    expect(await deliver()).toMatchObject({ sent: 0, failed: 1 });
    expect(await simOrders(`${code}-TKQ`)).toEqual([]);
    await api(t, 'POST', `${SIM}/faults`, { body: { failNext: 0 } });
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(await simOrders(`${code}-TKQ`)).toHaveLength(1);
  });
});

describe('postal pickup of the paper dossier', () => {
  it('is ordered at filing and cancelled, after its order, when the applicant withdraws', async () => {
    const f = await file({ postalPickup: true });
    expect(f.status).toBe(201);
    const code = f.body.code;
    expect(await messages(code)).toEqual([{ kind: 'create-order', status: 'pending' }]);
    expect((await act(t, citizen, code, { action: 'withdraw', reason: 'Nộp nhầm thủ tục' })).status).toBe(200);
    expect((await listPostalOrders(t.ctx, code))[0].state).toBe('cancelled');
    // One run sends the key's head only: the order, then (next run) its cancellation.
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(await messages(code)).toEqual([
      { kind: 'create-order', status: 'sent' },
      { kind: 'cancel-order', status: 'sent' },
    ]);
    const [o] = await simOrders(`${code}-NHS`);
    expect(o.cancelled).toBe(true);
    expect(o).toMatchObject({ CODAmount: 0, Sender: { Province: '79', Address: ADDRESS } });
  });

  it('is cancelled when the desk refuses the dossier at receipt', async () => {
    const f = await file({ postalPickup: true });
    const code = f.body.code;
    const refused = await act(t, await login(t, 'tiepnhan.xnk'), code, { action: 'refuse', reason: 'Hồ sơ không thuộc thẩm quyền của đơn vị' });
    expect(refused.status).toBe(200);
    expect((await listPostalOrders(t.ctx, code))[0].state).toBe('cancelled');
    expect(await messages(code)).toEqual([
      { kind: 'create-order', status: 'pending' },
      { kind: 'cancel-order', status: 'pending' },
    ]);
  });

  it('needs the province in the address and a phone', async () => {
    const r = await file({
      postalPickup: true,
      applicant: { kind: 'citizen', name: ha.name, identifier: ha.identifier, address: 'Số 45 Nguyễn Thị Minh Khai' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error?.details?.map((d) => d.path).sort()).toEqual(['body.applicant.address', 'body.applicant.phone']);
  });

  it('is refused where no postal service is configured', () => {
    const none = { config: { ...t.ctx.config, vnpost: undefined } };
    const applicant = { name: ha.name, address: ADDRESS, phone: '0903456712' };
    expect(postalChoiceProblems(none, { delivery: 'online', pickup: false, channel: 2, applicant })).toEqual([]);
    let code = '';
    try {
      postalChoiceProblems(none, { delivery: 'post', pickup: false, channel: 2, applicant });
    } catch (e) {
      code = (e as AppError).code;
    }
    expect(code).toBe('POSTAL_UNAVAILABLE');
  });
});

describe('tracking', () => {
  it('keeps each event once and in VNPost order, whatever the answers, and moves the order along', async () => {
    const code = (await file({ postalPickup: true })).body.code;
    await deliver();
    await api(t, 'POST', `${SIM}/clock`, { body: { advanceMs: 5 * H } });
    await pollPostalTracking(t.ctx, { all: true });
    let [o] = await listPostalOrders(t.ctx, code);
    expect(o.state).toBe('in_transit');
    expect(o.events.map((e) => e.code)).toEqual(['100', '103', '104']);
    // Answers repeat events and list them newest first: nothing is kept twice, the order stays VNPost's.
    await api(t, 'POST', `${SIM}/faults`, { body: { duplicateEvents: true, outOfOrder: true } });
    await api(t, 'POST', `${SIM}/clock`, { body: { advanceMs: 25 * H } });
    await pollPostalTracking(t.ctx, { all: true });
    await pollPostalTracking(t.ctx, { all: true });
    [o] = await listPostalOrders(t.ctx, code);
    expect(o.events.map((e) => [e.code, e.state])).toEqual([
      ['100', 'registered'],
      ['103', 'collected'],
      ['104', 'in_transit'],
      ['105', 'in_transit'],
      ['106', 'delivered'],
    ]);
    expect(o.state).toBe('delivered');
    expect(o.itemCode).toMatch(/^EB\d{9}VN$/);
    const calls = await t.ctx.database.db.selectFrom('integration_calls').select(['ok']).where('adapter', '=', 'vnpost').execute();
    expect(calls.reduce((n, c) => n + c.ok, 0)).toBeGreaterThanOrEqual(3);
  });
});

describe('on the portal', () => {
  it('offers pickup, checks the address names its province, shows both postal fees before filing, and orders the pickup at filing', async () => {
    const session = await t.ctx.sessions.create({ kind: 'citizen', id: ha.id, name: ha.name, identifier: ha.identifier, citizenKind: 'citizen' });
    const cookie = `${SESSION_COOKIE}=${session.id}`;
    const first = await fetch(`${t.base}/nop-ho-so/${P}`, { headers: { cookie, accept: 'text/html' } });
    const html = await first.text();
    expect(html).toContain('id="postalPickup" name="postalPickup" type="checkbox" value="1"');
    expect(html).toContain('id="delivery-post"');
    const cookies = `${cookie}; ${first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')}`;
    const action = /<form method="post" action="(\/nop-ho-so\/[^"]+\?_csrf=[^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
    const post = async (address: string) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries({
        'contact.email': 'ha@example.vn',
        'contact.phone': '0903456712',
        'contact.address': address,
        delivery: 'post',
        postalPickup: '1',
        'f.tenDoanhNghiep': FORM.tenDoanhNghiep,
        'f.maSoThue': FORM.maSoThue,
        intent: 'review',
      }))
        fd.append(k, v);
      fd.append('file.0', new File([new Uint8Array(await samplePdf())], 'don.pdf', { type: 'application/pdf' }));
      return fetch(`${t.base}${action}`, { method: 'POST', headers: { cookie: cookies, accept: 'text/html' }, body: fd, redirect: 'manual' });
    };
    const bad = await post('Số 45 Nguyễn Thị Minh Khai');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<a href="#contact-address">Địa chỉ cần ghi rõ tỉnh, thành phố ở cuối');
    const good = await post(ADDRESS);
    expect(good.status).toBe(303);
    const review = await (await fetch(`${t.base}${good.headers.get('location')}`, { headers: { cookie: cookies, accept: 'text/html' } })).text();
    // From the Hà Nội desk to Hồ Chí Minh: another province; a paper dossier (1 kg) and a result (250 g).
    const fees = /<dl class="govuk-summary-list" id="cuoc-buu-chinh">([\s\S]*?)<\/dl>/
      .exec(review)![1]
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
    expect(fees).toContain('Thu gom hồ sơ giấy qua bưu chính 42.000 đ');
    expect(fees).toContain('Chuyển phát kết quả qua bưu chính 30.000 đ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(review)![1];
    const filed = await fetch(`${t.base}/nop-ho-so/${P}/nop`, {
      method: 'POST',
      headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
      redirect: 'manual',
    });
    expect(filed.status).toBe(303);
    const code = new URL(filed.headers.get('location')!, t.base).searchParams.get('ma')!;
    expect((await listPostalOrders(t.ctx, code)).map((o) => [o.purpose, o.state, o.fee])).toEqual([
      ['pickup', 'ordered', 42_000],
      ['delivery', 'requested', 30_000],
    ]);
  });
});

describe('the VNPost client', () => {
  it('a create whose answer never came is sent again and taken as done when VNPost already holds it', async () => {
    const client = new HttpVnpostClient({ ...t.ctx.config.vnpost!, timeoutMs: 300 });
    const party = { name: ha.name, address: ADDRESS, province: '79', tel: '0903456712', email: '' };
    const order = orderOf(t.ctx.config.vnpost!, {
      order_number: 'TEST-TIMEOUT-TKQ',
      purpose: 'delivery',
      fee: 30_000,
      sender: party,
      receiver: party,
      dossier_code: 'TEST',
    });
    // A token first (tracking asks for one): the late answer below is the order's, not the token's.
    expect((await client.tracking('TEST-TIMEOUT-TKQ')).ok).toBe(true);
    await api(t, 'POST', `${SIM}/faults`, { body: { timeoutRate: 1, delayMs: 1500 } });
    const first = await client.createOrder(order);
    expect(first).toMatchObject({ ok: false, permanent: false });
    // The late answer's order did arrive.
    await until('the simulator holds the order', async () => (await simOrders('TEST-TIMEOUT-TKQ')).length === 1);
    await api(t, 'POST', `${SIM}/faults`, { body: { timeoutRate: 0 } });
    expect(await client.createOrder(order)).toEqual({ ok: true, value: { status: '101', message: 'Đơn hàng TEST-TIMEOUT-TKQ đã tồn tại' } });
    // A malformed order is refused for good: the outbox makes it a dead letter, not a retry.
    expect(await client.createOrder({ ...order, OrderNumber: 'TEST-BAD-TKQ', Receiver: { ...order.Receiver, Tel: '' } })).toMatchObject({
      ok: false,
      permanent: true,
    });
  });
});
