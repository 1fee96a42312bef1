/**
 * VNeID simulator: a local OpenID Connect provider standing in for Vietnam's national single
 * sign-on (VNeID / Cổng DVCQG SSO) in the demo and in tests. It is a real, standards-compliant
 * OP (oidc-provider): authorization code flow with mandatory PKCE (S256), client_secret_basic /
 * client_secret_post, discovery, JWKS (RS256 key generated at start), userinfo and RP-initiated
 * logout, with its own bilingual login page and automatic consent. State is in memory, or in the
 * database when a cluster's nodes serve it together (`database`).
 */
import { createHash, generateKeyPairSync, timingSafeEqual, type webcrypto } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Provider } from 'oidc-provider';
import type { Account, Configuration, Interaction, KoaContextWithOIDC, ClientModel } from 'oidc-provider';
import type { Queryable } from '../../platform/db/index.ts';
import { createMemoryAdapter } from './memory-adapter.ts';
import { createPgAdapter, sharedSigningKey } from './pg-adapter.ts';
import { errorPage, loggedOutPage, loginPage, logoutPage } from './pages.ts';

export type { Provider } from 'oidc-provider';

export interface SimCitizen {
  /** Stable subject identifier (the `sub` claim). */
  sub: string;
  kind: 'citizen' | 'business';
  /** What the person types in the "Số định danh cá nhân / mã số thuế" field. */
  username: string;
  password: string;
  /** Full name (citizen) or registered business name. */
  name: string;
  /** 12-digit personal identification number (CCCD) or the business tax code. */
  identifier: string;
  /** YYYY-MM-DD */
  birthdate?: string;
  /** 'male' | 'female' (OIDC convention) or any other string */
  gender?: string;
  /** E.164 preferred, e.g. +84912345678 */
  phone?: string;
  email?: string;
  /** One-line postal address; returned as `address: { formatted }`. */
  address?: string;
  /** Business accounts: name of the legal representative. */
  representative?: string;
}

export interface SimClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface VneidSimulatorOptions {
  /** e.g. http://127.0.0.1:3000/sso — the provider is mounted at the path of this URL */
  issuer: string;
  clients: SimClient[];
  citizens: SimCitizen[];
  /** Keys signing the provider's cookies (newest first); at least one, keep them secret. */
  cookieKeys: string[];
  /** Misbehaviour on demand, for tests of the relying party; read at every request. */
  faults?: VneidFaults;
  /**
   * Where the provider's state lives when several nodes serve it (a cluster): codes, sessions
   * and the signing key in the database. Without it, in this process's memory.
   */
  database?: Queryable;
  /** The RS256 signing key (private JWK); registerVneidSimulator reads it from `database`. Without it, one made at start. */
  signingKey?: webcrypto.JsonWebKey;
}

/**
 * Ways a test makes the provider answer what a forged or replayed response would carry. The
 * object is read at every request, so a test sets and clears a fault between sign-ins.
 */
export interface VneidFaults {
  /**
   * Rewrites the query of an authorization request before the provider reads it: a nonce
   * replaced here comes back in the ID token, a state in the redirect to the client.
   */
  authorizationRequest?: (params: URLSearchParams) => void;
}

export interface VneidSimulator {
  provider: Provider;
  /** Path part of the issuer without trailing slash, e.g. '/sso' ('' when the issuer has no path). */
  mountPath: string;
  /** Node request handler; expects req.url WITH the mount path still on it and strips it itself. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Scopes and the claims each releases. `vneid` is the simulator's (and VNeID's) own scope. */
const CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'birthdate', 'gender'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  vneid: ['identifier', 'kind', 'birthdate', 'gender', 'address', 'representative'],
};

