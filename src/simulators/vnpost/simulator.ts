import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * VNPost, simulated (INTEGRATIONS §3): the other side of src/modules/postal. Its own reading of
 * the contract, so it checks ours: an OAuth2 client-credentials token (Basic auth), orders with
 * CustomerCode, OrderNumber, ItemCode, CODAmount, Sender{Province, District, Address, Name, Email,
 * Tel, Desc}, Description, Receiver{Name, Address, Tel, Province, District, Email}, answered
 * `{ Status, Message }` ("100" done, "101" that order number exists, "102" not cancellable any
 * more, "400" a malformed order); cancellation by CustomerCode + OrderNumber; tracking, paged.
 *
 * An order's events advance with time, deterministically: from its creation, accepted (100), then
 * collected (103) after an hour, in transit (104) after 4 h, out for delivery (105) after 20 h,
 * delivered (106) after 24 h; an order marked to fail is not delivered (107) at 24 h and returned
 * (108) at 48 h. The clock is the machine's plus an offset a test advances (`advance`), so a test
 * moves an order along without waiting. Faults for tests and the demo: the next N calls fail with
 * a status, a fraction fail, a fraction answer late (past the caller's timeout), tracking lists
 * events twice or out of order, the next N orders are returned to the sender. In memory.
 */

export interface VnpostSimulatorOptions {
  clientId: string;
  clientSecret: string;
  customerCode: string;
  now?: () => Date;
  random?: () => number;
}

export interface Faults {
  /** The next this many API calls are answered with `status`. */
  failNext: number;
  status: number;
  /** This fraction of API calls (0–1) are answered with `status`. */
  failRate: number;
  /** This fraction of API calls (0–1) are answered only after `delayMs` (the caller has given up by then). */
  timeoutRate: number;
  delayMs: number;
  /** Tracking lists every event twice. */
  duplicateEvents: boolean;
  /** Tracking lists events newest first, pages included. */
  outOfOrder: boolean;
  /** The next this many orders are not delivered and go back to the sender. */
  returnNext: number;
}

const NO_FAULTS: Faults = {
  failNext: 0,
  status: 503,
  failRate: 0,
  timeoutRate: 0,
  delayMs: 15_000,
  duplicateEvents: false,
  outOfOrder: false,
  returnNext: 0,
};

const H = 3600_000;
/** The journey of a parcel, as offsets from its order. */
const DELIVERED: readonly [number, string, string][] = [
  [0, '100', 'Đã tiếp nhận đơn hàng'],
  [1 * H, '103', 'Đã nhận hàng từ người gửi'],
  [4 * H, '104', 'Đang vận chuyển'],
  [20 * H, '105', 'Đang phát'],
  [24 * H, '106', 'Phát thành công'],
];
const RETURNED: readonly [number, string, string][] = [
  ...DELIVERED.slice(0, 4),
  [24 * H, '107', 'Phát không thành công: không liên lạc được người nhận'],
  [48 * H, '108', 'Đã chuyển hoàn về người gửi'],
];
const POS = ['100000', '101000', '700000'];

export interface SimOrder {
  order: Record<string, unknown>;
  createdAt: Date;
  itemCode: string;
  returns: boolean;
  cancelledAt: Date | null;
}

export interface SimEvent {
  CustomerCode: string;
  OrderNumber: string;
  ItemCode: string;
  POSID: string;
  EventTime: string;
  StatusCode: string;
  StatusMessage: string;
  Notes: string;
}

/** What an answer is: an HTTP status and its JSON body, possibly after a delay. */
export interface SimAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A token it does not know: refused as a bad request (400), as the demo's other stand-ins refuse
 * theirs (the caller is a system, not a person signing in), and said in WWW-Authenticate
 * (RFC 6750 §3), on which the client renews its token.
 */
const UNAUTHORISED: SimAnswer = {
  status: 400,
  body: { Status: '401', Message: 'invalid or expired token' },
  headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
};

const PHONE = /^\+?[0-9]{8,15}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The first thing wrong with an order, as VNPost checks one, or null. */
export function orderProblem(body: unknown, customerCode: string): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  const o = body as Record<string, unknown>;
  const known = ['CustomerCode', 'OrderNumber', 'ItemCode', 'CODAmount', 'Sender', 'Description', 'Receiver'];
  for (const k of Object.keys(o)) if (!known.includes(k)) return `${k}: unknown field`;
  if (o.CustomerCode !== customerCode) return 'CustomerCode: not this customer';
  if (typeof o.OrderNumber !== 'string' || !/^[A-Za-z0-9._-]{1,60}$/.test(o.OrderNumber)) return 'OrderNumber: 1–60 letters, digits, . _ -';
  if (typeof o.ItemCode !== 'string' || (o.ItemCode !== '' && !/^[A-Z]{2}\d{9}[A-Z]{2}$/.test(o.ItemCode))) return 'ItemCode: empty or an S10 item code';
  if (typeof o.CODAmount !== 'number' || !Number.isInteger(o.CODAmount) || o.CODAmount < 0) return 'CODAmount: a whole number of đồng, not negative';
  if (typeof o.Description !== 'string' || o.Description.length > 500) return 'Description: a string of at most 500 characters';
  const party = (name: string, fields: string[]) => {
    const p = o[name];
    if (!p || typeof p !== 'object' || Array.isArray(p)) return `${name}: must be an object`;
    const x = p as Record<string, unknown>;
    for (const k of Object.keys(x)) if (!fields.includes(k)) return `${name}.${k}: unknown field`;
    for (const k of fields) if (typeof x[k] !== 'string') return `${name}.${k}: must be a string`;
    if (!(x.Name as string).trim()) return `${name}.Name: required`;
    if ((x.Address as string).trim().length < 5) return `${name}.Address: required`;
    if (!PHONE.test((x.Tel as string).replace(/[ .-]/g, ''))) return `${name}.Tel: a phone number`;
    if (!/^\d{2}$/.test(x.Province as string)) return `${name}.Province: a two-digit province code`;
    if (x.Email && !EMAIL.test(x.Email as string)) return `${name}.Email: an e-mail address or empty`;
    return null;
  };
  return (
    party('Sender', ['Province', 'District', 'Address', 'Name', 'Email', 'Tel', 'Desc']) ??
    party('Receiver', ['Name', 'Address', 'Tel', 'Province', 'District', 'Email'])
  );
}

