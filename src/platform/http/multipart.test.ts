import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, until, type TestApp } from '../../../test/helpers.ts';
import { citizenToken, importTestProcedures, samplePdf, TEST_PROCEDURE } from '../../../test/dossier-fixtures.ts';
import { FILING_FORM_MAX_BYTES, spoolDir } from './multipart.ts';

/**
 * The multipart reader through the filing form, over raw HTTP: bodies are generated lazily by
 * the client (so the test holds no more than a chunk), and the client records how far it had
 * got when the answer came. The app runs in this process, so its memory is ours to measure.
 */
let t: TestApp;
let citizen: string;
let spool: string;
const MiB = 1024 * 1024;
const URL_PATH = `/nop-ho-so/${TEST_PROCEDURE.code}`;
const BOUNDARY = '----congso-test-boundary-7d1f';
const ZEROS = Buffer.alloc(MiB);

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  citizen = await citizenToken(t, '00000000-0000-4000-8000-00000000c0de');
  spool = spoolDir(t.config);
});
afterAll(async () => {
  await t?.close();
});

const spooled = () => (existsSync(spool) ? readdirSync(spool) : []);

type Part =
  | { name: string; value: string }
  | { name: string; fileName: string; bytes?: Uint8Array; size?: number; before?: () => Promise<void>; afterFirstMiB?: () => Promise<void> };

/** A multipart body, made as it is sent: a file given by size is that many zero bytes, a MiB at a time. */
async function* multipart(parts: Part[]): AsyncGenerator<Buffer> {
  for (const p of parts) {
    if ('fileName' in p && p.before) await p.before();
    const head =
      'fileName' in p
        ? `Content-Disposition: form-data; name="${p.name}"; filename="${p.fileName}"\r\nContent-Type: application/pdf`
        : `Content-Disposition: form-data; name="${p.name}"`;
    yield Buffer.from(`--${BOUNDARY}\r\n${head}\r\n\r\n`);
    if (!('fileName' in p)) yield Buffer.from(p.value);
    else if (p.bytes) yield Buffer.from(p.bytes);
    else {
      for (let left = p.size ?? 0; left > 0; left -= MiB) {
        yield left >= MiB ? ZEROS : ZEROS.subarray(0, left);
        if (left === p.size && p.afterFirstMiB) await p.afterFirstMiB();
      }
    }
    yield Buffer.from('\r\n');
  }
  yield Buffer.from(`--${BOUNDARY}--\r\n`);
}

interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { error?: { code: string; message: string; messageEn: string; details?: { path: string }[] } };
  /** Body bytes the client had produced when the answer arrived, and in all. */
  sentAtAnswer: number;
  sent: number;
  /** The client produced its whole body. */
  finished: boolean;
  /** The largest heapUsed + arrayBuffers seen while sending, and after the answer (the server's and the client's: one process). */
  peakMemory: number;
}

const memory = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const waitSpooled = async () => void (await until('a file in the spool', async () => spooled().length > 0));

/**
 * POSTs a generated body, chunked unless `contentLength` is given, honouring back-pressure and
 * stopping once answered; `abortWhen` ends the connection mid-body instead.
 */
function send(body: AsyncGenerator<Buffer>, opts: { contentLength?: number; abortWhen?: () => boolean; maxGrowth?: number } = {}): Promise<Sent | 'aborted'> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let sentAtAnswer = -1;
    let finished = false;
    const start = memory();
    let peakMemory = start;
    const headers: Record<string, string> = {
      authorization: `Bearer ${citizen}`,
      accept: 'application/json',
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    };
    if (opts.contentLength !== undefined) headers['content-length'] = String(opts.contentLength);
    const req = http.request(`${t.base}${URL_PATH}`, { method: 'POST', headers });
    req.flushHeaders();
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      sentAtAnswer = sent;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        peakMemory = Math.max(peakMemory, memory());
        const text = Buffer.concat(chunks).toString();
        const body = res.headers['content-type']?.startsWith('application/json') ? JSON.parse(text) : { text };
        resolve({ status: res.statusCode!, headers: res.headers, body, sentAtAnswer, sent, finished, peakMemory });
      });
      res.on('error', reject);
    });
    // Writing into a connection the server closed after answering fails; that is the point.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const writable = () =>
      new Promise<void>((r) => {
        const done = () => {
          req.off('drain', done).off('close', done).off('response', done);
          r();
        };
        req.on('drain', done).on('close', done).on('response', done);
      });
    (async () => {
      for await (const chunk of body) {
        if (answered || req.destroyed) return;
        if (opts.abortWhen?.()) {
          req.destroy();
          return resolve('aborted');
        }
        sent += chunk.length;
        peakMemory = Math.max(peakMemory, memory());
        // Past the bound the outcome is known: stop rather than feed the server gigabytes.
        if (opts.maxGrowth !== undefined && peakMemory - start > opts.maxGrowth) {
          req.destroy();
          return reject(new Error(`memory grew by ${Math.round((peakMemory - start) / MiB)} MiB after ${Math.round(sent / MiB)} MiB sent`));
        }
        if (!req.write(chunk)) await writable();
      }
      if (answered || req.destroyed) return;
      finished = true;
      req.end();
    })().catch(reject);
  });
}

const FIELDS: Part[] = [
  { name: 'intent', value: 'review' },
  { name: 'f.tenDoanhNghiep', value: 'Công ty TNHH Thử Nghiệm' },
  { name: 'f.maSoThue', value: '0101234567' },
];

