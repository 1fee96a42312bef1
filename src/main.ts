import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig, type Config } from './platform/config.ts';
import { AppError } from './platform/errors.ts';
import { closeContext, createContext } from './app.ts';
import { buildApp } from './app.ts';
import { createLogger } from './platform/boot.ts';
import { closeServer } from './platform/http/server.ts';
import { loadDemoData, readDemo } from './modules/demo/load-demo-data.ts';
import { totpCode } from './platform/auth/totp.ts';
import { importProcedures } from './modules/catalog/import-procedures.ts';
import { loadScaleData } from './modules/demo/load-scale-data.ts';
import { rebuildIndicators } from './modules/indicators/rebuild-indicators.ts';

const HELP = `congso — cổng dịch vụ công và một cửa điện tử

Usage: node --import tsx src/main.ts <command>

  serve     migrate, load demo data on an empty demo database, serve portal + API + jobs
  migrate   apply database migrations and exit
  seed      load the demo ministry, staff and procedures (if the database is empty)
  import    import procedure files in the national JSON format: import FILE…
  load      bulk-load realistic data for load tests: load --dossiers N [--seed S] [--from-year Y] [--to-year Y]
  worker    run background jobs only (scale-out: N web nodes + workers)
  indicators rebuild|check   recompute the service index's counts from the dossiers' logs, or compare them
  totp      print the current sign-in code of a demo account: totp USERNAME (demo mode only)

Configuration comes from the environment; see README.md.`;

async function main(argv: string[]) {
  const [cmd = 'serve', ...args] = argv;
  if (cmd === 'help' || cmd === '--help') return console.log(HELP);
  const config = loadConfig();
  switch (cmd) {
    case 'serve':
      return serve(config);
    case 'migrate': {
      const ctx = await createContext(config, { worker: false });
      await closeContext(ctx);
      return console.log('migrations up to date');
    }
    case 'seed': {
      const ctx = await createContext(config, { worker: false });
      const loaded = await loadDemoData(ctx, console.log);
      await closeContext(ctx);
      return console.log(loaded ? 'demo data loaded' : 'database already has data; nothing loaded');
    }
    case 'import':
      return importFiles(config, args);
    case 'load':
      return loadData(config, args);
    case 'totp':
      return printTotp(config, args[0]);
    case 'indicators':
      return indicators(config, args[0]);
    case 'worker':
      return work(config);
    default:
      console.error(`unknown command "${cmd}"\n\n${HELP}`);
      process.exitCode = 2;
  }
}

async function serve(config: Config) {
  const t0 = performance.now();
  const log = createLogger(config);
  const signals = watchSignals(log, config.shutdownGraceMs);
  const ctx = await createContext(config, { worker: config.workers > 0, log });
  if (signals.received) return signals.stop(() => closeContext(ctx, { deadline: signals.deadline() }));
  if (config.mode === 'demo' && (await loadDemoData(ctx, (m) => ctx.log.info(m)))) ctx.log.info('demo data loaded');
  if (signals.received) return signals.stop(() => closeContext(ctx, { deadline: signals.deadline() }));
  const app = await buildApp(ctx);
  await app.listen({ port: config.port, host: config.host });
  ctx.log.info(`congso ready at ${config.publicUrl} (database: ${ctx.database.kind}, ${Math.round(performance.now() - t0)} ms)`);
  await signals.requested;
  return signals.stop(async () => {
    await closeServer(app, Math.max(0, signals.deadline() - Date.now()));
    await closeContext(ctx, { deadline: signals.deadline() });
  });
}

/** `worker`: jobs only, until a signal; running jobs get the grace period to finish. */
async function work(config: Config) {
  const log = createLogger(config);
  const signals = watchSignals(log, config.shutdownGraceMs);
  const ctx = await createContext(config, { worker: true, log });
  if (!signals.received) {
    ctx.log.info('worker started');
    await signals.requested;
  }
  return signals.stop(() => closeContext(ctx, { deadline: signals.deadline() }));
}

async function importFiles(config: Config, files: string[]) {
  if (!files.length) throw new AppError('VALIDATION_FAILED', { vi: 'Cần chỉ ra tệp cần nhập', en: 'Give the files to import: npm run import -- FILE…' });
  const records = files.flatMap((f) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(f, 'utf8'));
    } catch (e) {
      throw new AppError('VALIDATION_FAILED', { vi: `Không đọc được ${f}: ${(e as Error).message}`, en: `Cannot read ${f}: ${(e as Error).message}` });
    }
    return Array.isArray(parsed) ? parsed : [parsed];
  });
  const ctx = await createContext(config, { worker: false });
  const bar = new SingleBar({ format: 'import [{bar}] {value}/{total} procedures', hideCursor: true }, Presets.shades_classic);
  bar.start(records.length, 0);
  try {
    const r = await importProcedures(ctx, records, 'system:cli', (done) => bar.update(done));
    bar.stop();
    console.log(`${r.created} created, ${r.newVersions} new versions, ${r.unchanged} unchanged (from ${files.map((f) => path.basename(f)).join(', ')})`);
  } finally {
    bar.stop();
    await closeContext(ctx);
  }
}

