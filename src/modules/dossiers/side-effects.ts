import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { Applicant } from './schemas.ts';
import { STATUSES, type ActionName, type DossierState } from './workflow.ts';
import { notifyApplicant } from './notify-applicant.ts';

export const NATIONAL_SYNC_QUEUE = 'national-portal.sync';

/**
 * What every state change causes, enqueued in its own transaction so it happens if and only
 * if the change commits: the status event for the National Public Service Portal (its
 * adapter works this queue) and the applicant's notification.
 */
export async function afterStateChange(
  ctx: Ctx,
  tx: Tx,
  row: { code: string; procedure_code: string; procedure_name: string; channel: number; applicant: unknown },
  next: DossierState,
  action: ActionName | 'submit',
  data: Record<string, unknown>,
) {
  await ctx.jobs.send(
    NATIONAL_SYNC_QUEUE,
    { dossierCode: row.code, procedureCode: row.procedure_code, nationalStatus: STATUSES[next.status].national, channel: row.channel, dueDate: next.dueDate, action, at: new Date().toISOString() },
    tx,
  );
  await notifyApplicant(ctx, tx, { code: row.code, procedureName: row.procedure_name, applicant: row.applicant as Applicant }, next, action, data);
}
