import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The national document-exchange axis (VNPT's service, INTEGRATIONS §6), in one place. What is
 * public (high confidence): the four endpoints, the three `XroadVnpt-*` headers, the signature
 * `XroadVnpt-sign-header` = HMAC-SHA256, in hex, keyed by our `secret`, of
 * `systemId + timestamp + contentType + body`, and that a system is configured with a `systemid`
 * and a `secret`. What is not public, and so is our choice, written down here and nowhere else:
 *
 * - Every call is a POST to `{EDXML_AXIS_URL}{path}` carrying the headers `systemid` (ours),
 *   `timestamp` (milliseconds since the epoch, as text; the axis refuses one more than 5 minutes
 *   off), `XroadVnpt-hash-header` (SHA-256 of the body, hex), `XroadVnpt-sign-header` (above) and
 *   `XroadVnpt-sign-header-key` (the id of the key that signed: our systemid).
 * - `/sendEdoc?to={OrganId}&messagetype=edoc|status`: the body is the signed EDXML itself
 *   (`application/xml`). One call per recipient, so each has its own delivery state and retries:
 *   `to` must be in the message's To list (a document) or be its ResponseFor OrganId (a status).
 *   The same bytes sent to the same recipient again are one message (answered with the same docId).
 *   Answer `{ status: 'OK', docId }`.
 * - `/getReceivedEdocList` with `{ messagetype?: 'edoc' | 'status' }`: what waits for us, oldest
 *   first, `{ status: 'OK', data: [{ docId, from, to, messagetype, created }] }`.
 * - `/getEdoc` with `{ docId }`: the message's bytes (`application/xml`).
 * - `/updateStatus` with `{ docId, status: 'done' | 'fail', description? }`: we took it (done) or
 *   could not (fail, with why): either way it leaves our list. `{ status: 'OK' }`.
 * - A refusal is `{ status: 'FAIL', errorCode, errorDesc }` with a 4xx (400 a bad signature or a
 *   message the axis cannot route, 403 a sender speaking for another agency, 404 an unknown docId); a
 *   5xx is the axis's own trouble. The axis's HTTP codes are not public: like the data-sharing
 *   platform's stand-in we answer a bad signature 400, the codes 401/403 being our own API's.
 */

export const AXIS_PATHS = {
  send: '/sendEdoc',
  list: '/getReceivedEdocList',
  get: '/getEdoc',
  updateStatus: '/updateStatus',
} as const;

export const AXIS_HEADERS = {
  systemId: 'systemid',
  timestamp: 'timestamp',
  hash: 'XroadVnpt-hash-header',
  sign: 'XroadVnpt-sign-header',
  signKey: 'XroadVnpt-sign-header-key',
} as const;

/** How far a request's timestamp may be from the axis's clock. */
export const AXIS_CLOCK_SKEW_MS = 5 * 60_000;

export type AxisMessageType = 'edoc' | 'status';

export interface AxisListItem {
  docId: string;
  from: string;
  to: string;
  messagetype: AxisMessageType;
  /** ISO 8601. */
  created: string;
}

export interface AxisSendAnswer {
  status: 'OK';
  docId: string;
}
export interface AxisListAnswer {
  status: 'OK';
  data: AxisListItem[];
}
export interface AxisRefusal {
  status: 'FAIL';
  errorCode: string;
  errorDesc: string;
}

export const XML_CONTENT_TYPE = 'application/xml';
export const JSON_CONTENT_TYPE = 'application/json';

export const sha256Hex = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/** `XroadVnpt-sign-header`: HMAC-SHA256 (hex) of systemId + timestamp + contentType + body. */
export function axisSignature(secret: string, systemId: string, timestamp: string, contentType: string, body: Uint8Array): string {
  return createHmac('sha256', secret).update(`${systemId}${timestamp}${contentType}`, 'utf8').update(body).digest('hex');
}

/** The headers of one call. */
export function axisHeaders(system: { systemId: string; secret: string }, contentType: string, body: Uint8Array, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  return {
    'content-type': contentType,
    [AXIS_HEADERS.systemId]: system.systemId,
    [AXIS_HEADERS.timestamp]: timestamp,
    [AXIS_HEADERS.hash]: sha256Hex(body),
    [AXIS_HEADERS.sign]: axisSignature(system.secret, system.systemId, timestamp, contentType, body),
    [AXIS_HEADERS.signKey]: system.systemId,
  };
}

/** Constant-time comparison of two hex strings. */
export const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
