import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import type { Principal } from '../auth/roles.ts';
import { cookieNames, SESSION_TTL_HOURS } from '../auth/sessions.ts';

/** Starts a fresh session for a principal; the old one is dropped so an id cannot be fixed in advance. */
export async function startSession(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, principal: Principal | null, data: Record<string, unknown> = {}) {
  if (req.session) await ctx.sessions.destroy(req.session.id);
  const s = await ctx.sessions.create(principal, data);
  const secure = ctx.config.http.secureCookies;
  reply.setCookie(cookieNames(secure).session, s.id, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_TTL_HOURS * 3600 });
  req.session = s;
  req.principal = principal;
  return s;
}

export async function endSession(ctx: Ctx, req: FastifyRequest, reply: FastifyReply) {
  if (req.session) await ctx.sessions.destroy(req.session.id);
  const secure = ctx.config.http.secureCookies;
  reply.clearCookie(cookieNames(secure).session, { path: '/', secure });
}

/**
 * Only same-site relative paths are followed after sign-in, written in printable ASCII as a
 * URL is: a control character or a raw non-ASCII byte would make the Location header invalid.
 */
export function safeNext(next: unknown, fallback: string): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.includes('\\') && next.length < 500 ? next : fallback;
}
