import type { Selectable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { parseInput, unitsWithRole } from './payment-store.ts';
import { DayQuery, type MismatchView, type ReconciliationView, type RunView } from './schemas.ts';
import type { ReconciliationItemsTable, ReconciliationRunsTable } from './tables.ts';

/** Runs shown per day: a day is re-run after its mismatches are looked into, a handful of times at most. */
const RUNS_PER_DAY = 20;

/**
 * What of the reconciliation a principal sees: null for everything (the job), or the units where
 * the official is a finance officer (and those beneath). A line of the statement we have no
 * payment for belongs to no unit: every finance officer sees it, since any of them may be the
 * one who finds whose it is.
 */
async function scopeOf(ctx: Ctx, p: Principal | null): Promise<Set<string> | null> {
  if (!p) return null;
  if (p.kind !== 'staff') throw forbidden();
  const units = await unitsWithRole(ctx, p, ['finance_officer']);
  if (!units.length) throw forbidden();
  return new Set(units);
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

async function itemsOf(ctx: Ctx, runIds: string[], scope: Set<string> | null): Promise<Map<string, MismatchView[]>> {
  const out = new Map<string, MismatchView[]>(runIds.map((id) => [id, []]));
  if (!runIds.length) return out;
  const rows = await ctx.database.db
    .selectFrom('reconciliation_items as i')
    .leftJoin('payments as p', 'p.id', 'i.payment_id')
    .selectAll('i')
    .select('p.dossier_code')
    .where('i.run_id', 'in', runIds)
    .orderBy('i.kind')
    .orderBy('i.reference')
    .execute();
  for (const r of rows as (Selectable<ReconciliationItemsTable> & { dossier_code: string | null })[]) {
    if (scope && r.unit_id !== null && !scope.has(r.unit_id)) continue;
    out.get(r.run_id)!.push({
      id: r.id,
      kind: r.kind,
      reference: r.reference,
      paymentId: r.payment_id,
      dossierCode: r.dossier_code,
      unitId: r.unit_id,
      ours: r.ours,
      theirs: r.theirs,
      resolvedBy: r.resolved_by,
      resolvedAt: iso(r.resolved_at),
      note: r.note,
    });
  }
  return out;
}

function toRun(r: Selectable<ReconciliationRunsTable>, items: MismatchView[]): RunView {
  return {
    id: r.id,
    day: r.day,
    startedBy: r.started_by,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: iso(r.finished_at),
    statementLines: r.statement_lines,
    ledgerPayments: r.ledger_payments,
    // What this reader sees of the run's mismatches (another unit's are not theirs to read).
    mismatches: items.length,
    items,
  };
}

/** One run with the mismatches the principal may see (`p` null: all). */
export async function runView(ctx: Ctx, id: string, p: Principal | null): Promise<RunView> {
  const scope = await scopeOf(ctx, p);
  const run = await ctx.database.db.selectFrom('reconciliation_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!run) throw notFound({ vi: 'lần đối soát này', en: 'This reconciliation run' });
  return toRun(run, (await itemsOf(ctx, [id], scope)).get(id)!);
}

/** The runs of a Vietnam day, newest first, each with the mismatches the finance officer may see. */
export async function listReconciliation(ctx: Ctx, raw: unknown, p: Principal): Promise<ReconciliationView> {
  const { day } = parseInput(DayQuery, raw, 'query');
  const scope = await scopeOf(ctx, p);
  const runs = await ctx.database.db
    .selectFrom('reconciliation_runs')
    .selectAll()
    .where('day', '=', day)
    .orderBy('started_at', 'desc')
    .limit(RUNS_PER_DAY)
    .execute();
  const items = await itemsOf(
    ctx,
    runs.map((r) => r.id),
    scope,
  );
  return { day, runs: runs.map((r) => toRun(r, items.get(r.id)!)) };
}
