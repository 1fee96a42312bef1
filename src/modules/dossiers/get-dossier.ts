import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { loadRow, toView } from './dossier-store.ts';
import { assertVisible } from './visibility.ts';
import { staffDisplayNames, type OfficialName } from '../organisation/staff-names.ts';

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
  /** The assignee's full name (the username is the assignee's identifier, not for display). */
  assigneeName: z.string().nullable().optional(),
  stepDue: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type ActionLogEntry = z.infer<typeof ActionLogEntry>;

/** The dossier's action log, oldest first: the truth its state is derived from. */
export async function getActionLog(ctx: Ctx, code: string, p: Principal): Promise<ActionLogEntry[]> {
  return (await getActionLogWithNames(ctx, code, p)).log;
}

/**
 * The action log and the officials it names (actors, assignees, and any `alsoName` the caller
 * shows beside it), resolved in one query: what a page needs to name people, never usernames.
 */
export async function getActionLogWithNames(
  ctx: Ctx,
  code: string,
  p: Principal,
  alsoName: readonly (string | null | undefined)[] = [],
): Promise<{ log: ActionLogEntry[]; names: Map<string, OfficialName> }> {
  const row = await loadRow(ctx.database.db, code.toUpperCase());
  await assertVisible(ctx, p, row);
  const rows = await ctx.database.db.selectFrom('dossier_actions').selectAll().where('dossier_id', '=', row.id).orderBy('seq').execute();
  const names = await staffDisplayNames(ctx, [...alsoName, ...rows.flatMap((r) => [r.assignee, r.actor.startsWith('staff:') ? r.actor : null])]);
  const log = rows.map((r) => ({
    seq: r.seq,
    action: r.action,
    actor: r.actor,
    actorName: r.actor_name,
    at: new Date(r.at).toISOString(),
    fromStatus: r.from_status,
    toStatus: r.to_status,
    fromUnit: r.from_unit,
    toUnit: r.to_unit,
    assignee: r.assignee,
    assigneeName: r.assignee ? (names.get(r.assignee)?.fullName ?? null) : null,
    stepDue: r.step_due,
    data: r.data as unknown as Record<string, unknown>,
  }));
  return { log, names };
}

/** The citizen account that owns a dossier (its applicant's e-data repository), if any. */
export async function dossierOwner(ctx: Ctx, code: string): Promise<string | null> {
  return (await loadRow(ctx.database.db, code.toUpperCase())).owner_citizen_id;
}
