import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, ab, bytes, sha256 } from './crypto.ts';
import type { Signer } from './signer.ts';
import { parseCertificate } from './test-ca.ts';

/**
 * A detached CMS SignedData as PAdES baseline B (ETSI EN 319 142-1, SubFilter
 * ETSI.CAdES.detached) wants it: SHA-256; signed attributes content-type (id-data),
 * message-digest and signing-certificate-v2 (ESS, RFC 5035, binding the signer's
 * certificate); no signing-time attribute (PAdES puts the claimed time in the PDF signature
 * dictionary's /M instead); the certificate chain included; no content (detached).
 *
 * Built with pkijs from the certificates' own DER, so UTF8String names stay exactly as
 * issued (node-forge re-encodes them and breaks Vietnamese names).
 */

const sha256Id = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 });

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

async function signingCertificateV2(cert: pkijs.Certificate, certDer: Uint8Array): Promise<pkijs.Attribute> {
  // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256 (omitted), certHash, issuerSerial }
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new pkijs.GeneralName({ type: 4, value: cert.issuer }).toSchema()] }),
      new asn1js.Integer({ valueHex: ab(bytes(cert.serialNumber.valueBlock.valueHexView)) }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: ab(await sha256(certDer)) }), issuerSerial] });
  // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
  const value = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [value] });
}

/** id-aa-signatureTimeStampToken (RFC 3161 appendix A, PAdES baseline B-T). */
const ID_AA_SIGNATURE_TIME_STAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

export interface CadesOptions {
  /**
   * Asks a Time-Stamp Authority for a token over the SignerInfo's signature value (e.g.
   * `rfc3161Client(url)` from timestamp.ts) and returns the DER TimeStampToken; it is added
   * as the unsigned attribute signature-time-stamp-token (baseline B-T). None by default.
   */
  timestamp?: (signatureValue: Uint8Array) => Promise<Uint8Array /* TimeStampToken DER */>;
}

/**
 * Signs a message digest (SHA-256 of the signed content, for a PDF the bytes its
 * /ByteRange covers) and returns the DER ContentInfo { SignedData }.
 */
export async function buildCadesDetached(signer: Signer, contentDigest: Uint8Array, options: CadesOptions = {}): Promise<Uint8Array> {
  if (contentDigest.length !== 32) throw new Error('expected a SHA-256 digest');
  const chain = await signer.certificateChain();
  if (chain.length === 0) throw new Error('signer has no certificate');
  const certDer = chain[0]!;
  const cert = parseCertificate(certDer);

  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: ab(contentDigest) })] }),
    await signingCertificateV2(cert, certDer),
  ];
  // DER: the elements of a SET OF in the order of their encodings.
  const encoded = attributes.map((a) => ({ a, der: bytes(a.toSchema().toBER(false)) })).sort((x, y) => compare(x.der, y.der));
  const sorted = encoded.map((e) => e.a);
  const signedAttrsDer = bytes(new asn1js.Set({ value: sorted.map((a) => a.toSchema()) }).toBER(false));

  const alg = await signer.signatureAlgorithm();
  const signature = await signer.sign(signedAttrsDer);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: sha256Id(),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: alg.oid, ...(alg.nullParams ? { algorithmParams: new asn1js.Null() } : {}) }),
    signature: new asn1js.OctetString({ valueHex: ab(signature) }),
  });
  if (options.timestamp) {
    const token = await options.timestamp(signature);
    const parsed = asn1js.fromBER(ab(token));
    if (parsed.offset === -1 || parsed.offset !== token.length) throw new Error('time-stamp token is not DER');
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: ID_AA_SIGNATURE_TIME_STAMP_TOKEN, values: [parsed.result] })],
    });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256Id()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: chain.map(parseCertificate),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return bytes(contentInfo.toSchema().toBER(false));
}

/** Convenience: a detached CAdES signature over `data`. */
export async function signDetached(signer: Signer, data: Uint8Array, options: CadesOptions = {}): Promise<Uint8Array> {
  return buildCadesDetached(signer, await sha256(data), options);
}
