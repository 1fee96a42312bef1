import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordCall } from '../outbox/index.ts';
import { DEFAULTS, SIGNATURE_HEADERS, sha256Hex, signatureOf, TOKEN_PATH, type TokenAnswer } from './contract.ts';

/** Where the gateway is and who we are to it (`config.gateway`). */
export interface GatewayConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The key our requests are signed with (HMAC-SHA256). */
  signingKey: string;
  timeoutMs?: number;
  retries?: number;
  retryBaseMs?: number;
  breakerThreshold?: number;
  breakerCoolDownMs?: number;
}

export interface GatewayRequest {
  /** The service behind the gateway, named as an adapter (`business-registry`): its calls are recorded, and its circuit kept, under this name. */
  service: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the gateway's base URL, starting with `/`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Retried after a timeout, a lost connection or a 5xx. GET is; anything else only when said so. */
  idempotent?: boolean;
  timeoutMs?: number;
}

/** An answer of the service (any status below 500): what it means is the caller's business. */
export interface GatewayResponse {
  status: number;
  body: unknown;
}

export type CallOutcome = { ok: boolean; error?: string; ms?: number };

/**
 * The service cannot be reached through the gateway now: no answer in time, no connection, a
 * 5xx, the token refused, or its circuit open. Nothing was done on the other side that the
 * caller has to undo (a call that was not idempotent was sent at most once).
 */
export class GatewayUnavailable extends AppError {
  constructor(
    readonly service: string,
    readonly reason: string,
  ) {
    // The reason is for the log and the operations page; the person waiting is told what to do.
    super('GATEWAY_UNAVAILABLE', {
      vi: 'Hệ thống được hỏi qua Nền tảng chia sẻ dữ liệu chưa trả lời được; vui lòng thử lại sau ít phút',
      en: 'The system asked through the data-sharing platform did not answer; please try again in a few minutes',
    });
  }
}

export type BreakerState = 'closed' | 'open' | 'half-open';

interface Breaker {
  failures: number;
  openUntil: number | null;
  probing: boolean;
}

type Attempt = { ok: true; res: GatewayResponse } | { ok: false; error: string; retryable: boolean };

export interface DataSharingGateway {
  call(req: GatewayRequest): Promise<GatewayResponse>;
  breakerState(service: string): BreakerState;
}

/**
 * The one client for calls through the data-sharing platform (NDXP / provincial LGSP): a Bearer
 * token from `POST /token` (client credentials) kept until shortly before it expires and renewed
 * once when refused; every request signed (contract.ts); a time limit per attempt; idempotent
 * calls retried with exponential backoff; and a circuit breaker per service: after N failures in a
 * row the service is not called for a cool-down, then one probe decides. A failing service so
 * costs its callers one quick refusal, not a timeout each. Every attempt's outcome is recorded
 * (the operations page, metrics). The token, the circuits and the clock are per node.
 */
export class HttpGateway implements DataSharingGateway {
  readonly #c: Required<GatewayConfig>;
  readonly #record: (service: string, o: CallOutcome) => Promise<void>;
  readonly #now: () => number;
  readonly #breakers = new Map<string, Breaker>();
  #token: { value: string; expiresAt: number } | null = null;
  #tokenPending: Promise<string> | null = null;

