import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import { seesResult } from './result-visibility.ts';

/**
 * Revokes a valid result, or marks it replaced by a newer one of the same dossier, with the
 * reason. Only the issuing unit's signing leaders (or an administrator above it) may; the row keeps
 * everything it had and its history gains the event, so the public status changes at once.
 * An official who may not see the result (`seesResult`: its dossier, or its issuing unit) gets the
 * 404 of a result that does not exist.
 */
export async function revokeResult(ctx: Ctx, code: string, input: { reason: string; replacedBy?: string }, p: Principal) {
  if (p.kind !== 'staff')
    throw new AppError('FORBIDDEN', { vi: 'Chỉ cán bộ có thẩm quyền được thu hồi kết quả', en: 'Only an authorised official may revoke a result' });
  const c = code.trim().toUpperCase();
  const missing = () => notFound({ vi: `kết quả ${c.slice(0, 80)}`, en: `Result ${c.slice(0, 80)}` });
  // What decides who sees a result (holder, issuer, dossier) never changes: checked once, before the transaction that locks the row.
  const known = await ctx.database.db
    .selectFrom('results')
    .select(['owner_citizen_id', 'issuer_unit', 'dossier_code'])
    .where('result_code', '=', c)
    .executeTakeFirst();
  if (!known || !(await seesResult(ctx, known, p))) throw missing();
  // An administrator revokes the results of the units their administrator role covers, not every unit's.
  const adminUnits = await coveredUnits(ctx, { ...p, roles: p.roles.filter((x) => x.role === 'administrator') });
  await ctx.database.db.transaction().execute(async (tx) => {
    const r = await tx
      .selectFrom('results')
      .select(['id', 'status', 'issuer_unit', 'dossier_code'])
      .where('result_code', '=', c)
      .forUpdate()
      .executeTakeFirst();
    if (!r) throw missing();
    const may = adminUnits.includes(r.issuer_unit) || p.roles.some((x) => x.role === 'signing_leader' && x.unitId === r.issuer_unit);
    if (!may)
      throw new AppError('FORBIDDEN', {
        vi: 'Chỉ lãnh đạo ký của đơn vị cấp kết quả hoặc quản trị hệ thống của đơn vị cấp trên được thu hồi',
        en: "Only the issuing unit's signing leaders, or an administrator above it, may revoke this result",
      });
    if (r.status !== 'valid')
      throw new AppError('RESULT_REVOKED', { vi: 'Kết quả đã bị thu hồi hoặc thay thế trước đó', en: 'The result was already revoked or replaced' });
    let replacedBy: string | null = null;
    if (input.replacedBy) {
      const n = await tx
        .selectFrom('results')
        .select(['result_code', 'dossier_code', 'status'])
        .where('result_code', '=', input.replacedBy.trim().toUpperCase())
        .executeTakeFirst();
      if (!n || n.result_code === c || !r.dossier_code || n.dossier_code !== r.dossier_code || n.status !== 'valid') {
        throw new AppError(
          'VALIDATION_FAILED',
          {
            vi: 'Kết quả thay thế phải là một kết quả khác, còn hiệu lực, của cùng hồ sơ',
            en: 'The replacement must be another valid result of the same dossier',
          },
          [{ path: 'body.replacedBy', message: 'Không phù hợp', messageEn: 'not a valid replacement' }],
        );
      }
      replacedBy = n.result_code;
    }
    const status = replacedBy ? 'replaced' : 'revoked';
    await tx.updateTable('results').set({ status, replaced_by: replacedBy }).where('id', '=', r.id).execute();
    await tx
      .insertInto('result_events')
      .values({ result_id: r.id, event: status, reason: input.reason, actor: actorOf(p) })
      .execute();
    await recordAudit(tx, {
      actor: actorOf(p),
      action: `result.${status === 'revoked' ? 'revoke' : 'replace'}`,
      target: `result:${c}`,
      data: { reason: input.reason, replacedBy },
    });
  });
}
