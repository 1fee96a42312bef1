import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { Agent, createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import path from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import { pipeline as pipelinePromise } from 'node:stream/promises';
import { s3XmlError, sigV4Problem } from './sigv4.ts';

/**
 * An S3-compatible object store for the cluster and its tests: s3rver keeps the objects in a
 * folder, and a small HTTP front in this process checks every request's Signature V4 before
 * passing it through, since s3rver accepts any secret. `stop()` is an outage (connections
 * refused, data kept), `start()` the store coming back on the same address.
 */
export interface ObjectStore {
  endpoint: string;
  port: number;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The S3 error codes of the requests the front refused, in order. */
  refusals: string[];
  /** Where s3rver keeps the bytes of an object: lets a test damage a stored object. */
  objectFile(key: string): string;
  /** Stops listening and drops open connections (clients get ECONNREFUSED); keeps the data. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ObjectStoreOptions {
  /** The store's folder: the objects (s3rver's layout) in `objects/`, uploads in progress in `incoming/`. */
  dir: string;
  port?: number;
  bucket?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

// s3rver ships no type declarations; this is the part of it used here.
interface S3rverObject {
  content: unknown;
  metadata: Record<string, string | undefined>;
}
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  store: { putObject(object: S3rverObject): Promise<unknown> };
}
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance;
const requireCjs = createRequire(import.meta.url);
const S3rver = requireCjs('s3rver') as S3rverClass;
// s3rver looks the access key up in its own account list (then skips the V4 check): it must know ours.
const s3rverAccount = (requireCjs('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } }).DUMMY_ACCOUNT;

// Hop-by-hop headers belong to each connection, not to the request passed on.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'expect', 'transfer-encoding', 'upgrade', 'proxy-connection']);
const SHA256_HEX = /^[0-9a-f]{64}$/;

export async function startObjectStore(opts: ObjectStoreOptions): Promise<ObjectStore> {
  const bucket = opts.bucket ?? 'congso';
  const region = opts.region ?? 'us-east-1';
  const accessKeyId = opts.accessKeyId ?? 'congso-cluster';
  const secretAccessKey = opts.secretAccessKey ?? randomBytes(24).toString('base64url');
  const secrets = new Map([[accessKeyId, secretAccessKey]]);
  const refusals: string[] = [];

  s3rverAccount.createKeyPair(accessKeyId, secretAccessKey);
  const objectsDir = path.join(opts.dir, 'objects');
  const incomingDir = path.join(opts.dir, 'incoming');
  const backend = new S3rver({ directory: objectsDir, address: '127.0.0.1', port: 0, silent: true, configureBuckets: [{ name: bucket }] });
  wholeOrNothing(backend, incomingDir);
  const { port: backendPort } = await backend.run();
  // Connections to the backend are this store's own, closed with it.
  const backendAgent = new Agent({ keepAlive: true });

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) => {
    refusals.push(code);
    if (res.headersSent) return void res.destroy();
    const body = req.method === 'HEAD' ? '' : s3XmlError(code, message);
    // The body of a refused request is not read: close the connection instead of draining it.
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  };

  const pass = (req: IncomingMessage, res: ServerResponse) => {
    let mismatch = false;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    const upstream = request({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers, agent: backendAgent });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      pipeline(answer, res, () => undefined); // a client that went away has nothing left to be told
    });
    upstream.on('error', (e) => {
      // Aborted by us: the client went away, or its body failed the hash check (answered below).
      if (mismatch || req.socket.destroyed) return;
      if (!res.headersSent) refuse(req, res, 502, 'InternalError', `object store backend: ${e.message}`);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });

    // A declared payload hash is checked as the body passes. The last chunk is held back until
    // the hash is known, so a body that does not match never reaches the backend whole: the
    // backend request is aborted instead, and the backend keeps nothing (wholeOrNothing).
    // UNSIGNED-PAYLOAD and streaming-signature bodies pass unchecked, as their signature does not
    // cover the bytes (the SDK sends UNSIGNED-PAYLOAD for a stream body: the blob store's putFile).
    const declared = String(req.headers['x-amz-content-sha256'] ?? '');
    if (!SHA256_HEX.test(declared)) {
      pipeline(req, upstream, () => undefined); // errors reach the client through upstream's 'error'
      return;
    }
    const hash = createHash('sha256');
    let held: Buffer | null = null;
    const holdBack = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        const out = held;
        held = chunk;
        done(null, out ?? undefined);
      },
      flush(done) {
        if (hash.digest('hex') !== declared) {
          mismatch = true;
          return done(new Error('payload does not match x-amz-content-sha256'));
        }
        done(null, held ?? undefined);
      },
    });
    pipeline(req, holdBack, upstream, () => {
      if (mismatch) {
        upstream.destroy();
        refuse(req, res, 400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
      }
    });
  };

  const server = createServer((req, res) => {
    const problem = sigV4Problem(req, secrets, region);
    if (problem) return refuse(req, res, 403, problem.code, problem.message);
    pass(req, res);
  });
  // Refuse a bad signature before the client sends the body it asked to send.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const problem = sigV4Problem(req, secrets, region);
    if (problem) return refuse(req, res, 403, problem.code, problem.message);
    res.writeContinue();
    pass(req, res);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let port = opts.port ?? 0;
  let listening = false;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as { port: number }).port;
        listening = true;
        resolve();
      });
    });
  const unlisten = () =>
    new Promise<void>((resolve, reject) => {
      if (!listening) return resolve();
      listening = false;
      server.close((e) => (e ? reject(e) : resolve()));
      for (const s of sockets) s.destroy();
    });

  try {
    await listen();
  } catch (e) {
    backendAgent.destroy();
    await backend.close();
    throw e;
  }

  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    refusals,
    objectFile: (key) => path.join(objectsDir, bucket, `${key}._S3rver_object`),
    stop: unlisten,
    start: async () => {
      if (!listening) await listen();
    },
    close: async () => {
      await unlisten();
      backendAgent.destroy();
      await backend.close();
    },
  };
}

/**
 * s3rver writes a PUT's body straight over the object's file, so an upload cut off half way
 * (a client gone, a node killed, the front stopped) would leave a truncated object that HEAD
 * reports as present. S3 stores an object whole or not at all: the body is first spooled to
 * `incomingDir`, and only a body that arrived complete is handed on to s3rver, as a local copy
 * that nothing outside this process can interrupt.
 */
function wholeOrNothing(backend: S3rverInstance, incomingDir: string) {
  const putObject = backend.store.putObject.bind(backend.store);
  backend.store.putObject = async (object) => {
    if (!(object.content instanceof Readable)) return putObject(object);
    await mkdir(incomingDir, { recursive: true });
    const spooled = path.join(incomingDir, randomBytes(12).toString('hex'));
    try {
      // Rejects on a premature close: the body did not arrive whole.
      await pipelinePromise(object.content, createWriteStream(spooled, { flags: 'wx' }));
      const declared = Number(object.metadata['content-length']);
      const { size } = await stat(spooled);
      if (Number.isFinite(declared) && declared !== size) throw new Error(`incomplete body: ${size} of ${declared} bytes`);
      object.content = createReadStream(spooled);
      return await putObject(object);
    } finally {
      await rm(spooled, { force: true });
    }
  };
}
