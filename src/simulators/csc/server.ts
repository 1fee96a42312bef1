/**
 * Remote signing simulator: a local implementation of the Cloud Signature Consortium API
 * v2 (CSC API 2.0.0.2), the protocol remote-signing services (the VNPT SmartCA / Viettel
 * MySign kind) speak, for the demo and tests. Keys live in memory as WebCrypto keys, issued
 * by the TEST CA (src/platform/signing/test-ca.ts).
 *
 * Implemented, over plain node:http, all bodies JSON unless said otherwise:
 * - `POST /csc/v2/info`: service description (no authorisation).
 * - `POST /csc/v2/oauth2/token`: OAuth 2.0 client credentials grant (RFC 6749 §4.4),
 *   form-encoded (JSON accepted too), client authenticated by `client_secret_post` or
 *   `client_secret_basic`; opaque bearer tokens, one hour.
 * - `POST /csc/v2/credentials/list`, `/credentials/info`: the client's credentials; info
 *   gives key (`algo` OIDs, `len`, `curve`), certificate (`certificates` none|single|chain,
 *   `certInfo`), `auth` (`authInfo`), `scal` "2", `multisign`.
 * - `POST /credentials/authorize`: explicit authorisation with PIN (and OTP when the
 *   user has one) for `numSignatures` given `hashes` (SCAL2: the hashes are required and
 *   the SAD is bound to them); wrong PINs are counted and lock the credential.
 * - `POST /signatures/signHash`: synchronous (`operationMode` "S"), SHA-256 hashes,
 *   `signAlgo` sha256WithRSAEncryption / rsaEncryption for RSA keys, ecdsa-with-SHA256
 *   for EC keys (the signature returned as a DER `ECDSA-Sig-Value`). The SAD is consumed.
 *
 * Errors are CSC's: HTTP 400/401 with `{ error, error_description }`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as pkijs from 'pkijs';
import { ecdsaRawToDer } from '../../platform/signing/signer.ts';
import { parseCertificate, type KeyAndCertificates } from '../../platform/signing/test-ca.ts';
import { ecdsaP256SignHash, rsaSignSha256Hash } from './hash-signing.ts';

export interface CscSimUser {
  clientId: string;
  clientSecret: string;
  credentialID: string;
  pin: string;
  /** When set, authorisation needs this one-time password too ("PIN AND OTP"). */
  otp?: string;
  keyAndCertificates: KeyAndCertificates;
  description?: string;
}

export interface CscSimulatorOptions {
  /** 0 or absent: a free port. Listens on 127.0.0.1. */
  port?: number;
  users: CscSimUser[];
  /** Lifetime of a SAD in seconds; 300 by default. */
  sadLifetimeSeconds?: number;
  /** Wrong PINs in a row before the credential locks; 5 by default. */
  maxPinAttempts?: number;
  /** Largest `numSignatures` one authorisation may ask for; 10 by default. */
  multisign?: number;
  /** The clock, in milliseconds (tests move it to expire SADs). */
  now?: () => number;
}

export interface CscSimulator {
  /** Base URL of the service (without `/csc/v2`). */
  url: string;
  close(): Promise<void>;
}

const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
};

const ATTR_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.5': 'SERIALNUMBER',
};

class CscError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const invalid = (description: string) => new CscError(400, 'invalid_request', description);

interface Credential {
  user: CscSimUser;
  cert: pkijs.Certificate;
  keyType: 'RSA' | 'EC';
  failedPins: number;
  locked: boolean;
}

interface Sad {
  clientId: string;
  credentialID: string;
  hashes: Set<string>;
  remaining: number;
  expiresAt: number;
}

function dn(name: pkijs.RelativeDistinguishedNames): string {
  // RFC 4514 order: most specific first.
  return name.typesAndValues
    .map((tv) => `${ATTR_NAMES[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value).replace(/([,+"\\<>;=])/g, '\\$1')}`)
    .reverse()
    .join(',');
}

function generalizedTime(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

function secretEquals(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(a), h(b));
}

