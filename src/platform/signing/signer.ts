import { OID, ab, bytes, subtle } from './crypto.ts';
import { fromPkcs12, parseCertificate, type KeyAndCertificates } from './test-ca.ts';

/**
 * Who signs. The CMS and PDF code only ever asks a signer for its certificates and for a
 * signature over the DER of the CMS signed attributes, so a key in a .p12 file, an HSM or a
 * remote signing service (a USB token through a local agent) all fit behind it.
 */
export interface Signer {
  /** DER certificates: the signer's own first, then its issuers (root optional). */
  certificateChain(): Promise<Uint8Array[]>;
  /** The signature algorithm this signer produces, as a CMS SignerInfo names it. */
  signatureAlgorithm(): Promise<SignatureAlgorithm>;
  /**
   * Signs `data` (the DER of the signed attributes, SET OF tag) with SHA-256. Returns the
   * signature value as CMS carries it: PKCS#1 v1.5 bytes for RSA, a DER
   * `ECDSA-Sig-Value` for ECDSA.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export interface SignatureAlgorithm {
  /** OID of the CMS SignerInfo signatureAlgorithm. */
  oid: string;
  /** RSA's AlgorithmIdentifier carries NULL parameters; ECDSA's carries none. */
  nullParams: boolean;
}

export const RSA_PKCS1_SHA256: SignatureAlgorithm = { oid: OID.sha256WithRSA, nullParams: true };
export const ECDSA_SHA256: SignatureAlgorithm = { oid: OID.ecdsaWithSHA256, nullParams: false };

/** WebCrypto gives ECDSA signatures as r‖s; CMS wants SEQUENCE { INTEGER r, INTEGER s }. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (v: Uint8Array) => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    let t = v.subarray(i);
    if (t[0]! & 0x80) t = Uint8Array.of(0, ...t);
    return Uint8Array.of(0x02, t.length, ...t);
  };
  const r = int(raw.subarray(0, half));
  const s = int(raw.subarray(half));
  const body = Uint8Array.of(...r, ...s);
  const len = body.length < 0x80 ? [body.length] : [0x81, body.length];
  return Uint8Array.of(0x30, ...len, ...body);
}

/** A signer holding its private key in memory (loaded from a PKCS#12 file, or a test key). */
export class KeySigner implements Signer {
  constructor(private readonly kc: KeyAndCertificates) {}

  static async fromPkcs12(p12: Uint8Array, password: string): Promise<KeySigner> {
    return new KeySigner(await fromPkcs12(p12, password));
  }

  async certificateChain(): Promise<Uint8Array[]> {
    return [this.kc.certificate, ...this.kc.chain];
  }

  async signatureAlgorithm(): Promise<SignatureAlgorithm> {
    const name = this.kc.privateKey.algorithm.name;
    if (name === 'RSASSA-PKCS1-v1_5') return RSA_PKCS1_SHA256;
    if (name === 'ECDSA') return ECDSA_SHA256;
    throw new Error(`unsupported signing key ${name}`);
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    const key = this.kc.privateKey;
    if (key.algorithm.name === 'ECDSA') {
      const raw = bytes(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, ab(data)));
      return ecdsaRawToDer(raw);
    }
    const hash = (key.algorithm as RsaHashedKeyAlgorithm).hash?.name;
    if (hash && hash !== 'SHA-256') throw new Error(`RSA key bound to ${hash}, SHA-256 needed`);
    return bytes(await subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, key, ab(data)));
  }

  /** The signer's certificate, parsed (for names and validity). */
  certificate() {
    return parseCertificate(this.kc.certificate);
  }
}
