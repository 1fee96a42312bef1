import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { s3XmlError as xmlError, sigV4Problem } from '../../../ops/cluster/sigv4.ts';
import { AppError } from '../errors.ts';
import { createBlobStore, FolderBlobStore, S3BlobStore } from './store.ts';

const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
  return 'resolved';
}

describe('FolderBlobStore', () => {
  let root: string;
  let store: FolderBlobStore;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'congso-blobs-'));
    store = new FolderBlobStore(path.join(root, 'blobs'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stores bytes under ab/cd/<sha256> and reads them back identical', async () => {
    const bytes = new TextEncoder().encode('Hồ sơ đề nghị cấp giấy phép');
    const r = await store.put(bytes);
    expect(r).toEqual({ sha256: hex(bytes), size: bytes.byteLength });
    expect(filesUnder(store.root)).toEqual([path.join(r.sha256.slice(0, 2), r.sha256.slice(2, 4), r.sha256)]);
    expect(await store.has(r.sha256)).toBe(true);
    expect(Buffer.from((await store.get(r.sha256))!)).toEqual(Buffer.from(bytes));
  });

  it('stores the same content once, also when written concurrently, and leaves no temporary files', async () => {
    const bytes = randomBytes(200_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(bytes)));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    const sha = results[0].sha256;
    const dir = path.join(store.root, sha.slice(0, 2), sha.slice(2, 4));
    expect(readdirSync(dir)).toEqual([sha]);
    expect(Buffer.from((await store.get(sha))!).equals(bytes)).toBe(true);
  });

  it('never shows a partial blob under its final name while a write is in progress', async () => {
    const bytes = randomBytes(16 * 1024 * 1024);
    const final = store.pathOf(hex(bytes));
    const seen = new Set<number>();
    let done = false;
    const writing = store.put(bytes).finally(() => {
      done = true;
    });
    while (!done) {
      const s = await stat(final).catch(() => null);
      if (s) seen.add(s.size);
      await new Promise((r) => setImmediate(r));
    }
    await writing;
    for (const size of seen) expect(size).toBe(bytes.length);
    expect(statSync(final).size).toBe(bytes.length);
  });

  it('ignores what an interrupted write left behind, and repairs a damaged blob on the next put', async () => {
    const bytes = randomBytes(1000);
    const sha = hex(bytes);
    const dir = path.dirname(store.pathOf(sha));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `.tmp-${sha.slice(0, 16)}-deadbeef0000`), bytes.subarray(0, 10));
    expect(await store.has(sha)).toBe(false);
    expect(await store.get(sha)).toBeNull();
    // A short file under the final name (e.g. copied in by hand) is replaced, not trusted.
    writeFileSync(store.pathOf(sha), bytes.subarray(0, 10));
    await store.put(bytes);
    expect(Buffer.from((await store.get(sha))!).equals(bytes)).toBe(true);
  });

  it('refuses to serve bytes that no longer match their hash', async () => {
    const bytes = randomBytes(64);
    const { sha256 } = await store.put(bytes);
    const tampered = Buffer.from(bytes);
    tampered[0] ^= 1;
    writeFileSync(store.pathOf(sha256), tampered);
    expect(await codeOf(store.get(sha256))).toBe('INTERNAL');
  });

  it('answers null / false for an unknown hash and refuses anything that is not a hash', async () => {
    expect(await store.get('0'.repeat(64))).toBeNull();
    expect(await store.has('0'.repeat(64))).toBe(false);
    for (const key of ['../../etc/passwd', 'A'.repeat(64), `${'0'.repeat(62)}/x`, '']) {
      expect(await codeOf(store.get(key))).toBe('VALIDATION_FAILED');
      expect(await codeOf(store.has(key))).toBe('VALIDATION_FAILED');
    }
    expect(existsSync(path.join(root, 'etc'))).toBe(false);
  });

  it('is what createBlobStore gives without S3 configuration, under DATA_DIR/blobs', () => {
    const s = createBlobStore({ dataDir: root, s3: undefined });
    expect(s).toBeInstanceOf(FolderBlobStore);
    expect((s as FolderBlobStore).root).toBe(path.join(root, 'blobs'));
  });
});

