import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, ab, bytes, engine, subtle } from './crypto.ts';

/**
 * A TEST certificate authority and the end-entity signing certificates it issues, for
 * tests and the demo only. Every name it writes is a UTF8String, so Vietnamese names keep
 * their diacritics; the CA's own name says, in Vietnamese and English, that it is a test.
 *
 * Also the PKCS#12 (.p12/.pfx) export and import a signer is loaded from: password-based
 * integrity (HMAC-SHA-256), the key in a PKCS#8 shrouded key bag and the certificates in an
 * encrypted safe (PBES2: PBKDF2-SHA-256 + AES-256-CBC), as OpenSSL 3 writes them.
 */

export type KeyAlgorithm = 'RSA-2048' | 'ECDSA-P256';

/** A private key with its certificate and the issuers above it (leaf first, root last). */
export interface KeyAndCertificates {
  privateKey: CryptoKey;
  /** DER of the end-entity certificate. */
  certificate: Uint8Array;
  /** DER of the issuing certificates, nearest first (the root included when known). */
  chain: Uint8Array[];
}

export type TestCa = KeyAndCertificates;

export const TEST_CA_NAME = 'congso TEST CA — KHÔNG DÙNG THẬT (test only, not for real use)';

export interface NameParts {
  commonName: string;
  organisation?: string;
  organisationalUnit?: string;
  title?: string;
  locality?: string;
  province?: string;
  /** ISO 3166 two-letter code; VN by default. */
  country?: string;
  /** e.g. "CCCD:001085012345" or "MST:0100101234" (Vietnamese CA practice). */
  serialNumber?: string;
}

export interface IssueOptions extends NameParts {
  keyAlgorithm?: KeyAlgorithm;
  /** Days of validity from now; 3 years by default. */
  days?: number;
}

const RSA_GEN: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const EC_GEN: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

async function generateKey(alg: KeyAlgorithm): Promise<CryptoKeyPair> {
  // Extractable, so a test key can be written to a .p12.
  return (await subtle.generateKey(alg === 'RSA-2048' ? RSA_GEN : EC_GEN, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function buildName(parts: NameParts): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN (pkijs would put them all into one multi-valued RDN).
  const rdns: asn1js.Set[] = [];
  const add = (type: string, value: pkijs.AttributeValueType) =>
    rdns.push(new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value }).toSchema()] }));
  const utf8 = (v: string) => new asn1js.Utf8String({ value: v.normalize('NFC') });
  // Most significant first: C, ST, L, O, OU, title, serialNumber, CN.
  add(OID.country, new asn1js.PrintableString({ value: parts.country ?? 'VN' }));
  if (parts.province) add(OID.province, utf8(parts.province));
  if (parts.locality) add(OID.locality, utf8(parts.locality));
  if (parts.organisation) add(OID.organisation, utf8(parts.organisation));
  if (parts.organisationalUnit) add(OID.organisationalUnit, utf8(parts.organisationalUnit));
  if (parts.title) add(OID.title, utf8(parts.title));
  if (parts.serialNumber) add(OID.serialNumberAttr, new asn1js.PrintableString({ value: parts.serialNumber }));
  add(OID.commonName, utf8(parts.commonName));
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}

function randomSerial(): asn1js.Integer {
  const s = webcrypto.getRandomValues(new Uint8Array(16));
  s[0] = (s[0]! & 0x7f) | 0x01; // positive, no leading zero
  return new asn1js.Integer({ valueHex: ab(s) });
}

