import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { type Crew, fileAndApprove, importTestProcedures, pdfsigReport, signInCrew } from '../../../test/dossier-fixtures.ts';
import { loadConfig } from '../../platform/config.ts';
import { ab, bytes, OID, sha256 } from '../../platform/signing/crypto.ts';
import { ID_AA_SIGNATURE_TIME_STAMP_TOKEN, parseTimeStampToken } from '../../platform/signing/timestamp.ts';
import { TEST_TSA_POLICY } from '../../simulators/tsa/server.ts';

let t: TestApp;
let dir: string;
let tok: Crew;

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-tsa-'));
  tok = await signInCrew(t);
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const approved = () => fileAndApprove(t, tok);

/** The CMS SignedData of every signature in a PDF, in file order. */
function signatures(pdf: Uint8Array): Uint8Array[] {
  const text = Buffer.from(pdf).toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => {
    const der = new Uint8Array(Buffer.from(text.slice(Number(m[2]) + 1, Number(m[3]) - 1), 'hex'));
    return der.subarray(0, asn1js.fromBER(ab(der)).offset); // the hex is zero-padded
  });
}

const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

describe('TSA configuration', () => {
  it('demo defaults to the local TSA at PUBLIC_URL/tsa; production has none unless TSA_URL is set; a bad URL is named', () => {
    const demo = loadConfig({ DATA_DIR: dir, PUBLIC_URL: 'https://demo.example.vn/' });
    expect(demo.tsaUrl).toBe('https://demo.example.vn/tsa');
    expect(loadConfig({ DATA_DIR: dir, TSA_URL: 'http://tsa.example.vn/rfc3161' }).tsaUrl).toBe('http://tsa.example.vn/rfc3161');
    const prod = {
      CONGSO_MODE: 'production',
      DATA_DIR: dir,
      DATABASE_URL: 'postgresql://u:p@db/congso',
      PUBLIC_URL: 'https://dichvucong.example.gov.vn',
      OIDC_ISSUER: 'https://sso.example.gov.vn',
      OIDC_CLIENT_ID: 'c',
      OIDC_CLIENT_SECRET: 's',
      SESSION_SECRET: 'x'.repeat(32),
      TOKEN_SECRET: 'y'.repeat(32),
    };
    expect(loadConfig(prod).tsaUrl).toBeUndefined();
    expect(loadConfig({ ...prod, TSA_URL: 'https://tsa.ca.gov.vn/' }).tsaUrl).toBe('https://tsa.ca.gov.vn');
    expect(() => loadConfig({ ...prod, TSA_URL: 'ftp://tsa.example.vn' })).toThrow(/TSA_URL: must be an http\(s\) URL/);
  });
});

describe('time-stamped results (demo TSA)', () => {
  it('serves POST /tsa (application/timestamp-query only), hidden from the API document', async () => {
    const req = new pkijs.TimeStampReq({ version: 1, messageImprint: await pkijs.MessageImprint.create('SHA-256', new Uint8Array([1, 2, 3])), certReq: true });
    const res = await fetch(`${t.base}/tsa`, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: ab(bytes(req.toSchema().toBER(false))),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
    const resp = pkijs.TimeStampResp.fromBER(await res.arrayBuffer());
    expect(resp.status.status).toBe(pkijs.PKIStatus.granted);
    expect(parseTimeStampToken(bytes(resp.timeStampToken!.toSchema().toBER(false))).tstInfo.policy).toBe(TEST_TSA_POLICY);

    const wrong = await fetch(`${t.base}/tsa`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(wrong.status).toBe(415);
    const doc = (await (await fetch(`${t.base}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/tsa');
  });

  it('both signatures of a signed result carry a signature time-stamp over their signature value; pdfsig accepts both', async () => {
    const code = await approved();
    const r = await api<{ dossierCode: string; resultCode?: string; error?: unknown }[]>(t, 'POST', '/api/v1/results/sign', {
      token: tok.signer,
      body: { dossierCodes: [code] },
    });
    expect(r.status).toBe(200);
    const resultCode = r.body[0].resultCode!;
    expect(resultCode, JSON.stringify(r.body)).toBeTruthy();

    const file = await fetch(`${t.base}/api/v1/results/${resultCode}/pdf`, { headers: { authorization: `Bearer ${tok.citizen}` } });
    expect(file.status).toBe(200);
    const pdf = new Uint8Array(await file.arrayBuffer());

    const cmses = signatures(pdf);
    expect(cmses).toHaveLength(2);
    for (const cms of cmses) {
      const si = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(ab(cms)).content }).signerInfos[0]!;
      const attr = si.unsignedAttrs?.attributes.find((a) => a.type === ID_AA_SIGNATURE_TIME_STAMP_TOKEN);
      expect(attr, 'signature-time-stamp-token attribute').toBeDefined();
      const { signedData, tstInfo } = parseTimeStampToken(bytes((attr!.values[0] as asn1js.BaseBlock).toBER(false)));
      const value = bytes(si.signature.valueBlock.valueHexView);
      expect(tstInfo.messageImprint.hashAlgorithm.algorithmId).toBe(OID.sha256);
      expect(hex(bytes(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView))).toBe(hex(await sha256(value)));
      expect(tstInfo.policy).toBe(TEST_TSA_POLICY);
      expect(Math.abs(tstInfo.genTime.getTime() - Date.now())).toBeLessThan(5 * 60_000);
      expect(await signedData.verify({ signer: 0, data: ab(value), checkChain: false })).toBe(true);
    }

    const report = pdfsigReport(pdf);
    expect(report.match(/Signature is Valid\./g)).toHaveLength(2);
  }, 300_000);
});
