import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../errors.ts';
import { OID, ab, bytes, engine, sha256 } from './crypto.ts';

/**
 * RFC 3161 time-stamping, client side: the signature-time-stamp of PAdES baseline B-T
 * (ETSI EN 319 142-1) is a TimeStampToken over the CMS SignerInfo's signature value.
 *
 * `rfc3161Client(url)` gives the function cms.ts / pades.ts take as their `timestamp`
 * option: it sends a TimeStampReq (SHA-256 imprint of the bytes, a random 64-bit nonce,
 * certReq true) over HTTP (RFC 3161 §3.4), and accepts the answer only when it is granted,
 * the token is a SignedData over a TSTInfo with the same imprint and nonce, and the token's
 * CMS signature verifies with the certificate it carries. Trust in the TSA's certificate is
 * the verifier's question, as for the signer's own.
 */

export type TimestampFn = (signatureValue: Uint8Array) => Promise<Uint8Array>;

export const ID_CT_TST_INFO = '1.2.840.113549.1.9.16.1.4';
/** id-aa-signatureTimeStampToken (RFC 3161 appendix A). */
export const ID_AA_SIGNATURE_TIME_STAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

export interface Rfc3161Options {
  /** Milliseconds to wait for the TSA; 15 s by default. */
  timeoutMs?: number;
  /** A TSA policy to ask for (reqPolicy). */
  policy?: string;
  /** Extra request headers (e.g. Authorization for a TSA that wants it). */
  headers?: Record<string, string>;
  /** For tests: a fetch of one's own. */
  fetch?: typeof fetch;
}

const MAX_RESPONSE = 1024 * 1024;

function tsaError(vi: string, en: string): AppError {
  return new AppError('SERVICE_UNAVAILABLE', { vi: `Dịch vụ cấp dấu thời gian: ${vi}`, en: `Time-stamping service: ${en}` });
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** An unsigned INTEGER's value bytes without leading zero octets, for comparing nonces. */
function integerBytes(i: asn1js.Integer): Uint8Array {
  const v = bytes(i.valueBlock.valueHexView);
  let k = 0;
  while (k < v.length - 1 && v[k] === 0) k++;
  return v.subarray(k);
}

/** The TSTInfo inside a DER TimeStampToken (ContentInfo { SignedData { TSTInfo } }). */
export function parseTimeStampToken(tokenDer: Uint8Array): { signedData: pkijs.SignedData; tstInfo: pkijs.TSTInfo } {
  const info = pkijs.ContentInfo.fromBER(ab(tokenDer));
  if (info.contentType !== OID.signedData) throw new Error('time-stamp token is not a SignedData');
  const signedData = new pkijs.SignedData({ schema: info.content });
  if (signedData.encapContentInfo.eContentType !== ID_CT_TST_INFO) throw new Error('time-stamp token does not carry a TSTInfo');
  const content = signedData.encapContentInfo.eContent;
  if (!content) throw new Error('time-stamp token has no TSTInfo');
  const tstInfo = pkijs.TSTInfo.fromBER(ab(bytes(content.getValue())));
  return { signedData, tstInfo };
}

/** A `timestamp` function for signPdf / buildCadesDetached, asking the RFC 3161 TSA at `url`. */
export function rfc3161Client(url: string, options: Rfc3161Options = {}): TimestampFn {
  const doFetch = options.fetch ?? fetch;
  return async (data: Uint8Array): Promise<Uint8Array> => {
    const imprint = await sha256(data);
    const nonceBytes = randomBytes(8);
    nonceBytes[0] = (nonceBytes[0]! & 0x7f) | 0x01; // positive, no leading zero
    const nonce = new Uint8Array(nonceBytes);
    const request = new pkijs.TimeStampReq({
      version: 1,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
        hashedMessage: new asn1js.OctetString({ valueHex: ab(imprint) }),
      }),
      ...(options.policy ? { reqPolicy: options.policy } : {}),
      nonce: new asn1js.Integer({ valueHex: ab(nonce) }),
      certReq: true,
    });
    const body = bytes(request.toSchema().toBER(false));

    let answer: Uint8Array;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { ...options.headers, 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
        body: ab(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      if (!res.ok) throw tsaError(`máy chủ trả lời HTTP ${res.status}`, `the server answered HTTP ${res.status}`);
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/timestamp-reply')
        throw tsaError(`kiểu nội dung trả lời không đúng (${type || 'không có'})`, `unexpected reply Content-Type (${type || 'none'})`);
      answer = new Uint8Array(await res.arrayBuffer());
      if (answer.length > MAX_RESPONSE) throw tsaError('trả lời quá lớn', 'reply too large');
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw tsaError(`không kết nối được (${(e as Error).message})`, `cannot reach the server (${(e as Error).message})`);
    }

    let resp: pkijs.TimeStampResp;
    try {
      resp = pkijs.TimeStampResp.fromBER(ab(answer));
    } catch {
      throw tsaError('trả lời không phải TimeStampResp hợp lệ', 'the reply is not a valid TimeStampResp');
    }
    const status = resp.status.status;
    if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
      const why = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
      throw tsaError(
        `từ chối cấp dấu thời gian (trạng thái ${status}${why ? `: ${why}` : ''})`,
        `time-stamp refused (status ${status}${why ? `: ${why}` : ''})`,
      );
    }
    if (!resp.timeStampToken) throw tsaError('trả lời không có dấu thời gian', 'the reply carries no time-stamp token');
    const token = bytes(resp.timeStampToken.toSchema().toBER(false));

    let parsed: ReturnType<typeof parseTimeStampToken>;
    try {
      parsed = parseTimeStampToken(token);
    } catch (e) {
      throw tsaError(`dấu thời gian không hợp lệ (${(e as Error).message})`, `invalid time-stamp token (${(e as Error).message})`);
    }
    const { signedData, tstInfo } = parsed;
    const mi = tstInfo.messageImprint;
    if (mi.hashAlgorithm.algorithmId !== OID.sha256 || !equal(bytes(mi.hashedMessage.valueBlock.valueHexView), imprint)) {
      throw tsaError('dấu thời gian không khớp với dữ liệu gửi đi', 'the token is not over the data sent (message imprint differs)');
    }
    if (!tstInfo.nonce || !equal(integerBytes(tstInfo.nonce), nonce)) {
      throw tsaError('số nonce trong dấu thời gian không khớp', 'the token does not echo the request nonce');
    }
    if (options.policy && tstInfo.policy !== options.policy) {
      throw tsaError(`chính sách ${tstInfo.policy} khác chính sách yêu cầu`, `policy ${tstInfo.policy} differs from the one requested`);
    }
    let verified = false;
    try {
      // pkijs checks the imprint against `data` too when the content is a TSTInfo.
      verified = (await signedData.verify({ signer: 0, data: ab(data), checkChain: false }, engine)) === true;
    } catch {
      verified = false;
    }
    if (!verified) throw tsaError('chữ ký của dấu thời gian không hợp lệ', 'the token signature does not verify');
    return token;
  };
}
