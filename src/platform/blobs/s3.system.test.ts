/**
 * The blob store against a real S3 implementation: s3rver keeping objects on disk, behind the
 * cluster's object-store front (ops/cluster/object-store.ts) that checks every request's
 * Signature V4. Round trips, streaming in and out, a wrong secret, damaged bytes, a body that
 * is not what its signed hash says, and an outage as the API's callers see it: 503 with
 * Retry-After and nothing written while the store is down, and the same request working once
 * it is back, without restarting anything. Nothing here measures time or memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObjectStore, type ObjectStore } from '../../../ops/cluster/object-store.ts';
import { api, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { AppError } from '../errors.ts';
import { makePdf } from './testing/fixtures.ts';
import { S3BlobStore } from './store.ts';

const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Reads a stream to its end: the bytes that came, and the error it ended with, if any. */
async function drain(stream: Readable): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of stream) chunks.push(c as Buffer);
    return { bytes: Buffer.concat(chunks), error: null };
  } catch (e) {
    return { bytes: Buffer.concat(chunks), error: e };
  }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof AppError ? e.code : `${(e as Error).name}`;
  }
}

let dir: string;
let os3: ObjectStore;
let store: S3BlobStore;
const s3Config = () => ({ endpoint: os3.endpoint, region: os3.region, bucket: os3.bucket, accessKeyId: os3.accessKeyId, secretAccessKey: os3.secretAccessKey });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-s3-'));
  os3 = await startObjectStore({ dir: path.join(dir, 'objects'), bucket: 'congso-files', region: 'ap-southeast-1' });
  store = new S3BlobStore(s3Config());
});

