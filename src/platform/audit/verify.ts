import { sql } from 'kysely';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/index.ts';
import { chainOf, entryHash, GENESIS } from './chain.ts';
import {
  auditAnchorOf,
  checkpointHash,
  readAnchor,
  signatureOk,
  takeCheckpoint,
  timestampOk,
  toCheckpoint,
  type AnchorRead,
  type CheckpointInfo,
} from './checkpoint.ts';

export type AuditProblemKind =
  /** An entry's content does not hash to its stored hash: any column but `chain` edited. */
  | 'entry-edited'
  /** An entry's `chain` is not the one its target belongs to. */
  | 'entry-moved'
  /** An entry does not link to the one before it in its chain: entries deleted in between. */
  | 'entries-deleted'
  /** A chain ends before the head a checkpoint recorded: its newest entries deleted. */
  | 'tail-deleted'
  /** The entry a checkpoint recorded as a chain's head has another hash: the chain rewritten. */
  | 'head-changed'
  /** A checkpoint's content does not hash to its stored hash. */
  | 'checkpoint-edited'
  /** A checkpoint does not follow the one before it: checkpoints deleted or replaced. */
  | 'checkpoints-deleted'
  /** A checkpoint's signature is not ours: forged, or AUDIT_SECRET changed. */
  | 'checkpoint-signature'
  /** A checkpoint's time-stamp token is not over its hash, or does not verify. */
  | 'checkpoint-timestamp'
  /** The checkpoint kept outside the database is missing or differs. */
  | 'anchor-mismatch';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The chain concerned, for problems with entries. */
  chain: number | null;
  /** The entry concerned. */
  id?: number;
  /** Entries missing: ids from `fromId` to `toId` (inclusive) of `chain`, some of them. */
  fromId?: number;
  toId?: number;
  /** The checkpoint concerned. */
  checkpoint?: number;
  message: string;
  messageEn: string;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The first entry concerned by a problem (for a deleted tail, the first missing id). */
  firstBrokenId: number | null;
  problems: AuditProblem[];
  /** More problems than listed (the list stops at MAX_PROBLEMS). */
  moreProblems: number;
  /** The checkpoint taken (or kept) for this verification; null without the key. */
  checkpoint: Pick<CheckpointInfo, 'seq' | 'at' | 'timestamped'> | null;
  checkpointsChecked: number;
}

const MAX_PROBLEMS = 100;

/** What verification needs: the database, and for checkpoints the configuration (key, DATA_DIR, TSA). */
type Source = { config: Config; database: { db: Queryable }; log: Parameters<typeof takeCheckpoint>[0]['log'] };

/**
 * Verifies the whole trail. Given the context, it first takes a checkpoint (so nothing
 * written until now can vanish unnoticed afterwards), then checks every checkpoint (link,
 * hash, signature, time-stamp), the checkpoint kept in DATA_DIR, and every entry (content,
 * chain, link) against the furthest head any valid checkpoint recorded per chain.
 *
 * Given only a database (tests and tools that open one), it cannot check signatures or the
 * anchor and takes no checkpoint; links and heads are still checked.
 *
 * Everything is read in one repeatable-read snapshot, so entries committed while the walk
 * runs are either all seen or all unseen (no false alarm from a concurrent writer). Reads
 * are in batches of `batch` ids; memory is per chain, not per entry.
 */
