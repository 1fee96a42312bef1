import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { safeEqual } from '../auth/sessions.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Content types a cross-site page can send without a CORS preflight.
const SIMPLE_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)/i;

/**
 * Signed double-submit CSRF protection: a random cookie, and forms carry an HMAC of it and
 * of the session. Binding the token to the session means a token seen before sign-in, or in
 * another person's session at a shared counter PC, is worthless in this one; the cookie keeps
 * anonymous forms (sign-in, verification) protected too. Checked on every unsafe request that
 * rides on cookies or that a browser could forge cross-site; bearer-token API calls are exempt
 * because a browser never attaches them.
 */
export function csrfFor(secret: string, opts: { cookie: string; secure: boolean }) {
  const sign = (v: string, session: string | undefined) =>
    createHmac('sha256', secret)
      .update(`csrf:${v}:${session ? createHash('sha256').update(session).digest('base64url') : '-'}`)
      .digest('base64url');

  function ensure(req: FastifyRequest, reply: FastifyReply) {
    let v = req.cookies[opts.cookie];
    if (!v || !/^[A-Za-z0-9_-]{20,64}$/.test(v)) {
      v = randomBytes(24).toString('base64url');
      reply.setCookie(opts.cookie, v, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secure });
      req.cookies[opts.cookie] = v;
    }
    req.csrfToken = sign(v, req.session?.id);
  }

  function check(req: FastifyRequest) {
    if (!UNSAFE.has(req.method) || req.routeOptions.config?.csrf === false) return;
    if (/^Bearer /i.test(req.headers.authorization ?? '')) return;
    const ridesOnCookie = Boolean(req.session);
    const forgeable = SIMPLE_TYPES.test(req.headers['content-type'] ?? '');
    if (!ridesOnCookie && !forgeable) return;
    const body = req.body as Record<string, unknown> | undefined;
    // A multipart form's fields are read after this check, so a no-script upload form puts the token in its action URL.
    const query = req.query as Record<string, unknown> | undefined;
    const fromQuery = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '') && typeof query?._csrf === 'string' ? query._csrf : undefined;
    const sent = (req.headers['x-csrf-token'] as string | undefined) ?? (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? fromQuery;
    const cookie = req.cookies[opts.cookie];
    if (!sent || !cookie || !safeEqual(sent, sign(cookie, req.session?.id))) {
      throw new AppError('CSRF_INVALID', {
        vi: 'Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.',
        en: 'The form session expired or is invalid. Reload the page and try again.',
      });
    }
  }

  return { ensure, check };
}

export function securityHeaders(production: boolean, formTargets: string[]) {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
  ].join('; ');
  return (reply: FastifyReply) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (production) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  };
}
