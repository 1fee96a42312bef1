import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';

export interface KnownCitizen {
  sub: string;
  kind: 'citizen' | 'business';
  name: string;
  identifier: string;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
}

/** How a signed-in citizen can be reached, as the national SSO last said (refreshed at every sign-in). */
export interface CitizenContact {
  email: string | null;
  phone: string | null;
  address: string | null;
}

/**
 * The account a citizen of this identity provider will sign in to, created if it does not
 * exist yet (same issuer and subject, so the first sign-in updates this very row). Used to
 * give demo citizens a history before they ever sign in; sign-in itself upserts in citizen-sso.
 */
export async function ensureCitizen(ctx: Ctx, issuer: string, c: KnownCitizen): Promise<Extract<Principal, { kind: 'citizen' }>> {
  const { db } = ctx.database;
  await db
    .insertInto('citizens')
    .values({
      issuer,
      subject: c.sub,
      kind: c.kind,
      full_name: c.name,
      identifier: c.identifier,
      email: c.email ?? null,
      phone: c.phone ?? null,
      address: c.address ?? null,
      last_login_at: null,
    })
    .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
    .execute();
  const row = await db.selectFrom('citizens').select('id').where('issuer', '=', issuer).where('subject', '=', c.sub).executeTakeFirstOrThrow();
  return { kind: 'citizen', id: row.id, name: c.name, identifier: c.identifier, citizenKind: c.kind };
}

/** The contact details of a citizen's account: what the filing form offers before the applicant edits it. */
export async function citizenContact(ctx: Ctx, citizenId: string): Promise<CitizenContact> {
  const row = await ctx.database.db.selectFrom('citizens').select(['email', 'phone', 'address']).where('id', '=', citizenId).executeTakeFirst();
  return { email: row?.email ?? null, phone: row?.phone ?? null, address: row?.address ?? null };
}
