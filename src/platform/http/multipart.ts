import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { UPLOAD_LIMITS } from '../blobs/inspect.ts';

/**
 * The one way a route reads a multipart body. Nothing of a file is ever held in memory: each
 * accepted file part is written to a spool file as it arrives (counted and hashed on the way),
 * and the caller reads one spool file at a time afterwards. What the form does not expect ends
 * the request at once: a file part under an undeclared name (400), a file over its cap or a
 * body over the request's cap (413). The rest of such a body is never read: the connection is
 * closed after the answer. Spool files are deleted when the caller's `await using` scope ends,
 * or by the reader itself when it fails, so nothing is left behind by an error or a client
 * that goes away; a crash leaves them to the sweep of stale spool files on the next start.
 *
 * The route's scope registers @fastify/multipart; the limits below are passed per request.
 */

const MiB = 1024 * 1024;

/** A form with one file and a few short fields (an upload, a scan to certify, a file to verify). */
export const ONE_FILE_FORM_MAX_BYTES = UPLOAD_LIMITS.maxBytes + MiB;
/**
 * The filing form: one file per dossier component plus the e-form's fields. Five full-size
 * scans, or many ordinary ones; a body beyond this is refused whatever its parts.
 */
export const FILING_FORM_MAX_BYTES = 100 * MiB;

/** Spool files older than this belong to no live request (a crash left them). */
const STALE_SPOOL_MS = 60 * 60 * 1000;

type NameRule = readonly string[] | ((name: string) => boolean);

export interface MultipartSpec {
  /** The file fields the form has: exact names, or a test (e.g. the filing form's `file.0`…`file.{n-1}`). */
  files: NameRule;
  /** The text fields the form has. */
  fields: NameRule;
  /** A text field under another name: refused (400, the default) or dropped unread into the result. */
  unknownFields?: 'refuse' | 'ignore';
  /** The same text field twice: refused (400, the default) or the last one wins. */
  repeatedFields?: 'refuse' | 'last';
  maxFiles: number;
  maxFields: number;
  /** Bytes of one text field's value. */
  maxFieldBytes: number;
  /** Bytes of one file; UPLOAD_LIMITS.maxBytes unless said. */
  maxFileBytes?: number;
  /** Bytes of the whole body: every file, field and the multipart framing. */
  maxTotalBytes: number;
}

export interface SpooledFile {
  /** The form field the file came in. */
  field: string;
  /** The name the client gave (may be empty: an empty file input). */
  fileName: string;
  /** The content type the client claimed; never trusted for anything but display. */
  mimeType: string;
  /** The spool file; valid until the form is disposed. */
  path: string;
  size: number;
  sha256: string;
}

export interface MultipartForm extends AsyncDisposable {
  fields: Record<string, string>;
  /** In the order they arrived, empty file inputs included (size 0). */
  files: SpooledFile[];
  /** Deletes the spool files (also what `await using` calls). */
  dispose(): Promise<void>;
}

/** Where spool files go: beside the data, never in a folder shared with other programs. */
export const spoolDir = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'tmp', 'multipart');

const ready = new Map<string, Promise<void>>();
/** Creates the spool folder (owner only) once per process and removes what a crash left there. */
function prepare(dir: string): Promise<void> {
  let p = ready.get(dir);
  if (!p) {
    p = (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const now = Date.now();
      for (const name of await readdir(dir)) {
        const file = path.join(dir, name);
        const s = await stat(file).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return null;
          throw e;
        });
        if (s && now - s.mtimeMs > STALE_SPOOL_MS) await rm(file, { force: true });
      }
    })();
    // A failure (disk full, permissions) is retried by the next request rather than cached.
    p.catch(() => ready.delete(dir));
    ready.set(dir, p);
  }
  return p;
}

const accepts = (rule: NameRule, name: string) => (typeof rule === 'function' ? rule(name) : rule.includes(name));
const shown = (name: string) => name.slice(0, 100);
const mib = (n: number) => (n / MiB).toLocaleString('en', { maximumFractionDigits: 1 });

const badForm = (vi: string, en: string, path = '(root)') => new AppError('VALIDATION_FAILED', { vi, en }, [{ path, message: vi, messageEn: en }]);
const fileTooLarge = (field: string, max: number) =>
  new AppError(
    'PAYLOAD_TOO_LARGE',
    { vi: `Tệp quá lớn: tối đa ${mib(max).replace('.', ',')} MiB mỗi tệp`, en: `File too large: at most ${mib(max)} MiB each` },
    [{ path: field, message: 'Tệp quá lớn', messageEn: 'file too large' }],
  );
