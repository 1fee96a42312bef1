/**
 * A PostgreSQL instance of our own, in a temporary folder on a port we choose, that a test or
 * the local cluster (`npm run cluster`) may stop, start, kill and promote at will (never the
 * machine's shared server). initdb and postgres refuse to run as root, so as root they run as
 * the `postgres` OS user. Replication is PostgreSQL's own: a primary with `wal_level=replica`
 * and a streaming standby made by `pg_basebackup -R`; nothing here copies data itself.
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** The folder holding initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, else PATH. */
export function postgresBin(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(path.join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(debian, versions[0], 'bin');
  }
  try {
    return path.dirname(execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error('initdb not found: install PostgreSQL (Debian: apt-get install postgresql)');
  }
}

/** Whether initdb is installed; without it (outside CI) the tests that need their own PostgreSQL are skipped with a warning. */
export function postgresInstallable(): boolean {
  try {
    postgresBin();
    return true;
  } catch (e) {
    if (process.env.CI) return true; // let the test fail on it
    console.warn(`${(e as Error).message}: tests needing a PostgreSQL of their own are skipped`);
    return false;
  }
}

export class PgInstance {
  readonly dir: string;
  readonly data: string;
  readonly sockets: string;
  readonly bin = postgresBin();
  readonly asRoot = process.getuid?.() === 0;
  running = false;

  constructor(readonly port: number) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'congso-pg-'));
    this.data = path.join(this.dir, 'data');
    this.sockets = path.join(this.dir, 'sockets');
    mkdirSync(this.sockets);
    if (this.asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(this.dir, uid, gid);
      chownSync(this.sockets, uid, gid);
    }
  }

  get url() {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private async pg(tool: string, args: string[], timeoutMs = 60_000) {
    const file = path.join(this.bin, tool);
    const [cmd, argv] = this.asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    try {
      return await run(cmd, argv, { cwd: this.dir, timeout: timeoutMs, env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' } });
    } catch (e) {
      const x = e as Error & { stdout?: string; stderr?: string };
      throw new Error(`${tool} ${args.join(' ')}: ${x.message}\n${x.stdout ?? ''}${x.stderr ?? ''}`);
    }
  }

  /** A new cluster; `replication`: ready to stream to standbys (initdb's trust rules already admit replication from 127.0.0.1). */
  async init(opts: { replication?: boolean } = {}) {
    await this.pg('initdb', ['-D', this.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    if (opts.replication) {
      // wal_keep_size lets a standby that was stopped for a while catch up from the primary's WAL.
      appendFileSync(
        path.join(this.data, 'postgresql.conf'),
        '\n# congso cluster: streaming replication\nwal_level = replica\nmax_wal_senders = 10\nwal_keep_size = 256MB\nhot_standby = on\nhot_standby_feedback = on\n',
      );
    }
  }

  /**
   * This instance as a streaming standby of `primary` (which must be running): a base backup
   * with `-R`, which writes `standby.signal` and the connection to the primary.
   */
  async initStandbyOf(primary: PgInstance) {
    await this.pg(
      'pg_basebackup',
      ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', this.data, '-R', '-X', 'stream', '-c', 'fast'],
      300_000,
    );
  }

  /** `max_connections` 100: a cluster's app nodes and workers each hold a pool. */
  async start(opts: { maxConnections?: number } = {}) {
    const o = `-p ${this.port} -k ${this.sockets} -c listen_addresses=127.0.0.1 -c max_connections=${opts.maxConnections ?? 50}`;
    await this.pg('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'postgres.log'), '-o', o, '-w', '-t', '60', 'start']);
    this.running = true;
  }

  /** Ends a standby's recovery: it becomes a primary that accepts writes (the failover runbook, docs/DEPLOY.md). */
  async promote() {
    await this.pg('pg_ctl', ['-D', this.data, '-w', '-t', '60', 'promote']);
  }

  /** Whether this instance is a standby (in recovery), asked of the server. */
  async inRecovery(): Promise<boolean> {
    const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 });
    await c.connect();
    try {
      return (await c.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0].r;
    } finally {
      await c.end();
    }
  }

  async stop(mode: 'immediate' | 'fast') {
    await this.pg('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
    this.running = false;
  }

  /** Stops the instance if it runs and removes its folder; never throws. */
  async destroy() {
    if (existsSync(path.join(this.data, 'postmaster.pid'))) await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Last resort when the process exits without afterAll (a crash of the test itself). */
  destroySync() {
    if (existsSync(path.join(this.data, 'postmaster.pid'))) {
      const file = path.join(this.bin, 'pg_ctl');
      const args = ['-D', this.data, '-m', 'immediate', '-w', 'stop'];
      try {
        if (this.asRoot) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { cwd: this.dir, stdio: 'ignore' });
        else execFileSync(file, args, { cwd: this.dir, stdio: 'ignore' });
      } catch {
        // already stopped
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
