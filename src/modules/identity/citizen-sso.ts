import * as oidc from 'openid-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { App } from '../../platform/http/types.ts';
import { AppError } from '../../platform/errors.ts';
import { audit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { endSession, safeNext, startSession } from '../../platform/http/session-cookies.ts';

/** Where the provider sends the citizen back; a demo provider registers it as the client's redirect URI. */
export const SSO_CALLBACK = '/dang-nhap/vneid/callback';
const CALLBACK = SSO_CALLBACK;

/**
 * Citizens and businesses sign in through OpenID Connect (the national SSO with VNeID).
 * The demo mounts a local provider at /sso (src/app.ts); setting OIDC_ISSUER points the same
 * code at the real one.
 */
export async function registerSso(app: App, ctx: Ctx) {
  const { oidc: cfg, publicUrl } = ctx.config;

  const discover = () => ssoConfiguration(ctx);

  app.get('/dang-nhap/vneid', {
    config: { access: 'public', limit: 'signIn' },
    schema: { hide: true, querystring: z.object({ next: z.string().max(500).optional() }) },
    handler: async (req, reply) => {
      const next = safeNext(req.query.next, '/');
      // A link to this page from anywhere must not end the session someone already has: a
      // signed-in citizen goes straight on, and an official is told to sign out first.
      if (req.principal?.kind === 'citizen') return reply.redirect(next);
      if (req.principal) {
        throw new AppError('SIGNED_IN_AS_OFFICIAL', {
          vi: 'Trình duyệt này đang đăng nhập bằng tài khoản cán bộ; hãy đăng xuất trước khi đăng nhập bằng VNeID',
          en: 'This browser is signed in with an official account; sign out before signing in with VNeID',
        });
      }
      const c = await discover();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const pending = { oidc: { verifier, state, nonce, next } };
      if (req.session) await ctx.sessions.update({ ...req.session, data: { ...req.session.data, ...pending } });
      else await startSession(ctx, req, reply, null, pending);
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: `${publicUrl}${CALLBACK}`,
        scope: 'openid profile email phone vneid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return reply.redirect(url.href);
    },
  });

  app.get(CALLBACK, {
    config: { access: 'public', limit: 'signIn' },
    schema: { hide: true },
    handler: async (req, reply) => {
      const pending = req.session?.data.oidc as { verifier: string; state: string; nonce: string; next: string } | undefined;
      if (!pending)
        throw new AppError('SSO_ATTEMPT_EXPIRED', { vi: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại', en: 'The sign-in attempt expired; start again' });
      const c = await discover();
      const current = new URL(req.url, publicUrl);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(c, current, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
        });
      } catch (e) {
        await audit(ctx.database.db, { actor: 'anonymous', action: 'auth.sso.failed', data: { reason: (e as Error).message.slice(0, 200) } });
        throw new AppError('SSO_SIGN_IN_FAILED', {
          vi: 'Đăng nhập qua hệ thống xác thực quốc gia không thành công',
          en: 'Sign-in through the national SSO failed',
        });
      }
      const claims = tokens.claims()!;
      const info = await oidc.fetchUserInfo(c, tokens.access_token, claims.sub);
      const principal = await upsertCitizen(ctx, cfg.issuer, { ...claims, ...info } as Record<string, unknown>);
      await startSession(ctx, req, reply, principal, { idToken: tokens.id_token });
      return reply.redirect(pending.next);
    },
  });

  app.post('/dang-xuat', {
    config: { access: 'public' },
    schema: { hide: true },
    handler: async (req, reply) => signOut(ctx, req, reply, '/'),
  });
}

const configurations = new WeakMap<Ctx, Promise<oidc.Configuration>>();

/** The national SSO's OpenID configuration, discovered on first use (with the simulator the issuer is this very server, not yet listening at start). */
function ssoConfiguration(ctx: Ctx): Promise<oidc.Configuration> {
  const had = configurations.get(ctx);
  if (had) return had;
  const { oidc: cfg } = ctx.config;
  const p = oidc
    .discovery(
      new URL(cfg.issuer),
      cfg.clientId,
      cfg.clientSecret,
      undefined,
      cfg.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : undefined,
    )
    .catch((e) => {
      configurations.delete(ctx);
      throw new AppError('SERVICE_UNAVAILABLE', {
        vi: 'Không kết nối được hệ thống xác thực quốc gia',
        en: `National SSO unreachable: ${(e as Error).message}`,
      });
    });
  configurations.set(ctx, p);
  return p;
}

/**
 * Ends the session here and, for a citizen, at the national SSO too (RP-initiated logout):
 * otherwise, at a shared counter PC, the next person to press "Đăng nhập bằng VNeID" would be
 * signed in silently as the previous citizen. The provider asks the citizen to confirm and
 * sends them back to the portal's home page.
 */
export async function signOut(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, to: string) {
  const idToken = req.principal?.kind === 'citizen' ? req.session?.data.idToken : undefined;
  if (req.principal) await audit(ctx.database.db, { actor: actorOf(req.principal), action: 'auth.logout', data: { sso: typeof idToken === 'string' } });
  await endSession(ctx, req, reply);
  if (typeof idToken !== 'string') return reply.redirect(to, 303);
  const c = await ssoConfiguration(ctx);
  if (!c.serverMetadata().end_session_endpoint) {
    ctx.log.warn({ issuer: ctx.config.oidc.issuer }, 'the national SSO offers no end_session_endpoint: its session outlives ours');
    return reply.redirect(to, 303);
  }
  const end = oidc.buildEndSessionUrl(c, { id_token_hint: idToken, post_logout_redirect_uri: `${ctx.config.publicUrl}/` });
  return reply.redirect(end.href, 303);
}

const Claims = z.object({
  sub: z.string().min(1).max(255),
  name: z.string().min(1).max(300),
  kind: z.enum(['citizen', 'business']).default('citizen'),
  identifier: z.string().max(20).optional(),
  email: z.string().max(300).optional(),
  phone_number: z.string().max(30).optional(),
  // OpenID Connect's address claim is an object; its one-line form is `formatted`.
  address: z.union([z.string().max(500), z.object({ formatted: z.string().max(500).optional() }).loose()]).optional(),
});

async function upsertCitizen(ctx: Ctx, issuer: string, raw: Record<string, unknown>): Promise<Principal> {
  const c = Claims.parse(raw);
  // The contact details are refreshed from the claims at every sign-in: the filing form offers them (editable).
  const address = (typeof c.address === 'string' ? c.address : c.address?.formatted)?.trim() || null;
  const contact = { email: c.email?.trim() || null, phone: c.phone_number?.trim() || null, address };
  const row = await ctx.database.db
    .insertInto('citizens')
    .values({ issuer, subject: c.sub, kind: c.kind, full_name: c.name, identifier: c.identifier ?? null, ...contact, last_login_at: new Date() })
    .onConflict((oc) =>
      oc
        .columns(['issuer', 'subject'])
        .doUpdateSet({ full_name: c.name, kind: c.kind, identifier: c.identifier ?? null, ...contact, last_login_at: new Date() }),
    )
    .returning(['id'])
    .executeTakeFirstOrThrow();
  const principal: Principal = { kind: 'citizen', id: row.id, name: c.name, identifier: c.identifier ?? null, citizenKind: c.kind };
  await audit(ctx.database.db, { actor: actorOf(principal), action: 'auth.login.sso', data: { issuer } });
  return principal;
}