const TTL = {
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  Interaction: 60 * 60,
  Session: 24 * 60 * 60,
  Grant: 24 * 60 * 60,
  // Not used by the enabled features; numbers keep oidc-provider from warning about defaults.
  RefreshToken: 24 * 60 * 60,
  ClientCredentials: 10 * 60,
  DeviceCode: 10 * 60,
  BackchannelAuthenticationRequest: 10 * 60,
};

const MAX_FORM_BYTES = 16 * 1024;

export function createVneidSimulator(opts: VneidSimulatorOptions): VneidSimulator {
  const issuerUrl = new URL(opts.issuer);
  if (issuerUrl.protocol !== 'http:' && issuerUrl.protocol !== 'https:') throw new Error('VNeID simulator: issuer must be an http(s) URL');
  if (!opts.cookieKeys?.length || opts.cookieKeys.some((k) => typeof k !== 'string' || !k)) {
    throw new Error('VNeID simulator: cookieKeys must contain at least one non-empty key');
  }
  const mountPath = issuerUrl.pathname.replace(/\/+$/, '');
  const secureCookies = issuerUrl.protocol === 'https:';

  const citizensBySub = new Map<string, SimCitizen>();
  const citizensByUsername = new Map<string, SimCitizen>();
  for (const c of opts.citizens) {
    if (citizensBySub.has(c.sub)) throw new Error(`VNeID simulator: duplicate citizen sub ${c.sub}`);
    if (citizensByUsername.has(c.username)) throw new Error(`VNeID simulator: duplicate username ${c.username}`);
    citizensBySub.set(c.sub, c);
    citizensByUsername.set(c.username, c);
  }

  // Signing key, fresh at every start (a cluster shares one through the database): relying parties must fetch the JWKS, never pin it.
  const jwk = opts.signingKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const kid = createHash('sha256').update(`${jwk.n}`).digest('base64url').slice(0, 16);

  const cookieBase = {
    httpOnly: true,
    sameSite: 'lax' as const,
    // http issuers (127.0.0.1 / localhost in the demo and tests) must get non-secure cookies;
    // for https, oidc-provider marks them secure itself when the connection is TLS.
    ...(secureCookies ? {} : { secure: false }),
  };

  const configuration: Configuration = {
    adapter: opts.database ? createPgAdapter(opts.database) : createMemoryAdapter(),
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      // client_secret_post is accepted for this client as well: oidc-provider treats the two as one family.
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    })),
    jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] },
    cookies: {
      keys: opts.cookieKeys,
      names: { session: 'vneid_session', interaction: 'vneid_interaction', resume: 'vneid_interaction_resume' },
      // The SSO session cookie stays under the mount path, away from the app's own cookies.
      // (Short-lived interaction cookies get narrower paths from oidc-provider itself.)
      long: { ...cookieBase, path: mountPath || '/' },
      short: { ...cookieBase },
    },
    claims: CLAIMS,
    scopes: ['openid'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    conformIdTokenClaims: false,
    allowOmittingSingleRegisteredRedirectUri: false,
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
      userinfoSigningAlgValues: ['RS256'],
    },
    discovery: {
      ui_locales_supported: ['vi', 'en'],
      claims_locales_supported: ['vi'],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      userinfo: { enabled: true },
    },
    ttl: TTL,
    interactions: {
      url: (_ctx: KoaContextWithOIDC, interaction: Interaction) => `${mountPath}/interaction/${interaction.uid}`,
    },
    findAccount,
    renderError,
    clientBasedCORS,
  };

  async function findAccount(_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> {
    const c = citizensBySub.get(sub);
    if (!c) return undefined;
    return { accountId: c.sub, claims: () => claimsOf(c) };
  }

  const provider = new Provider(opts.issuer, configuration);
  // Behind a TLS-terminating proxy, an https issuer needs X-Forwarded-Proto to be trusted so that
  // cookies are secure and the discovery document advertises https endpoints.
  provider.proxy = secureCookies;
  // Protocol errors (bad requests) are rendered to the client and need no log; a server_error
  // is a bug in the simulator or its configuration and should be seen.
  provider.on('server_error', (_ctx: unknown, err: unknown) => console.error('[vneid-simulator] server_error', err));

  const providerCallback = provider.callback();

  const demoAccounts = opts.citizens.map((c) => ({ username: c.username, password: c.password, name: c.name, kind: c.kind }));

  async function clientName(clientId: unknown): Promise<string> {
    if (typeof clientId !== 'string') return '';
    const client: ClientModel | undefined = await provider.Client.find(clientId).catch(() => undefined);
    return client?.clientName || clientId;
  }

  async function interactionRoute(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?\/?(?:\?.*)?$/.exec(rest);
    if (!match) return sendHtml(res, 404, notFoundPage());
    const [, uid, action] = match;

    let details: Interaction;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendHtml(res, 400, expiredPage());
    }
    if (details.uid !== uid) return sendHtml(res, 400, expiredPage());

    const base = `${mountPath}/interaction/${encodeURIComponent(uid)}`;
    const render = async (status: number, username?: string, error?: boolean) =>
      sendHtml(
        res,
        status,
        loginPage({
          action: `${base}/login`,
          abortAction: `${base}/abort`,
          clientName: await clientName(details.params.client_id),
          username,
          error,
          accounts: demoAccounts,
        }),
      );

    if (!action) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      switch (details.prompt.name) {
        case 'login':
          return render(200, typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined);
        case 'consent':
          return grantConsent(req, res, details);
        default:
          return sendHtml(res, 400, errorPage({ message: 'Yêu cầu không được hỗ trợ.', messageEn: `Unsupported prompt: ${details.prompt.name}` }));
      }
    }

    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');

    if (action === '/abort') {
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
    }

    // action === '/login'
    if (details.prompt.name !== 'login') return sendHtml(res, 400, expiredPage());
    let form: URLSearchParams;
    try {
      form = await readForm(req);
    } catch {
      return sendHtml(res, 400, errorPage({ message: 'Dữ liệu biểu mẫu không hợp lệ.', messageEn: 'Invalid form data.' }));
    }
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const citizen = citizensByUsername.get(username);
    if (!citizen || !sameSecret(password, citizen.password)) return render(200, username, true);

    return provider.interactionFinished(req, res, { login: { accountId: citizen.sub, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
  }

  /** No consent screen: whatever scopes/claims the client asked for are granted. */
  async function grantConsent(req: IncomingMessage, res: ServerResponse, details: Interaction): Promise<void> {
    const accountId = details.session?.accountId;
    const clientId = details.params.client_id;
    if (!accountId || typeof clientId !== 'string') return sendHtml(res, 400, expiredPage());

    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
    if (missingOIDCScope?.length) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims?.length) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();

    return provider.interactionFinished(req, res, { consent: existing ? {} : { grantId } }, { mergeWithLastSubmission: true });
  }

  function handler(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    let rest: string;
    if (!mountPath) rest = url;
    else if (url === mountPath || url.startsWith(`${mountPath}/`) || url.startsWith(`${mountPath}?`)) rest = url.slice(mountPath.length);
    else {
      sendHtml(res, 404, notFoundPage());
      return;
    }
    if (!rest.startsWith('/')) rest = `/${rest}`;

    const run = async () => {
      if (rest.startsWith('/interaction/')) return interactionRoute(req, res, rest);
      // oidc-provider (Koa) sees the path relative to the issuer; the mount path it needs for the
      // absolute URLs it builds comes from `baseUrl` (express-style), not from `originalUrl`.
      const r = req as IncomingMessage & { originalUrl?: string; baseUrl?: string };
      const fault = opts.faults?.authorizationRequest;
      if (fault && /^\/auth(?:\?|$)/.test(rest)) {
        const at = rest.indexOf('?');
        const params = new URLSearchParams(at < 0 ? '' : rest.slice(at + 1));
        fault(params);
        rest = `/auth?${params}`;
      }
      r.url = rest;
      r.originalUrl = undefined;
      r.baseUrl = mountPath;
      return providerCallback(req, res);
    };

    run().catch((err: unknown) => {
      if (!res.headersSent)
        sendHtml(res, 500, errorPage({ message: 'Lỗi hệ thống của trình mô phỏng.', messageEn: `Simulator error: ${String((err as Error)?.message ?? err)}` }));
      else res.destroy();
    });
  }

  return { provider, mountPath, handler };
}

