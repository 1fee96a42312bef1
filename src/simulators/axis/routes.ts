import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { type AxisAnswer, createAxisSimulator } from './simulator.ts';

/**
 * The demo's national document-exchange axis, served by the app itself under /simulators/axis, so
 * documents can be sent in the demo with nothing else to run. Demo mode only: production points
 * EDXML_AXIS_URL at the axis. Its one system is us, as configured (`config.edxml.axis`); what we
 * send to other agencies stays there, listed by GET /messages. POST /faults (demo and tests only)
 * fails, refuses or drops the next sends, fails the next polls, slows every answer, or resets.
 * Two agencies share one axis with `startAxisSimulator` (standalone.ts) instead.
 */

const PREFIX = '/simulators/axis';
const hidden = { access: 'public', csrf: false } as const;
const FaultsBody = z
  .object({
    reset: z.boolean().optional(),
    failNext: z.number().int().min(0).max(1000).optional(),
    status: z.number().int().min(500).max(599).optional(),
    refuseNext: z.number().int().min(0).max(1000).optional(),
    dropNext: z.number().int().min(0).max(1000).optional(),
    failPollNext: z.number().int().min(0).max(1000).optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();

async function answer(reply: FastifyReply, a: AxisAnswer) {
  if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
  reply.header('content-type', a.contentType ?? 'application/json');
  return reply.code(a.status).send(Buffer.isBuffer(a.body) ? a.body : JSON.stringify(a.body));
}

export const axisSimulatorModule: Module = {
  name: 'axis-simulator',
  async routes(app, ctx) {
    const c = ctx.config.edxml;
    if (ctx.config.mode !== 'demo' || !c.axis || !c.axis.url.endsWith(PREFIX)) return;
    const sim = createAxisSimulator({
      systems: [{ systemId: c.axis.systemId, secret: c.axis.secret, organIds: [c.organ.organId] }],
      acceptUnknownRecipients: true,
      maxBytes: c.maxBytes,
    });
    // The contract signs the bytes as sent: every body is taken raw, whatever its type.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: c.maxBytes }, (_req, body, done) => done(null, body));
      for (const path of ['/sendEdoc', '/getReceivedEdocList', '/getEdoc', '/updateStatus']) {
        scope.post(`${PREFIX}${path}`, {
          config: hidden,
          bodyLimit: c.maxBytes,
          schema: { hide: true },
          handler: async (req: FastifyRequest, reply) => {
            const url = new URL(req.url, 'http://axis');
            const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
            return answer(reply, sim.handle(path, url.searchParams, req.headers, body));
          },
        });
      }
    });
    app.get(`${PREFIX}/messages`, {
      config: hidden,
      schema: { hide: true, querystring: z.object({ to: z.string().max(60).optional(), from: z.string().max(60).optional() }) },
      handler: async (req) => ({ messages: sim.messages(req.query) }),
    });
    app.post(`${PREFIX}/faults`, {
      config: hidden,
      schema: { hide: true, body: FaultsBody },
      handler: async (req) => sim.setFaults(req.body),
    });
  },
};
