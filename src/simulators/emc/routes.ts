import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { notFound } from '../../platform/errors.ts';
import { createEmcSimulator } from './simulator.ts';

/**
 * The demo's national measuring system (EMC), served by the app itself under /simulators/emc,
 * so EMC events are delivered in the demo with nothing else to run. Demo mode only: production
 * points EMC_URL at the real system. Its one site is us, as configured (`config.emc`).
 *
 * POST /api/events takes an event (204; 400 for a malformed event or a wrong site token); GET /events lists what was accepted
 * (`?dossier=` one dossier's); POST /faults (demo and tests only) fails the next N events with a
 * status, delays answers, or resets.
 */

const PREFIX = '/simulators/emc';
const hidden = { access: 'public', csrf: false } as const;
const FaultsBody = z
  .object({
    reset: z.boolean().optional(),
    failNext: z.number().int().min(0).max(1000).optional(),
    status: z.number().int().min(400).max(599).optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();

export const emcSimulatorModule: Module = {
  name: 'emc-simulator',
  routes(app, ctx) {
    const c = ctx.config.emc;
    if (ctx.config.mode !== 'demo' || !c) return;
    const sim = createEmcSimulator({ siteId: c.siteId, token: c.token });

    app.post(`${PREFIX}/api/events`, {
      config: hidden,
      schema: { hide: true },
      handler: async (req, reply) => {
        const token = req.headers['x-emc-token'];
        const r = await sim.receive(typeof token === 'string' ? token : undefined, req.body);
        if (r.status === 204) return reply.code(204).send();
        return reply.code(r.status).send({ error: r.error });
      },
    });
    app.get(`${PREFIX}/events`, {
      config: hidden,
      schema: { hide: true, querystring: z.object({ dossier: z.string().max(60).optional() }) },
      handler: async (req) => ({ events: sim.events(req.query.dossier) }),
    });
    app.post(`${PREFIX}/faults`, {
      config: hidden,
      schema: { hide: true, body: FaultsBody },
      handler: async (req) => {
        // Faults are for the demo and tests: never where real events could be affected.
        if (ctx.config.mode !== 'demo') throw notFound({ vi: 'trang', en: 'Page' });
        const b = req.body;
        if (b.reset) sim.reset();
        const { reset: _, ...f } = b;
        sim.setFaults(f);
        return sim.faults();
      },
    });
  },
};