afterAll(async () => {
  store?.destroy();
  await os3?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('S3BlobStore on an S3 server that checks signatures', () => {
  it('puts, finds and gets back bytes, and opens them as a stream', async () => {
    const bytes = randomBytes(200_000);
    expect(await store.put(bytes)).toEqual({ sha256: hex(bytes), size: bytes.length });
    expect(await store.has(hex(bytes))).toBe(true);
    expect(Buffer.from((await store.get(hex(bytes)))!).equals(bytes)).toBe(true);
    const opened = (await store.open(hex(bytes)))!;
    expect(opened.size).toBe(bytes.length);
    const read = await drain(opened.stream);
    expect(read.error).toBeNull();
    expect(read.bytes.equals(bytes)).toBe(true);
  });

  it('answers null / false for an object it does not hold', async () => {
    const none = 'e'.repeat(64);
    expect(await store.has(none)).toBe(false);
    expect(await store.get(none)).toBeNull();
    expect(await store.open(none)).toBeNull();
  });

  it('streams a 10 MiB file in with putFile and out with open, hashing it when no hash is given', async () => {
    const file = path.join(dir, 'big.bin');
    const bytes = randomBytes(10 * 1024 * 1024);
    writeFileSync(file, bytes);
    const sha = hex(bytes);
    expect(await store.putFile(file)).toEqual({ sha256: sha, size: bytes.length });
    expect(await store.has(sha)).toBe(true);
    const opened = (await store.open(sha))!;
    expect(opened.size).toBe(bytes.length);
    const read = await drain(opened.stream);
    expect(read.error).toBeNull();
    expect(hex(read.bytes)).toBe(sha);
    // With the hash given, the same file is recognised as already stored.
    expect(await store.putFile(file, { sha256: sha, size: bytes.length })).toEqual({ sha256: sha, size: bytes.length });
  });

  it('refuses a file that does not match the hash it was given, and stores nothing under that hash', async () => {
    const file = path.join(dir, 'changed.bin');
    const bytes = randomBytes(300_000);
    writeFileSync(file, bytes);
    const claimed = hex(randomBytes(300_000));
    expect(await codeOf(store.putFile(file, { sha256: claimed, size: bytes.length }))).toBe('INTERNAL');
    expect(await store.has(claimed)).toBe(false);
    expect(await store.has(hex(bytes))).toBe(false);
  });

  it('is refused with a wrong secret (SignatureDoesNotMatch), and nothing is stored', async () => {
    const other = new S3BlobStore({ ...s3Config(), secretAccessKey: `${os3.secretAccessKey}x` });
    const bytes = randomBytes(1000);
    os3.refusals.length = 0;
    try {
      await expect(other.put(bytes)).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      other.destroy();
    }
    expect(os3.refusals).toContain('SignatureDoesNotMatch');
    expect(await store.has(hex(bytes))).toBe(false);
  });

  it('detects bytes changed in storage: open ends with an error before the last bytes, get refuses', async () => {
    const bytes = randomBytes(500_000);
    const { sha256 } = await store.put(bytes);
    const damaged = Buffer.from(bytes);
    damaged[123_456] ^= 0xff;
    writeFileSync(os3.objectFile(sha256), damaged);
    const opened = (await store.open(sha256))!;
    const read = await drain(opened.stream);
    expect(read.error).toBeInstanceOf(AppError);
    expect(read.bytes.length).toBeLessThan(bytes.length);
    expect(await codeOf(store.get(sha256))).toBe('INTERNAL');
  });

  it('the front refuses a body that is not what its signed payload hash says, before the store keeps it', async () => {
    const client = new S3Client({
      region: os3.region,
      endpoint: os3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: os3.accessKeyId, secretAccessKey: os3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    const signedFor = randomBytes(100_000);
    const sent = randomBytes(100_000);
    // After signing, swap the body: the signature still verifies, the payload hash does not.
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { body: unknown }).body = sent;
        return next(args);
      },
      { step: 'deserialize', priority: 'low' },
    );
    os3.refusals.length = 0;
    try {
      await expect(client.send(new PutObjectCommand({ Bucket: os3.bucket, Key: hex(sent), Body: signedFor }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 400 },
      });
    } finally {
      client.destroy();
    }
    expect(os3.refusals).toEqual(['XAmzContentSHA256Mismatch']);
    expect(await store.has(hex(sent))).toBe(false);
  });

  it('answers STORAGE_UNAVAILABLE while the store is down, and works again once it is back', async () => {
    const bytes = randomBytes(5000);
    const kept = await store.put(bytes);
    const file = path.join(dir, 'during-outage.bin');
    writeFileSync(file, randomBytes(70_000));
    await os3.stop();
    try {
      expect(await codeOf(store.put(randomBytes(10)))).toBe('STORAGE_UNAVAILABLE');
      expect(await codeOf(store.putFile(file))).toBe('STORAGE_UNAVAILABLE');
      expect(await codeOf(store.get(kept.sha256))).toBe('STORAGE_UNAVAILABLE');
      expect(await codeOf(store.open(kept.sha256))).toBe('STORAGE_UNAVAILABLE');
      expect(await codeOf(store.has(kept.sha256))).toBe('STORAGE_UNAVAILABLE');
    } finally {
      await os3.start();
    }
    expect(Buffer.from((await store.get(kept.sha256))!).equals(bytes)).toBe(true);
    expect((await store.putFile(file)).size).toBe(70_000);
  });
});

describe('the app on the S3 store', () => {
  let t: TestApp;
  let citizen: string;
  let pdf: Buffer;

  const countRows = async (table: 'uploads') =>
    Number(
      (
        await t.ctx.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function upload(bytes: Uint8Array) {
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'don-de-nghi.pdf');
    const r = await fetch(`${t.base}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${citizen}` }, body: fd });
    return {
      status: r.status,
      headers: r.headers,
      body: (await r.json()) as { id: string; sha256: string; error?: { code: string; message: string; messageEn: string } },
    };
  }

  async function download(url: string) {
    const r = await fetch(`${t.base}${url}`, { headers: { authorization: `Bearer ${citizen}` } });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  }

  beforeAll(async () => {
    t = await startTestApp({
      demo: false,
      env: {
        S3_ENDPOINT: os3.endpoint,
        S3_REGION: os3.region,
        S3_BUCKET: os3.bucket,
        S3_ACCESS_KEY_ID: os3.accessKeyId,
        S3_SECRET_ACCESS_KEY: os3.secretAccessKey,
      },
    });
    expect(t.ctx.blobs).toBeInstanceOf(S3BlobStore);
    citizen = await tokenFor(t, 'citizen');
    pdf = await makePdf({ text: 'S3 outage' });
  });

  afterAll(async () => {
    await os3.start();
    await t?.close();
  });

  it('an upload while the store is down gets 503, Retry-After and a bilingual error, and adds no row; once back, the same upload works', async () => {
    const before = await countRows('uploads');
    await os3.stop();
    let down: Awaited<ReturnType<typeof upload>>;
    try {
      down = await upload(pdf);
    } finally {
      await os3.start();
    }
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body.error?.code).toBe('STORAGE_UNAVAILABLE');
    expect(down.body.error?.message).toMatch(/\S/);
    expect(down.body.error?.messageEn).toMatch(/\S/);
    expect(down.body.error?.message).not.toBe(down.body.error?.messageEn);
    expect(await countRows('uploads')).toBe(before);

    const up = await upload(pdf);
    expect(up.status).toBe(201);
    expect(up.body.sha256).toBe(hex(pdf));
    expect(await countRows('uploads')).toBe(before + 1);

    const got = await download(`/api/v1/uploads/${up.body.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-length')).toBe(String(pdf.length));
    expect(got.headers.get('cache-control')).toBe('private, no-store');
    expect(got.bytes.equals(pdf)).toBe(true);

    // Reading needs the store too.
    await os3.stop();
    try {
      const r = await api<{ error: { code: string } }>(t, 'GET', `/api/v1/uploads/${up.body.id}`, { token: citizen });
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(r.body.error.code).toBe('STORAGE_UNAVAILABLE');
    } finally {
      await os3.start();
    }
  });

  it("a result's PDF streams back exactly as stored", async () => {
    // The platform's tests may not import a module's operations (the layering rule), so the result
    // row is written here as recordResult writes it: after its blob (the blob is put inside the
    // issuing transaction, so a store that refuses the blob rolls the row back with it).
    const legacy = await makePdf({ text: 'Giay chung nhan 1999' });
    const { sha256, size } = await t.ctx.blobs.put(legacy);
    const resultCode = 'G12-KQ99-000001';
    await t.ctx.database.db
      .insertInto('results')
      .values({
        result_code: resultCode,
        dossier_code: null,
        procedure_code: null,
        document_name: 'Giấy chứng nhận',
        kind: 'legacy',
        number: '12/GCN',
        issuer_unit: '000.00.00.G12',
        issuer_name: 'UBND',
        holder_name: 'Test Citizen',
        // tokenFor's citizen: an unclaimed legacy result with their identifier is theirs.
        holder_identifier: '001089012345',
        owner_citizen_id: null,
        sha256,
        size,
        issued_by: 'staff:test',
      })
      .execute();
    const got = await download(`/api/v1/results/${resultCode}/pdf`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-length')).toBe(String(legacy.length));
    expect(got.headers.get('cache-control')).toBe('no-store');
    expect(got.bytes.equals(legacy)).toBe(true);
  });
});
