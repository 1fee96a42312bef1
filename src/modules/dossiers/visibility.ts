import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { listUnits, unitTree, type UnitNode } from '../organisation/list-units.ts';

/** The units an official sees: those they hold a role in, and every unit beneath them. */
export async function coveredUnits(ctx: Ctx, p: Extract<Principal, { kind: 'staff' }>): Promise<string[]> {
  const mine = new Set(p.roles.map((r) => r.unitId));
  const out = new Set<string>();
  const walk = (nodes: UnitNode[], inside: boolean) => {
    for (const n of nodes) {
      const covered = inside || mine.has(n.id);
      if (covered) out.add(n.id);
      walk(n.children, covered);
    }
  };
  walk(unitTree(await listUnits(ctx)), false);
  return [...out];
}

/**
 * Whether a caller may see a dossier: the applicant who owns it, officials of the units it
 * is received or handled in (or above them), and integrating systems with a dossier scope.
 * Others get a 404, so codes cannot be probed.
 */
export async function assertVisible(
  ctx: Ctx,
  p: Principal,
  row: { code: string; owner_citizen_id: string | null; receiving_unit: string; handling_unit: string },
) {
  let ok = false;
  if (p.kind === 'citizen') ok = row.owner_citizen_id === p.id;
  else if (p.kind === 'service') ok = p.scopes.some((s) => s.startsWith('dossiers:'));
  else {
    const units = await coveredUnits(ctx, p);
    ok = units.includes(row.receiving_unit) || units.includes(row.handling_unit);
  }
  if (!ok) throw notFound({ vi: `hồ sơ ${row.code}`, en: `Dossier ${row.code}` });
}

/** Whether an upload is a file of a dossier the official sees (received or handled in their units). */
export async function uploadInVisibleDossier(ctx: Ctx, p: Extract<Principal, { kind: 'staff' }>, uploadId: string): Promise<boolean> {
  const units = await coveredUnits(ctx, p);
  if (!units.length) return false;
  const r = await ctx.database.db
    .selectFrom('dossier_components as c')
    .innerJoin('dossiers as d', 'd.id', 'c.dossier_id')
    .select('c.upload_id')
    .where('c.upload_id', '=', uploadId)
    .where((eb) => eb.or([eb('d.receiving_unit', 'in', units), eb('d.handling_unit', 'in', units)]))
    .executeTakeFirst();
  return Boolean(r);
}
