import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, pipeline as streamPipeline, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type GetObjectCommandOutput, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';

/**
 * Content-addressed file storage: a blob's name is the SHA-256 of its bytes, so storing the
 * same file twice stores it once, a name can never point at other bytes, and a blob that no
 * row refers to is harmless (callers write the blob first, then the row that names it).
 */
export interface BlobStore {
  put(bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  /**
   * Stores a file by streaming it, never holding it whole. `known` is the hash and size taken
   * earlier (while an upload arrived); the bytes are checked against it on the way, and a file
   * that no longer matches is refused before the store keeps it.
   */
  putFile(filePath: string, known?: { sha256: string; size: number }): Promise<{ sha256: string; size: number }>;
  /** The bytes, or null when no blob has that hash. */
  get(sha256: string): Promise<Uint8Array | null>;
  /**
   * The bytes as a stream, or null when no blob has that hash. They are hashed as they pass and
   * the last chunk is held back until the hash matches: a damaged blob ends the stream with an
   * error before its last bytes, so a reader that checks the length never takes it for whole.
   */
  open(sha256: string): Promise<{ size: number; stream: Readable } | null>;
  has(sha256: string): Promise<boolean>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// Keys reach the file system and object keys: anything but a lower-case hex digest is a bug.
function checkKey(sha256: string) {
  if (!SHA256.test(sha256)) {
    throw new AppError('VALIDATION_FAILED', {
      vi: `Mã băm SHA-256 không hợp lệ: ${sha256.slice(0, 80)}`,
      en: `Not a SHA-256 hex digest: ${sha256.slice(0, 80)}`,
    });
  }
}

const corrupt = (sha256: string) =>
  new AppError('INTERNAL', { vi: `Tệp lưu trữ ${sha256} bị hỏng (mã băm không khớp)`, en: `Stored blob ${sha256} is corrupt (hash mismatch)` });
const changed = (file: string) =>
  new AppError('INTERNAL', {
    vi: `Tệp ${path.basename(file)} đã bị thay đổi trước khi được lưu`,
    en: `The file ${path.basename(file)} changed before it was stored`,
  });

// Storage that hands back other bytes than were stored must fail loudly, never serve them.
function verified(sha256: string, bytes: Uint8Array): Uint8Array {
  if (sha256Hex(bytes) !== sha256) throw corrupt(sha256);
  return bytes;
}

/**
 * Passes bytes on while hashing them, holding the latest chunk back until the end: only when
 * the size and SHA-256 match does the last chunk go out, otherwise the stream fails with
 * `mismatch()`. A reader, or a store receiving a request body, never gets all of wrong bytes.
 */
function checking(sha256: string, size: number, mismatch: () => Error): Transform {
  const hash = createHash('sha256');
  let held: Buffer | null = null;
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      seen += chunk.byteLength;
      const out = held;
      held = chunk;
      done(null, out ?? undefined);
    },
    flush(done) {
      if (seen !== size || hash.digest('hex') !== sha256) return done(mismatch());
      done(null, held ?? undefined);
    },
  });
}