export async function verifyAudit(source: Source | Queryable, batch = 2000): Promise<VerifyResult> {
  const withKey = 'config' in source && 'database' in source;
  const db = withKey ? (source as Source).database.db : (source as Queryable);
  const anchor = withKey ? auditAnchorOf((source as Source).config) : null;
  // Read before checkpointing: the file names what this node checkpointed before now.
  const kept: AnchorRead = anchor ? readAnchor(anchor.file) : { state: 'none' };
  const taken = withKey ? await takeCheckpoint(source as Source) : null;

  const problems: AuditProblem[] = [];
  let total = 0;
  const report = (p: AuditProblem) => {
    total++;
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };

  const { checked, checkpointsChecked } = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      // Checkpoints: the furthest valid head of each chain.
      const furthest = new Map<number, { id: number; hash: string; seq: number }>();
      let prev: { seq: number; hash: string } | null = null;
      let keptFound = false;
      let nCheckpoints = 0;
      for (let after = Number.MIN_SAFE_INTEGER; ; ) {
        const { rows } = await sql<Record<string, unknown>>`select * from audit_checkpoints where seq > ${after} order by seq limit ${batch}`.execute(tx);
        for (const raw of rows) {
          const cp = toCheckpoint(raw);
          nCheckpoints++;
          const expectedPrev: string = prev?.hash ?? GENESIS;
          const expectedSeq: number = (prev?.seq ?? 0) + 1;
          if (cp.seq !== expectedSeq || cp.prev_hash !== expectedPrev) {
            report({
              kind: 'checkpoints-deleted',
              chain: null,
              checkpoint: cp.seq,
              message:
                cp.seq !== expectedSeq
                  ? `Thiếu điểm kiểm tra số ${expectedSeq}${cp.seq - 1 > expectedSeq ? ` đến ${cp.seq - 1}` : ''} trước điểm kiểm tra số ${cp.seq}: đã bị xoá.`
                  : `Điểm kiểm tra số ${cp.seq} không nối tiếp điểm kiểm tra trước nó: điểm kiểm tra đã bị xoá hoặc thay thế.`,
              messageEn:
                cp.seq !== expectedSeq
                  ? `Checkpoint ${expectedSeq}${cp.seq - 1 > expectedSeq ? ` to ${cp.seq - 1}` : ''} before checkpoint ${cp.seq} is missing: deleted.`
                  : `Checkpoint ${cp.seq} does not follow the one before it: checkpoints were deleted or replaced.`,
            });
          }
          let valid = true;
          if (checkpointHash(cp.seq, cp.at, cp.heads, cp.prev_hash) !== cp.hash) {
            valid = false;
            report({
              kind: 'checkpoint-edited',
              chain: null,
              checkpoint: cp.seq,
              message: `Điểm kiểm tra số ${cp.seq} đã bị sửa.`,
              messageEn: `Checkpoint ${cp.seq} was edited.`,
            });
          }
          if (anchor && !signatureOk(anchor.secret, cp.hash, cp.signature)) {
            valid = false;
            report({
              kind: 'checkpoint-signature',
              chain: null,
              checkpoint: cp.seq,
              message: `Chữ ký của điểm kiểm tra số ${cp.seq} không hợp lệ: điểm kiểm tra giả mạo (hoặc khoá AUDIT_SECRET đã đổi).`,
              messageEn: `Checkpoint ${cp.seq} has a bad signature: forged (or AUDIT_SECRET was changed).`,
            });
          }
          if (cp.tsa_token !== null && !(await timestampOk(cp.tsa_token, cp.hash))) {
            report({
              kind: 'checkpoint-timestamp',
              chain: null,
              checkpoint: cp.seq,
              message: `Dấu thời gian của điểm kiểm tra số ${cp.seq} không khớp hoặc không hợp lệ.`,
              messageEn: `Checkpoint ${cp.seq}'s time-stamp does not match it or does not verify.`,
            });
          }
          if (kept.state === 'present' && cp.seq === kept.seq) {
            keptFound = true;
            if (cp.hash !== kept.hash) report(anchorProblem(kept.seq, 'differs'));
          }
          if (valid && Array.isArray(cp.heads)) {
            cp.heads.forEach((head, chain) => {
              if (!Array.isArray(head) || typeof head[0] !== 'number' || typeof head[1] !== 'string') return;
              const [id, hash] = head;
              const f = furthest.get(chain);
              if (id > 0 && (!f || id > f.id)) furthest.set(chain, { id, hash, seq: cp.seq });
            });
          }
          prev = { seq: cp.seq, hash: cp.hash };
        }
        if (rows.length < batch) break;
        after = Number(rows[rows.length - 1]!.seq);
      }
      if (kept.state === 'present' && !keptFound) report(anchorProblem(kept.seq, 'missing'));
      if (kept.state === 'unreadable') report(anchorProblem(0, 'unreadable'));

      // Entries, chain by chain in id order. `last` is the previous entry of each chain:
      // its stored hash (what the next entry links to) and the hash its content gives.
      const last = new Map<number, { id: number; hash: string; computed: string }>();
      const headSeen = new Set<number>();
      const headAt = new Map([...furthest].map(([chain, h]) => [h.id, { chain, hash: h.hash, seq: h.seq }]));
      let n = 0;
      for (let after = Number.MIN_SAFE_INTEGER; ; ) {
        const rows = await tx.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id').limit(batch).execute();
        for (const r of rows) {
          n++;
          const id = Number(r.id);
          const chain = chainOf({ actor: r.actor, target: r.target });
          if (Number(r.chain) !== chain) {
            report({
              kind: 'entry-moved',
              chain,
              id,
              message: `Bản ghi #${id} đã bị chuyển sang chuỗi ${r.chain} (thuộc chuỗi ${chain}).`,
              messageEn: `Entry #${id} was moved to chain ${r.chain} (it belongs to chain ${chain}).`,
            });
          }
          const data = r.data as unknown as Record<string, unknown>;
          const computed = entryHash(id, new Date(r.at), { actor: r.actor, action: r.action, target: r.target, data }, r.prev_hash);
          const before = last.get(chain);
          let linkBroken = false;
          if (computed !== r.hash) {
            report({
              kind: 'entry-edited',
              chain,
              id,
              message: `Bản ghi #${id} (chuỗi ${chain}) đã bị sửa.`,
              messageEn: `Entry #${id} (chain ${chain}) was edited.`,
            });
          } else if (r.prev_hash !== (before?.hash ?? GENESIS) && r.prev_hash !== before?.computed) {
            // (A link to what the previous entry's content hashes to means that entry's hash
            // column was edited, reported there already.)
            linkBroken = true;
            const fromId = (before?.id ?? 0) + 1;
            report({
              kind: 'entries-deleted',
              chain,
              id,
              fromId,
              toId: id - 1,
              message: `Chuỗi ${chain}: bản ghi #${id} không nối tiếp bản ghi trước nó${before ? ` (#${before.id})` : ''}; các bản ghi của chuỗi này nằm giữa hai bản ghi đó đã bị xoá.`,
              messageEn: `Chain ${chain}: entry #${id} does not follow the entry before it${before ? ` (#${before.id})` : ''}; this chain's entries between the two were deleted.`,
            });
          }
          // A recorded head is matched by id: checkpoints read heads by the stored `chain`
          // column, which an attacker may have changed (reported above) and set back.
          const recorded = headAt.get(id);
          if (recorded) {
            headSeen.add(recorded.chain);
            if (r.hash !== recorded.hash) {
              report({
                kind: 'head-changed',
                chain: recorded.chain,
                id,
                checkpoint: recorded.seq,
                message: `Chuỗi ${recorded.chain}: bản ghi #${id} khác với bản ghi mà điểm kiểm tra số ${recorded.seq} đã ghi nhận; chuỗi đã bị viết lại.`,
                messageEn: `Chain ${recorded.chain}: entry #${id} differs from what checkpoint ${recorded.seq} recorded; the chain was rewritten.`,
              });
            }
          }
          const head = furthest.get(chain);
          if (head && id > head.id && !headSeen.has(chain)) {
            // The recorded head is gone but the chain goes on: a link break above names the
            // gap; a chain that links well past it was cut and written on.
            headSeen.add(chain);
            if (!linkBroken) report(tailProblem(chain, (before?.id ?? 0) + 1, head.id, head.seq));
          }
          last.set(chain, { id, hash: r.hash, computed });
        }
        if (rows.length < batch) break;
        after = Number(rows[rows.length - 1]!.id);
      }
      for (const [chain, head] of furthest) {
        if (!headSeen.has(chain)) report(tailProblem(chain, (last.get(chain)?.id ?? 0) + 1, head.id, head.seq));
      }
      return { checked: n, checkpointsChecked: nCheckpoints };
    });

  const ids = problems.map((p) => p.id ?? p.fromId).filter((x): x is number => x !== undefined);
  return {
    ok: total === 0,
    checked,
    firstBrokenId: ids.length ? Math.min(...ids) : null,
    problems,
    moreProblems: total - problems.length,
    checkpoint: taken ? { seq: taken.seq, at: taken.at, timestamped: taken.timestamped } : null,
    checkpointsChecked,
  };
}

