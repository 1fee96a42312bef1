import type { Ctx } from '../../platform/context.ts';
import type { Unit } from './schemas.ts';

export async function listUnits(ctx: Ctx): Promise<Unit[]> {
  const rows = await ctx.database.db.selectFrom('org_units').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, kind: r.kind, name: r.name, nameEn: r.name_en }));
}

export interface UnitNode extends Unit {
  children: UnitNode[];
}

/** The agency tree, roots first, children in code order. */
export function unitTree(units: Unit[]): UnitNode[] {
  const nodes = new Map(units.map((u) => [u.id, { ...u, children: [] as UnitNode[] }]));
  const roots: UnitNode[] = [];
  for (const n of nodes.values()) (n.parentId && nodes.get(n.parentId) ? nodes.get(n.parentId)!.children : roots).push(n);
  return roots;
}
