import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { audit } from '../../platform/audit/index.ts';
import { hashPassword, verifyPassword } from '../../platform/auth/password.ts';
import type { Principal } from '../../platform/auth/roles.ts';

export const ClientCredentialsInput = z.object({
  grant_type: z.literal('client_credentials', { message: 'only client_credentials is supported' }),
  client_id: z.string().min(1).max(100).optional(),
  client_secret: z.string().min(1).max(200).optional(),
  scope: z.string().max(500).optional(),
});

/** Reads RFC 6749 client authentication from the Basic header, or from the body. */
export function clientCredentials(authHeader: string | undefined, body: z.infer<typeof ClientCredentialsInput>) {
  if (authHeader && /^Basic /i.test(authHeader)) {
    let raw: string;
    try {
      raw = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(authHeader.slice(6).trim(), 'base64'));
    } catch {
      return null; // not UTF-8: no credentials, so invalid_client
    }
    const i = raw.indexOf(':');
    if (i > 0) {
      try {
        return { id: decodeURIComponent(raw.slice(0, i)), secret: decodeURIComponent(raw.slice(i + 1)) };
      } catch {
        return null; // not percent-encoding (RFC 6749 §2.3.1): no credentials, so invalid_client
      }
    }
  }
  if (body.client_id && body.client_secret) return { id: body.client_id, secret: body.client_secret };
  return null;
}

/** OAuth 2.0 client-credentials grant for integrating systems (service accounts with scopes). */
export async function issueServiceToken(ctx: Ctx, creds: { id: string; secret: string } | null, requested: string | undefined, ip: string) {
  const { db } = ctx.database;
  const invalidClient = new AppError('INVALID_CREDENTIALS', { vi: 'Thông tin xác thực hệ thống không đúng', en: 'invalid_client' });
  if (!creds) throw invalidClient;
  const acct = await db.selectFrom('service_accounts').selectAll().where('client_id', '=', creds.id).executeTakeFirst();
  if (!(await verifyPassword(acct?.active ? acct.secret_hash : null, creds.secret)) || !acct) {
    await audit(db, { actor: 'anonymous', action: 'auth.token.failed', target: `service:${creds.id}`, data: { ip } });
    throw invalidClient;
  }
  const want = requested?.split(/\s+/).filter(Boolean) ?? acct.scopes;
  const extra = want.filter((s) => !acct.scopes.includes(s));
  if (extra.length) {
    throw new AppError('SCOPE_NOT_GRANTED', { vi: `Tài khoản không được cấp phạm vi: ${extra.join(', ')}`, en: `invalid_scope: ${extra.join(', ')}` });
  }
  const principal: Principal = { kind: 'service', clientId: acct.client_id, name: acct.name, scopes: want };
  await audit(db, { actor: `service:${acct.client_id}`, action: 'auth.token', data: { ip, scopes: want } });
  return { principal, token: await ctx.tokens.issue(principal) };
}

export async function createServiceAccount(ctx: Ctx, a: { clientId: string; name: string; secret: string; scopes: string[] }) {
  await ctx.database.db
    .insertInto('service_accounts')
    .values({ client_id: a.clientId, name: a.name, secret_hash: await hashPassword(a.secret), scopes: a.scopes })
    .onConflict((oc) => oc.column('client_id').doNothing())
    .execute();
}
