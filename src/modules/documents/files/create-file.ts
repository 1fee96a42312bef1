import type { Ctx } from '../../../platform/context.ts';
import { actorOf, type Principal } from '../../../platform/auth/roles.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import { AppError, forbidden } from '../../../platform/errors.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { listUnits } from '../../organisation/list-units.ts';
import { CreateFileInput, type FileSummary } from './schemas.ts';
import { fileScope, summaries, todayOf } from './file-store.ts';
import { transferDue } from './transfer-due.ts';

/** The units at and above `unitId`: an official of one of them may keep the unit's files. */
async function unitAndAbove(ctx: Ctx, unitId: string): Promise<Set<string>> {
  const parent = new Map((await listUnits(ctx)).map((u) => [u.id, u.parentId]));
  const out = new Set<string>();
  for (let u: string | null | undefined = unitId; u && !out.has(u); u = parent.get(u)) out.add(u);
  return out;
}

/**
 * Opens a work file in a unit (Decree 30 ch. IV): its code in the unit's list of files, title,
 * year, retention period and the official who keeps it. The caller must be a clerk, leader or
 * specialist of the unit or a unit above; the responsible official must hold a role there too.
 * Its archive-transfer day is the end of the year after its own until it is closed.
 */
export async function createFile(ctx: Ctx, p: Principal, input: CreateFileInput): Promise<FileSummary> {
  const f = CreateFileInput.parse(input);
  const scope = await fileScope(ctx, p);
  if (!scope.write.includes(f.unitId)) throw forbidden();
  const responsibleId = f.responsibleId ?? (p.kind === 'staff' ? p.id : '');
  const above = await unitAndAbove(ctx, f.unitId);
  const responsible = (await listStaff(ctx)).find((s) => s.id === responsibleId);
  if (!responsible?.active || !responsible.roles.some((r) => above.has(r.unitId)))
    throw new AppError('VALIDATION_FAILED', { vi: 'Người lập hồ sơ không thuộc đơn vị', en: 'The responsible official is not of the unit' }, [
      {
        path: 'responsibleId',
        message: 'Chọn một cán bộ đang làm việc của đơn vị',
        messageEn: 'choose an active official of the unit',
      },
    ]);
  const row = await ctx.database.db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('document_files')
      .values({
        unit_id: f.unitId,
        code: f.code,
        title: f.title,
        year: f.year,
        retention_years: f.retentionYears,
        responsible_id: responsibleId,
        transfer_due: transferDue({ year: f.year }),
        created_by: p.kind === 'staff' ? p.id : actorOf(p),
      })
      .onConflict((oc) => oc.columns(['unit_id', 'year', 'code']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted)
      throw new AppError(
        'DOCUMENT_FILE_CODE_TAKEN',
        { vi: `Đơn vị đã có hồ sơ ${f.code} năm ${f.year}`, en: `The unit already has file ${f.code} for ${f.year}` },
        [{ path: 'code', message: 'Mã hồ sơ đã dùng trong năm', messageEn: 'code already used this year' }],
      );
    await recordAudit(tx, {
      actor: actorOf(p),
      action: 'documents.file.create',
      target: `document-file:${inserted.id}`,
      data: { unitId: f.unitId, code: f.code, year: f.year, title: f.title, retentionYears: f.retentionYears, responsibleId },
    });
    return inserted;
  });
  return (await summaries(ctx, [row], todayOf(ctx)))[0];
}