function extension(extnID: string, critical: boolean, value: { toSchema(): asn1js.BaseBlock } | asn1js.BaseBlock): pkijs.Extension {
  const schema = value instanceof asn1js.BaseBlock ? value : value.toSchema();
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

function keyUsage(bits: number, unusedBits: number): asn1js.BitString {
  return new asn1js.BitString({ valueHex: ab(new Uint8Array([bits])), unusedBits });
}

async function keyIdentifier(cert: pkijs.Certificate): Promise<Uint8Array> {
  const spk = bytes(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
  return bytes(await subtle.digest('SHA-1', ab(spk)));
}

async function makeCertificate(opts: {
  subject: NameParts;
  issuer: pkijs.RelativeDistinguishedNames | null;
  issuerKey: CryptoKey | null;
  issuerKeyId: Uint8Array | null;
  publicKey: CryptoKey;
  ownKey: CryptoKey;
  ca: boolean;
  days: number;
}): Promise<pkijs.Certificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = randomSerial();
  const subject = buildName(opts.subject);
  cert.subject = subject;
  cert.issuer = opts.issuer ?? subject;
  const now = Date.now();
  cert.notBefore.value = new Date(now - 60 * 60 * 1000);
  cert.notAfter.value = new Date(now + opts.days * 24 * 60 * 60 * 1000);
  await cert.subjectPublicKeyInfo.importKey(opts.publicKey, engine);
  const ski = await keyIdentifier(cert);
  const extensions = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints(opts.ca ? { cA: true, pathLenConstraint: 0 } : {})),
    // CA: keyCertSign + cRLSign; end entity: digitalSignature + nonRepudiation (contentCommitment).
    extension(OID.keyUsage, true, opts.ca ? keyUsage(0x06, 1) : keyUsage(0xc0, 6)),
    extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: ab(ski) })),
  ];
  if (opts.issuerKeyId) {
    extensions.push(
      extension(
        OID.authorityKeyIdentifier,
        false,
        new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: ab(opts.issuerKeyId) }) }),
      ),
    );
  }
  if (!opts.ca) {
    extensions.push(extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [OID.emailProtection, OID.documentSigning] })));
  }
  cert.extensions = extensions;
  const signingKey = opts.issuerKey ?? opts.ownKey;
  await cert.sign(signingKey, 'SHA-256', engine);
  return cert;
}

function der(cert: pkijs.Certificate): Uint8Array {
  return bytes(cert.toSchema(true).toBER(false));
}

export function parseCertificate(certDer: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(ab(certDer));
}

/** A self-signed test root CA, clearly named as a test. */
export async function createTestCa(options: { keyAlgorithm?: KeyAlgorithm; commonName?: string; days?: number } = {}): Promise<TestCa> {
  const keys = await generateKey(options.keyAlgorithm ?? 'RSA-2048');
  const cert = await makeCertificate({
    subject: { commonName: options.commonName ?? TEST_CA_NAME, organisation: 'congso — THỬ NGHIỆM (TEST)', country: 'VN' },
    issuer: null,
    issuerKey: null,
    issuerKeyId: null,
    publicKey: keys.publicKey,
    ownKey: keys.privateKey,
    ca: true,
    days: options.days ?? 3650,
  });
  return { privateKey: keys.privateKey, certificate: der(cert), chain: [] };
}

/** An end-entity signing certificate (digitalSignature + nonRepudiation) issued by the test CA. */
export async function issueSigningCertificate(ca: TestCa, options: IssueOptions): Promise<KeyAndCertificates> {
  const caCert = parseCertificate(ca.certificate);
  const keys = await generateKey(options.keyAlgorithm ?? 'RSA-2048');
  const cert = await makeCertificate({
    subject: options,
    issuer: caCert.subject,
    issuerKey: ca.privateKey,
    issuerKeyId: await keyIdentifier(caCert),
    publicKey: keys.publicKey,
    ownKey: keys.privateKey,
    ca: false,
    days: options.days ?? 3 * 365,
  });
  return { privateKey: keys.privateKey, certificate: der(cert), chain: [ca.certificate, ...ca.chain] };
}

// ---------------------------------------------------------------------------------------
// PKCS#12

const PBE: Omit<pkijs.CryptoEngineEncryptParams, 'password' | 'contentToEncrypt' | 'contentType'> = {
  contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 } as pkijs.ContentEncryptionAlgorithm,
  hmacHashAlgorithm: 'SHA-256',
  iterationCount: 100_000,
};

