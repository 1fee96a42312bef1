import type { Ctx } from '../../platform/context.ts';
import { pick, type Lang } from '../../platform/i18n/index.ts';
import { STAFF_ROLES, type StaffRole } from '../../platform/auth/roles.ts';

/** An official as pages name them: full name and roles, never the username alone. */
export interface OfficialName {
  username: string;
  fullName: string;
  roles: { role: StaffRole; unitId: string }[];
}

/**
 * Officials by username, with their roles, in one query: a page collects every username it
 * shows (assignees, actors, signers) and asks once. Unknown usernames are absent, and a
 * `staff:` prefix (how the action log and the audit trail name actors) is accepted.
 */
export async function staffDisplayNames(ctx: Ctx, usernames: readonly (string | null | undefined)[]): Promise<Map<string, OfficialName>> {
  const unique = [
    ...new Set(usernames.filter((u): u is string => typeof u === 'string' && u.length > 0).map((u) => (u.startsWith('staff:') ? u.slice(6) : u))),
  ].slice(0, 1000);
  if (!unique.length) return new Map();
  const rows = await ctx.database.db
    .selectFrom('staff')
    .leftJoin('staff_roles', 'staff_roles.staff_id', 'staff.id')
    .select(['staff.username', 'staff.full_name', 'staff_roles.role', 'staff_roles.unit_id'])
    .where('staff.username', 'in', unique)
    .orderBy('staff.username')
    .orderBy('staff_roles.unit_id')
    .execute();
  const out = new Map<string, OfficialName>();
  for (const r of rows) {
    const o = out.get(r.username) ?? { username: r.username, fullName: r.full_name, roles: [] };
    if (r.role && r.unit_id) o.roles.push({ role: r.role as StaffRole, unitId: r.unit_id });
    out.set(r.username, o);
  }
  return out;
}

/** The role as people say it, in the page's language. */
export const roleLabel = (lang: Lang, role: string) => {
  const r = STAFF_ROLES[role as StaffRole];
  return r ? pick(lang, r.vi, r.en) : pick(lang, 'Cán bộ', 'Official');
};

/**
 * "Nguyễn Văn A (Chuyên viên)": the official's name and the role they hold (in `unitId` when
 * given and they hold one there). Someone no longer on the staff list keeps the name the
 * record carries (`fallback`), or a neutral word: a username is never shown.
 */
export function officialLabel(
  lang: Lang,
  names: Map<string, OfficialName>,
  username: string | null | undefined,
  opts: { unitId?: string | null; fallback?: string | null; role?: boolean } = {},
): string {
  const key = username?.startsWith('staff:') ? username.slice(6) : username;
  const o = key ? names.get(key) : undefined;
  const name = o?.fullName ?? opts.fallback ?? pick(lang, 'Cán bộ', 'Official');
  if (opts.role === false || !o?.roles.length) return name;
  const inUnit = opts.unitId ? o.roles.filter((r) => r.unitId === opts.unitId) : [];
  const roles = [...new Set((inUnit.length ? inUnit : o.roles).map((r) => roleLabel(lang, r.role)))];
  return `${name} (${roles.join(', ')})`;
}