function b64(u: Uint8Array): string {
  return Buffer.from(u).toString('base64');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1024 * 1024) throw invalid('Request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw invalid('Malformed JSON request body');
}

function str(body: Record<string, unknown>, name: string, required = true): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw invalid(`Missing (or invalid type) string parameter ${name}`);
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(`Missing (or invalid type) string parameter ${name}`);
  return v;
}

function hashList(body: Record<string, unknown>): string[] {
  const v = body.hashes;
  if (!Array.isArray(v) || v.length === 0 || !v.every((h) => typeof h === 'string')) {
    throw invalid('Missing (or invalid type) array parameter hashes');
  }
  for (const h of v as string[]) {
    const raw = Buffer.from(h, 'base64');
    if (raw.length !== 32 || raw.toString('base64') !== h) throw invalid('Invalid parameter hashes');
  }
  return v as string[];
}

export async function startCscSimulator(options: CscSimulatorOptions): Promise<CscSimulator> {
  const now = options.now ?? Date.now;
  const sadLifetime = options.sadLifetimeSeconds ?? 300;
  const maxPinAttempts = options.maxPinAttempts ?? 5;
  const multisign = options.multisign ?? 10;

  const credentials = new Map<string, Credential>();
  for (const user of options.users) {
    if (credentials.has(user.credentialID)) throw new Error(`duplicate credentialID ${user.credentialID}`);
    const alg = user.keyAndCertificates.privateKey.algorithm.name;
    const keyType = alg === 'RSASSA-PKCS1-v1_5' ? 'RSA' : alg === 'ECDSA' ? 'EC' : null;
    if (!keyType) throw new Error(`unsupported key ${alg}`);
    if (keyType === 'EC' && (user.keyAndCertificates.privateKey.algorithm as EcKeyAlgorithm).namedCurve !== 'P-256') {
      throw new Error('only P-256 EC keys are supported');
    }
    credentials.set(user.credentialID, { user, cert: parseCertificate(user.keyAndCertificates.certificate), keyType, failedPins: 0, locked: false });
  }
  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const sads = new Map<string, Sad>();

  function clientOf(req: IncomingMessage): string {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const t = m ? tokens.get(m[1]!) : undefined;
    if (!t || t.expiresAt <= now()) {
      if (t) tokens.delete(m![1]!);
      throw new CscError(401, 'invalid_token', 'The access token is missing, invalid or expired');
    }
    return t.clientId;
  }

  function credentialFor(clientId: string, body: Record<string, unknown>): Credential {
    const id = str(body, 'credentialID')!;
    const c = credentials.get(id);
    if (!c || c.user.clientId !== clientId) throw invalid('Invalid parameter credentialID');
    return c;
  }

  function certStatus(c: Credential): 'valid' | 'expired' {
    const t = now();
    return c.cert.notAfter.value.getTime() < t || c.cert.notBefore.value.getTime() > t ? 'expired' : 'valid';
  }

  function usable(c: Credential) {
    if (c.locked) throw invalid('The credential is locked (too many wrong PINs)');
    if (certStatus(c) === 'expired') throw invalid('The credential certificate has expired');
  }

  const routes: Record<string, (req: IncomingMessage, raw: string) => Promise<unknown> | unknown> = {
    '/csc/v2/info': () => ({
      specs: '2.0.0.2',
      name: 'congso CSC simulator (TEST — KHÔNG DÙNG THẬT)',
      logo: '',
      region: 'VN',
      lang: 'vi-VN',
      description: 'Dịch vụ ký số từ xa mô phỏng / Simulated remote signing service',
      authType: ['oauth2client'],
      oauth2: '',
      methods: ['oauth2/token', 'credentials/list', 'credentials/info', 'credentials/authorize', 'signatures/signHash'],
      signAlgorithms: { algos: [OID.sha256WithRSA, OID.rsaEncryption, OID.ecdsaWithSHA256] },
    }),

    '/csc/v2/oauth2/token': (req, raw) => {
      const type = req.headers['content-type'] ?? '';
      const body: Record<string, unknown> = type.includes('application/json') ? parseJson(raw) : Object.fromEntries(new URLSearchParams(raw));
      let clientId = typeof body.client_id === 'string' ? body.client_id : undefined;
      let clientSecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
      const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (basic) {
        const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        clientId = decodeURIComponent(decoded.slice(0, i));
        clientSecret = decodeURIComponent(decoded.slice(i + 1));
      }
      if (body.grant_type !== 'client_credentials') throw new CscError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
      const user = options.users.find((u) => u.clientId === clientId);
      if (!user || clientSecret === undefined || !secretEquals(clientSecret, user.clientSecret)) {
        throw new CscError(401, 'invalid_client', 'Client authentication failed');
      }
      const token = randomBytes(32).toString('base64url');
      tokens.set(token, { clientId: user.clientId, expiresAt: now() + 3600_000 });
      return { access_token: token, token_type: 'Bearer', expires_in: 3600 };
    },

    '/csc/v2/credentials/list': (req, raw) => {
      const clientId = clientOf(req);
      parseJson(raw);
      return { credentialIDs: [...credentials.values()].filter((c) => c.user.clientId === clientId).map((c) => c.user.credentialID) };
    },

    '/csc/v2/credentials/info': (req, raw) => {
      const clientId = clientOf(req);
      const body = parseJson(raw);
      const c = credentialFor(clientId, body);
      const which = str(body, 'certificates', false) ?? 'single';
      if (!['none', 'single', 'chain'].includes(which)) throw invalid('Invalid parameter certificates');
      const kc = c.user.keyAndCertificates;
      const certs = which === 'none' ? undefined : which === 'single' ? [kc.certificate] : [kc.certificate, ...kc.chain];
      const spk = c.cert.subjectPublicKeyInfo;
      const key =
        c.keyType === 'RSA'
          ? { status: c.locked ? 'disabled' : 'enabled', algo: [OID.rsaEncryption], len: (kc.privateKey.algorithm as RsaHashedKeyAlgorithm).modulusLength }
          : {
              status: c.locked ? 'disabled' : 'enabled',
              algo: [OID.ecPublicKey],
              len: 256,
              curve: String((spk.algorithm.algorithmParams as { valueBlock: { toString(): string } }).valueBlock.toString()),
            };
      const objects = [{ type: 'Password', id: 'PIN', format: 'N', label: 'PIN', description: 'Mã PIN ký số / Signing PIN' }];
      if (c.user.otp) objects.push({ type: 'Password', id: 'OTP', format: 'N', label: 'OTP', description: 'Mã OTP / One-time password' });
      return {
        description: c.user.description ?? 'Chứng thư số ký từ xa / Remote signing credential',
        signatureQualifier: 'eu_eidas_aes',
        key,
        cert: {
          status: certStatus(c),
          ...(certs ? { certificates: certs.map(b64) } : {}),
          ...(body.certInfo === true
            ? {
                issuerDN: dn(c.cert.issuer),
                serialNumber: Buffer.from(c.cert.serialNumber.valueBlock.valueHexView).toString('hex'),
                subjectDN: dn(c.cert.subject),
                validFrom: generalizedTime(c.cert.notBefore.value),
                validTo: generalizedTime(c.cert.notAfter.value),
              }
            : {}),
        },
        ...(body.authInfo === true ? { auth: { mode: 'explicit', expression: c.user.otp ? 'PIN AND OTP' : 'PIN', objects } } : {}),
        scal: '2',
        multisign,
        lang: 'vi-VN',
      };
    },

    '/csc/v2/credentials/authorize': (req, raw) => {
      const clientId = clientOf(req);
      const body = parseJson(raw);
      const c = credentialFor(clientId, body);
      const n = body.numSignatures;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw invalid('Missing (or invalid type) integer parameter numSignatures');
      if (n > multisign) throw invalid('Numbers of signatures is too high');
      // SCAL2: the SAD is bound to the hashes, which are therefore required here.
      const hashes = hashList(body);
      if (hashes.length !== n) throw invalid('Numbers of signatures does not match the number of hashes');
      if (str(body, 'hashAlgorithmOID') !== OID.sha256) throw invalid('Invalid parameter hashAlgorithmOID');
      usable(c);
      const pin = str(body, 'PIN', false);
      if (pin === undefined) throw invalid('Missing (or invalid type) string parameter PIN');
      if (!secretEquals(pin, c.user.pin)) {
        c.failedPins++;
        if (c.failedPins >= maxPinAttempts) {
          c.locked = true;
          throw invalid('The credential is locked (too many wrong PINs)');
        }
        throw new CscError(400, 'invalid_pin', `The PIN is invalid (${maxPinAttempts - c.failedPins} attempts left)`);
      }
      if (c.user.otp) {
        const otp = str(body, 'OTP', false);
        if (otp === undefined) throw invalid('Missing (or invalid type) string parameter OTP');
        if (!secretEquals(otp, c.user.otp)) throw new CscError(400, 'invalid_otp', 'The OTP is invalid');
      }
      c.failedPins = 0;
      const sad = randomBytes(32).toString('base64url');
      sads.set(sad, { clientId, credentialID: c.user.credentialID, hashes: new Set(hashes), remaining: n, expiresAt: now() + sadLifetime * 1000 });
      return { SAD: sad, expiresIn: sadLifetime };
    },

    '/csc/v2/signatures/signHash': async (req, raw) => {
      const clientId = clientOf(req);
      const body = parseJson(raw);
      const c = credentialFor(clientId, body);
      const sadValue = str(body, 'SAD')!;
      const hashes = hashList(body);
      if (str(body, 'hashAlgorithmOID', false) !== undefined && body.hashAlgorithmOID !== OID.sha256) throw invalid('Invalid parameter hashAlgorithmOID');
      const signAlgo = str(body, 'signAlgo')!;
      const mode = str(body, 'operationMode', false) ?? 'S';
      if (mode !== 'S') throw invalid('Invalid parameter operationMode (only synchronous "S" is supported)');
      const okAlgo = c.keyType === 'RSA' ? [OID.sha256WithRSA, OID.rsaEncryption] : [OID.ecdsaWithSHA256];
      if (!okAlgo.includes(signAlgo)) throw invalid('Invalid parameter signAlgo');
      if (signAlgo === OID.rsaEncryption && body.hashAlgorithmOID !== OID.sha256) throw invalid('Missing (or invalid type) string parameter hashAlgorithmOID');
      const sad = sads.get(sadValue);
      if (!sad || sad.clientId !== clientId || sad.credentialID !== c.user.credentialID) throw invalid('Invalid parameter SAD');
      if (sad.expiresAt <= now()) {
        sads.delete(sadValue);
        throw invalid('SAD expired');
      }
      if (hashes.length > sad.remaining || !hashes.every((h) => sad.hashes.has(h))) throw invalid('Invalid parameter hashes (not authorised by this SAD)');
      usable(c);
      // Single use: consumed before signing.
      sads.delete(sadValue);
      const key = c.user.keyAndCertificates.privateKey;
      const signatures = hashes.map((h) => {
        const hash = Buffer.from(h, 'base64');
        return b64(c.keyType === 'RSA' ? rsaSignSha256Hash(key, hash) : ecdsaRawToDer(ecdsaP256SignHash(key, hash)));
      });
      return { signatures };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
      res.end(text);
    };
    try {
      const route = routes[path];
      if (!route) throw new CscError(404, 'invalid_request', `Unknown method ${path}`);
      if (req.method !== 'POST') throw new CscError(405, 'invalid_request', 'Only POST is supported');
      const raw = await readBody(req);
      send(200, await route(req, raw));
    } catch (e) {
      if (e instanceof CscError) {
        send(
          e.status,
          { error: e.error, error_description: e.description },
          e.error === 'invalid_token' ? { 'www-authenticate': `Bearer error="invalid_token"` } : {},
        );
      } else {
        send(500, { error: 'server_error', error_description: (e as Error).message });
      }
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
