import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Module } from '../../platform/http/server.ts';
import { notFound } from '../../platform/errors.ts';
import { createDvcqgSimulator, type DvcqgSimulator, type SimResponse } from './simulator.ts';
import { inbound } from './inbound.ts';
import { catalogue } from './catalogue.ts';

/**
 * The demo's National Public Service Portal, served by the app itself under /simulators/dvcqg,
 * so the national sync runs in the demo with nothing else to start. Demo mode only: production
 * points NATIONAL_PORTAL_URL at the real portal. Its one account is ours, as configured
 * (`config.nationalPortal`).
 *
 * POST /auth signs in; POST /service takes every service call (the service is named in the
 * body, as on the real portal); GET /received shows what it holds (`?dossier=` one dossier's
 * record, versions and steps; without, every dossier's code and the rating summaries); POST
 * /faults (demo and tests only) sets failures, timeouts, duplicates, delays, a seed, or resets.
 */

export const DVCQG_PREFIX = '/simulators/dvcqg';
const hidden = { access: 'public', csrf: false } as const;

/**
 * What other files add to the simulator: services (`sim.addService`) and routes of their own
 * under DVCQG_PREFIX. The portal's inbound side (pushing dossiers to us, LayThuTuc,
 * LayDanhSachTTHC, TraCuuTechID) is added here by inbound.ts and catalogue.ts.
 */
export type DvcqgExtension = (sim: DvcqgSimulator, app: FastifyInstance, ctx: Ctx) => void;
/** Add an extension by importing it here and listing it (e.g. `import { inbound } from './inbound.ts'` then `[inbound]`). */
export const DVCQG_EXTENSIONS: DvcqgExtension[] = [inbound, catalogue];

const FaultsBody = z
  .object({
    reset: z.boolean().optional(),
    failRate: z.number().min(0).max(1).optional(),
    timeoutRate: z.number().min(0).max(1).optional(),
    timeoutMs: z.number().int().min(0).max(120_000).optional(),
    duplicateRate: z.number().min(0).max(1).optional(),
    failNext: z.number().int().min(0).max(1000).optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional(),
    expireSessions: z.boolean().optional(),
  })
  .strict();

/** The simulator a running app serves (tests read and drive it directly too). */
const SIMULATORS = new WeakMap<Ctx, DvcqgSimulator>();
export const dvcqgSimulatorOf = (ctx: Ctx): DvcqgSimulator | undefined => SIMULATORS.get(ctx);

export const dvcqgSimulatorModule: Module = {
  name: 'dvcqg-simulator',
  routes(app, ctx) {
    const c = ctx.config.nationalPortal;
    if (ctx.config.mode !== 'demo' || !c) return;
    const sim = createDvcqgSimulator({ username: c.username, password: c.password, unitCode: c.unitCode, dstcode: c.dstcode });
    SIMULATORS.set(ctx, sim);
    const dstcodeOf = (h: unknown) => (typeof h === 'string' ? h : undefined);
    const send = (reply: { code(n: number): { send(b: unknown): unknown } }, r: SimResponse) => reply.code(r.status).send(r.body);

    app.post(`${DVCQG_PREFIX}/auth`, {
      config: hidden,
      schema: { hide: true },
      handler: async (req, reply) => send(reply, await sim.signIn(dstcodeOf(req.headers.dstcode), req.body)),
    });
    app.post(`${DVCQG_PREFIX}/service`, {
      config: hidden,
      schema: { hide: true },
      bodyLimit: 8 * 1024 * 1024,
      handler: async (req, reply) => send(reply, await sim.call(dstcodeOf(req.headers.dstcode), req.body)),
    });
    app.get(`${DVCQG_PREFIX}/received`, {
      config: hidden,
      schema: { hide: true, querystring: z.object({ dossier: z.string().max(60).optional() }) },
      handler: async (req) => (req.query.dossier ? sim.dossier(req.query.dossier) : { dossiers: sim.dossierCodes(), ratings: sim.ratings() }),
    });
    app.post(`${DVCQG_PREFIX}/faults`, {
      config: hidden,
      schema: { hide: true, body: FaultsBody },
      handler: async (req) => {
        // Faults are for the demo and tests: never where real records could be affected.
        if (ctx.config.mode !== 'demo') throw notFound({ vi: 'trang', en: 'Page' });
        const { reset, expireSessions, ...f } = req.body;
        if (reset) sim.reset();
        if (expireSessions) sim.expireSessions();
        sim.setFaults(f);
        return sim.faults();
      },
    });
    for (const extend of DVCQG_EXTENSIONS) extend(sim, app, ctx);
  },
};
