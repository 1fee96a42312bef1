import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

/**
 * The one WebCrypto used by the signing code: Node's own, handed to pkijs explicitly so
 * nothing depends on which global `crypto` happens to be around.
 */
export const subtle = webcrypto.subtle as SubtleCrypto;
export const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
pkijs.setEngine('node', engine);

export function bytes(buf: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (buf instanceof Uint8Array) return buf;
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  return new Uint8Array(buf);
}

/** A fresh ArrayBuffer holding exactly these bytes (pkijs and asn1js want ArrayBuffers). */
export function ab(u: Uint8Array): ArrayBuffer {
  // Not u.slice(): on a Buffer that is a view of the shared pool, not a copy.
  const copy = new Uint8Array(u.byteLength);
  copy.set(u);
  return copy.buffer;
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return bytes(await subtle.digest('SHA-256', ab(data)));
}

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  province: '2.5.4.8',
  organisation: '2.5.4.10',
  organisationalUnit: '2.5.4.11',
  title: '2.5.4.12',
  serialNumberAttr: '2.5.4.5',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  documentSigning: '1.3.6.1.5.5.7.3.36',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  encryptedData: '1.2.840.113549.1.7.6',
} as const;
