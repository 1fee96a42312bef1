import { AppError } from '../errors.ts';
import { OID, ab, bytes, sha256, subtle } from './crypto.ts';
import { ECDSA_SHA256, RSA_PKCS1_SHA256, ecdsaRawToDer, type SignatureAlgorithm, type Signer } from './signer.ts';
import { parseCertificate } from './test-ca.ts';

/**
 * A remote signing service (a cloud HSM holding the signer's key, as Vietnamese remote-
 * signing CAs offer) behind the `Signer` interface, speaking the Cloud Signature Consortium
 * API v2 (CSC API 2.0):
 *
 *   oauth2/token (client credentials) → credentials/info (certificate chain, key algorithm)
 *   → credentials/authorize (PIN / OTP for exactly these hashes → SAD, SCAL2)
 *   → signatures/signHash (the SHA-256 of the CMS signed attributes → signature)
 *
 * Only the hash leaves this process. Every signature is authorised on its own (a SAD is
 * single-use and bound to its hash), so PIN and OTP can be functions that ask the signer
 * each time. The returned signature is checked against the certificate before it is used.
 * Failures are AppErrors with Vietnamese and English text.
 */

export interface RemoteSignerConfig {
  /** The service's base URL, e.g. `https://rs.example.vn` (`/csc/v2` is added unless present). */
  baseUrl: string;
  /** OAuth 2.0 client credentials, for `oauth2/token`. */
  clientId?: string;
  clientSecret?: string;
  /** Or a bearer token obtained elsewhere (then clientId / clientSecret are not used). */
  accessToken?: string;
  credentialID: string;
  /** The signing PIN, or a function asking for it per signature. */
  pin?: Secret;
  /** The one-time password when the credential needs one, usually a function. */
  otp?: Secret;
  /** Shown by the service to the signer, e.g. the document's title. */
  description?: string;
  /** Per request; 30 s by default. */
  timeoutMs?: number;
  /** For tests. */
  fetch?: typeof fetch;
}

export type Secret = string | (() => string | Promise<string>);

const HASH_SHA256 = OID.sha256;

interface CredentialInfo {
  chain: Uint8Array[];
  algorithm: SignatureAlgorithm;
  publicKey: CryptoKey;
}

const text = (vi: string, en: string) => ({ vi, en });

export class RemoteSigner implements Signer {
  private readonly base: string;
  private token: { value: string; expiresAt: number } | null = null;
  private info: Promise<CredentialInfo> | null = null;

  constructor(private readonly config: RemoteSignerConfig) {
    let base: URL;
    try {
      base = new URL(config.baseUrl);
    } catch {
      throw configError('baseUrl không hợp lệ', 'baseUrl is not a valid URL');
    }
    if (!config.credentialID) throw configError('thiếu credentialID', 'credentialID is missing');
    if (!config.accessToken && !(config.clientId && config.clientSecret)) {
      throw configError('cần clientId và clientSecret, hoặc accessToken', 'clientId and clientSecret, or accessToken, are needed');
    }
    const path = base.pathname.replace(/\/+$/, '');
    this.base = `${base.origin}${path.endsWith('/csc/v2') ? path : `${path}/csc/v2`}`;
  }

  async certificateChain(): Promise<Uint8Array[]> {
    return (await this.credentialInfo()).chain;
  }