function passwordBytes(password: string): ArrayBuffer {
  return ab(new TextEncoder().encode(password.normalize('NFC')));
}

/**
 * Writes key and certificates to a password-protected PKCS#12. The password is used as
 * UTF-8 for PBKDF2; keep it ASCII for other tools' sake (the PKCS#12 MAC key derivation
 * is defined over BMPString, and tools differ for non-ASCII passwords).
 */
export async function toPkcs12(kc: KeyAndCertificates, password: string, options: { friendlyName?: string } = {}): Promise<Uint8Array> {
  const pw = passwordBytes(password);
  const pkcs8 = bytes(await subtle.exportKey('pkcs8', kc.privateKey));
  const localKeyId = bytes(await subtle.digest('SHA-1', ab(kc.certificate)));
  const leaf = parseCertificate(kc.certificate);
  const friendly = options.friendlyName ?? commonNameOf(leaf) ?? 'congso';
  const attrs = (withName: boolean) => [
    ...(withName ? [new pkijs.Attribute({ type: OID.friendlyName, values: [new asn1js.BmpString({ value: friendly })] })] : []),
    new pkijs.Attribute({ type: OID.localKeyId, values: [new asn1js.OctetString({ valueHex: ab(localKeyId) })] }),
  ];
  const keyBag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkijs.PrivateKeyInfo.fromBER(ab(pkcs8)) });
  const certBags = [
    new pkijs.SafeBag({ bagId: OID.certBag, bagValue: new pkijs.CertBag({ parsedValue: leaf }), bagAttributes: attrs(true) }),
    ...kc.chain.map((c) => new pkijs.SafeBag({ bagId: OID.certBag, bagValue: new pkijs.CertBag({ parsedValue: parseCertificate(c) }) })),
  ];
  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            { privacyMode: 1, value: new pkijs.SafeContents({ safeBags: certBags }) },
            {
              privacyMode: 0,
              value: new pkijs.SafeContents({
                safeBags: [new pkijs.SafeBag({ bagId: OID.pkcs8ShroudedKeyBag, bagValue: keyBag, bagAttributes: attrs(true) })],
              }),
            },
          ],
        },
      }),
    },
  });
  await keyBag.makeInternalValues({ password: pw, ...PBE }, engine);
  await pfx.parsedValue!.authenticatedSafe!.makeInternalValues({ safeContents: [{ password: pw, ...PBE }, {}] }, engine);
  await pfx.makeInternalValues(
    { password: pw, iterations: PBE.iterationCount, pbkdf2HashAlgorithm: { name: 'SHA-256' }, hmacHashAlgorithm: 'SHA-256' },
    engine,
  );
  return bytes(pfx.toSchema().toBER(false));
}

function commonNameOf(cert: pkijs.Certificate): string | undefined {
  const cn = cert.subject.typesAndValues.find((t) => t.type === OID.commonName);
  return cn ? String(cn.value.valueBlock.value) : undefined;
}

