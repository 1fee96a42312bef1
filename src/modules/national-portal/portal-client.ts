import type { Ctx } from '../../platform/context.ts';
import { DSTCODE_HEADER, ENDPOINTS, isSessionExpired, type AuthReply, type PortalReply, type ServiceName } from './contract.ts';

/**
 * What became of one call: the portal's answer (error_code 0 or not: the caller reads it), or
 * no usable answer (no connection, no answer within the timeout, an HTTP error, not JSON), which
 * is always worth trying again later.
 */
export type PortalCallResult = { answered: true; reply: PortalReply } | { answered: false; error: string };

/** The one interface behind which the National Public Service Portal sits. */
export interface NationalPortalClient {
  call(service: ServiceName, fields: Record<string, unknown>): Promise<PortalCallResult>;
}

export interface PortalClientOptions {
  url: string;
  username: string;
  password: string;
  unitCode: string;
  dstcode: string;
  timeoutMs: number;
}

/**
 * The portal over HTTP (INTEGRATIONS §1): signs in with {username, password} to the auth
 * endpoint and keeps the session for every later call (one sign-in at a time, shared by the
 * calls waiting for it); an answer saying the session expired signs in again and sends the call
 * once more. Every call is a JSON POST with the `dstcode` header and {session, madonvi, service,
 * …fields} in the body, cut off after the read timeout. Never throws for the portal's failures.
 */
export class HttpNationalPortalClient implements NationalPortalClient {
  readonly #o: PortalClientOptions;
  readonly #base: string;
  #session: string | null = null;
  #signingIn: Promise<{ session: string } | { error: string }> | null = null;

  constructor(o: PortalClientOptions) {
    this.#o = o;
    this.#base = o.url.replace(/\/+$/, '');
  }

  async call(service: ServiceName, fields: Record<string, unknown>): Promise<PortalCallResult> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const s = await this.#currentSession();
      if ('error' in s) return { answered: false, error: s.error };
      const r = await this.#post<PortalReply>(ENDPOINTS.service, { session: s.session, madonvi: this.#o.unitCode, service, ...fields });
      if ('error' in r) return { answered: false, error: r.error };
      if (!isReply(r.body)) return { answered: false, error: `not a portal answer: ${JSON.stringify(r.body).slice(0, 200)}` };
      if (isSessionExpired(r.body) && attempt === 0) {
        // Forget the session only if no other call has replaced it meanwhile.
        if (this.#session === s.session) this.#session = null;
        continue;
      }
      return { answered: true, reply: r.body };
    }
    return { answered: false, error: 'the portal refused a fresh session' };
  }

  async #currentSession(): Promise<{ session: string } | { error: string }> {
    if (this.#session) return { session: this.#session };
    this.#signingIn ??= this.#signIn().finally(() => {
      this.#signingIn = null;
    });
    return this.#signingIn;
  }

  async #signIn(): Promise<{ session: string } | { error: string }> {
    const r = await this.#post<AuthReply>(ENDPOINTS.auth, { username: this.#o.username, password: this.#o.password });
    if ('error' in r) return { error: `sign-in: ${r.error}` };
    const b = r.body;
    if (!b || typeof b !== 'object' || b.error_code !== 0 || typeof b.session !== 'string' || !b.session) {
      return { error: `sign-in refused: ${String(b?.message ?? JSON.stringify(b)).slice(0, 200)}` };
    }
    this.#session = b.session;
    return { session: b.session };
  }

  async #post<T>(path: string, body: object): Promise<{ body: T } | { error: string }> {
    let res: Response;
    try {
      res = await fetch(this.#base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', [DSTCODE_HEADER]: this.#o.dstcode },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError';
      return { error: timedOut ? `no answer within ${this.#o.timeoutMs} ms` : `cannot be reached (${(e as Error).message})` };
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      return { error: `answer cut off (${(e as Error).message})` };
    }
    if (!res.ok) return { error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
    try {
      return { body: JSON.parse(text) as T };
    } catch {
      return { error: `answer is not JSON: ${text.slice(0, 200)}` };
    }
  }
}

function isReply(b: unknown): b is PortalReply {
  return Boolean(b) && typeof b === 'object' && typeof (b as PortalReply).error_code === 'number';
}

/** One client per configuration: its session is shared by every delivery of the process. */
const CLIENTS = new WeakMap<object, NationalPortalClient>();

/** The portal, configured from `ctx.config.nationalPortal`; null when it is not (nothing is sent). */
export function nationalPortalClient(ctx: Pick<Ctx, 'config'>): NationalPortalClient | null {
  const c = ctx.config.nationalPortal;
  if (!c) return null;
  let client = CLIENTS.get(c);
  if (!client) {
    client = new HttpNationalPortalClient(c);
    CLIENTS.set(c, client);
  }
  return client;
}
