import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/index.ts';
import { ab, bytes, engine, OID } from '../signing/crypto.ts';
import { parseTimeStampToken, rfc3161Client, type TimestampFn } from '../signing/timestamp.ts';
import { AUDIT_CHAINS, canonicalJson, CHECKPOINT_LOCK, GENESIS, LOCK_KEY } from './chain.ts';

/*
 * Checkpoints anchor the audit trail's chain heads outside the table they protect.
 *
 * A hash chain shows an entry edited or removed from the middle, but not entries removed
 * from its end: what is left is a shorter, well-linked chain. So every few minutes (the
 * `audit.checkpoint` job, by whichever node picks it up) and before every verification, a
 * checkpoint records each chain's head (last id and hash). Checkpoints form a chain of their
 * own, each signed with HMAC-SHA-256 under a key that lives in the configuration
 * (AUDIT_SECRET, or one derived from TOKEN_SECRET; in demo mode from DATA_DIR/secrets.json),
 * never in the database, and time-stamped by the RFC 3161 authority when one is configured.
 * The newest checkpoint this node took is also written to a file in DATA_DIR (atomically),
 * so deleting checkpoints together with entries shows too.
 *
 * Against someone who can change the database but holds neither the key nor DATA_DIR (a
 * database administrator, a stolen database password, SQL injection), verification reports:
 * an entry edited in any column; an entry deleted from the middle of a chain; entries
 * deleted from a chain's end, when a checkpoint had already recorded them; a checkpoint
 * edited, deleted from the middle or forged; the newest checkpoints deleted (the file in
 * DATA_DIR names one that is gone or differs).
 *
 * Not detected:
 * - Entries written after the newest checkpoint can vanish unnoticed (with every entry
 *   after them in their chain): no checkpoint has seen them yet. The window is the
 *   schedule's, five minutes at most, and a verification closes it by checkpointing first.
 * - Someone who also holds the key can forge a consistent trail and checkpoint chain; a
 *   time-stamp token cannot be forged for a past time, but tokens are optional (a checkpoint
 *   taken while the authority was unreachable has none), so they only date what they cover.
 * - Someone who can also write this node's DATA_DIR can rewind the file. With several
 *   nodes each keeps its own file; a node compares the checkpoint it last took.
 * - The database alone cannot tell a legitimate reset from a deletion: a new database
 *   under the same DATA_DIR is reported until the operator removes the anchor file.
 *   (The file's name includes the database's address, so pointing a node at another
 *   database starts a new anchor instead.)
 */

export type Heads = [id: number, hash: string][];

export interface AuditAnchor {
  /** The HMAC key of checkpoints: from the configuration, never stored in the database. */
  secret: string;
  /** The newest checkpoint's seq and hash, outside the database. */
  file: string;
  /** RFC 3161 time-stamping, when a TSA is configured. */
  timestamp?: TimestampFn;
}

export interface CheckpointRow {
  seq: number;
  at: Date;
  heads: Heads;
  prev_hash: string;
  hash: string;
  signature: string;
  tsa_token: string | null;
}

export interface CheckpointInfo {
  seq: number;
  at: Date;
  hash: string;
  /** Whether a time-stamp token is stored with it. */
  timestamped: boolean;
  /** False when nothing was written since the previous checkpoint (it was kept). */
  created: boolean;
}

const anchors = new WeakMap<Config, AuditAnchor>();

/** The key, anchor file and time-stamping client of this configuration. */
export function auditAnchorOf(config: Config): AuditAnchor {
  let a = anchors.get(config);
  if (!a) {
    const where = config.databaseUrl ? databaseAddress(config.databaseUrl) : 'embedded';
    const id = createHash('sha256').update(where).digest('hex').slice(0, 16);
    a = {
      secret: config.secrets.audit,
      file: path.join(config.dataDir, 'audit', `anchor-${id}.json`),
      timestamp: config.tsaUrl ? rfc3161Client(`${config.tsaUrl}`, { timeoutMs: 10_000 }) : undefined,
    };
    anchors.set(config, a);
  }
  return a;
}

