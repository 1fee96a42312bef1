import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { startCscSimulator, type CscSimulator, type CscSimUser } from '../../simulators/csc/server.ts';
import { ecdsaP256SignHash, rsaSignSha256Hash } from '../../simulators/csc/hash-signing.ts';
import { ab, sha256, subtle } from './crypto.ts';
import { signPdf } from './pades.ts';
import { RemoteSigner, type RemoteSignerConfig } from './remote-signer.ts';
import { ECDSA_SHA256, RSA_PKCS1_SHA256 } from './signer.ts';
import { createTestCa, issueSigningCertificate, type KeyAndCertificates, type TestCa } from './test-ca.ts';
import { verifyPdfSignatures } from './verify.ts';
import { toolForCheck } from '../../../test/tools.ts';

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let ca: TestCa;
let leader: KeyAndCertificates;
let ministry: KeyAndCertificates;
let expired: KeyAndCertificates;
let sim: CscSimulator;
let clock = Date.now();
let dir: string;
let pdf: Uint8Array;

const LEADER: Omit<CscSimUser, 'keyAndCertificates'> = {
  clientId: 'congso-bct',
  clientSecret: 'bí-mật-của-hệ-thống',
  credentialID: 'cred-hoang-van-thang',
  pin: '123456',
};
const MINISTRY: Omit<CscSimUser, 'keyAndCertificates'> = {
  clientId: 'congso-bct-org',
  clientSecret: 's3cret',
  credentialID: 'cred-bo-cong-thuong',
  pin: '654321',
  otp: '999000',
};
const LOCKABLE: Omit<CscSimUser, 'keyAndCertificates'> = { clientId: 'congso-lock', clientSecret: 'x', credentialID: 'cred-lock', pin: '111111' };
const EXPIRED: Omit<CscSimUser, 'keyAndCertificates'> = { clientId: 'congso-old', clientSecret: 'y', credentialID: 'cred-old', pin: '222222' };

function signer(over: Partial<RemoteSignerConfig> = {}): RemoteSigner {
  return new RemoteSigner({
    baseUrl: sim.url,
    clientId: LEADER.clientId,
    clientSecret: LEADER.clientSecret,
    credentialID: LEADER.credentialID,
    pin: LEADER.pin,
    ...over,
  });
}