// ------------------------------------------------------------------------------------
// A small S3-compatible server: path-style PUT/GET/HEAD of /bucket/key, checking what the
// SDK sends (credential, signature, payload hash, SHA-256 checksum, length) the way a real
// store does. The signature is recomputed by sigV4Problem (ops/cluster/sigv4.ts) from the request and the secret, following
// AWS Signature Version 4 as documented, not with the SDK's own signer.

interface FakeS3 {
  url: string;
  objects: Map<string, Buffer>;
  log: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  /** The error codes of the requests refused, in order. */
  refusals: string[];
  close(): Promise<void>;
}

async function startFakeS3(bucket: string, accessKeyId: string, secretAccessKey: string, region: string): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const log: FakeS3['log'] = [];
  const refusals: string[] = [];
  const secrets = new Map([[accessKeyId, secretAccessKey]]);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    log.push({ method: req.method!, url: req.url!, headers: req.headers });
    const fail = (status: number, code: string, message: string) => {
      refusals.push(code);
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(req.method === 'HEAD' ? undefined : xmlError(code, message));
    };
    const problem = sigV4Problem(req, secrets, region);
    if (problem) return fail(403, problem.code, problem.message);
    // The signature covers the declared payload hash; the body must then be what was declared.
    const declared = String(req.headers['x-amz-content-sha256'] ?? '');
    if (/^[0-9a-f]{64}$/.test(declared) && declared !== createHash('sha256').update(body).digest('hex'))
      return fail(400, 'XAmzContentSHA256Mismatch', 'payload hash');
    const [, b, ...rest] = new URL(req.url!, 'http://x').pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (b !== bucket) return fail(404, 'NoSuchBucket', 'no such bucket');
    if (req.method === 'PUT') {
      if (Number(req.headers['content-length']) !== body.length) return fail(400, 'IncompleteBody', 'length');
      const sum = req.headers['x-amz-checksum-sha256'];
      if (sum !== undefined && sum !== createHash('sha256').update(body).digest('base64')) return fail(400, 'BadDigest', 'checksum');
      objects.set(key, body);
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"`, ...(sum ? { 'x-amz-checksum-sha256': sum } : {}) });
      return res.end();
    }
    const obj = objects.get(key);
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!obj) return fail(404, 'NoSuchKey', 'The specified key does not exist.');
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': obj.length,
        etag: `"${createHash('md5').update(obj).digest('hex')}"`,
        // What was stored with the object, as a real store returns it when asked.
        ...(req.headers['x-amz-checksum-mode'] === 'ENABLED' ? { 'x-amz-checksum-sha256': Buffer.from(key, 'hex').toString('base64') } : {}),
      });
      return res.end(req.method === 'HEAD' ? undefined : obj);
    }
    return fail(405, 'MethodNotAllowed', req.method!);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, objects, log, refusals, close: () => new Promise((r) => server.close(() => r())) };
}

