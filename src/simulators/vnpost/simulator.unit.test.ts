import { describe, expect, it } from 'vitest';
import { createVnpostSimulator, itemCode, orderProblem } from './simulator.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const party = {
  Province: '79',
  District: '',
  Address: 'Số 45 Nguyễn Thị Minh Khai, Thành phố Hồ Chí Minh',
  Name: 'Nguyễn Thị Thanh Hà',
  Email: '',
  Tel: '0903456712',
};
const ORDER = {
  CustomerCode: 'C1',
  OrderNumber: 'G12-261207-0001-TKQ',
  ItemCode: '',
  CODAmount: 30000,
  Sender: { ...party, Province: '01', Name: 'Bộ phận Một cửa', Desc: 'Kết quả' },
  Description: 'Kết quả giải quyết hồ sơ',
  Receiver: { Name: party.Name, Address: party.Address, Tel: party.Tel, Province: '79', District: '', Email: 'ha@example.vn' },
};

function started() {
  const now = new Date('2026-12-07T02:00:00Z');
  const sim = createVnpostSimulator({ clientId: 'id', clientSecret: 'secret', customerCode: 'C1', now: () => now, random: () => 0.5 });
  const tok = sim.token(basic('id', 'secret'), 'client_credentials');
  const bearer = `Bearer ${(tok.body as { access_token: string }).access_token}`;
  return { sim, bearer };
}
const H = 3600_000;
const codes = (a: { body: Record<string, unknown> }) => (a.body.Items as { StatusCode: string }[]).map((e) => e.StatusCode);

describe('VNPost simulator', () => {
  it('issues a token only for the Basic client credentials and the client_credentials grant', () => {
    const sim = createVnpostSimulator({ clientId: 'id', clientSecret: 'secret', customerCode: 'C1' });
    expect(sim.token(basic('id', 'wrong'), 'client_credentials')).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(sim.token(undefined, 'client_credentials').status).toBe(400);
    expect(sim.token(basic('id', 'secret'), 'password').status).toBe(400);
    const ok = sim.token(basic('id', 'secret'), 'client_credentials');
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('Bearer');
    expect(sim.createOrder('Bearer nope', ORDER)).toMatchObject({
      status: 400,
      body: { Status: '401' },
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  });

  it('checks orders as VNPost does: fields, phone, province, customer', () => {
    expect(orderProblem(ORDER, 'C1')).toBeNull();
    expect(orderProblem({ ...ORDER, CustomerCode: 'C2' }, 'C1')).toBe('CustomerCode: not this customer');
    expect(orderProblem({ ...ORDER, Receiver: { ...ORDER.Receiver, Tel: '' } }, 'C1')).toBe('Receiver.Tel: a phone number');
    expect(orderProblem({ ...ORDER, Sender: { ...ORDER.Sender, Province: 'Hà Nội' } }, 'C1')).toBe('Sender.Province: a two-digit province code');
    expect(orderProblem({ ...ORDER, Extra: 1 }, 'C1')).toBe('Extra: unknown field');
    expect(orderProblem({ ...ORDER, CODAmount: -1 }, 'C1')).toBe('CODAmount: a whole number of đồng, not negative');
  });

  it('answers 100 for a new order, 101 for the same number again; events advance with its clock', () => {
    const { sim, bearer } = started();
    expect(sim.createOrder(bearer, ORDER).body).toMatchObject({ Status: '100' });
    expect(sim.createOrder(bearer, ORDER).body).toMatchObject({ Status: '101' });
    const track = () => sim.tracking(bearer, { CustomerCode: 'C1', OrderNumber: ORDER.OrderNumber, PageIndex: 1, PageSize: 50 });
    expect(codes(track())).toEqual(['100']);
    sim.advance(5 * H);
    expect(codes(track())).toEqual(['100', '103', '104']);
    sim.advance(20 * H);
    const done = track();
    expect(codes(done)).toEqual(['100', '103', '104', '105', '106']);
    // The item code appears from collection on, as an S10 code.
    expect((done.body.Items as { ItemCode: string }[])[1].ItemCode).toMatch(/^EB\d{9}VN$/);
    expect((done.body.Items as { EventTime: string }[])[0].EventTime).toBe('2026-12-07 09:00:00');
  });

  it('pages tracking, and with faults lists events twice and newest first', () => {
    const { sim, bearer } = started();
    sim.createOrder(bearer, ORDER);
    sim.advance(30 * H);
    const page = (i: number) => sim.tracking(bearer, { CustomerCode: 'C1', OrderNumber: ORDER.OrderNumber, PageIndex: i, PageSize: 2 });
    expect(codes(page(1))).toEqual(['100', '103']);
    expect(codes(page(3))).toEqual(['106']);
    expect(page(3).body.TotalCount).toBe(5);
    sim.setFaults({ duplicateEvents: true, outOfOrder: true });
    const all = sim.tracking(bearer, { CustomerCode: 'C1', OrderNumber: ORDER.OrderNumber, PageIndex: 1, PageSize: 50 });
    expect(codes(all)).toEqual(['106', '106', '105', '105', '104', '104', '103', '103', '100', '100']);
  });

  it('cancels before collection only; returns an order marked to fail', () => {
    const { sim, bearer } = started();
    sim.createOrder(bearer, ORDER);
    expect(sim.cancelOrder(bearer, { CustomerCode: 'C1', OrderNumber: ORDER.OrderNumber }).body.Status).toBe('100');
    sim.advance(30 * H);
    expect(sim.orders(ORDER.OrderNumber)[0].events.map((e) => e.StatusCode)).toEqual(['100', '109']);
    const other = { ...ORDER, OrderNumber: 'G12-261207-0002-NHS' };
    sim.createOrder(bearer, other);
    sim.advance(2 * H);
    expect(sim.cancelOrder(bearer, { CustomerCode: 'C1', OrderNumber: other.OrderNumber }).body.Status).toBe('102');
    sim.setFaults({ returnNext: 1 });
    const back = { ...ORDER, OrderNumber: 'G12-261207-0003-TKQ' };
    sim.createOrder(bearer, back);
    sim.advance(49 * H);
    expect(sim.orders(back.OrderNumber)[0].events.map((e) => e.StatusCode)).toEqual(['100', '103', '104', '105', '107', '108']);
  });

  it('fails the next N calls with a status, and answers a fraction late', () => {
    const { sim, bearer } = started();
    sim.setFaults({ failNext: 2, status: 502 });
    expect(sim.createOrder(bearer, ORDER).status).toBe(502);
    expect(sim.createOrder(bearer, ORDER).status).toBe(502);
    expect(sim.createOrder(bearer, ORDER).status).toBe(200);
    sim.setFaults({ timeoutRate: 1, delayMs: 20_000 });
    expect(sim.tracking(bearer, { CustomerCode: 'C1', OrderNumber: ORDER.OrderNumber, PageIndex: 1, PageSize: 5 }).delayMs).toBe(20_000);
    sim.reset();
    expect(sim.orders()).toEqual([]);
  });

  it('makes S10 item codes with their check digit', () => {
    // 4·8 + 7·6 + 3·4 + 1·2 + 2·3 + 4·5 + 8·9 + 2·7 = 200; 200 mod 11 = 2; 11 − 2 = 9.
    expect(itemCode(47312482)).toBe('EB473124829VN');
  });
});
