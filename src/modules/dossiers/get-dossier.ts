import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { loadRow, toView } from './dossier-store.ts';
import { assertVisible } from './visibility.ts';

export async function getDossier(ctx: Ctx, code: string, p: Principal) {
  const row = await loadRow(ctx.database.db, code.toUpperCase());
  await assertVisible(ctx, p, row);
  return toView(ctx, row, p);
}

export const ActionLogEntry = z.object({
  seq: z.number(),
  action: z.string(),
  actor: z.string(),
  actorName: z.string(),
  at: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
  fromUnit: z.string().nullable(),
  toUnit: z.string().nullable(),
  assignee: z.string().nullable(),
  stepDue: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type ActionLogEntry = z.infer<typeof ActionLogEntry>;

/** The dossier's action log, oldest first: the truth its state is derived from. */
export async function getActionLog(ctx: Ctx, code: string, p: Principal): Promise<ActionLogEntry[]> {
  const row = await loadRow(ctx.database.db, code.toUpperCase());
  await assertVisible(ctx, p, row);
  const rows = await ctx.database.db.selectFrom('dossier_actions').selectAll().where('dossier_id', '=', row.id).orderBy('seq').execute();
  return rows.map((r) => ({
    seq: r.seq, action: r.action, actor: r.actor, actorName: r.actor_name, at: new Date(r.at).toISOString(), fromStatus: r.from_status, toStatus: r.to_status,
    fromUnit: r.from_unit, toUnit: r.to_unit, assignee: r.assignee, stepDue: r.step_due, data: r.data as unknown as Record<string, unknown>,
  }));
}

/** The citizen account that owns a dossier (its applicant's e-data repository), if any. */
export async function dossierOwner(ctx: Ctx, code: string): Promise<string | null> {
  return (await loadRow(ctx.database.db, code.toUpperCase())).owner_citizen_id;
}
