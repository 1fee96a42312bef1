import { signXmlEnveloped, type XmlSignatureAlgorithm, type XmlSigningKey } from '../../../platform/xml/xmldsig.ts';
import { E } from './contract.ts';

/** Where the fixtures place the signature: the last child of edXMLHeader. */
const HEADER_XPATH = `/*[local-name()='${E.root}']/*[local-name()='${E.envelope}']/*[local-name()='${E.header}']`;

/**
 * Signs an EDXML message (as `buildEdxml` writes it) with an enveloped XML signature over the whole
 * document: RSA-SHA256, SHA-256 digest, exclusive c14n, `Reference URI=""`, the certificate in
 * KeyInfo/X509Data, in the XML-DSig namespace, appended to edXMLHeader.
 * `options.algorithm` 'rsa-sha1' exists for tests of the weak-signature report; never send it.
 */
export function signEdxml(xml: string, key: XmlSigningKey, options: { algorithm?: XmlSignatureAlgorithm } = {}): string {
  return signXmlEnveloped(xml, key, { parentXPath: HEADER_XPATH, algorithm: options.algorithm ?? 'rsa-sha256' });
}
