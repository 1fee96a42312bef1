import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { parseXmlSafely, XmlRefusal, type XmlElement } from '../../platform/xml/safe-xml.ts';

/**
 * The national document-exchange axis (VNPT's, INTEGRATIONS §6), simulated: the other side of
 * src/modules/documents/exchange. Its own reading of the contract, so it checks ours:
 *
 * - every call is a POST with the headers `systemid`, `timestamp` (ms since the epoch, at most 5
 *   minutes off), `XroadVnpt-hash-header` (SHA-256 hex of the body), `XroadVnpt-sign-header`
 *   (HMAC-SHA256 hex, keyed by the system's secret, of systemid + timestamp + Content-Type + body)
 *   and `XroadVnpt-sign-header-key` (the systemid); anything else is 400 (see AXIS_PATHS' note);
 * - `/sendEdoc?to=&messagetype=`: an EDXML message; the axis reads who it is from and for (a
 *   document's To list, a status's ResponseFor OrganId), refuses a sender the system does not
 *   speak for (403) and a `to` the message does not name (400), and keeps one copy per recipient
 *   (the same bytes to the same recipient again are the same message);
 * - `/getReceivedEdocList`: the messages for the system's agencies not yet acknowledged, oldest first;
 * - `/getEdoc {docId}`: one of them, as sent; `/updateStatus {docId, status, description}`: acknowledged.
 *
 * Faults for tests: the next N sends fail with a 5xx, or are refused with a 400 (a permanent
 * failure), or are dropped (answered OK, never stored); the next N polls fail; every answer late.
 * In memory; `messages()` is what it holds, for tests (GET /messages).
 */

export interface AxisSystem {
  systemId: string;
  secret: string;
  /** The agencies (OrganIds) this system sends for and receives for. */
  organIds: string[];
}

export interface AxisSimulatorOptions {
  systems: AxisSystem[];
  /** Keep messages for agencies no system receives for (the demo's, where the other side is not there). */
  acceptUnknownRecipients?: boolean;
  now?: () => number;
  maxBytes?: number;
}

export interface AxisFaults {
  /** The next this many sends are answered with `status`. */
  failNext: number;
  status: number;
  /** The next this many sends are refused with a 400 (the caller must not retry them). */
  refuseNext: number;
  /** The next this many sends are answered OK but not stored (lost inside the axis). */
  dropNext: number;
  /** The next this many list/get/acknowledge calls are answered with `status`. */
  failPollNext: number;
  /** Every answer waits this long. */
  delayMs: number;
}

export interface StoredMessage {
  docId: string;
  from: string;
  to: string;
  messagetype: 'edoc' | 'status';
  documentId: string;
  statusCode?: string;
  sha256: string;
  size: number;
  created: string;
  xml: Buffer;
  ack?: { status: 'done' | 'fail'; description?: string; at: string };
}

export interface AxisAnswer {
  status: number;
  body: Buffer | object;
  contentType?: string;
  delayMs?: number;
}

const SKEW_MS = 5 * 60_000;
const NO_FAULTS: AxisFaults = { failNext: 0, status: 503, refuseNext: 0, dropNext: 0, failPollNext: 0, delayMs: 0 };

const fail = (status: number, errorCode: string, errorDesc: string): AxisAnswer => ({ status, body: { status: 'FAIL', errorCode, errorDesc } });
const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function child(e: XmlElement | undefined, local: string): XmlElement | undefined {
  return e?.children.find((c) => c.local === local);
}
function find(e: XmlElement, local: string): XmlElement | undefined {
  if (e.local === local) return e;
  for (const c of e.children) {
    const f = find(c, local);
    if (f) return f;
  }
  return undefined;
}
const textOf = (e: XmlElement | undefined) => e?.text.trim() ?? '';

/** Who a message is from and for, read the axis's own way (enough to route it, nothing more). */
function route(xml: Buffer, maxBytes: number): { from: string; to: string[]; status?: string; documentId: string } | string {
  let root: XmlElement;
  try {
    root = parseXmlSafely(xml, { maxBytes, maxDepth: 64 }, { textOnly: ['ContentTransferEncoded', 'SignatureValue', 'X509Certificate'] }).root;
  } catch (e) {
    return e instanceof XmlRefusal ? `not EDXML: ${e.message}` : 'not EDXML';
  }
  const header = find(root, 'MessageHeader');
  if (!header) return 'no MessageHeader';
  const from = textOf(child(child(header, 'From'), 'OrganId'));
  if (!from) return 'no From/OrganId';
  const status = textOf(child(header, 'StatusCode'));
  if (status) {
    const rf = child(header, 'ResponseFor');
    const to = textOf(child(rf, 'OrganId'));
    if (!to) return 'a status without ResponseFor/OrganId';
    return { from, to: [to], status, documentId: textOf(child(rf, 'DocumentId')) };
  }
  const to = header.children.filter((c) => c.local === 'To').map((c) => textOf(child(c, 'OrganId')));
  if (!to.length || to.some((t) => !t)) return 'a document without To/OrganId';
  return { from, to, documentId: textOf(child(header, 'DocumentId')) };
}

