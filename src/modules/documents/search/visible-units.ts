import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { listUnits, unitTree, type UnitNode } from '../../organisation/list-units.ts';

/**
 * The units whose documents and work files an official sees: those they hold a role in, and
 * every unit beneath (as dossiers are seen). Only roles in `roles` count when given (who may
 * change a work file). Anyone but an official sees none.
 */
export async function documentUnits(ctx: Ctx, p: Principal, roles?: readonly string[]): Promise<string[]> {
  if (p.kind !== 'staff') return [];
  const mine = new Set(p.roles.filter((r) => !roles || roles.includes(r.role)).map((r) => r.unitId));
  if (!mine.size) return [];
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
