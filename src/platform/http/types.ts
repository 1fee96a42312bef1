import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Access, Principal } from '../auth/roles.ts';
import type { Session } from '../auth/sessions.ts';
import type { Lang } from '../i18n/index.ts';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export type RateLimitClass = 'signIn' | 'verify' | 'public';

export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app declared, with who may call it (for the authorisation tests). */
    routeTable: RouteEntry[];
  }
  interface FastifyContextConfig {
    /** Who may call the route. Required on every route the app declares. */
    access?: Access;
    /** false for credential endpoints that never ride on cookies (OAuth token, API login). */
    csrf?: boolean;
    /**
     * Rate limit class (per client address, or per account when signed in; limits per minute
     * from configuration): `signIn` for credential endpoints, `verify` for anonymous heavy
     * work, `public` for anonymous reads (tracking, search).
     */
    limit?: RateLimitClass;
  }
  interface FastifyRequest {
    principal: Principal | null;
    session: Session | null;
    lang: Lang;
    /** The token a form must echo back; derived from the CSRF cookie. */
    csrfToken: string;
  }
}
