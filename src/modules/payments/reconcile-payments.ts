import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { paymentGateway } from './gateway/index.ts';
import type { StatementLine } from './gateway/gateway.ts';
import { nowOf, parseInput, unitsWithRole, type PaymentRow } from './payment-store.ts';
import { RunInput, type RunView } from './schemas.ts';
import type { MismatchKind, MismatchSide } from './tables.ts';
import { runView } from './list-reconciliation.ts';

/** The daily reconciliation job: yesterday's statement against our ledger, early each morning (Vietnam time). */
export const RECONCILE_QUEUE = 'payments.reconcile';

/** Finance officers reconcile and resolve (design: "runs reconciliation and resolves mismatches"). */
export const FINANCE_ROLES = ['finance_officer'] as const;

/** The instant a Vietnam day begins (UTC+7 all year). */
export const dayStart = (day: string) => new Date(`${day}T00:00:00+07:00`);

interface Found {
  kind: MismatchKind;
  reference: string;
  row: PaymentRow | null;
  ours: MismatchSide | null;
  theirs: MismatchSide | null;
}

/** A payment counts as paid on either side only in state success; failed, expired and pending all mean "not paid". */
const paid = (state: string) => state === 'success';

/**
 * Compares our ledger of one Vietnam day with the platform's statement of that day, and records
 * the run and every difference, each a mismatch for a finance officer to resolve:
 * - `missing_here`: a line of the statement for a transaction we have no online payment for;
 * - `missing_there`: an online payment we settled that day that the statement lacks;
 * - `amount_differs`: both have it, with other amounts;
 * - `state_differs`: one side says paid and the other does not.
 * The statement is fetched before the transaction; the run, its items and the audit entry are
 * written together. Running a day again records a new run beside the earlier ones.
 */
export async function reconcilePayments(ctx: Ctx, rawDay: unknown, actor: string): Promise<RunView> {
  const { day } = parseInput(RunInput, { day: rawDay }, 'body');
  const start = dayStart(day);
  if (Number.isNaN(start.getTime()) || vietnamDay(start) !== day)
    throw new AppError('VALIDATION_FAILED', { vi: `Ngày ${day} không có thật`, en: `${day} is not a real day` });
  if (start.getTime() > nowOf(ctx).getTime())
    throw new AppError('VALIDATION_FAILED', { vi: 'Không đối soát được ngày chưa đến', en: 'A day that has not begun cannot be reconciled' }, [
      { path: 'day', message: 'Ngày chưa đến', messageEn: 'The day has not begun' },
    ]);
  const end = new Date(start.getTime() + 24 * 3600_000);
  const lines: StatementLine[] = await paymentGateway(ctx).statement(day);
  const db = ctx.database.db;

  const references = [...new Set(lines.map((l) => l.reference))];
  const named = references.length ? await db.selectFrom('payments').selectAll().where('reference', 'in', references).execute() : [];
  const byReference = new Map(named.map((r) => [r.reference, r]));
  const settledThatDay = await db
    .selectFrom('payments')
    .selectAll()
    .where('method', '=', 'online')
    .where('state', '=', 'success')
    .where('settled_at', '>=', start)
    .where('settled_at', '<', end)
    .execute();

  const found: Found[] = [];
  const side = (r: PaymentRow): MismatchSide => ({ amount: Number(r.amount), state: r.state, gatewayTxn: r.gateway_txn });
  const theirsOf = (l: StatementLine): MismatchSide => ({ amount: l.amount, state: l.state, gatewayTxn: l.gatewayTxn });
  const seen = new Set<string>();
  for (const l of lines) {
    if (seen.has(l.reference)) continue;
    seen.add(l.reference);
    const row = byReference.get(l.reference);
    if (row?.method !== 'online') found.push({ kind: 'missing_here', reference: l.reference, row: null, ours: null, theirs: theirsOf(l) });
    else if (Number(row.amount) !== l.amount) found.push({ kind: 'amount_differs', reference: l.reference, row, ours: side(row), theirs: theirsOf(l) });
    else if (paid(row.state) !== paid(l.state)) found.push({ kind: 'state_differs', reference: l.reference, row, ours: side(row), theirs: theirsOf(l) });
  }
  for (const row of settledThatDay)
    if (!seen.has(row.reference)) found.push({ kind: 'missing_there', reference: row.reference, row, ours: side(row), theirs: null });

  const runId = await db.transaction().execute(async (tx) => {
    const run = await tx
      .insertInto('reconciliation_runs')
      .values({
        day,
        started_by: actor,
        finished_at: nowOf(ctx),
        statement_lines: lines.length,
        ledger_payments: settledThatDay.length,
        mismatches: found.length,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (found.length)
      await tx
        .insertInto('reconciliation_items')
        .values(
          found.map((f) => ({
            run_id: run.id,
            kind: f.kind,
            reference: f.reference,
            payment_id: f.row?.id ?? null,
            unit_id: f.row?.unit_id ?? null,
            ours: f.ours ? JSON.stringify(f.ours) : null,
            theirs: f.theirs ? JSON.stringify(f.theirs) : null,
          })),
        )
        .execute();
    await recordAudit(tx, {
      actor,
      action: 'payment.reconcile',
      target: `reconciliation:${day}`,
      data: { run: run.id, statementLines: lines.length, ledgerPayments: settledThatDay.length, mismatches: found.map((f) => `${f.kind} ${f.reference}`) },
    });
    return run.id;
  });
  if (found.length) ctx.log.warn({ day, mismatches: found.length }, 'payments: reconciliation found mismatches');
  return runView(ctx, runId, null);
}

/** A finance officer's manual run (POST /api/v1/payments/reconciliation/runs). */
export async function runReconciliation(ctx: Ctx, raw: unknown, p: Principal): Promise<RunView> {
  if (p.kind !== 'staff' || !(await unitsWithRole(ctx, p, FINANCE_ROLES)).length) throw forbidden();
  const { day } = parseInput(RunInput, raw, 'body');
  const run = await reconcilePayments(ctx, day, actorOf(p));
  return runView(ctx, run.id, p);
}

/** Yesterday in Vietnam: what the daily job reconciles (the platform's statement of a day is complete the next morning). */
export const yesterday = (now: Date) => vietnamDay(new Date(now.getTime() - 24 * 3600_000));