/**
 * Registers the simulator on a Fastify 5 app: every method under `${mountPath}` and
 * `${mountPath}/*` is hijacked and given to the handler. Runs in an encapsulated plugin whose
 * only content-type parser leaves the body unread, so oidc-provider reads the raw stream itself
 * while the app's own parsers stay in force for every other route.
 */
export async function registerVneidSimulator(app: FastifyInstance, opts: VneidSimulatorOptions): Promise<void> {
  const sim = createVneidSimulator(opts.database && !opts.signingKey ? { ...opts, signingKey: await sharedSigningKey(opts.database) } : opts);
  if (!sim.mountPath) throw new Error('VNeID simulator: the issuer URL needs a path (e.g. http://127.0.0.1:3000/sso) to be mounted on a Fastify app');

  await app.register(async (scope: FastifyInstance) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req: FastifyRequest, _payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) =>
      done(null, undefined),
    );

    const hijack = (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      sim.handler(request.raw, reply.raw);
    };
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    // The simulator is not congso's API: kept out of the OpenAPI document.
    scope.route({ method: methods, url: sim.mountPath, schema: { hide: true }, config: { access: 'public' }, handler: hijack });
    scope.route({ method: methods, url: `${sim.mountPath}/*`, schema: { hide: true }, config: { access: 'public' }, handler: hijack });
  });
}

