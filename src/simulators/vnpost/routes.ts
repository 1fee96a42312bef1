import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { notFound } from '../../platform/errors.ts';
import { createVnpostSimulator, type SimAnswer } from './simulator.ts';

/**
 * The demo's VNPost, served by the app itself under /simulators/vnpost, so postal orders are
 * created and tracked in the demo with nothing else to run. Demo mode only: production points
 * VNPOST_URL at VNPost. Its one customer is us, as configured (`config.vnpost`).
 *
 * POST /oauth/token, /api/orders, /api/orders/cancel, /api/tracking: the contract (simulator.ts).
 * GET /orders lists what it holds (`?order=` one), with the events so far; POST /clock moves its
 * clock forward (`{ advanceMs }`); POST /faults (demo and tests only) sets faults or resets.
 */

const PREFIX = '/simulators/vnpost';
const hidden = { access: 'public', csrf: false } as const;
const FaultsBody = z
  .object({
    reset: z.boolean().optional(),
    failNext: z.number().int().min(0).max(1000).optional(),
    status: z.number().int().min(400).max(599).optional(),
    failRate: z.number().min(0).max(1).optional(),
    timeoutRate: z.number().min(0).max(1).optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
    duplicateEvents: z.boolean().optional(),
    outOfOrder: z.boolean().optional(),
    returnNext: z.number().int().min(0).max(1000).optional(),
  })
  .strict();

async function answer(reply: FastifyReply, a: SimAnswer) {
  if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
  if (a.headers) reply.headers(a.headers);
  return reply.code(a.status).send(a.body);
}

export const vnpostSimulatorModule: Module = {
  name: 'vnpost-simulator',
  routes(app, ctx) {
    const c = ctx.config.vnpost;
    if (ctx.config.mode !== 'demo' || !c) return;
    const sim = createVnpostSimulator({ clientId: c.clientId, clientSecret: c.clientSecret, customerCode: c.customerCode });
    const demoOnly = () => {
      // Faults and the clock are for the demo and tests: never where real orders could be affected.
      if (ctx.config.mode !== 'demo') throw notFound({ vi: 'trang', en: 'Page' });
    };

    app.post(`${PREFIX}/oauth/token`, {
      config: hidden,
      schema: { hide: true },
      handler: async (req, reply) => answer(reply, sim.token(req.headers.authorization, (req.body as Record<string, unknown> | undefined)?.grant_type)),
    });
    app.post(`${PREFIX}/api/orders`, {
      config: hidden,
      schema: { hide: true },
      handler: async (req, reply) => answer(reply, sim.createOrder(req.headers.authorization, req.body)),
    });
    app.post(`${PREFIX}/api/orders/cancel`, {
      config: hidden,
      schema: { hide: true },
      handler: async (req, reply) => answer(reply, sim.cancelOrder(req.headers.authorization, req.body)),
    });
    app.post(`${PREFIX}/api/tracking`, {
      config: hidden,
      schema: { hide: true },
      handler: async (req, reply) => answer(reply, sim.tracking(req.headers.authorization, req.body)),
    });
    app.get(`${PREFIX}/orders`, {
      config: hidden,
      schema: { hide: true, querystring: z.object({ order: z.string().max(60).optional() }) },
      handler: async (req) => ({ orders: sim.orders(req.query.order) }),
    });
    app.post(`${PREFIX}/clock`, {
      config: hidden,
      schema: {
        hide: true,
        body: z
          .object({
            advanceMs: z
              .number()
              .int()
              .min(0)
              .max(365 * 86_400_000),
          })
          .strict(),
      },
      handler: async (req) => {
        demoOnly();
        return sim.advance(req.body.advanceMs);
      },
    });
    app.post(`${PREFIX}/faults`, {
      config: hidden,
      schema: { hide: true, body: FaultsBody },
      handler: async (req) => {
        demoOnly();
        const b = req.body;
        if (b.reset) sim.reset();
        const { reset: _, ...f } = b;
        sim.setFaults(f);
        return sim.faults();
      },
    });
  },
};
