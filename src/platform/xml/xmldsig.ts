import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

/**
 * XML signatures (XMLDSig) of whole documents: enveloped, `Reference URI=""`, exclusive c14n,
 * RSA-SHA256 with a SHA-256 digest when we sign; SHA-1 accepted when we verify, and reported weak.
 *
 * Verification checks the signature against the certificate the signature carries (KeyInfo/X509Data);
 * whether that certificate is trusted (its chain, validity, revocation) is the caller's concern.
 * Call it only on text `parseXmlSafely` accepted: xmldom and xml-crypto parse it again, and no
 * document type declaration may reach them.
 */

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

const ALGORITHMS = {
  'rsa-sha256': { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
  /** For tests and for answering old systems only: SHA-1 is weak. */
  'rsa-sha1': { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
} as const;
export type XmlSignatureAlgorithm = keyof typeof ALGORITHMS;

/** What a document's signature says (the same shape as EDXML's SignatureReport). */
export interface XmlSignatureReport {
  present: boolean;
  /** null when there is no signature. */
  valid: boolean | null;
  /** The SignatureMethod's name, e.g. "rsa-sha256", "rsa-sha1". */
  algorithm?: string;
  /** SHA-1 in the signature method or a digest. */
  weak: boolean;
  /** The certificate's subject ("CN=…, O=…, C=VN"), else KeyInfo's X509SubjectName. */
  signer?: string;
  /** Why it is not valid, in English. */
  reason?: string;
}

export interface XmlSigningKey {
  /** RSA private key: a WebCrypto key (extractable or not), a KeyObject, or PKCS#8/PKCS#1 PEM. */
  privateKey: CryptoKey | KeyObject | string;
  /** DER of the signer's certificate, carried in KeyInfo/X509Data. */
  certificateDer: Uint8Array;
}

function pem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

function keyObject(k: XmlSigningKey['privateKey']): KeyObject {
  if (typeof k === 'string') return createPrivateKey(k);
  if (k instanceof KeyObject) return k;
  return KeyObject.from(k);
}

/**
 * Signs the whole document: an enveloped signature appended as the last child of the element
 * `parentXPath` selects (e.g. `/*[local-name()='edXML']/*[local-name()='edXMLEnvelope']/*[local-name()='edXMLHeader']`).
 */
export function signXmlEnveloped(xml: string, key: XmlSigningKey, options: { parentXPath: string; algorithm?: XmlSignatureAlgorithm }): string {
  const alg = ALGORITHMS[options.algorithm ?? 'rsa-sha256'];
  const sig = new SignedXml({
    privateKey: keyObject(key.privateKey),
    publicCert: pem(key.certificateDer),
    signatureAlgorithm: alg.signature,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({ xpath: '/*', isEmptyUri: true, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: alg.digest });
  sig.computeSignature(xml, { location: { reference: options.parentXPath, action: 'append' } });
  return sig.getSignedXml();
}

const SIGNATURE_TAG = /<(?:[A-Za-z_][\w.-]*:)?Signature[\s/>]/;

/** "CN=Nguyễn Văn A, O=Bộ Công Thương, C=VN": the subject, most specific first (RFC 4514's order). */
function subjectOf(cert: X509Certificate): string {
  return cert.subject.split('\n').filter(Boolean).reverse().join(', ');
}

type El = Element;

function descendants(root: El, local: string): El[] {
  return Array.from(root.getElementsByTagNameNS('*', local) as unknown as ArrayLike<El>);
}

function childElements(el: El, local: string): El[] {
  const out: El[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as El).localName === local) out.push(c as El);
  return out;
}

const shortName = (uri: string | null | undefined) => (uri ? uri.slice(uri.lastIndexOf('#') + 1) : undefined);

/**
 * Finds and checks the document's XML signature. Never throws for a bad signature: what is wrong
 * goes into `reason`. `misplacedNamespaces`: namespaces where real senders put their Signature
 * element by mistake; such a signature is reported present and not valid.
 */
export function verifyXmlSignature(xml: string, options: { misplacedNamespaces?: readonly string[] } = {}): XmlSignatureReport {
  if (!SIGNATURE_TAG.test(xml)) return { present: false, valid: null, weak: false };
  const accepted = new Set<string | null>([XMLDSIG_NS, null, '', ...(options.misplacedNamespaces ?? [])]);
  let parseError: string | undefined;
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined, // xmldom's warnings are about things the validator already accepted
      error: (m: string) => {
        parseError ??= m;
      },
      fatalError: (m: string) => {
        parseError ??= m;
      },
    },
  }).parseFromString(xml, 'text/xml');
  if (!doc?.documentElement) return { present: true, valid: false, weak: false, reason: `the document cannot be read for its signature: ${parseError}` };
  const signatures = descendants(doc.documentElement as unknown as El, 'Signature').filter((s) => accepted.has(s.namespaceURI));
  if (!signatures.length) return { present: false, valid: null, weak: false };
  const sig = signatures[0]!;
  const reasons: string[] = [];
  if (signatures.length > 1) reasons.push(`the document carries ${signatures.length} signatures; one is expected`);
  if (parseError) reasons.push(`the document cannot be read for its signature: ${parseError}`);

  const algorithm = shortName(descendants(sig, 'SignatureMethod')[0]?.getAttribute('Algorithm'));
  const digests = descendants(sig, 'DigestMethod').map((d) => shortName(d.getAttribute('Algorithm')) ?? '');
  const weak = [algorithm ?? '', ...digests].some((a) => /sha1$/i.test(a));

  let cert: X509Certificate | undefined;
  const certText = descendants(sig, 'X509Certificate')[0]?.textContent?.replace(/\s+/g, '') ?? '';
  if (!certText) reasons.push('KeyInfo carries no X.509 certificate');
  else {
    try {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(certText) || certText.length % 4) throw new Error('not base64');
      cert = new X509Certificate(Buffer.from(certText, 'base64'));
    } catch {
      reasons.push(`the X.509 certificate in KeyInfo cannot be read (${certText.length} base64 characters: truncated or not DER)`);
    }
  }
  const signer = cert ? subjectOf(cert) : descendants(sig, 'X509SubjectName')[0]?.textContent?.trim() || undefined;

  if (sig.namespaceURI !== XMLDSIG_NS) {
    reasons.push(`the Signature element is in the namespace ${sig.namespaceURI || '(none)'}, not the XML-DSig namespace ${XMLDSIG_NS}`);
  }
  const signedInfo = childElements(sig, 'SignedInfo')[0];
  const refs = signedInfo ? childElements(signedInfo, 'Reference') : [];
  const whole =
    refs.length === 1 && refs[0]!.getAttribute('URI') === '' && descendants(refs[0]!, 'Transform').some((t) => t.getAttribute('Algorithm') === ENVELOPED);
  if (!whole) reasons.push('the signature does not cover the whole document (one enveloped Reference with URI="" is expected)');

  const report = (valid: boolean, reason?: string): XmlSignatureReport => {
    const r: XmlSignatureReport = { present: true, valid, weak };
    if (algorithm) r.algorithm = algorithm;
    if (signer) r.signer = signer;
    if (reason) r.reason = reason;
    return r;
  };
  if (reasons.length) return report(false, reasons.join('; '));

  const checker = new SignedXml({ publicCert: cert!.toString(), getCertFromKeyInfo: () => null });
  try {
    checker.loadSignature(sig as unknown as Node);
    if (checker.checkSignature(xml) !== true) return report(false, 'a digest does not match: the document was changed after it was signed');
  } catch (e) {
    const message = (e as Error).message;
    if (/signature value .* is incorrect/is.test(message)) return report(false, "the signature value does not verify with the certificate's key");
    return report(false, `the signature cannot be checked: ${message.slice(0, 200)}`);
  }
  return report(true);
}