describe('the filing form reads its body as a stream', () => {
  it('a legitimate filing with two files: each file is on disk before the body ends, and the spool is empty after', async () => {
    const pdf = await samplePdf();
    let sawSpooled = 0;
    const r = (await send(
      multipart([
        ...FIELDS,
        { name: 'file.0', fileName: 'don-de-nghi.pdf', bytes: pdf },
        // Only once the first file is in the spool does the client send the second: streaming, not buffering.
        {
          name: 'file.1',
          fileName: 'giay-to-khac.pdf',
          bytes: pdf,
          before: async () => {
            sawSpooled = (await until('the first file spooled', async () => spooled().length)) as number;
          },
        },
      ]),
    )) as Sent;
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`${URL_PATH}/xem-lai`);
    expect(sawSpooled).toBe(1);
    // The handler's scope ends as the answer goes out; its disposal empties the spool.
    await until('the spool emptied after the filing', async () => spooled().length === 0);
    const draft = await t.ctx.database.db.selectFrom('dossier_drafts').select('components').executeTakeFirst();
    expect(JSON.stringify(draft?.components)).toContain('giay-to-khac.pdf');
  });

  it('a file under a name the form does not have is refused at once (400 naming it); the rest of the body is never read', async () => {
    const total = 100 * 20 * MiB;
    const before = memory();
    const r = (await send(
      multipart([
        ...FIELDS,
        { name: 'file.0', fileName: 'a.pdf', bytes: await samplePdf() },
        // The unknown part starts once file.0 is in the spool: the refusal must clear it too.
        ...Array.from({ length: 100 }, (_, i) => ({ name: `tep-la.${i}`, fileName: `x${i}.pdf`, size: 20 * MiB, before: i === 0 ? waitSpooled : undefined })),
      ]),
      { maxGrowth: 100 * MiB },
    )) as Sent;
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('VALIDATION_FAILED');
    expect(r.body.error?.details?.[0]?.path).toBe('tep-la.0');
    expect(r.body.error?.message).toContain('"tep-la.0"');
    expect(r.body.error?.messageEn).toContain('"tep-la.0"');
    expect(r.headers.connection).toBe('close');
    // Answered while the client was still in the first unknown part, and it never got further.
    expect(r.finished).toBe(false);
    expect(r.sentAtAnswer).toBeLessThan(20 * MiB);
    expect(r.sent).toBeLessThan(total / 10);
    // 2 GiB offered; the process (server and client) grew by far less than one part's worth.
    expect(r.peakMemory - before).toBeLessThan(100 * MiB);
    // The accepted file.0 was in the spool; it is gone by the time of the answer.
    expect(spooled()).toEqual([]);
  });

  it('100 parts of 20 MiB under unused names do not grow the server’s memory', async () => {
    const before = memory();
    const r = (await send(multipart(Array.from({ length: 100 }, (_, i) => ({ name: `unused${i}`, fileName: `${i}.pdf`, size: 20 * MiB }))), {
      maxGrowth: 100 * MiB,
    })) as Sent;
    expect(r.status).toBe(400);
    expect(r.peakMemory - before).toBeLessThan(100 * MiB);
    expect(r.finished).toBe(false);
  });

  it('a body over the request cap is refused with 413 when it crosses the cap, even in declared file fields', async () => {
    const before = memory();
    // Seven full-size files in the form's own slots: each is allowed, together they are too much.
    const r = (await send(multipart([...FIELDS, ...Array.from({ length: 7 }, (_, i) => ({ name: `file.${i % 2}`, fileName: `${i}.pdf`, size: 20 * MiB }))]), {
      maxGrowth: 100 * MiB,
    })) as Sent;
    expect(r.status).toBe(413);
    expect(r.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(r.finished).toBe(false);
    expect(r.sentAtAnswer).toBeGreaterThan(FILING_FORM_MAX_BYTES);
    expect(r.sent).toBeLessThan(7 * 20 * MiB);
    expect(r.peakMemory - before).toBeLessThan(100 * MiB);
    expect(spooled()).toEqual([]);
  });

  it('a declared Content-Length over the cap is refused before any of the body is sent', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    async function* heldBack(): AsyncGenerator<Buffer> {
      // The client sends nothing until it has its answer: only an answer on the headers alone ends this.
      await held;
      yield Buffer.from(`--${BOUNDARY}--\r\n`);
    }
    const r = (await send(heldBack(), { contentLength: FILING_FORM_MAX_BYTES + 1 })) as Sent;
    release();
    expect(r.status).toBe(413);
    expect(r.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(r.sentAtAnswer).toBe(0);
  });

  it('one file over 20 MiB is refused with 413 at that point', async () => {
    const r = (await send(
      multipart([...FIELDS, { name: 'file.0', fileName: 'big.pdf', size: 20 * MiB + 1 }, { name: 'file.1', fileName: 'next.pdf', size: 20 * MiB }]),
    )) as Sent;
    expect(r.status).toBe(413);
    expect(r.body.error?.details?.[0]?.path).toBe('file.0');
    expect(r.finished).toBe(false);
    expect(r.sent).toBeLessThan(40 * MiB);
    expect(spooled()).toEqual([]);
  });

  it('a client that goes away mid-upload leaves nothing in the spool', async () => {
    let spooling = false;
    const r = await send(
      // The client goes away a MiB into the file, once the server has started spooling it.
      multipart([
        ...FIELDS,
        {
          name: 'file.0',
          fileName: 'a.pdf',
          size: 20 * MiB,
          afterFirstMiB: async () => {
            await waitSpooled();
            spooling = true;
          },
        },
      ]),
      { abortWhen: () => spooling },
    );
    expect(r).toBe('aborted');
    await until('the spool emptied after the abort', async () => spooled().length === 0);
    // The server is fine and the next filing works.
    const ok = (await send(multipart([...FIELDS, { name: 'file.0', fileName: 'don.pdf', bytes: await samplePdf() }]))) as Sent;
    expect(ok.status).toBe(303);
    await until('the spool emptied after the filing', async () => spooled().length === 0);
  });
});
