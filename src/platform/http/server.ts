import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import client from 'prom-client';
import { z } from 'zod';
import type { Ctx } from '../context.ts';
import { AppError, forbidden, unauthenticated } from '../errors.ts';
import { allows, type Access, type Principal } from '../auth/roles.ts';
import { cookieNames, safeEqual } from '../auth/sessions.ts';
import { csrfFor, securityHeaders } from './security.ts';
import { guardInput, parseFormBody } from './input-guard.ts';
import { issueVietnamese, validationError } from './validation.ts';
import type { App, RouteEntry } from './types.ts';
import { registerAssets } from './assets.ts';
import { registerRateLimits } from './rate-limit.ts';
import { registerOutboxMetrics } from '../outbox/metrics.ts';
import { isConnectionError } from '../db/index.ts';
import { registerReplicaMetrics } from '../db/replica.ts';
import './types.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// Routes that plugins add (static files, API docs, the SSO simulator) are public by nature.
const PLUGIN_PUBLIC = /^\/(assets\/|api\/docs|sso(\/|$))/;

export interface Module {
  name: string;
  routes(app: App, ctx: Ctx): void | Promise<void>;
}

/**
 * What the account behind a session or token may do now: the current roles, or null once the
 * account is disabled or gone. Supplied by the identity module; the platform knows no tables.
 */
export type PrincipalRefresh = (p: Principal) => Promise<Principal | null>;

export interface ServerOptions {
  /** Runs after the modules' routes (the SSO pages). */
  extra?: (app: App) => Promise<void>;
  refreshPrincipal: PrincipalRefresh;
}

/**
 * Builds the HTTP app: every route declares `config.access`; the onRoute hook adds the
 * check and records the roles in the OpenAPI document, so the route table, the guard and
 * the documentation cannot drift apart.
 */