async function loadData(config: Config, args: string[]) {
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const n = Number(args[i + 1]);
    if (!Number.isInteger(n) || n < 0)
      throw new AppError('VALIDATION_FAILED', { vi: `--${name} cần một số nguyên không âm`, en: `--${name} needs a non-negative integer` });
    return n;
  };
  const dossiers = opt('dossiers') ?? 100_000;
  const ctx = await createContext(config, { worker: false });
  const bar = new SingleBar({ format: 'load [{bar}] {value}/{total} dossiers | {rate}/s', hideCursor: true }, Presets.shades_classic);
  try {
    if (await loadDemoData(ctx, console.log, { dossiers: false })) console.log('demo ministry loaded first');
    const t0 = performance.now();
    const progress = (done: number) => {
      const rate = Math.round(done / ((performance.now() - t0) / 1000));
      if (bar.isActive) bar.update(done, { rate });
      else bar.start(dossiers, done, { rate });
    };
    const r = await loadScaleData(ctx, {
      dossiers,
      seed: opt('seed'),
      fromYear: opt('from-year'),
      toYear: opt('to-year'),
      log: (m) => {
        if (bar.isActive) bar.stop();
        console.log(m);
      },
      onProgress: progress,
    });
    bar.stop();
    console.log(
      `${r.dossiers} dossiers, ${r.actions} actions, ${r.uploads} attachments, ${r.results} results, ${r.citizens} applicants over ${r.units.length} units and ${r.procedures.length} procedures in ${r.seconds.toFixed(1)} s (${Math.round(r.dossiers / r.seconds)} dossiers/s)`,
    );
  } finally {
    bar.stop();
    await closeContext(ctx);
  }
}

/** `indicators rebuild` recomputes the service index's counts from the logs; `indicators check` says where they differ. */
async function indicators(config: Config, what: string | undefined) {
  if (what !== 'rebuild' && what !== 'check') {
    console.error('usage: indicators rebuild|check');
    process.exitCode = 2;
    return;
  }
  const ctx = await createContext(config, { worker: false });
  try {
    const r = await rebuildIndicators(ctx, { check: what === 'check' });
    console.log(`${r.dossiers} dossiers, ${r.dayRows} unit-procedure-day rows, ${r.unitDayRows} unit-day rows`);
    if (what === 'check') {
      for (const d of r.differences.slice(0, 50)) console.log(`${d.table} ${d.key} ${d.counter}: stored ${d.stored}, from the logs ${d.computed}`);
      console.log(r.differences.length ? `${r.differences.length} differences` : 'the counts agree with the logs');
      if (r.differences.length) process.exitCode = 1;
    }
  } finally {
    await closeContext(ctx);
  }
}

async function printTotp(config: Config, username: string | undefined) {
  if (config.mode !== 'demo') throw new AppError('FORBIDDEN', { vi: 'Chỉ dùng trong chế độ demo', en: 'Demo mode only' });
  const demo = (readDemo('organisation.json') as { staff: { username: string; totpSecret?: string | null }[] }).staff.find((s) => s.username === username);
  if (!demo?.totpSecret)
    throw new AppError('NOT_FOUND', { vi: `Tài khoản demo ${username ?? ''} không dùng mã xác thực`, en: `Demo account ${username ?? ''} has no TOTP secret` });
  console.log(totpCode(demo.totpSecret));
}

/**
 * SIGTERM and SIGINT stop the process cleanly: the caller drains and closes (`stop`), within
 * the grace period from the signal plus a margin for closing; then the process exits 0. The
 * handlers are installed before start-up, so a signal during migrations or the demo load stops
 * the process once that step is done instead of killing it mid-transaction. A second signal
 * exits at once. If closing hangs past the margin, the process exits 1 rather than linger.
 *
 * `npm start` reaches here because its script `exec`s node: npm forwards the signal to its
 * child, and without `exec` that child is `sh`, which dies and leaves node running.
 */
function watchSignals(log: Logger, graceMs: number) {
  const CLOSE_MARGIN_MS = 10_000;
  let received: NodeJS.Signals | null = null;
  let at = 0;
  let notify!: (s: NodeJS.Signals) => void;
  const requested = new Promise<NodeJS.Signals>((r) => (notify = r));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (received) {
        log.warn({ signal: sig }, 'second signal: exiting at once');
        process.exit(128 + constants.signals[sig]);
      }
      received = sig;
      at = Date.now();
      log.info({ signal: sig, graceSeconds: graceMs / 1000 }, 'stopping');
      notify(sig);
    });
  }
  return {
    requested,
    get received() {
      return received;
    },
    /** When requests and jobs in flight must have finished. */
    deadline: () => at + graceMs,
    async stop(close: () => Promise<unknown>): Promise<never> {
      const hang = setTimeout(
        () => {
          log.error({ seconds: (graceMs + CLOSE_MARGIN_MS) / 1000 }, 'shutdown did not finish in time: exiting');
          process.exit(1);
        },
        Math.max(0, at + graceMs + CLOSE_MARGIN_MS - Date.now()),
      );
      hang.unref();
      try {
        await close();
      } catch (e) {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      }
      log.info({ ms: Date.now() - at }, 'stopped');
      process.exit(0);
    },
  };
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof AppError) {
    console.error(`${err.text.vi}\n${err.text.en}`);
    for (const d of err.details ?? []) console.error(`  ${d.path}: ${d.message} / ${d.messageEn}`);
  } else console.error(err);
  process.exit(1);
});
