import type { Ctx } from '../../platform/context.ts';
import type { VnpostConfig } from '../../platform/config.ts';
import {
  Answer,
  basicAuth,
  CANCEL_PATH,
  ORDER_PATH,
  orderJson,
  STATUS_ALREADY_EXISTS,
  STATUS_OK,
  TIMEOUT_MS,
  TOKEN_PATH,
  TRACKING_PAGE_SIZE,
  TRACKING_PATH,
  TrackingPage,
  type Order,
  type TrackingEvent,
} from './contract.ts';

/**
 * What became of one call: done, or why not. `permanent` failures (VNPost refused the request
 * itself) are not retried; the others (no answer, 5xx, a refused token) are.
 */
export type VnpostResult<T> = { ok: true; value: T } | { ok: false; error: string; permanent: boolean };

/** The one interface behind which VNPost sits; the outbox adapter and the tracking poll call it. */
export interface VnpostClient {
  /** Done when VNPost answers "100", or says it already holds this order number (a retry whose first try arrived). */
  createOrder(order: Order): Promise<VnpostResult<{ status: string; message: string }>>;
  cancelOrder(orderNumber: string): Promise<VnpostResult<{ status: string; message: string }>>;
  /** Every tracking event of an order, all pages, as VNPost lists them (possibly repeated or out of order). */
  tracking(orderNumber: string): Promise<VnpostResult<TrackingEvent[]>>;
}

type Raw = { ok: true; status: number; json: unknown; tokenRefused: boolean } | { ok: false; error: string; permanent: boolean };

/** Tokens per VNPost account, shared by the process's calls; renewed a minute before they expire. */
const tokens = new Map<string, { token: string; expiresAt: number }>();

/** VNPost over HTTP (INTEGRATIONS §3). Never throws for VNPost's own failures. */
export class HttpVnpostClient implements VnpostClient {
  readonly #c: VnpostConfig;
  readonly #timeoutMs: number;
  constructor(c: VnpostConfig) {
    this.#c = c;
    this.#timeoutMs = c.timeoutMs ?? TIMEOUT_MS;
  }

  async createOrder(order: Order) {
    const r = await this.#call(ORDER_PATH, orderJson(order));
    if (!r.ok) return r;
    const a = Answer.safeParse(r.json);
    if (!a.success) return { ok: false as const, error: `HTTP ${r.status}: not a VNPost answer`, permanent: false };
    if (a.data.Status === STATUS_OK || a.data.Status === STATUS_ALREADY_EXISTS)
      return { ok: true as const, value: { status: a.data.Status, message: a.data.Message ?? '' } };
    return { ok: false as const, error: `VNPost ${a.data.Status}: ${a.data.Message ?? ''}`.trim(), permanent: r.status < 500 };
  }

  async cancelOrder(orderNumber: string) {
    const r = await this.#call(CANCEL_PATH, JSON.stringify({ CustomerCode: this.#c.customerCode, OrderNumber: orderNumber }));
    if (!r.ok) return r;
    const a = Answer.safeParse(r.json);
    if (!a.success) return { ok: false as const, error: `HTTP ${r.status}: not a VNPost answer`, permanent: false };
    if (a.data.Status === STATUS_OK) return { ok: true as const, value: { status: a.data.Status, message: a.data.Message ?? '' } };
    return { ok: false as const, error: `VNPost ${a.data.Status}: ${a.data.Message ?? ''}`.trim(), permanent: r.status < 500 };
  }

  async tracking(orderNumber: string): Promise<VnpostResult<TrackingEvent[]>> {
    const out: TrackingEvent[] = [];
    // Bounded: a page count VNPost reports is not trusted to end the loop.
    for (let page = 1; page <= 20; page++) {
      const r = await this.#call(
        TRACKING_PATH,
        JSON.stringify({ CustomerCode: this.#c.customerCode, OrderNumber: orderNumber, PageIndex: page, PageSize: TRACKING_PAGE_SIZE }),
      );
      if (!r.ok) return r;
      const p = TrackingPage.safeParse(r.json);
      if (!p.success) return { ok: false, error: `HTTP ${r.status}: not a tracking page`, permanent: false };
      if (p.data.Status !== STATUS_OK) return { ok: false, error: `VNPost ${p.data.Status}: ${p.data.Message ?? ''}`.trim(), permanent: false };
      out.push(...p.data.Items);
      if (p.data.Items.length < TRACKING_PAGE_SIZE || out.length >= p.data.TotalCount) break;
    }
    return { ok: true, value: out };
  }

  async #token(): Promise<{ ok: true; token: string } | { ok: false; error: string; permanent: boolean }> {
    const key = `${this.#c.url}|${this.#c.clientId}`;
    const cached = tokens.get(key);
    if (cached && cached.expiresAt > Date.now() + 60_000) return { ok: true, token: cached.token };
    const r = await this.#fetch(TOKEN_PATH, {
      headers: { authorization: basicAuth(this.#c.clientId, this.#c.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (!r.ok) return r;
    const j = r.json as { access_token?: unknown; expires_in?: unknown } | null;
    if (r.status !== 200 || typeof j?.access_token !== 'string') return { ok: false, error: `token: HTTP ${r.status}`, permanent: false };
    const expiresIn = typeof j.expires_in === 'number' ? j.expires_in : 300;
    tokens.set(key, { token: j.access_token, expiresAt: Date.now() + expiresIn * 1000 });
    return { ok: true, token: j.access_token };
  }

  /** A JSON call with the token; a refused token is dropped and the call tried once more with a new one. */
  async #call(path: string, body: string): Promise<Raw> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const t = await this.#token();
      if (!t.ok) return t;
      const r = await this.#fetch(path, { headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' }, body });
      if (r.ok && r.tokenRefused) {
        tokens.delete(`${this.#c.url}|${this.#c.clientId}`);
        continue;
      }
      if (r.ok && r.status >= 500) return { ok: false, error: `HTTP ${r.status}`, permanent: false };
      return r;
    }
    return { ok: false, error: 'token refused', permanent: false };
  }

  async #fetch(path: string, init: { headers: Record<string, string>; body: string }): Promise<Raw> {
    let res: Response;
    try {
      res = await fetch(this.#c.url + path, { method: 'POST', ...init, signal: AbortSignal.timeout(this.#timeoutMs), redirect: 'error' });
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError';
      return { ok: false, error: timedOut ? `no answer within ${this.#timeoutMs / 1000} s` : `cannot be reached (${(e as Error).message})`, permanent: false };
    }
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null; // not JSON: the caller reports the status
    }
    // A token VNPost no longer knows: 401, or a 400 that says so in WWW-Authenticate (RFC 6750 §3).
    const tokenRefused = res.status === 401 || (res.status === 400 && /invalid_token/.test(res.headers.get('www-authenticate') ?? ''));
    return { ok: true, status: res.status, json, tokenRefused };
  }
}

/** VNPost, configured from `ctx.config.vnpost`; null when it is not (postal options are off). */
export function vnpostClient(ctx: Pick<Ctx, 'config'>): VnpostClient | null {
  const c = ctx.config.vnpost;
  return c ? new HttpVnpostClient(c) : null;
}