export async function buildServer(ctx: Ctx, modules: Module[], opts: ServerOptions): Promise<App> {
  const { extra, refreshPrincipal: refresh } = opts;
  // Forms may lead to the national SSO and to the payment platform (the pay button's 303 goes there).
  const formTargets = [new URL(ctx.config.oidc.issuer).origin, ...(ctx.config.payment ? [new URL(ctx.config.payment.url).origin] : [])];
  const headers = securityHeaders(ctx.config.mode === 'production', formTargets);
  const cookies = cookieNames(ctx.config.http.secureCookies);
  const { http: httpConfig, rateLimits } = ctx.config;
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 200 },
    // Only the configured load balancers' X-Forwarded-For is believed: otherwise any client
    // could choose the address written into the audit trail and the key of its rate limits.
    trustProxy: httpConfig.trustedProxies.length ? httpConfig.trustedProxies : false,
    // Node cuts off requests whose headers are too slow; slow bodies are cut off by the
    // onRequest hook below, since Node stops counting once a request reaches its handler.
    requestTimeout: httpConfig.requestTimeoutMs,
    http: { connectionsCheckingInterval: 1000 },
    // Router-level refusals (a path that is not UTF-8, an overlong parameter) answer like every
    // other error; they skip the hooks, so the security headers are set here.
    frameworkErrors: (err, req, reply) => {
      headers(reply);
      return sendError(req, reply, toAppError(err));
    },
    clientErrorHandler: sendClientError,
  }).withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // While the server drains (closeServer), every answer closes its connection: a keep-alive
  // client would otherwise keep the connection, and so the process, open with its next request.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (draining.has(app)) reply.header('connection', 'close');
    done(null, payload);
  });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 256 * 1024, parser: parseFormBody });
  guardInput(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'congso API',
        version: VERSION,
        description:
          'API của congso — cổng dịch vụ công và hệ thống một cửa điện tử. Errors are `{error: {code, message (vi), messageEn, details?}}`. ' +
          'Each operation lists in `security` the roles allowed (staff roles, `citizen`, or `scope:<name>` for service accounts).',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/v1/auth/login or /api/v1/oauth/token' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: cookies.session },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, uiConfig: { docExpansion: 'list' } });

  const metrics = metricsFor(ctx);
  const csrf = csrfFor(ctx.config.secrets.session, { cookie: cookies.csrf, secure: httpConfig.secureCookies });

  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);
  app.decorateRequest('lang', 'vi');
  app.decorateRequest('csrfToken', '');

  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  await registerRateLimits(app, rateLimits, ctx.database.db);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access as Access | undefined;
    if (access) for (const m of [route.method].flat()) if (m !== 'HEAD') routeTable.push({ method: m, url: route.url, access });
    if (!access) {
      if (PLUGIN_PUBLIC.test(route.url)) return;
      throw new Error(`route ${route.method} ${route.url} declares no config.access`);
    }
    if (access !== 'public') {
      const roles = [...access];
      route.schema = { ...(route.schema ?? {}), security: [{ bearerAuth: roles }, { sessionCookie: roles }] } as typeof route.schema;
      const guard = async (req: FastifyRequest) => {
        if (!req.principal) throw unauthenticated();
        if (!allows(access, req.principal)) throw forbidden();
      };
      // Route-level onRequest runs after the global hook that resolves the principal and
      // before the body is parsed or validated: a caller without rights learns nothing.
      const pre = route.onRequest;
      route.onRequest = pre ? [guard, ...(Array.isArray(pre) ? pre : [pre])] : [guard];
    }
  });

  app.addHook('onRequest', async (req) => {
    // A body that has not fully arrived within the limit holds a connection and a parser for
    // nothing (slow-body attacks): answer 408 and close the connection.
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) {
      const raw = req.raw;
      const timer = setTimeout(() => {
        if (raw.complete || raw.socket.destroyed) return;
        req.log.warn({ url: req.url }, 'request body too slow: cut off');
        sendClientError(Object.assign(new Error('request body timed out'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), raw.socket);
      }, httpConfig.requestTimeoutMs);
      timer.unref();
      raw.once('end', () => clearTimeout(timer));
      raw.once('close', () => clearTimeout(timer));
    }
  });
  app.addHook('onRequest', async (req, reply) => {
    const lang = (req.query as Record<string, unknown> | undefined)?.lang;
    if (lang === 'en' || lang === 'vi') {
      reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', maxAge: 365 * 86400 });
      req.lang = lang;
    } else req.lang = req.cookies.lang === 'en' ? 'en' : 'vi';

    const auth = req.headers.authorization;
    // The SSO simulator's endpoints take its own bearer tokens, the other simulators theirs (the data-sharing
    // platform's stand-in), and /metrics the monitoring token: not ours.
    if (auth && /^Bearer /i.test(auth) && !req.url.startsWith('/sso') && !req.url.startsWith('/simulators/') && req.url !== '/metrics') {
      const claimed = await ctx.tokens.verify(auth.slice(7).trim());
      // A token names who it was issued to; what they may do is read afresh, so a changed
      // role, a move to another unit or a disabled account counts from the next request.
      req.principal = claimed && (await refresh(claimed));
      if (!req.principal) throw unauthenticated();
      return;
    }
    const sid = req.cookies[cookies.session];
    if (sid && !req.url.startsWith('/assets/')) {
      req.session = await ctx.sessions.get(sid);
      const claimed = req.session?.principal ?? null;
      req.principal = claimed && (await refresh(claimed));
      if (claimed && !req.principal) {
        // The account was disabled or removed: its session ends here.
        await ctx.sessions.destroy(sid);
        req.session = null;
        reply.clearCookie(cookies.session, { path: '/', secure: httpConfig.secureCookies });
      }
    }
    if (!req.url.startsWith('/api/')) csrf.ensure(req, reply);
  });
  app.addHook('preValidation', async (req) => {
    if (!req.url.startsWith('/sso')) csrf.check(req);
  });
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/sso')) return;
    headers(reply);
    // Answers with personal data must not be kept by browsers or shared caches: every JSON
    // answer, and every page or file served to someone signed in. Static assets and public
    // pages set their own.
    if (!reply.hasHeader('cache-control')) {
      const type = String(reply.getHeader('content-type') ?? '');
      if (req.principal || req.session || type.startsWith('application/json')) reply.header('cache-control', 'no-store');
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req, reply);
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const appErr = toAppError(err);
    // A 503 is a known state (database down, workers busy), not a defect: a warning without the stack.
    if (appErr.status === 503) req.log.warn({ code: (err as { code?: string }).code, message: err.message }, 'request failed: unavailable');
    else if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    return sendError(req, reply, appErr);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, new AppError('NOT_FOUND', { vi: `Không có trang hoặc API ${req.url}`, en: `No page or API at ${req.url}` })),
  );

  app.get('/healthz', {
    config: { access: 'public' },
    schema: {
      tags: ['operations'],
      summary: 'Health check',
      response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['embedded', 'postgresql']), version: z.string() }), 503: z.any() },
    },
    handler: async (_req, reply) => {
      try {
        await ctx.database.pool.query('select 1');
      } catch {
        reply.header('retry-after', '5');
        throw new AppError('SERVICE_UNAVAILABLE', { vi: 'Cơ sở dữ liệu tạm thời không truy cập được', en: 'Database unavailable' });
      }
      return { status: 'ok' as const, database: ctx.database.kind, version: VERSION };
    },
  });
  app.get('/metrics', {
    config: { access: 'public' },
    schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true },
    handler: async (req, reply) => {
      // Metrics name routes and volumes: in production only the monitoring system, with its token, reads them.
      if (ctx.config.mode === 'production') {
        const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
        if (!httpConfig.metricsToken || !safeEqual(token, httpConfig.metricsToken)) throw unauthenticated();
      }
      return reply.type(client.register.contentType).send(await client.register.metrics());
    },
  });
  app.get('/api/openapi.json', {
    config: { access: 'public' },
    schema: { tags: ['operations'], summary: 'This OpenAPI 3.1 document', hide: true },
    handler: async () => app.swagger(),
  });

  await registerAssets(app, ctx);
  for (const m of modules) await m.routes(app, ctx);
  if (extra) await extra(app);
  return app;
}