const bodyTooLarge = (max: number) =>
  new AppError(
    'PAYLOAD_TOO_LARGE',
    {
      vi: `Dữ liệu gửi lên quá lớn: tối đa ${mib(max).replace('.', ',')} MiB cho cả biểu mẫu`,
      en: `Too much data: at most ${mib(max)} MiB for the whole form`,
    },
    [{ path: '(root)', message: 'Dữ liệu gửi lên quá lớn', messageEn: 'request too large' }],
  );
function unknownField(kind: 'file' | 'field', name: string, rule: NameRule): AppError {
  const n = shown(name);
  const expected = typeof rule === 'function' ? '' : rule.map((x) => `"${x}"`).join(', ');
  return kind === 'file'
    ? badForm(
        `Biểu mẫu không có trường tệp "${n}"${expected ? `; trường tệp là ${expected}` : ''}`,
        `The form has no file field "${n}"${expected ? `; send the file in ${expected}` : ''}`,
        n,
      )
    : badForm(`Biểu mẫu không có trường "${n}"`, `The form has no field "${n}"`, n);
}

/**
 * Maps what @fastify/multipart and busboy throw to AppErrors; anything else is a bug and
 * goes on as it is (a 500).
 */
export function multipartError(e: unknown, spec: Pick<MultipartSpec, 'maxFiles' | 'maxFileBytes'>): AppError {
  if (e instanceof AppError) return e;
  switch ((e as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return fileTooLarge('file', spec.maxFileBytes ?? UPLOAD_LIMITS.maxBytes);
    case 'FST_FILES_LIMIT':
      return spec.maxFiles === 1
        ? badForm('Chỉ được gửi một tệp mỗi lần', 'Send one file at a time', 'file')
        : badForm(`Biểu mẫu có quá nhiều tệp: tối đa ${spec.maxFiles}`, `The form has too many files: at most ${spec.maxFiles}`);
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return badForm('Biểu mẫu có quá nhiều trường', 'The form has too many fields');
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
    case 'FST_MP_PREMATURE_CLOSE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return badForm('Dữ liệu multipart không hợp lệ', 'Malformed multipart data');
    // The client went away mid-body: nobody reads the answer, but it is no server failure.
    case 'ECONNRESET':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return badForm('Việc gửi dữ liệu bị ngắt giữa chừng', 'The upload was interrupted');
  }
  // Busboy reports malformed bodies as plain Errors (missing boundary, unexpected end).
  if (e instanceof Error && /multipart|boundary|unexpected end|part terminated/i.test(e.message)) {
    return badForm(`Dữ liệu multipart không hợp lệ: ${e.message}`, `Malformed multipart data: ${e.message}`);
  }
  throw e;
}

/** How long, and for how many bytes, a refused body is still received and thrown away after the answer. */
const LINGER_MS = 2000;
const LINGER_BYTES = 4 * MiB;

/**
 * Node closes a `connection: close` socket as soon as the answer is written. With the client
 * still sending, the unread bytes make the kernel reset the connection, and a client busy
 * writing can lose the answer it was sent (it sees EPIPE or ECONNRESET instead of the 400).
 * So, as web servers do ("lingering close"): write the answer, half-close, and throw away what
 * still arrives for a moment, bounded in time and bytes, before closing.
 */
function lingerOnClose(raw: FastifyRequest['raw']) {
  const socket = raw.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = function lingeringClose(this: Socket) {
    this.end();
    let thrownAway = 0;
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    raw.on('data', (chunk: Buffer) => {
      thrownAway += chunk.length;
      if (thrownAway > LINGER_BYTES) this.destroy();
    });
    raw.resume();
  };
}

/**
 * Reads the request's multipart body by `spec`. Use it as
 * `await using form = await readMultipart(ctx, req, reply, spec)`: the spool files live until
 * that scope ends. Read them one at a time (`readFile(file.path)`), never all together.
 */
export async function readMultipart(
  ctx: { config: Pick<Config, 'dataDir'> },
  req: FastifyRequest,
  reply: FastifyReply,
  spec: MultipartSpec,
): Promise<MultipartForm> {
  if (typeof req.isMultipart !== 'function') throw new Error(`${req.routeOptions.url}: register @fastify/multipart in this route's scope`);
  if (!req.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: 'Biểu mẫu phải gửi dưới dạng multipart/form-data', en: 'Send the form as multipart/form-data' });
  }
  const maxFileBytes = spec.maxFileBytes ?? UPLOAD_LIMITS.maxBytes;
  const raw = req.raw;
  // What we stop reading is not read later: the answer closes the connection. Only a body
  // read to its end leaves the connection fit for the next request.
  const stopReading = () => {
    raw.unpipe();
    if (raw.readableEnded) return;
    reply.header('connection', 'close');
    lingerOnClose(raw);
  };
  const declared = Number(req.headers['content-length']);
  if (declared > spec.maxTotalBytes) {
    stopReading();
    throw bodyTooLarge(spec.maxTotalBytes);
  }

  const dir = spoolDir(ctx.config);
  await prepare(dir);
  const spooled: string[] = [];
  const dispose = async () => {
    const paths = spooled.splice(0);
    await Promise.all(paths.map((p) => rm(p, { force: true })));
  };

  // The first failure wins; it stops the parser and breaks whatever the reader is waiting on.
  let failure: AppError | undefined;
  let current: Readable | undefined;
  let rejectFailed!: (e: AppError) => void;
  const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
  failed.catch(() => {});
  const fail = (e: AppError) => {
    if (failure) return;
    failure = e;
    stopReading();
    current?.destroy(e);
    rejectFailed(e);
  };

  let total = 0;
  const count = (chunk: Buffer) => {
    total += chunk.length;
    if (total > spec.maxTotalBytes) fail(bodyTooLarge(spec.maxTotalBytes));
  };

  const fields: Record<string, string> = {};
  const files: SpooledFile[] = [];
  const parts = req
    .parts({
      limits: {
        files: spec.maxFiles,
        fileSize: maxFileBytes,
        fields: spec.maxFields,
        fieldSize: spec.maxFieldBytes,
        parts: spec.maxFiles + spec.maxFields,
        fieldNameSize: 200,
        headerPairs: 20,
      },
    })
    [Symbol.asyncIterator]();
  try {
    // The first next() pipes the request into the parser; counting starts in the same tick, before any chunk flows.
    let next = parts.next();
    raw.on('data', count);
    for (;;) {
      const step = await Promise.race([next, failed]);
      if (step.done) break;
      const part = step.value;
      if (part.type === 'file') {
        current = part.file;
        if (!accepts(spec.files, part.fieldname)) fail(unknownField('file', part.fieldname, spec.files));
        else files.push(await spool(part.fieldname, part.filename, part.mimetype, part.file));
        current = undefined;
      } else {
        const name = part.fieldname;
        if (part.fieldnameTruncated || part.valueTruncated) {
          const n = shown(name);
          fail(
            new AppError('PAYLOAD_TOO_LARGE', { vi: `Trường ${n} quá dài`, en: `Field ${n} is too long` }, [
              { path: n, message: 'Quá dài', messageEn: 'too long' },
            ]),
          );
        } else if (!accepts(spec.fields, name)) {
          if ((spec.unknownFields ?? 'refuse') === 'refuse') fail(unknownField('field', name, spec.fields));
        } else if (Object.hasOwn(fields, name) && (spec.repeatedFields ?? 'refuse') === 'refuse') {
          fail(badForm(`Trường ${shown(name)} bị gửi hai lần`, `Field ${shown(name)} sent twice`, shown(name)));
        } else fields[name] = String(part.value);
      }
      if (failure) throw failure;
      next = parts.next();
    }
    if (failure) throw failure;
  } catch (e) {
    if (!failure) stopReading();
    await dispose();
    throw failure ?? multipartError(e, spec);
  } finally {
    raw.off('data', count);
  }
  return { fields, files, dispose, [Symbol.asyncDispose]: dispose };

  async function spool(field: string, fileName: string, mimeType: string, file: Readable): Promise<SpooledFile> {
    const name = path.join(dir, randomBytes(16).toString('hex'));
    const fh = await open(name, 'wx', 0o600);
    spooled.push(name);
    // Busboy cuts a file at the cap and skips the rest of the part; we stop the whole request instead.
    file.once('limit', () => fail(fileTooLarge(field, maxFileBytes)));
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of file as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxFileBytes) fail(fileTooLarge(field, maxFileBytes));
        if (failure) throw failure;
        hash.update(chunk);
        await fh.write(chunk);
      }
    } finally {
      await fh.close();
    }
    if (failure) throw failure;
    return { field, fileName, mimeType, path: name, size, sha256: hash.digest('hex') };
  }
}