function tailProblem(chain: number, fromId: number, toId: number, seq: number): AuditProblem {
  return {
    kind: 'tail-deleted',
    chain,
    fromId,
    toId,
    checkpoint: seq,
    message: `Chuỗi ${chain}: các bản ghi mới nhất đã bị xoá. Điểm kiểm tra số ${seq} ghi nhận chuỗi kéo dài đến bản ghi #${toId}, nhưng các bản ghi từ #${fromId} đến #${toId} không còn.`,
    messageEn: `Chain ${chain}: its newest entries were deleted. Checkpoint ${seq} recorded the chain up to entry #${toId}, but entries #${fromId} to #${toId} are gone.`,
  };
}

function anchorProblem(seq: number, why: 'missing' | 'differs' | 'unreadable'): AuditProblem {
  const [vi, en] =
    why === 'missing'
      ? [
          `Điểm kiểm tra số ${seq}, được lưu cả ngoài cơ sở dữ liệu, không còn trong cơ sở dữ liệu: các điểm kiểm tra mới nhất đã bị xoá.`,
          `Checkpoint ${seq}, also kept outside the database, is no longer in it: the newest checkpoints were deleted.`,
        ]
      : why === 'differs'
        ? [
            `Điểm kiểm tra số ${seq} khác với bản lưu ngoài cơ sở dữ liệu: đã bị thay thế.`,
            `Checkpoint ${seq} differs from the copy kept outside the database: it was replaced.`,
          ]
        : [
            'Không đọc được điểm kiểm tra lưu ngoài cơ sở dữ liệu (tệp trong thư mục dữ liệu).',
            'The checkpoint kept outside the database (a file in the data folder) cannot be read.',
          ];
  return { kind: 'anchor-mismatch', chain: null, ...(seq ? { checkpoint: seq } : {}), message: vi, messageEn: en };
}
