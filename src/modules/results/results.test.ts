import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { samplePdf } from '../../../test/dossier-fixtures.ts';
import { recordResult } from './record-result.ts';
import type { PublicResult } from './schemas.ts';
import type { FileVerification } from './verify-result-file.ts';
import { createTestCa, issueSigningCertificate } from '../../platform/signing/test-ca.ts';
import { KeySigner } from '../../platform/signing/signer.ts';
import { signPdf } from '../../platform/signing/pades.ts';

let t: TestApp;
let pdf: Uint8Array;
const base = {
  dossierCode: '000.05.01.G12-261129-0001',
  procedureCode: '2.001270',
  documentName: 'Giấy chứng nhận xuất xứ hàng hóa mẫu D',
  kind: 'certificate' as const,
  number: '125/GCN-XNK',
  issuerUnit: '000.05.00.G12',
  issuerName: 'Cục Xuất nhập khẩu',
  holder: { name: 'Công ty TNHH Thương mại Hưng Thịnh', identifier: '0101234567' },
};
const issue = (over: Partial<typeof base> = {}) =>
  t.ctx.database.db.transaction().execute((tx) => recordResult(t.ctx, tx, { ...base, ...over }, pdf, 'staff:ky'));

// ky signs with a one-time TOTP code per 30 s step: one sign-in serves the whole file.
let kyToken: string | undefined;
const signerToken = async () => (kyToken ??= await login(t, 'ky'));

beforeAll(async () => {
  t = await startTestApp();
  pdf = await samplePdf();
});
afterAll(() => t?.close());

