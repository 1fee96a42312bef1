import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { coveredUnits } from '../dossiers/visibility.ts';

/**
 * Whether the principal may see the dossier, by getDossier's rule, as a yes or no: an operation on
 * a result answers its own 404 (naming the result), so the dossier's code is not told to someone
 * who may not see it.
 */
export async function seesDossier(ctx: Ctx, dossierCode: string, p: Principal): Promise<boolean> {
  try {
    await getDossier(ctx, dossierCode, p);
    return true;
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') return false;
    throw e;
  }
}

/**
 * Whether the principal may see a result: its holder; officials of the issuing unit (or above it);
 * and officials who see its dossier (the one-stop desk prints it for the counter). Others are told
 * it does not exist.
 */
export async function seesResult(
  ctx: Ctx,
  r: { owner_citizen_id: string | null; issuer_unit: string; dossier_code: string | null; kind?: string; holder_identifier?: string },
  p: Principal,
): Promise<boolean> {
  if (p.kind === 'citizen') return r.owner_citizen_id === p.id || isUnclaimedLegacyOf(r, p);
  if (p.kind !== 'staff') return false;
  return (await coveredUnits(ctx, p)).includes(r.issuer_unit) || (r.dossier_code !== null && seesDossier(ctx, r.dossier_code, p));
}

/**
 * A legacy result is linked to its holder's identifier: most holders of old papers have never
 * signed in when their results are imported, so one with no account yet belongs to whoever signs
 * in with that identifier (the national SSO vouches for it).
 */
export function isUnclaimedLegacyOf(r: { owner_citizen_id: string | null; kind?: string; holder_identifier?: string }, p: Principal): boolean {
  return p.kind === 'citizen' && r.kind === 'legacy' && r.owner_citizen_id === null && !!p.identifier && r.holder_identifier === p.identifier;
}