  async signatureAlgorithm(): Promise<SignatureAlgorithm> {
    return (await this.credentialInfo()).algorithm;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    const info = await this.credentialInfo();
    const hash = Buffer.from(await sha256(data)).toString('base64');
    const authorisation: Record<string, unknown> = {
      credentialID: this.config.credentialID,
      numSignatures: 1,
      hashes: [hash],
      hashAlgorithmOID: HASH_SHA256,
    };
    if (this.config.pin !== undefined) authorisation.PIN = await reveal(this.config.pin);
    if (this.config.otp !== undefined) authorisation.OTP = await reveal(this.config.otp);
    if (this.config.description) authorisation.description = this.config.description;
    const authorised = await this.call('credentials/authorize', authorisation);
    const sad = authorised.SAD;
    if (typeof sad !== 'string' || !sad) throw badResponse('credentials/authorize', 'no SAD');

    const signed = await this.call('signatures/signHash', {
      credentialID: this.config.credentialID,
      SAD: sad,
      hashes: [hash],
      hashAlgorithmOID: HASH_SHA256,
      signAlgo: info.algorithm.oid,
      operationMode: 'S',
    });
    const list = signed.signatures;
    if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== 'string') throw badResponse('signatures/signHash', 'expected one signature');
    let signature: Uint8Array = new Uint8Array(Buffer.from(list[0], 'base64'));
    if (info.algorithm === ECDSA_SHA256 && signature[0] !== 0x30) {
      // CSC returns ECDSA as DER; some services send r‖s anyway.
      signature = ecdsaRawToDer(signature);
    }
    if (!(await verifies(info, signature, data))) {
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        text(
          'Dịch vụ ký số từ xa trả về chữ ký không khớp với chứng thư số',
          'The remote signing service returned a signature that does not match the certificate',
        ),
      );
    }
    return signature;
  }

  private credentialInfo(): Promise<CredentialInfo> {
    this.info ??= this.loadCredentialInfo().catch((e: unknown) => {
      this.info = null; // try again next time
      throw e;
    });
    return this.info;
  }

  private async loadCredentialInfo(): Promise<CredentialInfo> {
    const body = await this.call('credentials/info', { credentialID: this.config.credentialID, certificates: 'chain', certInfo: true, authInfo: true });
    const key = (body.key ?? {}) as { status?: string; algo?: unknown };
    const cert = (body.cert ?? {}) as { status?: string; certificates?: unknown; validTo?: string };
    if (cert.status && cert.status !== 'valid') {
      const vi: Record<string, string> = { expired: 'đã hết hạn', revoked: 'đã bị thu hồi', suspended: 'đang bị tạm dừng' };
      throw new AppError(
        'FORBIDDEN',
        text(`Chứng thư số ký từ xa ${vi[cert.status] ?? `không dùng được (${cert.status})`}`, `The remote signing certificate is ${cert.status}`),
      );
    }
    if (key.status && key.status !== 'enabled') {
      throw new AppError('ACCOUNT_LOCKED', text('Khóa ký số từ xa đang bị khóa hoặc vô hiệu hóa', 'The remote signing key is disabled or locked'));
    }
    if (!Array.isArray(cert.certificates) || cert.certificates.length === 0 || !cert.certificates.every((c) => typeof c === 'string')) {
      throw badResponse('credentials/info', 'no certificates');
    }
    const chain = (cert.certificates as string[]).map((c) => new Uint8Array(Buffer.from(c, 'base64')));
    const leaf = parseCertificate(chain[0]!);
    const now = Date.now();
    if (leaf.notAfter.value.getTime() < now) {
      throw new AppError('FORBIDDEN', text('Chứng thư số ký từ xa đã hết hạn', 'The remote signing certificate is expired'));
    }
    const spkiAlg = leaf.subjectPublicKeyInfo.algorithm.algorithmId;
    const spki = ab(bytes(leaf.subjectPublicKeyInfo.toSchema().toBER(false)));
    let algorithm: SignatureAlgorithm;
    let publicKey: CryptoKey;
    if (spkiAlg === OID.rsaEncryption) {
      algorithm = RSA_PKCS1_SHA256;
      publicKey = await subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    } else if (spkiAlg === OID.ecPublicKey) {
      const curveOid = (leaf.subjectPublicKeyInfo.algorithm.algorithmParams as { valueBlock?: { toString(): string } } | undefined)?.valueBlock?.toString();
      const namedCurve = curveOid === OID.p256 ? 'P-256' : curveOid === OID.p384 ? 'P-384' : null;
      if (!namedCurve) throw badResponse('credentials/info', `unsupported curve ${curveOid}`);
      algorithm = ECDSA_SHA256;
      publicKey = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve }, false, ['verify']);
    } else {
      throw badResponse('credentials/info', `unsupported key algorithm ${spkiAlg}`);
    }
    if (Array.isArray(key.algo) && key.algo.length && !key.algo.includes(spkiAlg)) {
      throw badResponse('credentials/info', 'key algorithm does not match the certificate');
    }
    return { chain, algorithm, publicKey };
  }

  private async accessToken(): Promise<string> {
    if (this.config.accessToken) return this.config.accessToken;
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.config.clientId!, client_secret: this.config.clientSecret! });
    const res = await this.request('oauth2/token', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    const body = await this.json('oauth2/token', res);
    if (!res.ok) throw this.serviceError('oauth2/token', res.status, body);
    const token = body.access_token;
    if (typeof token !== 'string' || !token) throw badResponse('oauth2/token', 'no access_token');
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    this.token = { value: token, expiresAt: Date.now() + Math.max(0, lifetime - 30) * 1000 };
    return token;
  }

  /** An authorised CSC call; a token the service no longer accepts is renewed once. */
  private async call(method: string, payload: Record<string, unknown>, retried = false): Promise<Record<string, unknown>> {
    const token = await this.accessToken();
    const res = await this.request(method, JSON.stringify(payload), { 'content-type': 'application/json', authorization: `Bearer ${token}` });
    const body = await this.json(method, res);
    if (res.status === 401 && !retried && !this.config.accessToken && body.error === 'invalid_token') {
      this.token = null;
      return this.call(method, payload, true);
    }
    if (!res.ok) throw this.serviceError(method, res.status, body);
    return body;
  }

  private async request(method: string, body: string, headers: Record<string, string>): Promise<Response> {
    const doFetch = this.config.fetch ?? fetch;
    try {
      return await doFetch(`${this.base}/${method}`, {
        method: 'POST',
        headers: { accept: 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 30_000),
      });
    } catch (e) {
      const why = (e as Error).name === 'TimeoutError' ? 'timeout' : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        text(
          `Không kết nối được dịch vụ ký số từ xa (${method}: ${why}). Vui lòng thử lại sau.`,
          `The remote signing service is unreachable (${method}: ${why}). Please try again later.`,
        ),
      );
    }
  }

  private async json(method: string, res: Response): Promise<Record<string, unknown>> {
    const raw = await res.text();
    try {
      const v = JSON.parse(raw) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // below
    }
    if (res.status >= 500 || res.status === 429) throw unavailable(method, res.status);
    throw badResponse(method, `HTTP ${res.status}, not a JSON object`);
  }

  private serviceError(method: string, status: number, body: Record<string, unknown>): AppError {
    const code = typeof body.error === 'string' ? body.error : '';
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    const said = description ? ` (${description})` : '';
    if (code === 'invalid_pin') {
      return new AppError('INVALID_CREDENTIALS', text(`Mã PIN ký số không đúng${said}`, `The signing PIN is wrong${said}`));
    }
    if (code === 'invalid_otp') {
      return new AppError('INVALID_CREDENTIALS', text(`Mã OTP không đúng hoặc đã hết hạn${said}`, `The one-time password is wrong or expired${said}`));
    }
    if (/locked|blocked/i.test(description)) {
      return new AppError(
        'ACCOUNT_LOCKED',
        text(`Chứng thư số ký từ xa bị khóa do nhập sai PIN nhiều lần${said}`, `The remote signing credential is locked${said}`),
      );
    }
    if (/expired|revoked|suspended/i.test(description) && /cert|credential/i.test(description)) {
      return new AppError(
        'FORBIDDEN',
        text(`Chứng thư số ký từ xa hết hạn hoặc không còn hiệu lực${said}`, `The remote signing certificate is expired or no longer valid${said}`),
      );
    }
    if (code === 'invalid_client' || code === 'unauthorized_client' || code === 'invalid_token' || (method === 'oauth2/token' && status === 401)) {
      return new AppError(
        'CONFIG_INVALID',
        text(`Dịch vụ ký số từ xa từ chối thông tin xác thực của hệ thống${said}`, `The remote signing service rejected our client credentials${said}`),
      );
    }
    if (status >= 500 || status === 429) return unavailable(method, status, said);
    return new AppError(
      'INTERNAL',
      text(
        `Dịch vụ ký số từ xa từ chối yêu cầu ${method}: ${code || `HTTP ${status}`}${said}`,
        `The remote signing service refused ${method}: ${code || `HTTP ${status}`}${said}`,
      ),
    );
  }
}

