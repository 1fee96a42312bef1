import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import type { UnitInput } from './schemas.ts';

/** Adds a unit to the agency tree. A ministry has no parent; everything else has one. */
export async function createUnit(ctx: Ctx, input: UnitInput, actor: string, tx?: Tx): Promise<void> {
  const run = async (t: Tx) => {
    if ((input.kind === 'ministry') !== (input.parentId === null)) {
      throw new AppError('VALIDATION_FAILED', {
        vi: 'Bộ/ngành không có đơn vị cấp trên; đơn vị khác phải có',
        en: 'A ministry has no parent; every other unit needs one',
      });
    }
    if (input.parentId && !(await t.selectFrom('org_units').select('id').where('id', '=', input.parentId).executeTakeFirst())) {
      throw new AppError('VALIDATION_FAILED', { vi: `Không có đơn vị cấp trên ${input.parentId}`, en: `Parent unit ${input.parentId} does not exist` });
    }
    const res = await t
      .insertInto('org_units')
      .values({ id: input.id, parent_id: input.parentId, kind: input.kind, name: input.name, name_en: input.nameEn ?? null })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!res) throw new AppError('UNIT_ID_TAKEN', { vi: `Mã đơn vị ${input.id} đã tồn tại`, en: `Unit ${input.id} already exists` });
    await recordAudit(t, { actor, action: 'org.unit.create', target: `unit:${input.id}`, data: { ...input } });
  };
  return tx ? run(tx) : ctx.database.db.transaction().execute(run);
}
