/**
 * Workers apart (issue 17): a web node that runs no jobs (WORKERS=0) and two `worker`
 * processes on one PostgreSQL database. What the web node enqueues (notifications by e-mail,
 * the national portal's outbox messages) is worked by the workers, each job once; when a
 * worker is killed holding messages, the other delivers them once its lease runs out.
 *
 * "Once", precisely: a job or message is claimed by one worker at a time (pg-boss's fetch, the
 * outbox's lease), so while both workers live each is sent once. A worker that dies after the
 * receiver accepted a message but before it recorded the success leaves it to be sent again
 * when the lease expires: delivery is at least once, and the receiver deduplicates by the
 * message's key (the portal stores a dossier's step once, whatever it is sent). That is what
 * the second part asserts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { SMTPServer } from 'smtp-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../src/platform/db/scratch.ts';
import { notify } from '../../src/modules/notifications/notify.ts';
import { postgresReachable } from '../durability/support.ts';
import { api, freePort, startTestApp, type TestApp, until } from '../helpers.ts';
import { citizenToken, fileOnline, importTestProcedures, LIGHT_PROCEDURE } from '../dossier-fixtures.ts';

const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const withPostgres = await postgresReachable(PG_ADMIN);

/** Mails received, by recipient address. */
const inbox = new Map<string, number>();
let smtp: SMTPServer;
let db: { url: string; drop(): Promise<void> } | undefined;
let t: TestApp;
let citizen: string;
const workers: ChildProcess[] = [];
const output: string[] = [];

/** The lease of an outbox message (OUTBOX_CLAIM_SECONDS): longer than the portal's time limit, short enough to wait for. */
const WORKER_ENV = { OUTBOX_CLAIM_SECONDS: '25', NATIONAL_PORTAL_TIMEOUT_MS: '20000', OUTBOX_RETRY_BASE_MS: '1000' };

function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b: Buffer) => output.push(`[worker ${child.pid}] ${b.toString()}`);
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  workers.push(child);
  return child;
}

beforeAll(async () => {
  if (!withPostgres) return;
  const port = await freePort();
  smtp = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      stream.on('data', () => undefined); // the content is not under test here, only who got a mail
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) inbox.set(r.address, (inbox.get(r.address) ?? 0) + 1);
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  db = await createScratchDatabase(PG_ADMIN, 'congso_cluster');
  const mail = { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'congso <no-reply@cluster.test>' };
  // The web node: migrates, loads the demo, serves the portal simulator the workers deliver to, works no job.
  t = await startTestApp({ env: { DATABASE_URL: db.url, WORKERS: '0', ...mail } });
  expect(t.config.workers).toBe(0);
  await importTestProcedures(t);
  citizen = await citizenToken(t, '50000000-0000-4000-8000-0000000000c1');
  const env = { DATABASE_URL: db.url, CONGSO_MODE: 'demo', DATA_DIR: t.dataDir, LOG_LEVEL: 'warn', PUBLIC_URL: t.base, ...mail, ...WORKER_ENV };
  startWorker(env);
  startWorker(env);
});

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await Promise.all(workers.map((w) => (w.exitCode === null && w.signalCode === null ? new Promise((r) => w.once('exit', r)) : undefined)));
  await t?.close();
  await db?.drop();
  if (smtp) await new Promise<void>((resolve) => smtp.close(resolve));
});

const received = async (code: string) =>
  (await api<{ progress: { TrangThai: string }[]; versions: { isUpdating: string }[] }>(t, 'GET', `/simulators/dvcqg/received?dossier=${code}`)).body;
const faults = async (body: Record<string, unknown>) => expect((await api(t, 'POST', '/simulators/dvcqg/faults', { body })).status).toBe(200);

/** The national portal's messages of some dossiers: status, attempts, lease. */
async function messages(codes: string[]) {
  return (
    await sql<{ key: string; status: string; failures: number; claimed: boolean }>`
      select key, status, attempts as failures, coalesce(claimed_until > now(), false) as claimed from outbox_messages
      where adapter = 'national-portal' and key = any(${codes}) order by id`.execute(t.ctx.database.db)
  ).rows;
}

