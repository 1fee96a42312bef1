import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, ab, bytes, engine, subtle } from '../../platform/signing/crypto.ts';
import { createTestCa, parseCertificate, type KeyAndCertificates, type TestCa } from '../../platform/signing/test-ca.ts';

/**
 * The TEST Time-Stamp Authority's certificate, for the TSA simulator only: issued by a test
 * CA (test-ca.ts), RSA-2048, keyUsage digitalSignature + nonRepudiation and, as RFC 3161
 * §2.3 requires of a TSA certificate, extendedKeyUsage with id-kp-timeStamping as its only
 * purpose, marked critical. test-ca.ts issues signing certificates only (documentSigning,
 * not critical), so this certificate is built here with pkijs.
 */

export const ID_KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

export const TSA_NAME = 'congso TEST TSA — KHÔNG DÙNG THẬT (test only, not for real use)';

const utf8 = (v: string) => new asn1js.Utf8String({ value: v.normalize('NFC') });

function name(commonName: string): pkijs.RelativeDistinguishedNames {
  const rdn = (type: string, value: pkijs.AttributeValueType) => new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value }).toSchema()] });
  const seq = new asn1js.Sequence({
    value: [
      rdn(OID.country, new asn1js.PrintableString({ value: 'VN' })),
      rdn(OID.organisation, utf8('congso — THỬ NGHIỆM (TEST)')),
      rdn(OID.commonName, utf8(commonName)),
    ],
  });
  return pkijs.RelativeDistinguishedNames.fromBER(seq.toBER(false));
}

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

async function keyIdentifier(cert: pkijs.Certificate): Promise<Uint8Array> {
  return bytes(await subtle.digest('SHA-1', ab(bytes(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView))));
}

export interface TsaCredentials extends KeyAndCertificates {
  /** The test CA that issued the TSA certificate (its DER is also `chain[0]`). */
  ca: TestCa;
}

/** A TSA key and certificate issued by `ca` (a fresh test CA when not given). */
export async function issueTsaCertificate(options: { ca?: TestCa; commonName?: string; days?: number } = {}): Promise<TsaCredentials> {
  const ca = options.ca ?? (await createTestCa());
  const caCert = parseCertificate(ca.certificate);
  const keys = (await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;

  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = webcrypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  cert.serialNumber = new asn1js.Integer({ valueHex: ab(serial) });
  cert.subject = name(options.commonName ?? TSA_NAME);
  cert.issuer = caCert.subject;
  const now = Date.now();
  cert.notBefore.value = new Date(now - 60 * 60 * 1000);
  cert.notAfter.value = new Date(now + (options.days ?? 3 * 365) * 24 * 60 * 60 * 1000);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  cert.extensions = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints({}).toSchema()),
    // digitalSignature + nonRepudiation
    extension(OID.keyUsage, true, new asn1js.BitString({ valueHex: ab(new Uint8Array([0xc0])), unusedBits: 6 })),
    extension(OID.extKeyUsage, true, new pkijs.ExtKeyUsage({ keyPurposes: [ID_KP_TIME_STAMPING] }).toSchema()),
    extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: ab(await keyIdentifier(cert)) })),
    extension(
      OID.authorityKeyIdentifier,
      false,
      new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: ab(await keyIdentifier(caCert)) }) }).toSchema(),
    ),
  ];
  await cert.sign(ca.privateKey, 'SHA-256', engine);
  return {
    ca,
    privateKey: keys.privateKey,
    certificate: bytes(cert.toSchema(true).toBER(false)),
    chain: [ca.certificate, ...ca.chain],
  };
}