async function reveal(secret: Secret): Promise<string> {
  return typeof secret === 'function' ? secret() : secret;
}

async function verifies(info: CredentialInfo, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    if (info.algorithm === RSA_PKCS1_SHA256) return await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, info.publicKey, ab(signature), ab(data));
    const raw = ecdsaDerToRaw(signature, (info.publicKey.algorithm as EcKeyAlgorithm).namedCurve === 'P-384' ? 48 : 32);
    return raw !== null && (await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, info.publicKey, ab(raw), ab(data)));
  } catch {
    return false; // a malformed signature simply does not verify
  }
}

/** DER `ECDSA-Sig-Value` → r‖s, or null when it is not one. */
function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  let i = 0;
  const length = (): number => {
    const first = der[i++]!;
    if (first < 0x80) return first;
    if (first === 0x81) return der[i++]!;
    return -1;
  };
  if (der[i++] !== 0x30 || length() !== der.length - i) return null;
  const out = new Uint8Array(size * 2);
  for (const at of [0, size]) {
    if (der[i++] !== 0x02) return null;
    const n = length();
    if (n < 1 || i + n > der.length) return null;
    let v = der.subarray(i, i + n);
    i += n;
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return null;
    out.set(v, at + size - v.length);
  }
  return i === der.length ? out : null;
}

function configError(vi: string, en: string): AppError {
  return new AppError('CONFIG_INVALID', text(`Cấu hình ký số từ xa: ${vi}`, `Remote signing configuration: ${en}`));
}

function badResponse(method: string, why: string): AppError {
  return new AppError(
    'SERVICE_UNAVAILABLE',
    text(`Dịch vụ ký số từ xa trả lời không hợp lệ (${method}: ${why})`, `The remote signing service answered ${method} invalidly: ${why}`),
  );
}

function unavailable(method: string, status: number, said = ''): AppError {
  return new AppError(
    'SERVICE_UNAVAILABLE',
    text(
      `Dịch vụ ký số từ xa tạm thời không phục vụ được (${method}: HTTP ${status})${said}. Vui lòng thử lại sau.`,
      `The remote signing service is unavailable (${method}: HTTP ${status})${said}. Please try again later.`,
    ),
  );
}
