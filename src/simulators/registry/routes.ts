import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Module } from '../../platform/http/server.ts';
import { notFound } from '../../platform/errors.ts';
import { createRegistrySimulator, type RegistrySimulator } from './simulator.ts';

/**
 * The demo's data-sharing platform (acting as the provincial LGSP) with the national business
 * registry behind it, served by the app itself under /simulators/registry, so business lookups
 * work in the demo with nothing else to run. Demo mode only: production points GATEWAY_URL at the
 * real platform. Its one client is us, as configured (`config.gateway`).
 *
 * POST /token (client credentials); GET /dkkd/v1/doanh-nghiep/{code} (Bearer, signed); GET /calls
 * lists what the registry was asked (`?code=` one business's) and the tokens issued; POST /faults
 * (demo and tests only) fails, resets or times out calls, slows answers, revokes tokens, or resets.
 */

const PREFIX = '/simulators/registry';
const hidden = { access: 'public', csrf: false } as const;
const FaultsBody = z
  .object({
    reset: z.boolean().optional(),
    revokeTokens: z.boolean().optional(),
    failNext: z.number().int().min(0).max(1000).optional(),
    status: z.number().int().min(500).max(599).optional(),
    resetNext: z.number().int().min(0).max(1000).optional(),
    failFraction: z.number().min(0).max(1).optional(),
    timeoutFraction: z.number().min(0).max(1).optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();

/** Longest a "never answered" call is held open, should the caller not give up first. */
const HANG_MS = 30_000;

async function send(sim: RegistrySimulator, req: FastifyRequest<{ Params: { code: string } }>, reply: FastifyReply) {
  const a = sim.lookup(req.headers, req.method, req.url, req.params.code);
  if (a.kind === 'reset') {
    reply.hijack();
    req.raw.socket.destroy();
    return;
  }
  if (a.kind === 'timeout') {
    // Held until the caller gives up (or HANG_MS), then dropped without an answer.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, HANG_MS);
      req.raw.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    reply.hijack();
    req.raw.socket.destroy();
    return;
  }
  if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
  if (a.headers) reply.headers(a.headers);
  return reply.code(a.status).send(a.body);
}

export const registrySimulatorModule: Module = {
  name: 'registry-simulator',
  routes(app, ctx) {
    const c = ctx.config.gateway;
    if (ctx.config.mode !== 'demo' || !c) return;
    const sim = createRegistrySimulator({ clientId: c.clientId, clientSecret: c.clientSecret, signingKey: c.signingKey });

    app.post(`${PREFIX}/token`, {
      config: hidden,
      schema: { hide: true },
      handler: async (req, reply) => {
        const r = sim.token(req.headers.authorization, req.body);
        reply.header('cache-control', 'no-store');
        return reply.code(r.status).send(r.body);
      },
    });
    app.get(`${PREFIX}/dkkd/v1/doanh-nghiep/:code`, {
      config: hidden,
      schema: { hide: true, params: z.object({ code: z.string().max(40) }) },
      handler: (req, reply) => send(sim, req, reply),
    });
    app.get(`${PREFIX}/calls`, {
      config: hidden,
      schema: { hide: true, querystring: z.object({ code: z.string().max(40).optional() }) },
      handler: async (req) => ({ calls: sim.calls(req.query.code), tokensIssued: sim.tokensIssued() }),
    });
    app.post(`${PREFIX}/faults`, {
      config: hidden,
      schema: { hide: true, body: FaultsBody },
      handler: async (req) => {
        // Faults are for the demo and tests: never where real lookups could be affected.
        if (ctx.config.mode !== 'demo') throw notFound({ vi: 'trang', en: 'Page' });
        const { reset, revokeTokens, ...f } = req.body;
        if (reset) sim.reset();
        if (revokeTokens) sim.revokeTokens();
        sim.setFaults(f);
        return sim.faults();
      },
    });
  },
};
