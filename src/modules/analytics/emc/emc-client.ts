import type { Ctx } from '../../../platform/context.ts';
import { authHeader, EVENT_PATH, SUCCESS_STATUS, TIMEOUT_MS, type EmcEvent } from './contract.ts';

/** What became of one event: delivered (204), or why not (kept to show on the usage page). */
export type EmcResult = { ok: true } | { ok: false; status: number | null; error: string };

/** The one interface behind which the measuring system sits; the job sends through it. */
export interface EmcClient {
  send(event: EmcEvent): Promise<EmcResult>;
}

/**
 * EMC over HTTP (INTEGRATIONS §4): each event a JSON POST to `${url}${EVENT_PATH}` with our site
 * token; 204 is delivered, anything else (an error status, no answer within the timeout, no
 * connection) a failure the job retries. Never throws for the system's own failures.
 */
export class HttpEmcClient implements EmcClient {
  readonly #url: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  constructor(o: { url: string; token: string; timeoutMs?: number }) {
    this.#url = o.url.replace(/\/+$/, '');
    this.#token = o.token;
    this.#timeoutMs = o.timeoutMs ?? TIMEOUT_MS;
  }

  async send(event: EmcEvent): Promise<EmcResult> {
    let res: Response;
    try {
      res = await fetch(this.#url + EVENT_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeader(this.#token) },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError';
      return { ok: false, status: null, error: timedOut ? `no answer within ${this.#timeoutMs / 1000} s` : `cannot be reached (${(e as Error).message})` };
    }
    // The body is read (and dropped) so the connection is reused.
    const text = await res.text().catch(() => '');
    if (res.status === SUCCESS_STATUS) return { ok: true };
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  }
}

/** The measuring system, configured from `ctx.config.emc`; null when it is not (no event is sent). */
export function emcClient(ctx: Pick<Ctx, 'config'>): EmcClient | null {
  const c = ctx.config.emc;
  return c ? new HttpEmcClient({ url: c.url, token: c.token }) : null;
}
