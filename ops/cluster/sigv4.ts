import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The body S3 answers a refused request with. */
export const s3XmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** RFC 3986 percent-encoding, as SigV4 wants it: everything but unreserved characters. */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** What a signature check reads of a request: the parts of node's IncomingMessage it needs. */
export type SignedRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers'>;

/**
 * Checks an `Authorization: AWS4-HMAC-SHA256 …` header against the request: the canonical
 * request (method, path, sorted query, the signed headers, the payload hash the client
 * declared), the credential scope, and the date. Returns why it fails, or null.
 *
 * The payload itself is not read: the signature covers the hash the client declared in
 * `x-amz-content-sha256` (or `UNSIGNED-PAYLOAD`), and whoever holds the body compares it.
 */
export function sigV4Problem(
  req: SignedRequest,
  secrets: ReadonlyMap<string, string>,
  region: string,
  now = new Date(),
): { code: string; message: string } | null {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      String(req.headers.authorization ?? ''),
    );
  if (!auth) return { code: 'AccessDenied', message: 'no AWS4-HMAC-SHA256 authorization' };
  const [, accessKeyId, day, scopeRegion, service, signedList, signature] = auth;
  const secret = secrets.get(accessKeyId);
  if (secret === undefined) return { code: 'InvalidAccessKeyId', message: 'unknown key' };
  if (scopeRegion !== region || service !== 's3') return { code: 'AuthorizationHeaderMalformed', message: `scope ${scopeRegion}/${service}` };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) return { code: 'AccessDenied', message: 'x-amz-date missing or not the credential date' };
  const signedAt = Date.UTC(
    +amzDate.slice(0, 4),
    +amzDate.slice(4, 6) - 1,
    +amzDate.slice(6, 8),
    +amzDate.slice(9, 11),
    +amzDate.slice(11, 13),
    +amzDate.slice(13, 15),
  );
  if (Math.abs(now.getTime() - signedAt) > 15 * 60_000) return { code: 'RequestTimeTooSkewed', message: amzDate };
  const signed = signedList.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
    if (!signed.includes(required)) return { code: 'AccessDenied', message: `${required} is not signed` };
  }
  if ([...signed].sort().join(';') !== signedList) return { code: 'AccessDenied', message: 'signed headers out of order' };
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  const url = new URL(req.url!, 'http://x');
  // The path as sent (S3 does not normalise or re-encode it), the query sorted by encoded name then value.
  const path = req.url!.split('?')[0];
  const query = [...url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const headerValue = (name: string) => {
    const v = req.headers[name];
    return (Array.isArray(v) ? v.join(',') : String(v ?? '')).trim().replace(/\s+/g, ' ');
  };
  const canonical = [
    req.method!,
    path,
    query.map(([k, v]) => `${k}=${v}`).join('&'),
    ...signed.map((h) => `${h}:${headerValue(h)}`),
    '',
    signedList,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
  const expected = hmac(key, toSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex')))
    return { code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  return null;
}