describe('results: codes, immutable files, public status', () => {
  it('an issued result gets the unit’s next code, its file is kept under its hash, and anyone can check it', async () => {
    const a = await issue();
    const b = await issue({ number: '126/GCN-XNK' });
    const year = String(new Date().getFullYear()).slice(2);
    expect(a.resultCode).toBe(`000.05.00.G12-KQ${year}-000001`);
    expect(b.resultCode).toBe(`000.05.00.G12-KQ${year}-000002`);
    expect(a.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(Buffer.from((await t.ctx.blobs.get(a.sha256))!)).toEqual(Buffer.from(pdf));

    const r = await api<PublicResult>(t, 'GET', `/api/v1/public/results/${a.resultCode}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      resultCode: a.resultCode,
      status: 'valid',
      kind: 'certificate',
      digitisedCopy: false,
      issuerUnit: '000.05.00.G12',
      issuer: 'Cục Xuất nhập khẩu',
      procedureCode: '2.001270',
      procedureName: 'Cấp Giấy chứng nhận xuất xứ hàng hóa (C/O) ưu đãi mẫu D',
      issuedAt: expect.any(String),
      number: '125/GCN-XNK',
      sha256: a.sha256,
      replacedBy: null,
      revokedAt: null,
      history: [{ event: 'issued', at: expect.any(String) }],
      originalIssueDate: null,
      validUntil: null,
    });
    expect(JSON.stringify(r.body)).not.toContain('Hưng Thịnh');
    const page = await fetch(`${t.base}/verify/${a.resultCode}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Còn hiệu lực');
    expect(html).toContain('Cấp Giấy chứng nhận xuất xứ hàng hóa (C/O) ưu đãi mẫu D (2.001270)');
    expect((await api(t, 'GET', '/api/v1/public/results/000.05.00.G12-KQ26-999999')).status).toBe(404);
    expect((await api(t, 'GET', '/api/v1/public/results/..%2F..%2Fetc')).status).toBe(404);
    expect((await fetch(`${t.base}/verify/KHONG-CO`)).status).toBe(404);
  });

  it('refuses a file that is not a PDF, and stores nothing', async () => {
    const count = async () =>
      (
        await t.ctx.database.db
          .selectFrom('results')
          .select((e) => e.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    await expect(
      t.ctx.database.db.transaction().execute((tx) => recordResult(t.ctx, tx, base, new TextEncoder().encode('<html>not a pdf</html>'), 'staff:ky')),
    ).rejects.toMatchObject({ status: 415 });
    expect(await count()).toBe(before);
  });

  it("public lookups carry no free text about the case: not the document's name (a company's, here), not a revocation's reason", async () => {
    const company = 'Công ty TNHH Bí Mật Riêng Tư';
    const { resultCode, sha256 } = await issue({ dossierCode: '000.05.01.G12-261129-0011', documentName: `Giấy phép cấp cho ${company}` });
    const signer = await signerToken();
    const reason = `Thu hồi theo đề nghị của ${company}`;
    expect((await api(t, 'POST', `/api/v1/results/${resultCode}/revoke`, { token: signer, body: { reason } })).status).toBe(200);
    const lookups = await Promise.all([
      api(t, 'GET', `/api/v1/public/results/${resultCode}`).then((r) => JSON.stringify(r.body)),
      fetch(`${t.base}/verify/${resultCode}`).then((r) => r.text()),
      fetch(`${t.base}/verify/${resultCode}?lang=en`).then((r) => r.text()),
      fetch(`${t.base}/api/v1/public/results/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(pdf) }).then((r) =>
        r.text(),
      ),
    ]);
    for (const text of lookups) {
      expect(text).not.toContain('Bí Mật');
      expect(text).not.toContain('B\\u00ed M\\u1eadt');
    }
    // The status, when and the coded event still tell the reader what they need.
    const pub = await api<PublicResult>(t, 'GET', `/api/v1/public/results/${resultCode}`);
    expect(pub.body).toMatchObject({ status: 'revoked', sha256, revokedAt: pub.body.history[1].at });
    expect(pub.body.history.map((h) => h.event)).toEqual(['issued', 'revoked']);
    expect(lookups[1]).toContain('Ngày thu hồi');
    // The holder still sees the document's full name in their repository (repository.test.ts); the trail keeps the reason.
    const audit = await t.ctx.database.db
      .selectFrom('result_events')
      .select('reason')
      .where('event', '=', 'revoked')
      .where('reason', '=', reason)
      .executeTakeFirst();
    expect(audit?.reason).toBe(reason);
  });

  it('only the issuing unit’s signing leaders revoke; the public status changes at once and the history keeps the event', async () => {
    // lanhdao.hcm signs for another unit and sees neither the issuing unit nor the dossier: for them the result does not exist.
    const { resultCode } = await issue();
    const specialist = await login(t, 'chuyenvien');
    const otherSigner = await login(t, 'lanhdao.hcm');
    const signer = await signerToken();
    const body = { reason: 'Cấp nhầm số lượng hàng hóa' };
    expect((await api(t, 'POST', `/api/v1/results/${resultCode}/revoke`, { token: specialist, body })).status).toBe(403);
    const foreign = await api<{ error: { code: string } }>(t, 'POST', `/api/v1/results/${resultCode}/revoke`, { token: otherSigner, body });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await api(t, 'POST', `/api/v1/results/${resultCode}/revoke`, { token: signer, body: { reason: '' } })).status).toBe(400);
    const r = await api<PublicResult>(t, 'POST', `/api/v1/results/${resultCode}/revoke`, { token: signer, body });
    expect(r.status).toBe(200);
    const pub = await api<PublicResult>(t, 'GET', `/api/v1/public/results/${resultCode}`);
    expect(pub.body.status).toBe('revoked');
    expect(pub.body.history.map((h) => h.event)).toEqual(['issued', 'revoked']);
    expect(pub.body.revokedAt).toBe(pub.body.history[1].at);
    expect(await (await fetch(`${t.base}/verify/${resultCode}`)).text()).toContain('Đã bị thu hồi');
    const again = await api<{ error: { code: string } }>(t, 'POST', `/api/v1/results/${resultCode}/revoke`, { token: signer, body });
    expect([again.status, again.body.error.code]).toEqual([409, 'RESULT_REVOKED']);
  });

  it('a result replaced by a newer one of the same dossier points to it', async () => {
    const old = await issue({ dossierCode: '000.05.01.G12-261129-0002' });
    const other = await issue({ dossierCode: '000.05.01.G12-261129-0003' });
    const fresh = await issue({ dossierCode: '000.05.01.G12-261129-0002', number: '130/GCN-XNK' });
    const signer = await signerToken();
    const wrong = await api(t, 'POST', `/api/v1/results/${old.resultCode}/revoke`, {
      token: signer,
      body: { reason: 'Cấp lại do sai tên', replacedBy: other.resultCode },
    });
    expect(wrong.status).toBe(400);
    const r = await api<PublicResult>(t, 'POST', `/api/v1/results/${old.resultCode}/revoke`, {
      token: signer,
      body: { reason: 'Cấp lại do sai tên', replacedBy: fresh.resultCode },
    });
    expect(r.body).toMatchObject({ status: 'replaced', replacedBy: fresh.resultCode });
    expect((await api<PublicResult>(t, 'GET', `/api/v1/public/results/${fresh.resultCode}`)).body.status).toBe('valid');
  });

  it('a PDF sent for verification: the registered, signed result is recognised with its signer; one changed byte is not', async () => {
    const ca = await createTestCa();
    const leader = new KeySigner(await issueSigningCertificate(ca, { commonName: 'Hoàng Văn Thắng', organisation: 'Bộ Công Thương' }));
    const seal = new KeySigner(await issueSigningCertificate(ca, { commonName: 'Bộ Công Thương', organisation: 'Bộ Công Thương', keyAlgorithm: 'ECDSA-P256' }));
    const signed = await signPdf(await signPdf(pdf, leader, { fieldName: 'Lãnh đạo' }), seal, { fieldName: 'Con dấu' });
    const { resultCode } = await t.ctx.database.db
      .transaction()
      .execute((tx) => recordResult(t.ctx, tx, { ...base, dossierCode: '000.05.01.G12-261129-0009' }, signed, 'staff:ky'));
    const send = (bytes: Uint8Array) =>
      fetch(`${t.base}/api/v1/public/results/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(bytes) });

    const ok = await send(signed);
    expect(ok.status).toBe(200);
    const v = (await ok.json()) as FileVerification;
    expect(v).toMatchObject({ registered: true, signaturesIntact: true, result: { resultCode, status: 'valid' } });
    expect(v.signatures.map((x) => [x.signer, x.valid])).toEqual([
      ['Hoàng Văn Thắng', true],
      ['Bộ Công Thương', true],
    ]);

    const tampered = new Uint8Array(signed);
    const at = Buffer.from(signed).indexOf('%PDF-1.') + 7;
    tampered[at] = tampered[at] === 0x37 ? 0x36 : 0x37;
    const bad = (await (await send(tampered)).json()) as FileVerification;
    expect(bad).toMatchObject({ registered: false, signaturesIntact: false, result: null });
    expect(bad.signatures.every((x) => !x.valid)).toBe(true);

    const unsigned = (await (await send(pdf)).json()) as FileVerification;
    expect(unsigned).toMatchObject({ registered: true, signaturesIntact: false, signatures: [] });
    expect(
      (await fetch(`${t.base}/api/v1/public/results/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: 'not a pdf' })).status,
    ).toBe(415);
  });
});