async function fileDossiers(n: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    codes.push(r.body.code);
  }
  return codes;
}

const guard = (what: string) => `${what}\n${output.join('').slice(-4000)}`;

describe.skipIf(!withPostgres)('a web node without workers, two worker processes', () => {
  it('every notification and outbox message enqueued on the web node is worked, each once', async () => {
    const N = 12;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const w = await t.ctx.database.db.transaction().execute((tx) =>
        notify(t.ctx, tx, {
          recipient: { name: `Người nhận ${i}`, email: `nguoi-nhan-${i}@cluster.test` },
          event: 'dossier.received',
          data: {
            dossierCode: `CLUSTER-${i}`,
            procedureName: 'Thủ tục thử',
            applicantName: `Người nhận ${i}`,
            dueDate: '2030-07-15',
            trackingUrl: 'http://localhost/',
          },
          units: ['000.05.01.G12'],
        }),
      );
      ids.push(...w.map((x) => x.id));
    }
    const codes = await fileDossiers(6);
    await until(
      guard('every mail sent'),
      async () => (await t.ctx.database.db.selectFrom('notifications').select('status').where('id', 'in', ids).execute()).every((r) => r.status === 'sent'),
      600_000,
    );
    await until(guard('every portal message sent'), async () => (await messages(codes)).every((m) => m.status === 'sent'), 600_000);

    // Each recorded as sent after one attempt, each address reached once.
    const rows = await t.ctx.database.db.selectFrom('notifications').select(['recipient', 'attempts']).where('id', 'in', ids).execute();
    expect(rows.map((r) => r.attempts)).toEqual(Array(N).fill(1));
    for (let i = 0; i < N; i++) expect(inbox.get(`nguoi-nhan-${i}@cluster.test`), `nguoi-nhan-${i}`).toBe(1);
    // Each portal message sent without a failure, and the portal holds each dossier's record and first step once. (Its
    // own dedupe hides a second delivery, so this does not prove once: the outbox's claim, one worker at a time, does.)
    const sent = await messages(codes);
    expect(sent.length).toBe(codes.length * 2);
    expect(sent.every((m) => m.status === 'sent' && m.failures === 0)).toBe(true);
    for (const code of codes)
      expect(
        (await received(code)).versions.map((v) => v.isUpdating),
        code,
      ).toEqual(['False']);
    for (const code of codes)
      expect(
        (await received(code)).progress.map((s) => s.TrangThai),
        code,
      ).toEqual(['1']);
    expect(workers.every((w) => w.exitCode === null)).toBe(true);
  });

  it('a worker killed while it holds messages: the other delivers them when the lease runs out, and the portal holds each step once', async () => {
    const [a, b] = workers;
    // Only A works from here: B is frozen (not killed) so that what is claimed is A's.
    b.kill('SIGSTOP');
    try {
      // The portal answers after 30 s: A's calls are in flight when it dies.
      await faults({ delayMs: 30_000 });
      const codes = await fileDossiers(3);
      await until(guard('worker A holds a message'), async () => (await messages(codes)).some((m) => m.claimed), 600_000);
      a.kill('SIGKILL');
      await new Promise((r) => a.once('exit', r));
      await faults({ delayMs: 0 });
      b.kill('SIGCONT');
      await until(guard('every message delivered by worker B'), async () => (await messages(codes)).every((m) => m.status === 'sent'), 600_000);
      // At least once: the steps A had sent reached the portal (it processes what it was sent even
      // after A hung up) and were sent again by B; the portal stored each step once.
      for (const code of codes)
        expect(
          (await received(code)).progress.map((s) => s.TrangThai),
          code,
        ).toEqual(['1']);
      expect((await messages(codes)).every((m) => m.status === 'sent')).toBe(true);
    } finally {
      if (b.signalCode === null && b.exitCode === null) b.kill('SIGCONT');
    }
  });
});