const draining = new WeakSet<object>();

/**
 * Stops the HTTP server for a shutdown. The port closes at once (new connections are refused),
 * idle keep-alive connections are closed, a request arriving on an open connection is answered
 * 503 with `Connection: close` (Fastify's return503OnClosing), and every request in flight gets
 * until `graceMs` to finish, its answer closing its connection. Connections still open then are
 * cut: a slow upload or a stalled client must not keep the process alive (Fastify alone waits
 * for them for ever).
 */
export async function closeServer(app: App, graceMs: number): Promise<{ drained: boolean; cut: number }> {
  draining.add(app);
  const server = app.server;
  const open = () => new Promise<number>((r) => server.getConnections((err, n) => r(err ? 0 : n)));
  const before = server.listening ? await open() : 0;
  app.log.info({ connections: before, graceSeconds: graceMs / 1000 }, 'http: no new connections; requests in flight may finish');
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((r) => (timer = setTimeout(() => r('expired'), graceMs)));
  const outcome = await Promise.race([closed.then(() => 'drained' as const), expired]);
  clearTimeout(timer);
  if (outcome === 'drained') {
    app.log.info('http: every request finished; server closed');
    return { drained: true, cut: 0 };
  }
  const cut = await open();
  app.log.warn({ connections: cut }, 'http: grace period over; cutting the connections still open');
  server.closeAllConnections();
  await closed;
  app.log.info('http: server closed');
  return { drained: false, cut };
}

function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError & { validationContext?: string }).validationContext ?? 'body';
    return validationError(
      err.validation.map((v) => {
        const p = v.instancePath.replace(/^\//, '').split('/').filter(Boolean);
        const path = [where, ...p].map((s, i) => (/^\d+$/.test(s) && i > 0 ? `[${s}]` : i ? `.${s}` : s)).join('');
        const en = v.message ?? 'invalid';
        // The type provider spreads the Zod issue into params, less its code and message.
        const issue = { ...v.params, code: v.keyword, message: en, path: p } as unknown as Parameters<typeof issueVietnamese>[0];
        return { path, message: issueVietnamese(issue), messageEn: en };
      }),
    );
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', { vi: 'Dữ liệu gửi lên quá lớn', en: 'Request body too large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: 'Kiểu nội dung không được hỗ trợ', en: 'Unsupported content type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('VALIDATION_FAILED', { vi: 'Nội dung JSON không hợp lệ', en: 'Malformed JSON body' });
  }
  if (err instanceof SyntaxError || err.statusCode === 400) {
    return new AppError('VALIDATION_FAILED', { vi: `Yêu cầu không hợp lệ: ${err.message}`, en: `Bad request: ${err.message}` });
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError(err.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', { vi: 'Yêu cầu không hợp lệ', en: err.message });
  }
  if (isConnectionError(err)) {
    return new AppError('SERVICE_UNAVAILABLE', { vi: 'Hệ thống tạm thời gián đoạn, vui lòng thử lại sau', en: 'Temporarily unavailable, retry later' });
  }
  return new AppError('INTERNAL', { vi: 'Lỗi hệ thống; sự cố đã được ghi lại', en: 'Internal error; it has been logged' });
}

function sendError(req: FastifyRequest, reply: FastifyReply, e: AppError) {
  if (e.status === 503) reply.header('retry-after', '5');
  const wantsHtml = !req.url.startsWith('/api/') && /text\/html/.test(req.headers.accept ?? '');
  if (wantsHtml && errorPage) return errorPage(req, reply, e);
  return reply.code(e.status).send(e.toJSON());
}

/** A request the HTTP parser refuses (bad framing, CR/LF in a header) never reaches a route: the same error body, written to the socket. */
function sendClientError(err: Error & { code?: string }, socket: import('node:net').Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, e] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, new AppError('PAYLOAD_TOO_LARGE', { vi: 'Phần đầu yêu cầu HTTP quá lớn', en: 'Request headers too large' })]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, new AppError('VALIDATION_FAILED', { vi: 'Yêu cầu HTTP gửi quá chậm', en: 'Request timed out' })]
        : [400, new AppError('VALIDATION_FAILED', { vi: 'Yêu cầu HTTP không hợp lệ', en: 'Malformed HTTP request' })];
  const body = JSON.stringify(e.toJSON());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : status === 431 ? 'Request Header Fields Too Large' : 'Request Timeout'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

let errorPage: ((req: FastifyRequest, reply: FastifyReply, e: AppError) => FastifyReply) | undefined;
/** The web layer supplies the HTML error page; the platform does not depend on it. */
export const setErrorPage = (fn: typeof errorPage) => {
  errorPage = fn;
};

function metricsFor(ctx: Ctx) {
  client.register.clear();
  client.collectDefaultMetrics();
  registerOutboxMetrics(ctx);
  if (ctx.replica) registerReplicaMetrics();
  const hist = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  return {
    observe(req: FastifyRequest, reply: FastifyReply) {
      hist.observe({ method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    },
  };
}
