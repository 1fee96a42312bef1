import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../platform/config.ts';
import { closeContext, createContext } from '../../../platform/boot.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { buildServer } from '../../../platform/http/server.ts';
import type { App } from '../../../platform/http/types.ts';
import { NationalPaymentGateway } from './national-gateway.ts';
import type { Confirmation, InitRequest } from './gateway.ts';
import { paymentSimulatorModule } from '../../../simulators/payment/routes.ts';
import { freePort, freshDatabase, RELAXED_LIMITS, until } from '../../../../test/helpers.ts';

/**
 * The adapter against the payment platform's simulator (src/simulators/payment), as the app
 * uses them: the simulator served by the app's own server as in the demo, driven through
 * national-gateway.ts: INIT, the pay page, the signed CONFIRM arriving at a partner's callback
 * (a small local listener here, which answers with confirmReply), the browser's return, QUERY,
 * GET_BILL, the statement, every fault, and forged messages refused by our side. Two
 * independent implementations of §2 meet here: a mistake in either one's field order, date
 * format or hash fails these tests. (It lives beside the adapter, not the simulator: a
 * simulator's files may import only the platform, tests included.)
 */

let ctx: Ctx;
let app: App;
let config: Config;
let gw: NationalPaymentGateway;
let listener: Server;
let hanging: Server;
let dataDir: string;
let drop: () => Promise<void>;
let returnUrl: string;

interface Received {
  reference: string;
  body: Record<string, string>;
  /** What verifyConfirm made of it: the confirmation, or the AppError code. */
  outcome: Confirmation | string;
}
const received: Received[] = [];
/** Callbacks and browser returns in the order they happened. */
const events: string[] = [];
const callbacksFor = (ref: string) => received.filter((r) => r.reference === ref);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'no error';
}
async function asyncCodeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'no error';
}

let n = 0;
const newRef = (tag: string) => `TT-${tag}-${process.pid}-${++n}`;

function request(reference: string, amount = 1_005_000, over: Partial<InitRequest> = {}): InitRequest {
  const lines: InitRequest['receipt']['lines'] =
    amount === 1_005_000
      ? [
          { kind: 2, code: 'LP-01', name: 'Lệ phí cấp giấy phép', amount: 1_000_000 },
          { kind: 1, code: 'P-01', name: 'Phí thẩm định', amount: 5_000 },
        ]
      : [{ kind: 2, code: 'LP-01', name: 'Lệ phí cấp giấy phép', amount }];
  return {
    reference,
    amount,
    bankCode: null,
    description: `Nộp phí, lệ phí hồ sơ ${reference}`,
    at: new Date(),
    payerIp: '203.0.113.7',
    receipt: {
      serviceCode: 'DVC-PHI',
      procedureCode: '1.000001',
      procedureName: 'Cấp giấy phép kinh doanh thử',
      unitCode: '000.00.00.G12',
      unitName: 'Bộ Thử nghiệm',
      dossierCode: '000.00.00.G12-260105-0001',
      payerName: 'Nguyễn Văn An',
      payerIdentifier: '001085012345',
      payerAddress: 'Số 1 Tràng Tiền, Hà Nội',
      content: 'Nộp phí, lệ phí hồ sơ',
      lines,
    },
    ...over,
  };
}

const post = (url: string, form: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form), redirect: 'manual' });

/** The browser's return: a 303 to our return address with the signed fields. */
function returned(res: Response, reference: string): Record<string, string> {
  expect(res.status).toBe(303);
  const loc = new URL(res.headers.get('location')!);
  expect(`${loc.origin}${loc.pathname}`).toBe(returnUrl);
  events.push(`return:${reference}`);
  return Object.fromEntries(loc.searchParams);
}

async function started(reference: string, amount?: number): Promise<string> {
  const { redirectUrl } = await gw.init(request(reference, amount));
  return redirectUrl;
}

