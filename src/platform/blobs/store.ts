import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';

/**
 * Content-addressed file storage: a blob's name is the SHA-256 of its bytes, so storing the
 * same file twice stores it once, a name can never point at other bytes, and a blob that no
 * row refers to is harmless (callers write the blob first, then the row that names it).
 */
export interface BlobStore {
  put(bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  /** The bytes, or null when no blob has that hash. */
  get(sha256: string): Promise<Uint8Array | null>;
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

// Storage that hands back other bytes than were stored must fail loudly, never serve them.
function verified(sha256: string, bytes: Uint8Array): Uint8Array {
  if (sha256Hex(bytes) !== sha256) {
    throw new AppError('INTERNAL', { vi: `Tệp lưu trữ ${sha256} bị hỏng (mã băm không khớp)`, en: `Stored blob ${sha256} is corrupt (hash mismatch)` });
  }
  return bytes;
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
    const final = this.pathOf(sha256);
    const existing = await stat(final).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    // Same name means same bytes; the size check only guards against a damaged earlier file.
    if (existing?.size === size) return { sha256, size };

    const dir = path.dirname(final);
    const firstCreated = await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.tmp-${sha256.slice(0, 16)}-${randomBytes(6).toString('hex')}`);
    const fh = await open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    try {
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
    return { sha256, size };
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
    });
  }

  async put(bytes: Uint8Array) {
    const sha256 = sha256Hex(bytes);
    const size = bytes.byteLength;
    if (await this.has(sha256)) return { sha256, size };
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.opts.bucket,
        Key: sha256,
        Body: bytes,
        ContentLength: size,
        ContentType: 'application/octet-stream',
        ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
      }),
    );
    return { sha256, size };
  }

  async get(sha256: string) {
    checkKey(sha256);
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: sha256, ChecksumMode: 'ENABLED' }));
      if (!r.Body) throw new Error(`S3 GetObject ${sha256}: response without a body`);
      return verified(sha256, await r.Body.transformToByteArray());
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async has(sha256: string) {
    checkKey(sha256);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: sha256 }));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
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

/** S3 when a bucket is configured, otherwise a folder in the data directory. */
export function createBlobStore(config: Pick<Config, 'dataDir' | 's3'>): BlobStore {
  return config.s3 ? new S3BlobStore(config.s3) : new FolderBlobStore(path.join(config.dataDir, 'blobs'));
}