export type AxisSimulator = ReturnType<typeof createAxisSimulator>;

export function createAxisSimulator(o: AxisSimulatorOptions) {
  const now = o.now ?? Date.now;
  const maxBytes = o.maxBytes ?? 64 * 1024 * 1024;
  const systems = new Map(o.systems.map((s) => [s.systemId, s]));
  const store: StoredMessage[] = [];
  let faults: AxisFaults = { ...NO_FAULTS };

  /** The caller, if the headers are right by the axis's reading of the contract. */
  function authenticate(h: Record<string, string | string[] | undefined>, body: Buffer): AxisSystem | AxisAnswer {
    const systemId = header(h, 'systemid') ?? '';
    const timestamp = header(h, 'timestamp') ?? '';
    const hash = header(h, 'XroadVnpt-hash-header') ?? '';
    const sign = header(h, 'XroadVnpt-sign-header') ?? '';
    const key = header(h, 'XroadVnpt-sign-header-key') ?? '';
    const contentType = header(h, 'content-type') ?? '';
    const system = systems.get(systemId);
    if (!system) return fail(400, 'UNKNOWN_SYSTEM', `no system ${systemId || '(none)'}`);
    if (key !== systemId) return fail(400, 'BAD_SIGN_KEY', 'XroadVnpt-sign-header-key must name the systemid');
    if (!/^\d{10,16}$/.test(timestamp) || Math.abs(now() - Number(timestamp)) > SKEW_MS) return fail(400, 'BAD_TIMESTAMP', 'timestamp missing or too far off');
    if (!same(hash.toLowerCase(), createHash('sha256').update(body).digest('hex')))
      return fail(400, 'BAD_HASH', 'XroadVnpt-hash-header does not match the body');
    const expected = createHmac('sha256', system.secret).update(`${systemId}${timestamp}${contentType}`, 'utf8').update(body).digest('hex');
    if (!same(sign.toLowerCase(), expected)) return fail(400, 'BAD_SIGNATURE', 'XroadVnpt-sign-header does not verify');
    return system;
  }

  const isAnswer = (x: AxisSystem | AxisAnswer): x is AxisAnswer => 'status' in x;
  const withDelay = (a: AxisAnswer): AxisAnswer => (faults.delayMs ? { ...a, delayMs: faults.delayMs } : a);
  const receives = (s: AxisSystem, organId: string) => s.organIds.includes(organId);

  function send(h: Record<string, string | string[] | undefined>, query: URLSearchParams, body: Buffer): AxisAnswer {
    const who = authenticate(h, body);
    if (isAnswer(who)) return who;
    if (faults.failNext > 0) {
      faults.failNext--;
      return fail(faults.status, 'AXIS_BUSY', 'the axis is not available (fault)');
    }
    if (faults.refuseNext > 0) {
      faults.refuseNext--;
      return fail(400, 'REFUSED', 'the axis refused the message (fault)');
    }
    if (!/^(application|text)\/xml\b/.test(header(h, 'content-type') ?? '')) return fail(415, 'NOT_XML', 'sendEdoc takes application/xml');
    const r = route(body, maxBytes);
    if (typeof r === 'string') return fail(400, 'BAD_EDXML', r);
    if (!who.organIds.includes(r.from)) return fail(403, 'NOT_YOUR_AGENCY', `system ${who.systemId} does not send for ${r.from}`);
    const type = query.get('messagetype') ?? (r.status ? 'status' : 'edoc');
    if ((type === 'status') !== Boolean(r.status)) return fail(400, 'BAD_MESSAGETYPE', `messagetype ${type} does not fit the message`);
    const wanted = query.get('to');
    if (wanted && !r.to.includes(wanted)) return fail(400, 'NOT_A_RECIPIENT', `${wanted} is not a recipient of the message`);
    const targets = wanted ? [wanted] : r.to;
    for (const t of targets) {
      if (!o.acceptUnknownRecipients && ![...systems.values()].some((s) => receives(s, t))) return fail(400, 'UNKNOWN_AGENCY', `no agency ${t} on the axis`);
    }
    if (faults.dropNext > 0) {
      faults.dropNext--;
      return withDelay({ status: 200, body: { status: 'OK', docId: randomUUID() } });
    }
    const sha256 = createHash('sha256').update(body).digest('hex');
    let docId = '';
    for (const to of targets) {
      const have = store.find((m) => m.sha256 === sha256 && m.to === to);
      if (have) {
        docId ||= have.docId;
        continue;
      }
      const m: StoredMessage = {
        docId: randomUUID(),
        from: r.from,
        to,
        messagetype: r.status ? 'status' : 'edoc',
        documentId: r.documentId,
        ...(r.status ? { statusCode: r.status } : {}),
        sha256,
        size: body.length,
        created: new Date(now()).toISOString(),
        xml: Buffer.from(body),
      };
      store.push(m);
      docId ||= m.docId;
    }
    return withDelay({ status: 200, body: { status: 'OK', docId } });
  }

  function pollFault(): AxisAnswer | null {
    if (faults.failPollNext <= 0) return null;
    faults.failPollNext--;
    return fail(faults.status, 'AXIS_BUSY', 'the axis is not available (fault)');
  }

  function jsonBody(body: Buffer): Record<string, unknown> | null {
    try {
      const v = JSON.parse(body.length ? body.toString('utf8') : '{}') as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null; // answered as a malformed request by the caller
    }
  }

  function mine(who: AxisSystem, docId: unknown): StoredMessage | AxisAnswer {
    const m = typeof docId === 'string' ? store.find((x) => x.docId === docId && receives(who, x.to)) : undefined;
    return m ?? fail(404, 'NOT_FOUND', `no message ${String(docId)} for system ${who.systemId}`);
  }

  function list(h: Record<string, string | string[] | undefined>, body: Buffer): AxisAnswer {
    const who = authenticate(h, body);
    if (isAnswer(who)) return who;
    const f = pollFault();
    if (f) return f;
    const q = jsonBody(body);
    if (!q) return fail(400, 'BAD_REQUEST', 'the body must be a JSON object');
    const type = q.messagetype === 'edoc' || q.messagetype === 'status' ? q.messagetype : undefined;
    const data = store
      .filter((m) => !m.ack && receives(who, m.to) && (!type || m.messagetype === type))
      .map((m) => ({ docId: m.docId, from: m.from, to: m.to, messagetype: m.messagetype, created: m.created }));
    return withDelay({ status: 200, body: { status: 'OK', data } });
  }

  function get(h: Record<string, string | string[] | undefined>, body: Buffer): AxisAnswer {
    const who = authenticate(h, body);
    if (isAnswer(who)) return who;
    const f = pollFault();
    if (f) return f;
    const q = jsonBody(body);
    if (!q) return fail(400, 'BAD_REQUEST', 'the body must be a JSON object');
    const m = mine(who, q.docId);
    if ('status' in m) return m;
    return withDelay({ status: 200, body: m.xml, contentType: 'application/xml' });
  }

  function updateStatus(h: Record<string, string | string[] | undefined>, body: Buffer): AxisAnswer {
    const who = authenticate(h, body);
    if (isAnswer(who)) return who;
    const f = pollFault();
    if (f) return f;
    const q = jsonBody(body);
    if (!q || (q.status !== 'done' && q.status !== 'fail')) return fail(400, 'BAD_REQUEST', 'status must be done or fail');
    const m = mine(who, q.docId);
    if ('status' in m) return m;
    m.ack ??= {
      status: q.status,
      ...(typeof q.description === 'string' ? { description: q.description.slice(0, 1000) } : {}),
      at: new Date(now()).toISOString(),
    };
    return withDelay({ status: 200, body: { status: 'OK' } });
  }

  return {
    /** One call of the contract; `path` is after the axis's base address. */
    handle(path: string, query: URLSearchParams, headers: Record<string, string | string[] | undefined>, body: Buffer): AxisAnswer {
      switch (path) {
        case '/sendEdoc':
          return send(headers, query, body);
        case '/getReceivedEdocList':
          return list(headers, body);
        case '/getEdoc':
          return get(headers, body);
        case '/updateStatus':
          return updateStatus(headers, body);
        default:
          return fail(404, 'NOT_FOUND', `no endpoint ${path}`);
      }
    },
    /** What the axis holds (tests; GET /messages), oldest first, without the bytes. */
    messages(filter: { to?: string; from?: string } = {}) {
      return store.filter((m) => (!filter.to || m.to === filter.to) && (!filter.from || m.from === filter.from)).map(({ xml: _xml, ...rest }) => rest);
    },
    /** A held message's bytes (tests). */
    xmlOf(docId: string): Buffer | undefined {
      return store.find((m) => m.docId === docId)?.xml;
    },
    setFaults(f: Partial<AxisFaults> & { reset?: boolean }) {
      const { reset, ...rest } = f;
      if (reset) faults = { ...NO_FAULTS };
      faults = { ...faults, ...rest };
      return { ...faults };
    },
    addSystem(s: AxisSystem) {
      systems.set(s.systemId, s);
    },
  };
}