async function importPrivateKey(info: pkijs.PrivateKeyInfo): Promise<CryptoKey> {
  const der = ab(bytes(info.toSchema().toBER(false)));
  const algOid = info.privateKeyAlgorithm.algorithmId;
  if (algOid === OID.rsaEncryption) {
    return subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  }
  if (algOid === OID.ecPublicKey) {
    const params = info.privateKeyAlgorithm.algorithmParams as asn1js.ObjectIdentifier | undefined;
    const curveOid = params?.valueBlock?.toString();
    const namedCurve = curveOid === OID.p256 ? 'P-256' : curveOid === OID.p384 ? 'P-384' : null;
    if (!namedCurve) throw new Error(`PKCS#12: unsupported EC curve ${curveOid}`);
    return subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
  }
  throw new Error(`PKCS#12: unsupported key algorithm ${algOid}`);
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function nameDer(n: pkijs.RelativeDistinguishedNames): Uint8Array {
  return bytes(n.toSchema().toBER(false));
}

/** Orders certificates from `leaf` up through their issuers, as far as they are present. */
export function orderChain(leaf: Uint8Array, others: Uint8Array[]): Uint8Array[] {
  const pool = others.filter((c) => !same(c, leaf)).map((c) => ({ der: c, cert: parseCertificate(c) }));
  const out: Uint8Array[] = [];
  let current = parseCertificate(leaf);
  for (;;) {
    if (same(nameDer(current.issuer), nameDer(current.subject))) break; // self-signed
    const i = pool.findIndex((p) => same(nameDer(p.cert.subject), nameDer(current.issuer)));
    if (i < 0) break;
    const [next] = pool.splice(i, 1);
    out.push(next!.der);
    current = next!.cert;
  }
  return out;
}

/** Reads a password-protected PKCS#12 (.p12/.pfx): the private key, its certificate and chain. */
export async function fromPkcs12(p12: Uint8Array, password: string): Promise<KeyAndCertificates> {
  const pw = passwordBytes(password);
  const pfx = pkijs.PFX.fromBER(ab(p12));
  await pfx.parseInternalValues({ password: pw, checkIntegrity: true }, engine);
  const safe = pfx.parsedValue?.authenticatedSafe;
  if (!safe) throw new Error('PKCS#12: no authenticated safe');
  await safe.parseInternalValues({ safeContents: safe.safeContents.map((ci) => (ci.contentType === OID.encryptedData ? { password: pw } : {})) }, engine);
  const keys: { key: pkijs.PrivateKeyInfo; id?: Uint8Array }[] = [];
  const certs: { der: Uint8Array; id?: Uint8Array }[] = [];
  const localId = (bag: pkijs.SafeBag) => {
    const a = bag.bagAttributes?.find((x) => x.type === OID.localKeyId);
    const v = a?.values[0] as asn1js.OctetString | undefined;
    return v ? bytes(v.valueBlock.valueHexView) : undefined;
  };
  for (const content of safe.parsedValue.safeContents as { value: pkijs.SafeContents }[]) {
    for (const bag of content.value.safeBags) {
      if (bag.bagId === OID.pkcs8ShroudedKeyBag) {
        const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
        // parseInternalValues is declared protected in pkijs' types, though meant to be called.
        await (shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }, c?: pkijs.ICryptoEngine): Promise<void> }).parseInternalValues(
          { password: pw },
          engine,
        );
        keys.push({ key: shrouded.parsedValue!, id: localId(bag) });
      } else if (bag.bagId === OID.keyBag) {
        keys.push({ key: bag.bagValue as pkijs.PrivateKeyInfo, id: localId(bag) });
      } else if (bag.bagId === OID.certBag) {
        const cb = bag.bagValue as pkijs.CertBag;
        if (cb.certId !== OID.x509Certificate) continue;
        const cert = cb.parsedValue as pkijs.Certificate;
        certs.push({ der: bytes(cert.toSchema(true).toBER(false)), id: localId(bag) });
      }
    }
  }
  if (keys.length !== 1) throw new Error(`PKCS#12: expected one private key, found ${keys.length}`);
  if (certs.length === 0) throw new Error('PKCS#12: no certificate');
  const key = keys[0]!;
  let leaf = key.id ? certs.find((c) => c.id && same(c.id, key.id!)) : undefined;
  if (!leaf) {
    // No localKeyId: the certificate that issues none of the others.
    leaf = certs.find((c) => {
      const subj = nameDer(parseCertificate(c.der).subject);
      return !certs.some((o) => o !== c && same(nameDer(parseCertificate(o.der).issuer), subj));
    });
  }
  if (!leaf) throw new Error('PKCS#12: cannot tell which certificate belongs to the key');
  return {
    privateKey: await importPrivateKey(key.key),
    certificate: leaf.der,
    chain: orderChain(
      leaf.der,
      certs.map((c) => c.der),
    ),
  };
}
