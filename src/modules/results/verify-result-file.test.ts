import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { samplePdf } from '../../../test/dossier-fixtures.ts';
import { decompressionBomb, manySignatures } from '../../../test/verification-fixtures.ts';
import { workerTask } from '../../platform/workers/pool.ts';
import type * as Tasks from '../../platform/workers/testing-tasks.ts';
import { createTestCa, issueSigningCertificate } from '../../platform/signing/test-ca.ts';
import { KeySigner } from '../../platform/signing/signer.ts';
import { signPdf } from '../../platform/signing/pades.ts';
import { recordResult } from './record-result.ts';
import { VERIFY_LIMITS } from './check-result-pdf.ts';
import type { FileVerification } from './verify-result-file.ts';

/** Issue 10, item 5: verification is anonymous, so its work is bounded and kept off the event loop. */

const tasks = new URL('../../platform/workers/testing-tasks.ts', import.meta.url);
const waitForGate = workerTask<typeof Tasks.waitForGate>(tasks, 'waitForGate');
const spinForever = workerTask<typeof Tasks.spinForever>(tasks, 'spinForever');

let t: TestApp;
let genuine: Uint8Array;
let resultCode: string;
beforeAll(async () => {
  t = await startTestApp();
  const ca = await createTestCa({ keyAlgorithm: 'ECDSA-P256' });
  const seal = new KeySigner(await issueSigningCertificate(ca, { commonName: 'Bộ Công Thương', organisation: 'Bộ Công Thương', keyAlgorithm: 'ECDSA-P256' }));
  genuine = await signPdf(await samplePdf(), seal, { fieldName: 'Con dấu' });
  const base = {
    dossierCode: '000.05.01.G12-261129-0031',
    procedureCode: '2.001270',
    documentName: 'Giấy chứng nhận xuất xứ hàng hóa mẫu D',
    kind: 'certificate' as const,
    number: '301/GCN-XNK',
    issuerUnit: '000.05.00.G12',
    issuerName: 'Cục Xuất nhập khẩu',
    holder: { name: 'Công ty TNHH Thương mại Hưng Thịnh', identifier: '0101234567' },
  };
  ({ resultCode } = await t.ctx.database.db.transaction().execute((tx) => recordResult(t.ctx, tx, base, genuine, 'staff:ky')));
});
afterAll(() => t?.close());

const verify = (bytes: Uint8Array) =>
  fetch(`${t.base}/api/v1/public/results/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(bytes) });

async function expectGenuineRecognised() {
  const r = await verify(genuine);
  expect(r.status).toBe(200);
  expect(await r.json()).toMatchObject({
    registered: true,
    signaturesIntact: true,
    result: { resultCode },
    signatures: [{ signer: 'Bộ Công Thương', valid: true }],
  });
}

describe('anonymous verification is bounded', () => {
  it('the decompression bomb (64 KB inflating to 63 MiB) is refused by the small budget, not inflated', async () => {
    const bomb = decompressionBomb();
    expect(bomb.length).toBeLessThan(200 * 1024);
    const r = await verify(bomb);
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    await expectGenuineRecognised();
  });

  it('/healthz is answered while a heavy file is being verified', async () => {
    // Ten signatures, each said to cover the whole 19 MiB file: seconds of hashing, all legal.
    const heavy = await manySignatures(VERIFY_LIMITS.maxSignatures);
    const order: string[] = [];
    let settled = false;
    const verification = verify(heavy).then(async (r) => {
      order.push('verification');
      settled = true;
      return { status: r.status, body: (await r.json()) as FileVerification & { error?: { code: string; messageEn: string } } };
    });
    // The check is under way on a worker once the pool reports it running.
    while (t.ctx.workers.stats.running === 0) {
      if (settled) throw new Error('the verification finished before it was seen running');
      await new Promise((r) => setTimeout(r, 5));
    }
    const health = await fetch(`${t.base}/healthz`);
    order.push('healthz');
    expect(health.status).toBe(200);
    const v = await verification;
    expect(order).toEqual(['healthz', 'verification']);
    // Answered within the bounds: every signature checked and found not to verify or, on a
    // machine too busy to finish within the time limit, stopped there as too complex.
    if (v.status === 200) {
      expect(v.body).toMatchObject({ registered: false, signaturesIntact: false });
      expect(v.body.signatures).toHaveLength(VERIFY_LIMITS.maxSignatures);
      expect(v.body.signatures.every((s) => !s.valid && s.coversWholeDocument)).toBe(true);
    } else {
      expect(v.status).toBe(413);
      expect(v.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', messageEn: 'The file is too complex to verify' });
    }
  });

  it('a file with more signatures than the limit is refused before any is checked', async () => {
    const r = await verify(await manySignatures(VERIFY_LIMITS.maxSignatures + 1, 1024));
    expect(r.status).toBe(413);
    const body = (await r.json()) as { error: { code: string; messageEn: string; details: { path: string }[] } };
    expect(body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: [{ path: 'file' }] });
    expect(body.error.messageEn).toContain('too many signatures');
  });

  it('when the queue is full a verification is refused at once with 503 and Retry-After, and works again once it drains', async () => {
    const gate = new SharedArrayBuffer(4);
    const fill = Array.from({ length: t.ctx.workers.size + t.ctx.workers.maxQueued }, () => t.ctx.workers.run(waitForGate, [gate]));
    expect(t.ctx.workers.stats).toMatchObject({ running: t.ctx.workers.size, queued: t.ctx.workers.maxQueued });

    const r = await verify(genuine);
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBeTruthy();
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');

    const flag = new Int32Array(gate);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    expect(await Promise.all(fill)).toEqual(fill.map(() => 'released'));
    await expectGenuineRecognised();
  });

  it('after a check is stopped at its time limit, the next verification works', async () => {
    const e = await t.ctx.workers.run(spinForever, [], { timeoutMs: 100 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expectGenuineRecognised();
  });
});
