import { createHash, createHmac } from 'node:crypto';

/**
 * The data-sharing platform's contract as we configure it (INTEGRATIONS §7): the national
 * platform (NDXP) and the provincial LGSPs put services of other agencies (the national business
 * registry, …) behind one gateway. What is public: `POST /token` with OAuth 2.0 client
 * credentials, then calls with the Bearer token. The message signature's header details are not
 * public (X-Road signs messages its own way), so the names and the string signed below are our
 * configuration, agreed with the platform's operator when connecting; they are in this one place
 * so a change is one edit, and the simulator (src/simulators/registry) has its own reading of them.
 */

/** Client-credentials grant, relative to the gateway's base URL (RFC 6749 §4.4; Basic client authentication). */
export const TOKEN_PATH = '/token';

/** The headers of a signed request. */
export const SIGNATURE_HEADERS = {
  /** Our client id with the platform (the same as the token's). */
  clientId: 'x-lgsp-client-id',
  /** When we signed: Unix seconds. The platform refuses a request signed more than `MAX_CLOCK_SKEW_SECONDS` away from its clock. */
  timestamp: 'x-lgsp-timestamp',
  /** SHA-256 of the body as sent, lower-case hex (of the empty string when there is no body). */
  contentSha256: 'x-lgsp-content-sha256',
  /** base64 HMAC-SHA256, keyed with our signing key, of `stringToSign`. */
  signature: 'x-lgsp-signature',
  /** A fresh UUID per request: the platform's logs and ours name the same call. */
  requestId: 'x-request-id',
} as const;

export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Method, path with query, timestamp and body hash, one a line, as the platform checks them. */
export function stringToSign(method: string, pathWithQuery: string, timestamp: string, contentSha256: string): string {
  return [method.toUpperCase(), pathWithQuery, timestamp, contentSha256].join('\n');
}

export const sha256Hex = (body: string | Uint8Array) => createHash('sha256').update(body).digest('hex');

export function signatureOf(key: string, method: string, pathWithQuery: string, timestamp: string, contentSha256: string): string {
  return createHmac('sha256', key)
    .update(stringToSign(method, pathWithQuery, timestamp, contentSha256))
    .digest('base64');
}

/** The token endpoint's answer (RFC 6749 §5.1). */
export interface TokenAnswer {
  access_token: string;
  token_type: string;
  /** Seconds. */
  expires_in: number;
}

export const DEFAULTS = {
  /** Per attempt: a service behind the gateway that answers later than this counts as failed. */
  timeoutMs: 5_000,
  /** Further attempts of an idempotent call after a timeout, a lost connection or a 5xx. */
  retries: 2,
  /** Backoff before retry n (1, 2, …): base × 2^(n−1), plus up to half of it at random. */
  retryBaseMs: 200,
  /** Consecutive failures of one service that open its circuit. */
  breakerThreshold: 5,
  /** How long an open circuit refuses calls before one probe is let through. */
  breakerCoolDownMs: 30_000,
  /** A token is renewed this long before it expires. */
  tokenSkewMs: 30_000,
};
