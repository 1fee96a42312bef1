import type { Ctx } from '../../../platform/context.ts';
import {
  AXIS_PATHS,
  axisHeaders,
  JSON_CONTENT_TYPE,
  XML_CONTENT_TYPE,
  type AxisListAnswer,
  type AxisListItem,
  type AxisMessageType,
  type AxisSendAnswer,
} from './axis-contract.ts';

/** An exchange call's outcome: `permanent` when sending the same again cannot help (the other side refused it). */
export type ExchangeResult<T> = { ok: true; value: T } | { ok: false; error: string; permanent: boolean };

/**
 * The document-exchange connector: the one interface the module sends and receives EDXML through.
 * `AxisClient` speaks the national axis (axis-contract.ts); a test or another network could put
 * something else behind it.
 */
export interface DocumentExchange {
  /** Sends one signed EDXML message to one recipient agency. */
  send(xml: Uint8Array, to: string, type: AxisMessageType): Promise<ExchangeResult<{ docId: string }>>;
  /** What waits for us, oldest first. */
  listReceived(): Promise<ExchangeResult<AxisListItem[]>>;
  /** One waiting message's bytes. */
  get(docId: string): Promise<ExchangeResult<Buffer>>;
  /** Tells the exchange we took a message (`done`) or could not (`fail`, with why): it leaves our list. */
  acknowledge(docId: string, outcome: 'done' | 'fail', description?: string): Promise<ExchangeResult<void>>;
}

export interface AxisSettings {
  url: string;
  systemId: string;
  secret: string;
  timeoutMs: number;
}

export class AxisClient implements DocumentExchange {
  constructor(private readonly s: AxisSettings) {}

  async send(xml: Uint8Array, to: string, type: AxisMessageType) {
    const query = `?to=${encodeURIComponent(to)}&messagetype=${type}`;
    const r = await this.call(`${AXIS_PATHS.send}${query}`, XML_CONTENT_TYPE, xml);
    if (!r.ok) return r;
    const body = parseJson(r.value) as Partial<AxisSendAnswer> | undefined;
    if (body?.status !== 'OK' || typeof body.docId !== 'string') return { ok: false as const, error: `axis: unexpected answer to sendEdoc`, permanent: false };
    return { ok: true as const, value: { docId: body.docId } };
  }

  async listReceived() {
    const r = await this.call(AXIS_PATHS.list, JSON_CONTENT_TYPE, Buffer.from('{}'));
    if (!r.ok) return r;
    const body = parseJson(r.value) as Partial<AxisListAnswer> | undefined;
    if (body?.status !== 'OK' || !Array.isArray(body.data))
      return { ok: false as const, error: 'axis: unexpected answer to getReceivedEdocList', permanent: false };
    const items = body.data.filter((d): d is AxisListItem => typeof d?.docId === 'string' && d.docId.length > 0 && d.docId.length <= 200);
    return { ok: true as const, value: items };
  }

  async get(docId: string) {
    return this.call(AXIS_PATHS.get, JSON_CONTENT_TYPE, Buffer.from(JSON.stringify({ docId })));
  }

  async acknowledge(docId: string, outcome: 'done' | 'fail', description?: string) {
    const body = JSON.stringify({ docId, status: outcome, ...(description ? { description: description.slice(0, 1000) } : {}) });
    const r = await this.call(AXIS_PATHS.updateStatus, JSON_CONTENT_TYPE, Buffer.from(body));
    return r.ok ? { ok: true as const, value: undefined } : r;
  }

  /** One signed POST with a time limit; a 4xx other than 408 and 429 is permanent, anything else worth another try. */
  private async call(path: string, contentType: string, body: Uint8Array): Promise<ExchangeResult<Buffer>> {
    let res: Response;
    try {
      res = await fetch(`${this.s.url}${path}`, {
        method: 'POST',
        headers: axisHeaders(this.s, contentType, body),
        // Node's fetch sends any Uint8Array; the DOM typing wants one over a plain ArrayBuffer.
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(this.s.timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      return {
        ok: false,
        error: timeout ? `axis: no answer within ${this.s.timeoutMs} ms` : `axis: ${e instanceof Error ? e.message : String(e)}`,
        permanent: false,
      };
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      return { ok: false, error: `axis: answer cut off (${e instanceof Error ? e.message : String(e)})`, permanent: false };
    }
    if (res.ok) return { ok: true, value: bytes };
    const refusal = parseJson(bytes) as { errorCode?: unknown; errorDesc?: unknown } | undefined;
    const why = refusal?.errorCode ? `${String(refusal.errorCode)}: ${String(refusal.errorDesc ?? '')}` : bytes.subarray(0, 300).toString('utf8');
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    return { ok: false, error: `axis ${path.split('?')[0]}: HTTP ${res.status} ${why}`.slice(0, 1000), permanent };
  }
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined; // not JSON: the caller says what it expected
  }
}

/** The axis this installation is configured with, or null (production without EDXML_AXIS_URL). */
export function axisClient(ctx: Ctx): DocumentExchange | null {
  const a = ctx.config.edxml.axis;
  return a ? new AxisClient(a) : null;
}