async function caught(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

/** Raw CSC calls, for what RemoteSigner never does (reusing a SAD). */
async function csc(method: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}/csc/v2/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function leaderToken(): Promise<string> {
  const res = await fetch(`${sim.url}/csc/v2/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: LEADER.clientId, client_secret: LEADER.clientSecret }).toString(),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  ca = await createTestCa();
  leader = await issueSigningCertificate(ca, {
    commonName: 'Hoàng Văn Thắng',
    organisation: 'Bộ Công Thương',
    title: 'Bộ trưởng',
    serialNumber: 'CCCD:001085012345',
  });
  ministry = await issueSigningCertificate(ca, {
    commonName: 'Bộ Công Thương',
    organisation: 'Bộ Công Thương',
    locality: 'Hà Nội',
    keyAlgorithm: 'ECDSA-P256',
  });
  const lockable = await issueSigningCertificate(ca, { commonName: 'Nguyễn Thị Lan' });
  expired = await issueSigningCertificate(ca, { commonName: 'Trần Văn Cũ', days: -1 });
  sim = await startCscSimulator({
    users: [
      { ...LEADER, keyAndCertificates: leader },
      { ...MINISTRY, keyAndCertificates: ministry },
      { ...LOCKABLE, keyAndCertificates: lockable },
      { ...EXPIRED, keyAndCertificates: expired },
    ],
    maxPinAttempts: 3,
    now: () => clock,
  });
  dir = await mkdtemp(join(tmpdir(), 'congso-remote-signing-'));
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('QUYET DINH so 456/QD-BCT (ky so tu xa)', { x: 60, y: 760, size: 16, font });
  pdf = await doc.save({ useObjectStreams: false });
});

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('simulator hash signing', () => {
  it('RSA over a hash equals WebCrypto RSASSA-PKCS1-v1_5 over the data; ECDSA over a hash verifies with WebCrypto', async () => {
    const data = new TextEncoder().encode('Cộng hòa xã hội chủ nghĩa Việt Nam');
    const hash = await sha256(data);
    const viaWebCrypto = new Uint8Array(await subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, leader.privateKey, ab(data)));
    expect(Buffer.from(rsaSignSha256Hash(leader.privateKey, hash)).equals(Buffer.from(viaWebCrypto))).toBe(true);
    const pub = await subtle.importKey(
      'jwk',
      { ...(await subtle.exportKey('jwk', ministry.privateKey)), d: undefined, key_ops: ['verify'] },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    for (let i = 0; i < 5; i++) {
      const raw = ecdsaP256SignHash(ministry.privateKey, hash);
      expect(raw).toHaveLength(64);
      expect(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pub, ab(raw), ab(data))).toBe(true);
    }
  });
});

describe('RemoteSigner over CSC API v2', () => {
  it('reads chain and algorithm from credentials/info', async () => {
    const s = signer();
    const chain = await s.certificateChain();
    expect(chain.map((c) => Buffer.from(c).toString('hex'))).toEqual([leader.certificate, ca.certificate].map((c) => Buffer.from(c).toString('hex')));
    expect(await s.signatureAlgorithm()).toBe(RSA_PKCS1_SHA256);
    expect(await signer({ clientId: MINISTRY.clientId, clientSecret: MINISTRY.clientSecret, credentialID: MINISTRY.credentialID }).signatureAlgorithm()).toBe(
      ECDSA_SHA256,
    );
  });

  it('signs a PDF (RSA): valid for verifyPdfSignatures and pdfsig, signer Hoàng Văn Thắng', async () => {
    const signed = await signPdf(pdf, signer(), { reason: 'Phê duyệt', location: 'Hà Nội' });
    const checks = await verifyPdfSignatures(signed);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ signer: 'Hoàng Văn Thắng', valid: true, coversWholeDocument: true });
    const pdfsig = toolForCheck('pdfsig', 'pdfsig on the remotely signed PDF (RSA)');
    if (pdfsig) {
      const file = join(dir, 'remote-rsa.pdf');
      await writeFile(file, signed);
      const r = await run(pdfsig, [file]);
      expect(r.stdout, r.stdout + r.stderr).toContain('Signature Validation: Signature is Valid.');
      expect(r.stdout).toContain('Signer Certificate Common Name: Hoàng Văn Thắng');
      expect(r.stdout).toContain('Total document signed');
    }
  });

  it('countersigns with an ECDSA credential needing PIN and OTP (asked per signature); both signatures stay valid', async () => {
    const first = await signPdf(pdf, signer());
    let asked = 0;
    const org = signer({
      clientId: MINISTRY.clientId,
      clientSecret: MINISTRY.clientSecret,
      credentialID: MINISTRY.credentialID,
      pin: async () => MINISTRY.pin,
      otp: () => {
        asked++;
        return MINISTRY.otp!;
      },
    });
    const both = await signPdf(first, org);
    expect(asked).toBe(1);
    const checks = await verifyPdfSignatures(both);
    expect(checks.map((c) => [c.signer, c.valid])).toEqual([
      ['Hoàng Văn Thắng', true],
      ['Bộ Công Thương', true],
    ]);
    const pdfsig = toolForCheck('pdfsig', 'pdfsig on the countersigned PDF (RSA and ECDSA)');
    if (pdfsig) {
      const file = join(dir, 'remote-both.pdf');
      await writeFile(file, both);
      const r = await run(pdfsig, [file]);
      expect(r.stdout.match(/Signature Validation: Signature is Valid\./g), r.stdout).toHaveLength(2);
    }
    // Without the OTP the service refuses.
    const e = await caught(
      signPdf(
        pdf,
        signer({ clientId: MINISTRY.clientId, clientSecret: MINISTRY.clientSecret, credentialID: MINISTRY.credentialID, pin: MINISTRY.pin, otp: '000000' }),
      ),
    );
    expect(e.code).toBe('INVALID_CREDENTIALS');
    expect(e.text.vi).toContain('OTP');
  });

  it('a wrong PIN is an AppError (INVALID_CREDENTIALS, Vietnamese and English); repeated, the credential locks', async () => {
    const e = await caught(signPdf(pdf, signer({ pin: '000000' })));
    expect(e.code).toBe('INVALID_CREDENTIALS');
    expect(e.status).toBe(401);
    expect(e.text.vi).toMatch(/^Mã PIN ký số không đúng/);
    expect(e.text.en).toMatch(/^The signing PIN is wrong/);
    // the right PIN still works afterwards
    expect((await verifyPdfSignatures(await signPdf(pdf, signer())))[0]!.valid).toBe(true);

    const lock = signer({ clientId: LOCKABLE.clientId, clientSecret: LOCKABLE.clientSecret, credentialID: LOCKABLE.credentialID, pin: '000000' });
    expect((await caught(signPdf(pdf, lock))).code).toBe('INVALID_CREDENTIALS');
    expect((await caught(signPdf(pdf, lock))).code).toBe('INVALID_CREDENTIALS');
    expect((await caught(signPdf(pdf, lock))).code).toBe('ACCOUNT_LOCKED');
    const right = signer({ clientId: LOCKABLE.clientId, clientSecret: LOCKABLE.clientSecret, credentialID: LOCKABLE.credentialID, pin: LOCKABLE.pin });
    expect((await caught(signPdf(pdf, right))).code).toBe('ACCOUNT_LOCKED');
  });

  it('an expired credential is an AppError (FORBIDDEN)', async () => {
    const e = await caught(
      signPdf(pdf, signer({ clientId: EXPIRED.clientId, clientSecret: EXPIRED.clientSecret, credentialID: EXPIRED.credentialID, pin: EXPIRED.pin })),
    );
    expect(e.code).toBe('FORBIDDEN');
    expect(e.text.vi).toContain('hết hạn');
    expect(e.text.en).toContain('expired');
  });

  it('an unreachable service is an AppError (SERVICE_UNAVAILABLE)', async () => {
    const gone = await startCscSimulator({ users: [] });
    const url = gone.url;
    await gone.close();
    const e = await caught(signer({ baseUrl: url }).certificateChain());
    expect(e.code).toBe('SERVICE_UNAVAILABLE');
    expect(e.text.vi).toContain('Không kết nối được dịch vụ ký số từ xa');
  });

  it('a signature that does not match the certificate, or a failing service, is an AppError (SERVICE_UNAVAILABLE)', async () => {
    const tampering: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith('/signatures/signHash')) return res;
      const body = (await res.json()) as { signatures: string[] };
      const sig = Buffer.from(body.signatures[0]!, 'base64');
      sig[sig.length - 1]! ^= 1;
      return new Response(JSON.stringify({ signatures: [sig.toString('base64')] }), { status: 200 });
    };
    const e = await caught(signPdf(pdf, signer({ fetch: tampering })));
    expect(e.code).toBe('SERVICE_UNAVAILABLE');
    expect(e.text.en).toContain('does not match the certificate');

    const failing: typeof fetch = async (input, init) =>
      String(input).endsWith('/credentials/authorize') ? new Response('<html>Bad gateway</html>', { status: 502 }) : fetch(input, init);
    const f = await caught(signPdf(pdf, signer({ fetch: failing })));
    expect(f.code).toBe('SERVICE_UNAVAILABLE');
    expect(f.text.vi).toContain('HTTP 502');
  });

  it('wrong client credentials are a configuration error; a bearer token given directly works', async () => {
    expect((await caught(signer({ clientSecret: 'sai' }).certificateChain())).code).toBe('CONFIG_INVALID');
    expect(() => new RemoteSigner({ baseUrl: sim.url, credentialID: 'x' })).toThrow(AppError);
    const token = await leaderToken();
    const s = new RemoteSigner({ baseUrl: `${sim.url}/csc/v2/`, accessToken: token, credentialID: LEADER.credentialID, pin: LEADER.pin });
    expect((await verifyPdfSignatures(await signPdf(pdf, s)))[0]).toMatchObject({ signer: 'Hoàng Văn Thắng', valid: true });
    // someone else's credential is not visible
    expect((await caught(signer({ credentialID: MINISTRY.credentialID }).certificateChain())).code).toBe('INTERNAL');
  });
});

describe('CSC simulator SAD', () => {
  const hashOf = async (s: string) => Buffer.from(await sha256(new TextEncoder().encode(s))).toString('base64');

  it('is single-use, bound to its hashes and expires after 5 minutes', async () => {
    const token = await leaderToken();
    const h1 = await hashOf('văn bản 1');
    const h2 = await hashOf('văn bản 2');
    const authorize = async (hash: string) => {
      const r = await csc(
        'credentials/authorize',
        { credentialID: LEADER.credentialID, numSignatures: 1, hashes: [hash], hashAlgorithmOID: '2.16.840.1.101.3.4.2.1', PIN: LEADER.pin },
        token,
      );
      expect(r.status).toBe(200);
      expect(r.body.expiresIn).toBe(300);
      return r.body.SAD as string;
    };
    const signHash = (sad: string, hash: string) =>
      csc(
        'signatures/signHash',
        { credentialID: LEADER.credentialID, SAD: sad, hashes: [hash], hashAlgorithmOID: '2.16.840.1.101.3.4.2.1', signAlgo: '1.2.840.113549.1.1.11' },
        token,
      );

    const sad = await authorize(h1);
    // not for another hash
    const other = await signHash(sad, h2);
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ error: 'invalid_request' });
    const ok = await signHash(sad, h1);
    expect(ok.status).toBe(200);
    expect((ok.body.signatures as string[]).length).toBe(1);
    // once only
    const again = await signHash(sad, h1);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: 'invalid_request', error_description: 'Invalid parameter SAD' });

    // expiry
    const late = await authorize(h1);
    clock += 5 * 60 * 1000 + 1;
    try {
      const r = await signHash(late, h1);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'invalid_request', error_description: 'SAD expired' });
    } finally {
      clock -= 5 * 60 * 1000 + 1;
    }
  });

  it('refuses requests without a valid bearer token', async () => {
    const r = await csc('credentials/list', {});
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_token');
    const list = await csc('credentials/list', {}, await leaderToken());
    expect(list.body).toEqual({ credentialIDs: [LEADER.credentialID] });
  });
});