const fault = async (body: unknown) => {
  const r = await fetch(`${config.payment!.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status).toBe(200);
  return r.json();
};

beforeAll(async () => {
  listener = createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      data += c;
    });
    req.on('end', () => {
      const body = JSON.parse(data) as Record<string, string>;
      const reference = String(body.MaThamChieu ?? '');
      let outcome: Confirmation | string;
      try {
        outcome = gw.verifyConfirm(body);
      } catch (e) {
        outcome = e instanceof AppError ? e.code : String(e);
      }
      received.push({ reference, body, outcome });
      events.push(`callback:${reference}`);
      const ok = typeof outcome !== 'string';
      const reply = gw.confirmReply({ reference, ok, message: ok ? 'Đã nhận' : 'Từ chối', at: new Date() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const partnerSite = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  hanging = createServer(() => undefined); // accepts and never answers
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));

  const db = await freshDatabase();
  drop = db.drop;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-paysim-'));
  const port = await freePort();
  config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...RELAXED_LIMITS,
  });
  returnUrl = `${partnerSite}/thanh-toan/ket-qua`;
  // The platform registers the partner's addresses: here, the local listener stands for our app.
  config.payment = { ...config.payment!, callbackUrl: `${partnerSite}/api/v1/payments/callback`, returnUrl };
  ctx = await createContext(config, { worker: false });
  app = await buildServer(ctx, [paymentSimulatorModule], { refreshPrincipal: async (p) => p });
  await app.listen({ port, host: '127.0.0.1' });
  gw = new NationalPaymentGateway({ url: config.payment.url, partnerCode: config.payment.partnerCode, secret: config.payment.secret });
});

afterAll(async () => {
  await app?.close();
  if (ctx) await closeContext(ctx);
  listener?.closeAllConnections();
  hanging?.closeAllConnections();
  await Promise.all([listener, hanging].map((s) => s && new Promise((r) => s.close(r))));
  await drop?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('national payment gateway against the platform simulator', () => {
  it('is served in demo mode under /simulators/payment, by default the configured platform', () => {
    expect(config.payment!.url).toBe(`${config.publicUrl}/simulators/payment`);
    expect(app.routeTable.filter((r) => r.url.startsWith('/simulators/payment')).every((r) => r.access === 'public')).toBe(true);
  });

  it('INIT answers the pay page; the page offers banks and wallets and the three outcomes', async () => {
    const url = await started(newRef('init'));
    expect(url.startsWith(`${config.payment!.url}/pay/`)).toBe(true);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('lang="vi"');
    for (const s of ['Vietcombank', 'Agribank', 'MoMo', 'ZaloPay', 'VNPT Money', 'Thanh toán', 'Thất bại', 'Bỏ qua', '1.005.000']) expect(html).toContain(s);
  });

  it('INIT refuses a wrong secret, a reused reference and fee lines that do not add up', async () => {
    const other = new NationalPaymentGateway({ url: config.payment!.url, partnerCode: config.payment!.partnerCode, secret: 'not-the-secret' });
    expect(await asyncCodeOf(other.init(request(newRef('badkey'))))).toBe('PAYMENT_PLATFORM_UNAVAILABLE');
    const stranger = new NationalPaymentGateway({ url: config.payment!.url, partnerCode: 'SOMEONE-ELSE', secret: config.payment!.secret });
    expect(await asyncCodeOf(stranger.init(request(newRef('stranger'))))).toBe('PAYMENT_PLATFORM_UNAVAILABLE');
    const ref = newRef('twice');
    await started(ref);
    expect(await asyncCodeOf(gw.init(request(ref)))).toBe('PAYMENT_PLATFORM_UNAVAILABLE');
    // Our adapter refuses to send amounts that are not whole đồng, or lines that do not add up.
    await expect(gw.init(request(newRef('frac'), 1000.5))).rejects.toThrow(RangeError);
    const r = request(newRef('sum'));
    await expect(gw.init({ ...r, amount: 1_005_001 })).rejects.toThrow(RangeError);
    // A raw INIT with a bad hash: the platform's own refusal.
    const raw = await fetch(`${config.payment!.url}/init`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ LoaiBanTin: 'INIT', PhienBan: '1.0.6', MaDoiTac: config.payment!.partnerCode, MaXacThuc: '0'.repeat(64) }),
    });
    expect(((await raw.json()) as { error_code: string }).error_code).not.toBe('0');
  });

  it('pay: the signed CONFIRM reaches the callback and verifies; the browser returns with the same signed fields', async () => {
    const ref = newRef('pay');
    const url = await started(ref);
    const res = await post(url, { outcome: 'pay', bank: 'TCB' });
    const back = gw.verifyReturn(returned(res, ref));
    expect(back).toMatchObject({ reference: ref, amount: 1_005_000, success: true, errorCode: '00', bankCode: 'TCB' });
    expect(back.gatewayTxn).toMatch(/^SIM\d{14}$/);
    const [cb] = callbacksFor(ref);
    expect(cb!.outcome).toEqual(back);
    // The callback came before the browser return, and our signed answer satisfied the platform.
    expect(events.indexOf(`callback:${ref}`)).toBeLessThan(events.indexOf(`return:${ref}`));
    const txn = (await (await fetch(`${config.payment!.url}/transactions/${ref}`)).json()) as {
      state: string;
      callbacks: { status: number; replySigned: boolean }[];
    };
    expect(txn.state).toBe('paid');
    expect(txn.callbacks).toEqual([expect.objectContaining({ status: 200, replySigned: true })]);
    // Paying again is refused by the platform: the page says it is done, nothing is sent.
    const again = await post(url, { outcome: 'pay', bank: 'VCB' });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Giao dịch đã được xử lý');
    expect(callbacksFor(ref)).toHaveLength(1);
  });

  it('fail: a signed CONFIRM with a failure code; QUERY says failed', async () => {
    const ref = newRef('fail');
    const res = await post(await started(ref), { outcome: 'fail', bank: 'MOMO' });
    const back = gw.verifyReturn(returned(res, ref));
    expect(back).toMatchObject({ reference: ref, success: false, bankCode: 'MOMO' });
    expect(back.errorCode).not.toBe('00');
    expect((callbacksFor(ref)[0]!.outcome as Confirmation).success).toBe(false);
    expect(await gw.query(ref, new Date())).toMatchObject({ state: 'failed', amount: 1_005_000 });
  });

  it('abandon: nothing is sent, the payment stays pending', async () => {
    const ref = newRef('abandon');
    const res = await post(await started(ref), { outcome: 'abandon' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Bạn đã bỏ qua giao dịch');
    expect(await gw.query(ref, new Date())).toEqual({ state: 'pending', amount: 1_005_000, gatewayTxn: expect.stringMatching(/^SIM/) });
    expect(callbacksFor(ref)).toHaveLength(0);
  });

  it('QUERY and GET_BILL answer signed, with TrangThaiGD; an unknown reference is pending with no amount', async () => {
    const ref = newRef('query');
    expect((await gw.query(ref, new Date())).state).toBe('pending');
    expect(await gw.query(ref, new Date())).toEqual({ state: 'pending', amount: null, gatewayTxn: null });
    const url = await started(ref, 250_000);
    expect(await gw.query(ref, new Date())).toMatchObject({ state: 'pending', amount: 250_000 });
    const back = gw.verifyReturn(returned(await post(url, { outcome: 'pay', bank: 'VCB' }), ref));
    expect(await gw.query(ref, new Date())).toEqual({ state: 'success', amount: 250_000, gatewayTxn: back.gatewayTxn });
    const bill = await gw.getBill(ref, new Date());
    expect(bill).toMatchObject({ state: 'success', amount: 250_000, bill: { MaHoSo: '000.00.00.G12-260105-0001', MaDonVi: '000.00.00.G12' } });
  });

  it('the statement lists what was really paid through it, in the agreed CSV', async () => {
    const paid = newRef('st-paid');
    const failed = newRef('st-failed');
    const a = gw.verifyReturn(returned(await post(await started(paid, 300_000), { outcome: 'pay', bank: 'BIDV' }), paid));
    const b = gw.verifyReturn(returned(await post(await started(failed, 70_000), { outcome: 'fail', bank: 'BIDV' }), failed));
    const day = new Date(a.at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    const lines = await gw.statement(day);
    expect(lines.find((l) => l.reference === paid)).toEqual({ reference: paid, gatewayTxn: a.gatewayTxn, amount: 300_000, state: 'success', at: a.at });
    expect(lines.find((l) => l.reference === failed)).toEqual({ reference: failed, gatewayTxn: b.gatewayTxn, amount: 70_000, state: 'failed', at: b.at });
    expect(await gw.statement('2001-01-01')).toEqual([]);
  });

  describe('faults', () => {
    it('timeout: no callback and no return; QUERY says pending, then failed once it expires', async () => {
      await fault({ next: { kind: 'timeout', expiresAfterSeconds: 5 } });
      const ref = newRef('timeout');
      const res = await post(await started(ref), { outcome: 'pay', bank: 'VCB' });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Ngân hàng chưa phản hồi');
      expect((await gw.query(ref, new Date())).state).toBe('pending');
      await until('the timed-out payment to fail', async () => (await gw.query(ref, new Date())).state === 'failed');
      expect(callbacksFor(ref)).toHaveLength(0);
    });

    it('duplicate callback: the same signed CONFIRM twice', async () => {
      await fault({ next: { kind: 'duplicate_callback' } });
      const ref = newRef('dup');
      const back = gw.verifyReturn(returned(await post(await started(ref), { outcome: 'pay', bank: 'VCB' }), ref));
      const cbs = callbacksFor(ref);
      expect(cbs).toHaveLength(2);
      expect(cbs[0]!.body).toEqual(cbs[1]!.body);
      expect(cbs.map((c) => c.outcome)).toEqual([back, back]);
    });

    it('late callback: the browser returns first, the CONFIRM follows', async () => {
      await fault({ next: { kind: 'late_callback', delayMs: 1000 } });
      const ref = newRef('late');
      const back = gw.verifyReturn(returned(await post(await started(ref), { outcome: 'pay', bank: 'VCB' }), ref));
      const [cb] = await until('the late callback', async () => callbacksFor(ref).length > 0 && callbacksFor(ref));
      expect(cb!.outcome).toEqual(back);
      expect(events.indexOf(`return:${ref}`)).toBeLessThan(events.indexOf(`callback:${ref}`));
    });

    it('changed amount: correctly signed, another amount; the return keeps the true one unless asked', async () => {
      await fault({ next: { kind: 'changed_amount', amount: 1 } });
      const ref = newRef('amount');
      const back = gw.verifyReturn(returned(await post(await started(ref), { outcome: 'pay', bank: 'VCB' }), ref));
      expect(back.amount).toBe(1_005_000);
      expect((callbacksFor(ref)[0]!.outcome as Confirmation).amount).toBe(1);

      await fault({ next: { kind: 'changed_amount', alsoReturn: true } });
      const ref2 = newRef('amount2');
      const back2 = gw.verifyReturn(returned(await post(await started(ref2), { outcome: 'pay', bank: 'VCB' }), ref2));
      expect(back2.amount).toBe(1_006_000);
      expect((callbacksFor(ref2)[0]!.outcome as Confirmation).amount).toBe(1_006_000);
    });

    it('bad hash: our side refuses the CONFIRM (and the return, when it is forged too)', async () => {
      await fault({ next: { kind: 'bad_hash' } });
      const ref = newRef('hash');
      const q = returned(await post(await started(ref), { outcome: 'pay', bank: 'VCB' }), ref);
      expect(callbacksFor(ref).map((c) => c.outcome)).toEqual(['PAYMENT_MESSAGE_FORGED']);
      expect(gw.verifyReturn(q).success).toBe(true);

      await fault({ next: { kind: 'bad_hash', alsoReturn: true } });
      const ref2 = newRef('hash2');
      const q2 = returned(await post(await started(ref2), { outcome: 'pay', bank: 'VCB' }), ref2);
      expect(codeOf(() => gw.verifyReturn(q2))).toBe('PAYMENT_MESSAGE_FORGED');
      const txn = (await (await fetch(`${config.payment!.url}/transactions/${ref2}`)).json()) as {
        callbacks: { replySigned: boolean; reply: { MaLoi: string } }[];
      };
      expect(txn.callbacks[0]).toMatchObject({ replySigned: true, reply: { MaLoi: '01' } });
    });

    it('statement plants: a dropped line, a changed amount, a changed state, an unknown line; reset restores the truth', async () => {
      const refs = [newRef('pl-drop'), newRef('pl-amount'), newRef('pl-state')];
      let at = new Date();
      for (const ref of refs) at = gw.verifyReturn(returned(await post(await started(ref, 100_000), { outcome: 'pay', bank: 'VCB' }), ref)).at;
      const day = new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
      await fault({ plant: { kind: 'drop', reference: refs[0] } });
      await fault({ plant: { kind: 'change_amount', reference: refs[1], amount: 90_000 } });
      await fault({ plant: { kind: 'change_state', reference: refs[2] } });
      await fault({ plant: { kind: 'add_unknown', day, reference: 'TT-NOBODY-1', amount: 42_000 } });
      const lines = await gw.statement(day);
      const of = (r: string) => lines.find((l) => l.reference === r);
      expect(of(refs[0]!)).toBeUndefined();
      expect(of(refs[1]!)).toMatchObject({ amount: 90_000, state: 'success' });
      expect(of(refs[2]!)).toMatchObject({ amount: 100_000, state: 'failed' });
      expect(of('TT-NOBODY-1')).toMatchObject({ amount: 42_000, state: 'success' });

      await fault({ reset: true });
      const truth = await gw.statement(day);
      for (const r of refs) expect(truth.find((l) => l.reference === r)).toMatchObject({ amount: 100_000, state: 'success' });
      expect(truth.find((l) => l.reference === 'TT-NOBODY-1')).toBeUndefined();
    });

    it('refuses a fault it does not know', async () => {
      const r = await fetch(`${config.payment!.url}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ next: { kind: 'flood' } }),
      });
      expect(r.status).toBe(400);
    });
  });

  describe('our side refuses what the platform did not send', () => {
    let genuine: Record<string, string>;
    beforeAll(async () => {
      const ref = newRef('forge');
      await post(await started(ref), { outcome: 'pay', bank: 'VCB' });
      genuine = callbacksFor(ref)[0]!.body;
    });

    it('a changed field under the original hash', () => {
      expect(gw.verifyConfirm(genuine).success).toBe(true);
      for (const [k, v] of Object.entries({ SoTien: '1', MaLoi: '51', MaThamChieu: 'TT-other', ThoiGianGD: '20200101000000', ThongTinGiaoDich: 'x' })) {
        expect(codeOf(() => gw.verifyConfirm({ ...genuine, [k]: v }))).toBe('PAYMENT_MESSAGE_FORGED');
      }
      expect(codeOf(() => gw.verifyReturn({ ...genuine, SoTien: '1' }))).toBe('PAYMENT_MESSAGE_FORGED');
    });

    it('a missing field, a wrong type, another message type, another partner', () => {
      const { MaGiaoDich: _drop, ...missing } = genuine;
      expect(codeOf(() => gw.verifyConfirm(missing))).toBe('PAYMENT_MESSAGE_FORGED');
      expect(codeOf(() => gw.verifyConfirm({ ...genuine, SoTien: 1_005_000 }))).toBe('PAYMENT_MESSAGE_FORGED');
      expect(codeOf(() => gw.verifyConfirm(null))).toBe('PAYMENT_MESSAGE_FORGED');
      expect(codeOf(() => gw.verifyConfirm('CONFIRM'))).toBe('PAYMENT_MESSAGE_FORGED');
      // Signed with the right secret but for another partner: still not ours.
      const other = new NationalPaymentGateway({ url: config.payment!.url, partnerCode: 'SOMEONE-ELSE', secret: config.payment!.secret });
      expect(codeOf(() => other.verifyConfirm(genuine))).toBe('PAYMENT_MESSAGE_FORGED');
    });

    it('a statement file changed on the way', async () => {
      const ref = newRef('st-relay');
      const at = gw.verifyReturn(returned(await post(await started(ref, 123_456), { outcome: 'pay', bank: 'VCB' }), ref)).at;
      const day = new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
      // A relay that passes the platform's answer on with one amount changed and the signature kept.
      const relay = createServer((req, res) => {
        let data = '';
        req.on('data', (c: Buffer) => {
          data += c.toString('utf8');
        });
        req.on('end', () => {
          void fetch(`${config.payment!.url}/statement`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: data }).then(async (r) => {
            const body = (await r.text()).replace(',123456,', ',123457,');
            res.writeHead(r.status, { 'content-type': 'text/csv', 'x-maxacthuc': r.headers.get('x-maxacthuc') ?? '' }).end(body);
          });
        });
      });
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
      try {
        const via = new NationalPaymentGateway({
          url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
          partnerCode: config.payment!.partnerCode,
          secret: config.payment!.secret,
        });
        expect(await asyncCodeOf(via.statement(day))).toBe('PAYMENT_MESSAGE_FORGED');
      } finally {
        relay.closeAllConnections();
        await new Promise((r) => relay.close(r));
      }
    });

    it('a platform that cannot be reached, hangs or answers an error is unavailable', async () => {
      const closed = new NationalPaymentGateway({ url: `http://127.0.0.1:${await freePort()}`, partnerCode: 'X', secret: 'x'.repeat(32) });
      expect(await asyncCodeOf(closed.query('TT-1', new Date()))).toBe('PAYMENT_PLATFORM_UNAVAILABLE');
      const slow = new NationalPaymentGateway({
        url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
        partnerCode: 'X',
        secret: 'x'.repeat(32),
        timeoutMs: 300,
      });
      expect(await asyncCodeOf(slow.init(request(newRef('slow'))))).toBe('PAYMENT_PLATFORM_UNAVAILABLE');
      const wrongKey = new NationalPaymentGateway({ url: config.payment!.url, partnerCode: config.payment!.partnerCode, secret: 'not-the-secret' });
      expect(await asyncCodeOf(wrongKey.query('TT-1', new Date()))).toBe('PAYMENT_PLATFORM_UNAVAILABLE');
      expect(await asyncCodeOf(wrongKey.statement('2026-01-05'))).toBe('PAYMENT_PLATFORM_UNAVAILABLE');
    });
  });
});