  constructor(c: GatewayConfig, o: { record?: (service: string, o: CallOutcome) => Promise<void>; now?: () => number } = {}) {
    this.#c = {
      timeoutMs: DEFAULTS.timeoutMs,
      retries: DEFAULTS.retries,
      retryBaseMs: DEFAULTS.retryBaseMs,
      breakerThreshold: DEFAULTS.breakerThreshold,
      breakerCoolDownMs: DEFAULTS.breakerCoolDownMs,
      ...c,
      url: c.url.replace(/\/+$/, ''),
    };
    this.#record = o.record ?? (async () => {});
    this.#now = o.now ?? Date.now;
  }

  breakerState(service: string): BreakerState {
    const b = this.#breakers.get(service);
    if (!b?.openUntil) return 'closed';
    return this.#now() < b.openUntil ? 'open' : 'half-open';
  }

  async call(req: GatewayRequest): Promise<GatewayResponse> {
    const b = this.#breakers.get(req.service) ?? { failures: 0, openUntil: null, probing: false };
    this.#breakers.set(req.service, b);
    if (b.openUntil !== null) {
      // Open: refused at once. Past the cool-down: one call goes through as the probe, the others are still refused.
      if (this.#now() < b.openUntil || b.probing) {
        await this.#safeRecord(req.service, { ok: false, error: 'circuit open', ms: 0 });
        throw new GatewayUnavailable(req.service, 'circuit open');
      }
      b.probing = true;
    }
    const attempts = (req.idempotent ?? req.method === 'GET') ? 1 + this.#c.retries : 1;
    let last = '';
    for (let n = 1; n <= attempts; n++) {
      if (n > 1) {
        const base = this.#c.retryBaseMs * 2 ** (n - 2);
        await new Promise((r) => setTimeout(r, base + Math.random() * (base / 2)));
      }
      const started = performance.now();
      const a = await this.#attempt(req);
      const ms = Math.round(performance.now() - started);
      await this.#safeRecord(req.service, a.ok ? { ok: true, ms } : { ok: false, error: a.error, ms });
      if (a.ok) {
        b.failures = 0;
        b.openUntil = null;
        b.probing = false;
        return a.res;
      }
      last = a.error;
      b.failures++;
      if (b.probing || b.failures >= this.#c.breakerThreshold) {
        b.openUntil = this.#now() + this.#c.breakerCoolDownMs;
        b.probing = false;
        throw new GatewayUnavailable(req.service, last);
      }
      if (!a.retryable) break;
    }
    throw new GatewayUnavailable(req.service, last);
  }

  async #safeRecord(service: string, o: CallOutcome) {
    try {
      await this.#record(service, o);
    } catch {
      // Recording feeds the operations page; losing one record must not fail the call it describes.
    }
  }

  async #attempt(req: GatewayRequest, renewed = false): Promise<Attempt> {
    let token: string;
    try {
      token = await this.#bearer(renewed);
    } catch (e) {
      return { ok: false, error: (e as Error).message, retryable: !(e instanceof TokenRefused) };
    }
    const qs = req.query && Object.keys(req.query).length ? `?${new URLSearchParams(req.query).toString()}` : '';
    const url = new URL(this.#c.url + req.path + qs);
    const body = req.body === undefined ? '' : JSON.stringify(req.body);
    const contentSha = sha256Hex(body);
    const ts = String(Math.floor(this.#now() / 1000));
    const timeoutMs = req.timeoutMs ?? this.#c.timeoutMs;
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
          [SIGNATURE_HEADERS.clientId]: this.#c.clientId,
          [SIGNATURE_HEADERS.timestamp]: ts,
          [SIGNATURE_HEADERS.contentSha256]: contentSha,
          [SIGNATURE_HEADERS.signature]: signatureOf(this.#c.signingKey, req.method, url.pathname + url.search, ts, contentSha),
          [SIGNATURE_HEADERS.requestId]: randomUUID(),
        },
        body: body || undefined,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      return { ok: false, error: failureText(e, timeoutMs), retryable: true };
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      return { ok: false, error: failureText(e, timeoutMs), retryable: true };
    }
    // A token the gateway no longer takes (revoked, or its clock ahead of ours): a new one, once. Said by 401, or by
    // WWW-Authenticate's invalid_token on another status (RFC 6750 §3; some platforms answer every refusal with 400).
    if ((res.status === 401 || /error="invalid_token"/.test(res.headers.get('www-authenticate') ?? '')) && !renewed) {
      this.#token = null;
      return this.#attempt(req, true);
    }
    if (res.status >= 500 || res.status === 429) return { ok: false, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, retryable: true };
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: the caller gets the text
    }
    return { ok: true, res: { status: res.status, body: parsed } };
  }

  /** The cached token, or a new one; concurrent callers share one request for it. */
  async #bearer(fresh: boolean): Promise<string> {
    if (!fresh && this.#token && this.#now() < this.#token.expiresAt) return this.#token.value;
    this.#tokenPending ??= this.#fetchToken().finally(() => {
      this.#tokenPending = null;
    });
    return this.#tokenPending;
  }

  async #fetchToken(): Promise<string> {
    const basic = Buffer.from(`${encodeURIComponent(this.#c.clientId)}:${encodeURIComponent(this.#c.clientSecret)}`).toString('base64');
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.#c.url + TOKEN_PATH, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(this.#c.timeoutMs),
        redirect: 'error',
      });
      text = await res.text();
    } catch (e) {
      throw new Error(`token: ${failureText(e, this.#c.timeoutMs)}`);
    }
    if (res.status >= 500) throw new Error(`token: HTTP ${res.status}`);
    if (res.status !== 200) throw new TokenRefused(`token refused: HTTP ${res.status}`);
    let t: Partial<TokenAnswer>;
    try {
      t = JSON.parse(text) as Partial<TokenAnswer>;
    } catch {
      throw new TokenRefused('token: the answer is not JSON');
    }
    if (typeof t.access_token !== 'string' || !t.access_token || typeof t.expires_in !== 'number' || !/^bearer$/i.test(t.token_type ?? ''))
      throw new TokenRefused('token: the answer is not a Bearer token with expires_in');
    this.#token = { value: t.access_token, expiresAt: this.#now() + Math.max(0, t.expires_in * 1000 - DEFAULTS.tokenSkewMs) };
    return t.access_token;
  }
}

/** The gateway refused our credentials: retrying the same ones would not help. */
class TokenRefused extends Error {}

function failureText(e: unknown, timeoutMs: number): string {
  const err = e as Error;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  return `cannot be reached${cause ? ` (${cause})` : err.message ? ` (${err.message})` : ''}`;
}

const gateways = new WeakMap<object, DataSharingGateway>();

/**
 * The gateway configured in `ctx.config.gateway`, one per node (its token and circuits are kept
 * between requests); null when none is configured (production without GATEWAY_URL): the services
 * behind it are then unavailable, and the pages say so.
 */
export function gatewayFor(ctx: Ctx): DataSharingGateway | null {
  const c = ctx.config.gateway;
  if (!c) return null;
  let g = gateways.get(c);
  if (!g) {
    // Recorded outside any transaction the first caller may have been in: the gateway outlives it.
    const base: Ctx = ctx.database.root ? { ...ctx, database: ctx.database.root } : ctx;
    g = new HttpGateway(c, { record: (service, o) => recordCall(base, service, o) });
    gateways.set(c, g);
  }
  return g;
}
