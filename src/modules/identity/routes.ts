import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ACCESS_TOKEN_TTL } from '../../platform/auth/tokens.ts';
import { STAFF_ROLE_LIST } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { signInStaff, StaffSignInInput } from './sign-in-staff.ts';
import { ClientCredentialsInput, clientCredentials, issueServiceToken } from './issue-service-token.ts';

const Principal = z.union([
  z.object({
    kind: z.literal('staff'),
    id: z.string(),
    username: z.string(),
    name: z.string(),
    roles: z.array(z.object({ role: z.enum(STAFF_ROLE_LIST as [string, ...string[]]), unitId: z.string() })),
    mfa: z.boolean().optional().describe('signed in with the second factor'),
  }),
  z.object({ kind: z.literal('citizen'), id: z.string(), name: z.string(), identifier: z.string().nullable(), citizenKind: z.enum(['citizen', 'business']) }),
  z.object({ kind: z.literal('service'), clientId: z.string(), name: z.string(), scopes: z.array(z.string()) }),
]);

export const identityModule: Module = {
  name: 'identity',
  routes(app, ctx) {
    app.post('/api/v1/auth/login', {
      config: { access: 'public', csrf: false, limit: 'signIn' },
      schema: {
        tags: ['identity'],
        summary: 'Official sign-in for scripts: username, password and TOTP code → bearer token',
        body: StaffSignInInput,
        response: {
          200: z.object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number() }),
          401: ErrorBody,
          423: ErrorBody,
          429: ErrorBody,
        },
      },
      handler: async (req) => {
        const p = await signInStaff(ctx, req.body, { ip: req.ip });
        return { accessToken: await ctx.tokens.issue(p), tokenType: 'Bearer' as const, expiresIn: ACCESS_TOKEN_TTL };
      },
    });

    app.post('/api/v1/oauth/token', {
      config: { access: 'public', csrf: false, limit: 'signIn' },
      schema: {
        tags: ['identity'],
        summary: 'OAuth 2.0 client-credentials grant for integrating systems (form or JSON body; Basic or body client authentication)',
        body: ClientCredentialsInput,
        response: {
          200: z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number(), scope: z.string() }),
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
        },
      },
      handler: async (req, reply) => {
        const { principal, token } = await issueServiceToken(ctx, clientCredentials(req.headers.authorization, req.body), req.body.scope, req.ip);
        reply.header('cache-control', 'no-store');
        return {
          access_token: token,
          token_type: 'Bearer' as const,
          expires_in: ACCESS_TOKEN_TTL,
          scope: principal.kind === 'service' ? principal.scopes.join(' ') : '',
        };
      },
    });

    app.get('/api/v1/me', {
      config: {
        access: [
          'staff',
          'citizen',
          'scope:dossiers:write',
          'scope:dossiers:read',
          'scope:catalog:read',
          'scope:national-portal:push',
          'scope:sharing:dossiers',
        ],
      },
      schema: { tags: ['identity'], summary: 'Who the credentials belong to', response: { 200: Principal } },
      handler: async (req) => req.principal!,
    });
  },
};