describe('S3BlobStore against an S3-compatible server', () => {
  let s3: FakeS3;
  let store: S3BlobStore;
  const SECRET = 'secret-secret-secret';
  const config = (accessKeyId = 'AKIDCONGSO', secretAccessKey = SECRET) => ({
    endpoint: s3.url,
    region: 'ap-southeast-1',
    bucket: 'congso-files',
    accessKeyId,
    secretAccessKey,
  });
  beforeAll(async () => {
    s3 = await startFakeS3('congso-files', 'AKIDCONGSO', SECRET, 'ap-southeast-1');
    store = createBlobStore({ dataDir: '/nonexistent', s3: config() }) as S3BlobStore;
  });
  afterAll(async () => {
    store.destroy();
    await s3.close();
  });

  it('is what createBlobStore gives when a bucket is configured', () => expect(store).toBeInstanceOf(S3BlobStore));

  it('puts an object keyed by its SHA-256, path-style, with the SHA-256 checksum, and gets it back identical', async () => {
    const bytes = randomBytes(300_000);
    const sha = hex(bytes);
    s3.log.length = 0;
    expect(await store.put(bytes)).toEqual({ sha256: sha, size: bytes.length });
    const put = s3.log.find((r) => r.method === 'PUT')!;
    expect(put.url.split('?')[0]).toBe(`/congso-files/${sha}`);
    expect(put.headers['x-amz-checksum-sha256']).toBe(Buffer.from(sha, 'hex').toString('base64'));
    expect(s3.objects.get(sha)!.equals(bytes)).toBe(true);
    expect(await store.has(sha)).toBe(true);
    expect(Buffer.from((await store.get(sha))!).equals(bytes)).toBe(true);
  });

  it('does not upload content it already holds', async () => {
    const bytes = randomBytes(1000);
    await store.put(bytes);
    s3.log.length = 0;
    await store.put(bytes);
    expect(s3.log.map((r) => r.method)).toEqual(['HEAD']);
  });

  it('answers null / false for a missing object', async () => {
    expect(await store.get('f'.repeat(64))).toBeNull();
    expect(await store.has('f'.repeat(64))).toBe(false);
    expect(await codeOf(store.get('../x'))).toBe('VALIDATION_FAILED');
  });

  it('refuses an object whose bytes were changed in storage', async () => {
    const bytes = randomBytes(5000);
    const { sha256 } = await store.put(bytes);
    const damaged = Buffer.from(bytes);
    damaged[10] ^= 0xff;
    s3.objects.set(sha256, damaged);
    await expect(store.get(sha256)).rejects.toThrow();
  });

  it('surfaces a refusal from the store (wrong credentials) instead of pretending to have stored', async () => {
    const other = new S3BlobStore(config('AKIDWRONG'));
    try {
      await expect(other.put(randomBytes(10))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      other.destroy();
    }
  });

  it('is refused by the store when its secret is wrong, though the key id is right', async () => {
    const other = new S3BlobStore(config('AKIDCONGSO', 'secret-secret-secreT'));
    const bytes = randomBytes(10);
    s3.refusals.length = 0;
    try {
      await expect(other.put(bytes)).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      await expect(other.get(hex(bytes))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    } finally {
      other.destroy();
    }
    expect(s3.refusals).toEqual(['SignatureDoesNotMatch', 'SignatureDoesNotMatch']);
    expect(s3.objects.has(hex(bytes))).toBe(false);
  });

  it('signs what it sends: a captured signature does not open another object', async () => {
    const [a, b] = [randomBytes(100), randomBytes(100)];
    await store.put(a);
    await store.put(b);
    s3.log.length = 0;
    await store.get(hex(a));
    const captured = s3.log.find((r) => r.method === 'GET')!;
    const resend = (url: string) =>
      new Promise<number>((resolve, reject) => {
        const headers = Object.fromEntries(Object.entries(captured.headers).filter(([k]) => k !== 'connection' && k !== 'content-length')) as Record<
          string,
          string
        >;
        const req = request(`${s3.url}${url}`, { method: 'GET', headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end();
      });
    // The same request again verifies (S3 accepts a replay within its time window) …
    expect(await resend(captured.url)).toBe(200);
    // … but not on another object, nor with the query changed.
    expect(await resend(captured.url.replace(hex(a), hex(b)))).toBe(403);
    expect(await resend(`${captured.url.split('?')[0]}?x-id=HeadObject`)).toBe(403);
  });
});

describe("the fake S3 server's signature check", () => {
  // Signature Version 4's published example (GET Object, from the S3 API reference's
  // "Authenticating requests" examples): the check agrees with AWS on a request AWS signed.
  it('accepts the example request AWS documents, and refuses it with one character changed', () => {
    const example = {
      method: 'GET',
      url: '/test.txt',
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date': '20130524T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      },
    } as unknown as IncomingMessage;
    const secrets = new Map([['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']]);
    const at = new Date('2013-05-24T00:05:00Z');
    expect(sigV4Problem(example, secrets, 'us-east-1', at)).toBeNull();
    const tampered = { ...example, headers: { ...example.headers, range: 'bytes=0-99' } } as unknown as IncomingMessage;
    expect(sigV4Problem(tampered, secrets, 'us-east-1', at)?.code).toBe('SignatureDoesNotMatch');
    const wrongSecret = new Map([['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEz']]);
    expect(sigV4Problem(example, wrongSecret, 'us-east-1', at)?.code).toBe('SignatureDoesNotMatch');
    expect(sigV4Problem(example, secrets, 'us-east-1', new Date('2013-05-24T01:00:00Z'))?.code).toBe('RequestTimeTooSkewed');
  });
});