/** Vietnam time, `yyyy-MM-dd HH:mm:ss`, as its tracking writes EventTime. */
const eventTime = (d: Date) => {
  const v = new Date(d.getTime() + 7 * H).toISOString();
  return `${v.slice(0, 10)} ${v.slice(11, 19)}`;
};

/** An S10 item code with its check digit (UPU S10: weights 8 6 4 2 3 5 9 7). */
export function itemCode(serial: number): string {
  const digits = String(serial % 100_000_000).padStart(8, '0');
  const sum = [8, 6, 4, 2, 3, 5, 9, 7].reduce((s, w, i) => s + w * Number(digits[i]), 0);
  const c = 11 - (sum % 11);
  return `EB${digits}${c === 10 ? 0 : c === 11 ? 5 : c}VN`;
}

export function createVnpostSimulator(o: VnpostSimulatorOptions) {
  const wallClock = o.now ?? (() => new Date());
  const random = o.random ?? Math.random;
  let offsetMs = 0;
  const now = () => new Date(wallClock().getTime() + offsetMs);
  let faults: Faults = { ...NO_FAULTS };
  let orders = new Map<string, SimOrder>();
  let tokens = new Map<string, number>();
  let calls = 0;
  let serial = 0;

  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

  /** A fault for this call, if one applies. */
  function fault(): SimAnswer | null {
    calls++;
    if (faults.failNext > 0) {
      faults.failNext--;
      return { status: faults.status, body: { Status: String(faults.status), Message: 'fault injected' } };
    }
    if (faults.failRate > 0 && random() < faults.failRate) return { status: faults.status, body: { Status: String(faults.status), Message: 'fault injected' } };
    return null;
  }
  /** Late answers: the call is done, but its answer comes after the caller gave up. */
  const late = (a: SimAnswer): SimAnswer => (faults.timeoutRate > 0 && random() < faults.timeoutRate ? { ...a, delayMs: faults.delayMs } : a);

  function authorised(header: string | undefined): boolean {
    const m = /^Bearer (\S+)$/.exec(header ?? '');
    const exp = m ? tokens.get(m[1]) : undefined;
    // Tokens live by the machine's clock: moving the parcels' clock forward does not expire them.
    return exp !== undefined && exp > wallClock().getTime();
  }

  function events(number: string): SimEvent[] {
    const s = orders.get(number);
    if (!s) return [];
    const t = now().getTime();
    const journey = (s.returns ? RETURNED : DELIVERED).filter(([after]) => !s.cancelledAt || s.createdAt.getTime() + after <= s.cancelledAt.getTime());
    const out = journey
      .filter(([after]) => s.createdAt.getTime() + after <= t)
      .map(([after, code, message], i) => ({
        CustomerCode: o.customerCode,
        OrderNumber: number,
        // VNPost gives the parcel its item code when it collects it.
        ItemCode: code === '100' ? '' : s.itemCode,
        POSID: POS[i % POS.length],
        EventTime: eventTime(new Date(s.createdAt.getTime() + after)),
        StatusCode: code,
        StatusMessage: message,
        Notes: '',
      }));
    if (s.cancelledAt) {
      out.push({
        CustomerCode: o.customerCode,
        OrderNumber: number,
        ItemCode: '',
        POSID: POS[0],
        EventTime: eventTime(s.cancelledAt),
        StatusCode: '109',
        StatusMessage: 'Đơn hàng đã hủy theo yêu cầu của khách hàng',
        Notes: '',
      });
    }
    return out;
  }

  return {
    /** POST token: Basic client credentials, `grant_type=client_credentials`. */
    token(authorization: string | undefined, grantType: unknown): SimAnswer {
      const f = fault();
      if (f) return f;
      const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization ?? '');
      const [id, ...rest] = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':') : [];
      // 400, which RFC 6749 §5.2 allows for invalid_client.
      if (!m || !same(id ?? '', o.clientId) || !same(rest.join(':'), o.clientSecret)) return { status: 400, body: { error: 'invalid_client' } };
      if (grantType !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, wallClock().getTime() + H);
      return late({ status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: 3600 } });
    },

    /** POST order. */
    createOrder(authorization: string | undefined, body: unknown): SimAnswer {
      if (!authorised(authorization)) return UNAUTHORISED;
      const f = fault();
      if (f) return f;
      const problem = orderProblem(body, o.customerCode);
      if (problem) return { status: 400, body: { Status: '400', Message: problem } };
      const order = body as Record<string, unknown>;
      const number = order.OrderNumber as string;
      if (orders.has(number)) return late({ status: 200, body: { Status: '101', Message: `Đơn hàng ${number} đã tồn tại` } });
      const returns = faults.returnNext > 0;
      if (returns) faults.returnNext--;
      orders.set(number, { order, createdAt: now(), itemCode: (order.ItemCode as string) || itemCode(++serial), returns, cancelledAt: null });
      return late({ status: 200, body: { Status: '100', Message: 'Tạo đơn hàng thành công' } });
    },

    /** POST cancel: only before the parcel is collected. */
    cancelOrder(authorization: string | undefined, body: unknown): SimAnswer {
      if (!authorised(authorization)) return UNAUTHORISED;
      const f = fault();
      if (f) return f;
      const b = (body ?? {}) as Record<string, unknown>;
      if (b.CustomerCode !== o.customerCode || typeof b.OrderNumber !== 'string')
        return { status: 400, body: { Status: '400', Message: 'CustomerCode and OrderNumber are required' } };
      const s = orders.get(b.OrderNumber);
      if (!s) return { status: 200, body: { Status: '404', Message: 'Không tìm thấy đơn hàng' } };
      if (s.cancelledAt) return late({ status: 200, body: { Status: '100', Message: 'Đơn hàng đã hủy' } });
      if (events(b.OrderNumber).some((e) => e.StatusCode !== '100'))
        return { status: 200, body: { Status: '102', Message: 'Đơn hàng đã được thu gom, không thể hủy' } };
      s.cancelledAt = now();
      return late({ status: 200, body: { Status: '100', Message: 'Hủy đơn hàng thành công' } });
    },

    /** POST tracking, paged (PageIndex from 1). */
    tracking(authorization: string | undefined, body: unknown): SimAnswer {
      if (!authorised(authorization)) return UNAUTHORISED;
      const f = fault();
      if (f) return f;
      const b = (body ?? {}) as Record<string, unknown>;
      const size = b.PageSize;
      const index = b.PageIndex;
      if (
        b.CustomerCode !== o.customerCode ||
        typeof b.OrderNumber !== 'string' ||
        typeof size !== 'number' ||
        typeof index !== 'number' ||
        size < 1 ||
        index < 1
      )
        return { status: 400, body: { Status: '400', Message: 'CustomerCode, OrderNumber, PageIndex and PageSize are required' } };
      let all: SimEvent[] = events(b.OrderNumber);
      if (faults.duplicateEvents) all = all.flatMap((e) => [e, { ...e }]);
      if (faults.outOfOrder) all = [...all].reverse();
      const items = all.slice((index - 1) * size, index * size);
      return late({ status: 200, body: { Status: '100', Message: 'OK', TotalCount: all.length, Items: items } });
    },

    /** What it holds: every order with its events so far (one's, when named). */
    orders(number?: string) {
      return [...orders.entries()]
        .filter(([n]) => !number || n === number)
        .map(([n, s]) => ({ ...s.order, createdAt: s.createdAt.toISOString(), cancelled: Boolean(s.cancelledAt), events: events(n) }));
    },
    /** Moves its clock forward (tests and the demo: a parcel delivered without waiting a day). */
    advance(ms: number) {
      offsetMs += ms;
      return { now: now().toISOString() };
    },
    setFaults(f: Partial<Faults>) {
      faults = { ...faults, ...f };
    },
    faults: () => ({ ...faults, calls }),
    reset() {
      faults = { ...NO_FAULTS };
      orders = new Map();
      tokens = new Map();
      offsetMs = 0;
      calls = 0;
    },
  };
}
export type VnpostSimulator = ReturnType<typeof createVnpostSimulator>;