// ---------------------------------------------------------------------------------------------

function claimsOf(c: SimCitizen): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: c.sub,
    name: c.name,
    identifier: c.identifier,
    kind: c.kind,
    birthdate: c.birthdate,
    gender: c.gender,
    email: c.email,
    email_verified: c.email ? true : undefined,
    phone_number: c.phone,
    phone_number_verified: c.phone ? true : undefined,
    address: c.address ? { formatted: c.address } : undefined,
    representative: c.representative,
  };
  for (const k of Object.keys(claims)) if (claims[k] === undefined) delete claims[k];
  return claims;
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new Error('unsupported content type');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'";

function sendHtml(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent) return;
  const body = Buffer.from(html, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendHtml(res, 405, errorPage({ message: 'Phương thức không được hỗ trợ.', messageEn: 'Method not allowed.' }));
}

const notFoundPage = () =>
  errorPage({
    heading: 'Không tìm thấy trang',
    headingEn: 'Page not found',
    message: 'Địa chỉ này không tồn tại.',
    messageEn: 'There is no page at this address.',
  });

const expiredPage = () =>
  errorPage({
    heading: 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn',
    headingEn: 'The sign-in session is invalid or has expired',
    message: 'Vui lòng quay lại dịch vụ và bắt đầu đăng nhập lại.',
    messageEn: 'Go back to the service and start signing in again.',
  });

async function renderError(ctx: KoaContextWithOIDC, out: Record<string, unknown>): Promise<void> {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.body = errorPage({
    message: 'Yêu cầu đăng nhập không hợp lệ.',
    messageEn: 'The sign-in request is invalid.',
    details: { error: out.error, error_description: out.error_description, state: out.state },
  });
}

async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.body = logoutPage(form, ctx.host);
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  const client = ctx.oidc.client;
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.body = loggedOutPage(client?.clientName || client?.clientId);
}

function clientBasedCORS(_ctx: KoaContextWithOIDC, origin: string, client: ClientModel): boolean {
  if (origin === 'null') return false;
  return (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
}
