import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueSigningCertificate, type KeyAndCertificates, type TestCa } from '../../../platform/signing/test-ca.ts';
import { findTool, itWithTool } from '../../../../test/tools.ts';
import { buildEdxml } from './build-edxml.ts';
import type { EdxmlDocumentMessage } from './model.ts';
import { parseEdxml } from './parse-edxml.ts';
import { signEdxml } from './sign-edxml.ts';

const run = promisify(execFile);
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/edxml');
const message = parseEdxml(readFileSync(path.join(FIXTURES, 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml'))).message as EdxmlDocumentMessage;
const SUBJECT = 'V/v kết nối, liên thông phần mềm quản lý văn bản';

const pem = (der: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

/** Changes one byte of the subject's text (not of the signature). */
function tamper(xml: string): string {
  const at = xml.indexOf(`<edXML:Subject>${SUBJECT}`) + '<edXML:Subject>'.length;
  return xml.slice(0, at) + 'W' + xml.slice(at + 1);
}

let ca: TestCa;
let signer: KeyAndCertificates;
let other: KeyAndCertificates;
let dir: string;

beforeAll(async () => {
  ca = await createTestCa();
  signer = await issueSigningCertificate(ca, { commonName: 'Văn thư Bộ Công Thương', organisation: 'Bộ Công Thương' });
  other = await issueSigningCertificate(ca, { commonName: 'Người khác' });
  dir = await mkdtemp(path.join(tmpdir(), 'congso-edxml-sign-'));
  await writeFile(path.join(dir, 'ca.pem'), pem(ca.certificate));
  await writeFile(path.join(dir, 'signer.pem'), pem(signer.certificate));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** xmlsec1's verdict: true when it verifies, false when it refuses. */
async function xmlsec(xml: string, args: string[]): Promise<boolean> {
  const file = path.join(dir, `m-${Math.random().toString(36).slice(2)}.xml`);
  await writeFile(file, xml);
  try {
    await run(findTool('xmlsec1')!, ['--verify', ...args, file]);
    return true;
  } catch (e) {
    if ((e as { code?: unknown }).code === 1) return false;
    throw e;
  }
}

describe('signEdxml', () => {
  it('signs enveloped with RSA-SHA256, SHA-256, exclusive c14n, URI="" and the certificate, at the end of edXMLHeader', () => {
    const signed = signEdxml(buildEdxml(message), { privateKey: signer.privateKey, certificateDer: signer.certificate });
    const sig = /<\/edXML:TraceHeaderList>\s*(<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">[\s\S]*<\/Signature>)\s*<\/edXML:edXMLHeader>/.exec(
      signed,
    );
    expect(sig).not.toBeNull();
    const s = sig![1]!;
    expect(s).toContain('<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>');
    expect(s).toContain('<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>');
    expect(s).toContain('<Reference URI="">');
    expect(s).toContain('<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>');
    expect(s).toContain('<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>');
    expect(s).toContain(`<X509Certificate>${Buffer.from(signer.certificate).toString('base64')}</X509Certificate>`);
    expect(signed.match(/<Signature[\s>]/g)).toHaveLength(1);
  });

  it('verifies with our verifier, and the signed message reads as the unsigned one', () => {
    const signed = signEdxml(buildEdxml(message), { privateKey: signer.privateKey, certificateDer: signer.certificate });
    const { message: read, signature } = parseEdxml(signed);
    expect(signature).toEqual({
      present: true,
      valid: true,
      weak: false,
      algorithm: 'rsa-sha256',
      signer: 'CN=Văn thư Bộ Công Thương, O=Bộ Công Thương, C=VN',
    });
    expect(read).toStrictEqual(message);
  });

  it('takes the key as a PEM string too', () => {
    const key = signer.privateKey;
    // KeyObject.from works for extractable and non-extractable keys; PEM needs an export.
    return crypto.subtle.exportKey('pkcs8', key).then((pkcs8) => {
      const privatePem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8)
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
      const signed = signEdxml(buildEdxml(message), { privateKey: privatePem, certificateDer: signer.certificate });
      expect(parseEdxml(signed).signature.valid).toBe(true);
    });
  });

  it('reports a changed byte in the subject as not valid', () => {
    const signed = signEdxml(buildEdxml(message), { privateKey: signer.privateKey, certificateDer: signer.certificate });
    const { message: read, signature } = parseEdxml(tamper(signed));
    expect((read as EdxmlDocumentMessage).subject).toBe(`W${SUBJECT.slice(1)}`);
    expect(signature).toMatchObject({ present: true, valid: false, weak: false });
    expect(signature.reason).toMatch(/digest/);
  });

  it('reports a signature whose certificate was swapped for another as not valid', () => {
    const signed = signEdxml(buildEdxml(message), { privateKey: signer.privateKey, certificateDer: signer.certificate });
    const swapped = signed.replace(Buffer.from(signer.certificate).toString('base64'), Buffer.from(other.certificate).toString('base64'));
    expect(parseEdxml(swapped).signature).toMatchObject({ present: true, valid: false, signer: 'CN=Người khác, C=VN' });
  });

  it('accepts SHA-1 and reports it weak', () => {
    const signed = signEdxml(buildEdxml(message), { privateKey: signer.privateKey, certificateDer: signer.certificate }, { algorithm: 'rsa-sha1' });
    expect(signed).toContain('xmldsig#rsa-sha1');
    expect(parseEdxml(signed).signature).toMatchObject({ present: true, valid: true, weak: true, algorithm: 'rsa-sha1' });
  });

  itWithTool('xmlsec1', "verifies with xmlsec1 (the test CA trusted, or the signer's certificate as the key), and a changed byte fails", async () => {
    const signed = signEdxml(buildEdxml(message), { privateKey: signer.privateKey, certificateDer: signer.certificate });
    const trusted = ['--trusted-pem', path.join(dir, 'ca.pem')];
    const byKey = ['--pubkey-cert-pem', path.join(dir, 'signer.pem')];
    expect(await xmlsec(signed, trusted)).toBe(true);
    expect(await xmlsec(signed, byKey)).toBe(true);
    expect(await xmlsec(tamper(signed), trusted)).toBe(false);
    expect(await xmlsec(tamper(signed), byKey)).toBe(false);
    // Our signature checked with another certificate of the same CA: refused.
    const swapped = signed.replace(Buffer.from(signer.certificate).toString('base64'), Buffer.from(other.certificate).toString('base64'));
    expect(await xmlsec(swapped, trusted)).toBe(false);
    const sha1 = signEdxml(buildEdxml(message), { privateKey: signer.privateKey, certificateDer: signer.certificate }, { algorithm: 'rsa-sha1' });
    expect(await xmlsec(sha1, trusted)).toBe(true);
  });

  itWithTool('xmlsec1', 'a status message signed by us verifies with xmlsec1 too', async () => {
    const status = parseEdxml(readFileSync(path.join(FIXTURES, 'status_finish_06.edxml'))).message;
    const signed = signEdxml(buildEdxml(status), { privateKey: signer.privateKey, certificateDer: signer.certificate });
    expect(signed).toMatch(/<\/edXML:MessageHeader>\s*<Signature /);
    expect(parseEdxml(signed).signature.valid).toBe(true);
    expect(await xmlsec(signed, ['--trusted-pem', path.join(dir, 'ca.pem')])).toBe(true);
  });
});
