import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { nowOf, parseInput, unitsWithRole } from './payment-store.ts';
import { ResolveInput, type MismatchView } from './schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A finance officer closes a mismatch with a note saying what was found and done (the bank
 * confirmed the transfer, the refund was made, the platform corrected its file). A mismatch of
 * another unit is a 404; one already resolved keeps its note (409 CONFLICT).
 */
export async function resolveMismatch(ctx: Ctx, id: string, raw: unknown, p: Principal): Promise<MismatchView> {
  const { note } = parseInput(ResolveInput, raw, 'body');
  if (p.kind !== 'staff') throw forbidden();
  const units = await unitsWithRole(ctx, p, ['finance_officer']);
  if (!units.length) throw forbidden();
  const missing = () => notFound({ vi: 'chênh lệch đối soát này', en: 'This reconciliation mismatch' });
  if (!UUID.test(id)) throw missing();
  const actor = actorOf(p);
  return ctx.database.db.transaction().execute(async (tx) => {
    const item = await tx.selectFrom('reconciliation_items').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!item || (item.unit_id !== null && !units.includes(item.unit_id))) throw missing();
    if (item.resolved_at)
      throw new AppError('CONFLICT', {
        vi: 'Chênh lệch này đã được xử lý; ghi chú đã ghi không thay đổi',
        en: 'This mismatch was already resolved; its note stands',
      });
    const done = await tx
      .updateTable('reconciliation_items')
      .set({ resolved_by: actor, resolved_at: nowOf(ctx), note })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const run = await tx.selectFrom('reconciliation_runs').select('day').where('id', '=', item.run_id).executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor,
      action: 'payment.mismatch.resolve',
      target: `reconciliation:${run.day}`,
      data: { item: id, kind: item.kind, reference: item.reference, note },
    });
    const dossier = item.payment_id
      ? ((await tx.selectFrom('payments').select('dossier_code').where('id', '=', item.payment_id).executeTakeFirst())?.dossier_code ?? null)
      : null;
    return {
      id: done.id,
      kind: done.kind,
      reference: done.reference,
      paymentId: done.payment_id,
      dossierCode: dossier,
      unitId: done.unit_id,
      ours: done.ours,
      theirs: done.theirs,
      resolvedBy: done.resolved_by,
      resolvedAt: done.resolved_at ? new Date(done.resolved_at).toISOString() : null,
      note: done.note,
    };
  });
}