async function hashFile(filePath: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(filePath)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Blobs as files under `root/ab/cd/<sha256>`. A write goes to a temporary file in the same
 * folder, is fsynced, then renamed over the final name and the folder fsynced: a reader sees
 * either nothing or the whole blob, and a write that returned survives a crash.
 */
export class FolderBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    checkKey(sha256);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Uint8Array) {
    const sha256 = sha256Hex(bytes);
    const size = bytes.byteLength;
    await this.commit(sha256, size, async (tmp) => {
      const fh = await open(tmp, 'wx', 0o640);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
    return { sha256, size };
  }

  async putFile(filePath: string, known?: { sha256: string; size: number }) {
    const { sha256, size } = known ?? (await hashFile(filePath));
    checkKey(sha256);
    await this.commit(sha256, size, (tmp) =>
      // `flush` fsyncs the temporary file before it is closed, as put does.
      pipeline(
        createReadStream(filePath),
        checking(sha256, size, () => changed(filePath)),
        createWriteStream(tmp, { flags: 'wx', mode: 0o640, flush: true }),
      ),
    );
    return { sha256, size };
  }

  /** Writes a blob through `write(tmp)` into a temporary file, then renames it into place durably. */
  private async commit(sha256: string, size: number, write: (tmp: string) => Promise<void>) {
    const final = this.pathOf(sha256);
    const existing = await stat(final).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    // Same name means same bytes; the size check only guards against a damaged earlier file.
    if (existing?.size === size) return;

    const dir = path.dirname(final);
    const firstCreated = await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.tmp-${sha256.slice(0, 16)}-${randomBytes(6).toString('hex')}`);
    try {
      await write(tmp);
      await rename(tmp, final);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    // The rename is durable once the folder holding the entry is synced; folders that this
    // write created must themselves be recorded in their parents.
    const toSync = [dir];
    if (firstCreated) {
      for (let d = path.dirname(dir); ; d = path.dirname(d)) {
        toSync.push(d);
        if (d === path.dirname(firstCreated) || d === path.dirname(d)) break;
      }
    }
    for (const d of toSync) await syncDir(d);
  }

  async get(sha256: string) {
    const file = this.pathOf(sha256);
    try {
      return verified(sha256, new Uint8Array(await readFile(file)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async open(sha256: string) {
    const file = this.pathOf(sha256);
    const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (!fh) return null;
    // The size of the file opened, not of a name that a later write may replace.
    const { size } = await fh.stat().catch(async (e: unknown) => {
      await fh.close();
      throw e;
    });
    const check = checking(sha256, size, () => corrupt(sha256));
    pipeline(fh.createReadStream(), check).catch(() => undefined); // the error reaches the reader through `check`
    return { size, stream: check };
  }

  async has(sha256: string) {
    const file = this.pathOf(sha256);
    try {
      return (await stat(file)).isFile();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }
}

async function syncDir(dir: string) {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface S3Options {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Blobs as objects keyed by their SHA-256 in one bucket of any S3-compatible store (AWS,
 * MinIO, Ceph, Viettel/FPT object storage). The store checks the SHA-256 we send with each
 * write, so a corrupted transfer is refused rather than stored under the wrong name.
 *
 * A store that cannot be reached, times out or answers 5xx is an outage, not a defect: the
 * operation fails with STORAGE_UNAVAILABLE (503, Retry-After) within seconds, having written
 * nothing, and the next call tries afresh (the client keeps no state about the failure).
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  constructor(private readonly opts: S3Options) {
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      // Self-hosted stores rarely have wildcard DNS for virtual-hosted buckets.
      forcePathStyle: Boolean(opts.endpoint),
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      // A dead store must fail the request in seconds, not hold it for the SDK's minutes: a short
      // connect timeout, a bound on silence mid-transfer, and one retry (never for a streamed
      // body, which the SDK cannot replay).
      requestHandler: { connectionTimeout: 2_000, requestTimeout: 30_000 },
      maxAttempts: 2,
      // We send the SHA-256 ourselves. The SDK's default would add a CRC32 in an aws-chunked
      // trailer to streamed bodies, which many S3-compatible stores do not understand.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(bytes: Uint8Array) {
    const sha256 = sha256Hex(bytes);
    const size = bytes.byteLength;
    if (await this.has(sha256)) return { sha256, size };
    await this.putObject(sha256, size, bytes);
    return { sha256, size };
  }

  async putFile(filePath: string, known?: { sha256: string; size: number }) {
    const { sha256, size } = known ?? (await hashFile(filePath));
    checkKey(sha256);
    if (await this.has(sha256)) return { sha256, size };
    // The body is checked as it streams and its last chunk held back: a file that changed since
    // it was hashed, or cannot be read, aborts the request before the store has all of it. The
    // SDK pipes the body without watching it for errors, hence the abort signal.
    const abort = new AbortController();
    let failed: Error | null = null;
    const body = streamPipeline(
      createReadStream(filePath),
      checking(sha256, size, () => changed(filePath)),
      (e) => {
        if (!e) return;
        failed = e;
        abort.abort(e);
      },
    );
    try {
      await this.putObject(sha256, size, body, abort.signal);
    } catch (e) {
      throw failed ?? e;
    } finally {
      body.destroy(); // after a refused request nobody reads the rest of the file
    }
    return { sha256, size };
  }

  private async putObject(sha256: string, size: number, body: Uint8Array | Readable, abortSignal?: AbortSignal) {
    await this.call(() =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.opts.bucket,
          Key: sha256,
          Body: body,
          ContentLength: size,
          ContentType: 'application/octet-stream',
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        }),
        { abortSignal },
      ),
    );
  }

  async get(sha256: string) {
    checkKey(sha256);
    try {
      const r = await this.call(() => this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: sha256, ChecksumMode: 'ENABLED' })));
      if (!r.Body) throw new Error(`S3 GetObject ${sha256}: response without a body`);
      return verified(sha256, await this.call(() => r.Body!.transformToByteArray()));
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async open(sha256: string) {
    checkKey(sha256);
    let r: GetObjectCommandOutput;
    try {
      r = await this.call(() => this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: sha256 })));
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
    // In Node the SDK's body is the HTTP response itself, a Readable.
    const body = r.Body as Readable | undefined;
    if (!body || r.ContentLength === undefined) throw new Error(`S3 GetObject ${sha256}: response without a body or length`);
    const check = checking(sha256, r.ContentLength, () => corrupt(sha256));
    pipeline(body, check).catch(() => undefined); // the error reaches the reader through `check`
    return { size: r.ContentLength, stream: check as Readable };
  }

  async has(sha256: string) {
    checkKey(sha256);
    try {
      await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: sha256 })));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** Runs one request to the store, turning an outage into STORAGE_UNAVAILABLE. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (e) {
      if (!unreachable(e)) throw e;
      // The store's own error stays attached as the cause, for the log; the caller gets the code.
      throw Object.assign(
        new AppError('STORAGE_UNAVAILABLE', {
          vi: 'Kho lưu trữ tệp tạm thời không truy cập được; chưa có gì được lưu, vui lòng thử lại sau',
          en: 'The file storage is unavailable; nothing was stored, please retry later',
        }),
        { cause: e },
      );
    }
  }

  destroy() {
    this.client.destroy();
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}

// Errors of the connection rather than of the request: the store is down, unreachable or overloaded.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

function unreachable(e: unknown): boolean {
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return err?.name === 'TimeoutError' || err?.name === 'RequestTimeout' || NETWORK_CODES.has(err?.code ?? '');
}

/** S3 when a bucket is configured, otherwise a folder in the data directory. */
export function createBlobStore(config: Pick<Config, 'dataDir' | 's3'>): BlobStore {
  return config.s3 ? new S3BlobStore(config.s3) : new FolderBlobStore(path.join(config.dataDir, 'blobs'));
}