/** host:port/database, without credentials, so changing a password keeps the anchor. */
function databaseAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return url;
  }
}

export function checkpointHash(seq: number, at: Date, heads: Heads, prev: string): string {
  return createHash('sha256')
    .update(['congso-audit-checkpoint-1', seq, at.toISOString(), canonicalJson(heads), prev].join('\n'))
    .digest('hex');
}

export const signCheckpoint = (secret: string, hash: string) => createHmac('sha256', secret).update(`audit-checkpoint:${hash}`).digest('hex');

export function signatureOk(secret: string, hash: string, signature: string): boolean {
  const want = Buffer.from(signCheckpoint(secret, hash), 'hex');
  const got = Buffer.from(signature, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A stored token is over this checkpoint's hash and its signature verifies (the TSA's trust is the operator's choice of TSA_URL). */
export async function timestampOk(tokenBase64: string, hash: string): Promise<boolean> {
  try {
    const data = new Uint8Array(Buffer.from(hash, 'hex'));
    const { signedData, tstInfo } = parseTimeStampToken(new Uint8Array(Buffer.from(tokenBase64, 'base64')));
    const mi = tstInfo.messageImprint;
    if (mi.hashAlgorithm.algorithmId !== OID.sha256) return false;
    if (!Buffer.from(bytes(mi.hashedMessage.valueBlock.valueHexView)).equals(createHash('sha256').update(data).digest())) return false;
    return (await signedData.verify({ signer: 0, data: ab(data), checkChain: false }, engine)) === true;
  } catch {
    return false;
  }
}

export function toCheckpoint(r: Record<string, unknown>): CheckpointRow {
  return {
    seq: Number(r.seq),
    at: new Date(r.at as string | Date),
    heads: (typeof r.heads === 'string' ? JSON.parse(r.heads) : r.heads) as Heads,
    prev_hash: String(r.prev_hash),
    hash: String(r.hash),
    signature: String(r.signature),
    tsa_token: (r.tsa_token as string | null) ?? null,
  };
}

/** Each chain's head: 16 index lookups (audit_log_chain), however long the trail. */
export async function readHeads(db: Queryable): Promise<Heads> {
  const { rows } = await sql<{ chain: number; id: number | string | null; hash: string | null }>`
    select c.chain, h.id, h.hash
      from generate_series(0, ${sql.lit(AUDIT_CHAINS - 1)}) as c(chain)
      left join lateral (select id, hash from audit_log where chain = c.chain order by id desc limit 1) h on true
     order by c.chain`.execute(db);
  return rows.map((r) => [r.id === null ? 0 : Number(r.id), r.hash ?? GENESIS]);
}

/**
 * Records every chain's head as the next checkpoint, unless nothing was written since the
 * last one (then that one stands): two small queries when the trail is quiet. Checkpoints
 * are serialised by an advisory lock, so concurrent callers on any node form one chain.
 * The time-stamp is asked for after the commit (no lock held while the TSA answers); if
 * the TSA fails the checkpoint stays signed, and the next call asks again.
 */
export async function takeCheckpoint(ctx: { config: Config; database: { db: Queryable }; log: Pick<Logger, 'warn' | 'error'> }): Promise<CheckpointInfo> {
  const anchor = auditAnchorOf(ctx.config);
  const db = ctx.database.db;
  const { row, created } = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${LOCK_KEY}, ${CHECKPOINT_LOCK})`.execute(tx);
    const { rows } = await sql<Record<string, unknown>>`select * from audit_checkpoints order by seq desc limit 1`.execute(tx);
    const last = rows[0] ? toCheckpoint(rows[0]) : null;
    const heads = await readHeads(tx);
    // A last checkpoint that is not ours (forged) is never reused nor anchored: a new one
    // follows it, and verification keeps reporting it.
    const ours =
      last !== null && signatureOk(anchor.secret, last.hash, last.signature) && checkpointHash(last.seq, last.at, last.heads, last.prev_hash) === last.hash;
    if (last && ours && canonicalJson(last.heads) === canonicalJson(heads)) return { row: last, created: false };
    const seq = (last?.seq ?? 0) + 1;
    const at = new Date();
    const prev = last?.hash ?? GENESIS;
    const hash = checkpointHash(seq, at, heads, prev);
    const signature = signCheckpoint(anchor.secret, hash);
    await sql`insert into audit_checkpoints (seq, at, heads, prev_hash, hash, signature)
              values (${seq}, ${at}, ${JSON.stringify(heads)}::jsonb, ${prev}, ${hash}, ${signature})`.execute(tx);
    return { row: { seq, at, heads, prev_hash: prev, hash, signature, tsa_token: null } as CheckpointRow, created: true };
  });
  let timestamped = row.tsa_token !== null;
  if (!timestamped && anchor.timestamp) {
    try {
      const token = Buffer.from(await anchor.timestamp(new Uint8Array(Buffer.from(row.hash, 'hex')))).toString('base64');
      await sql`update audit_checkpoints set tsa_token = ${token} where seq = ${row.seq} and hash = ${row.hash} and tsa_token is null`.execute(db);
      timestamped = true;
    } catch (e) {
      ctx.log.warn({ err: e, seq: row.seq }, 'audit checkpoint: time-stamping failed; the checkpoint stays signed, without a token');
    }
  }
  await advanceAnchor(db, anchor.file, row, ctx.log);
  return { seq: row.seq, at: row.at, hash: row.hash, timestamped, created };
}

export type AnchorRead = { state: 'none' } | { state: 'unreadable'; reason: string } | { state: 'present'; seq: number; hash: string };

export function readAnchor(file: string): AnchorRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
    return { state: 'unreadable', reason: (e as Error).message };
  }
  try {
    const v = JSON.parse(text) as { seq?: unknown; hash?: unknown };
    if (typeof v.seq === 'number' && Number.isInteger(v.seq) && v.seq > 0 && typeof v.hash === 'string' && /^[0-9a-f]{64}$/.test(v.hash)) {
      return { state: 'present', seq: v.seq, hash: v.hash };
    }
    return { state: 'unreadable', reason: 'unexpected content' };
  } catch (e) {
    return { state: 'unreadable', reason: (e as Error).message };
  }
}

const anchorWrites = new Map<string, Promise<void>>();

/**
 * Moves the file forward to `cp`, one write at a time per file. It never moves backwards,
 * and never past a mismatch: when the checkpoint it names is gone or differs, it is kept
 * as the evidence verification reports (an operator removes it after investigating).
 */
async function advanceAnchor(db: Queryable, file: string, cp: CheckpointRow, log: Pick<Logger, 'error'>): Promise<void> {
  const next = (anchorWrites.get(file) ?? Promise.resolve())
    .then(async () => {
      const cur = readAnchor(file);
      if (cur.state === 'unreadable') return log.error({ file, reason: cur.reason }, 'audit anchor unreadable; left as it is');
      if (cur.state === 'present') {
        if (cur.seq >= cp.seq) return;
        const { rows } = await sql<{ hash: string }>`select hash from audit_checkpoints where seq = ${cur.seq}`.execute(db);
        if (rows[0]?.hash !== cur.hash)
          return log.error({ file, seq: cur.seq }, 'audit anchor: the checkpoint it names is missing or changed; the anchor is kept as evidence');
      }
      writeAtomically(file, `${JSON.stringify({ seq: cp.seq, hash: cp.hash, at: cp.at.toISOString() })}\n`);
    })
    .catch((e: unknown) => log.error({ err: e, file }, 'audit anchor: writing failed'));
  anchorWrites.set(file, next);
  await next;
}

/** A reader sees the old file or the new one, never half of one, even after a crash. */
function writeAtomically(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
