import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { createPaymentSimulator, METHODS } from './simulator.ts';
import { messagePage, payPage, STYLE } from './pages.ts';

/**
 * The demo's national payment platform, served by the app itself under /simulators/payment
 * (as the TSA simulator is at /tsa), so online payment works in the demo with nothing else to
 * run. Demo mode only: production points PAYMENT_URL at the real platform. Its one partner is
 * us, as configured (`config.payment`: partner code, secret, callback and return addresses),
 * as the real platform registers a partner's addresses when it signs the partner up.
 *
 * The message paths (/init, /query, /get-bill, /statement) are those contract.ts records; the
 * pay page is /pay/{token}; POST /faults (demo and tests only) sets faults for the next payment
 * and plants lines in statements; GET /transactions/{reference} shows what the platform holds.
 */

const PREFIX = '/simulators/payment';
const hidden = { access: 'public', csrf: false } as const;

const NextFault = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('timeout'), expiresAfterSeconds: z.number().min(0).max(86_400).optional() }).strict(),
  z.object({ kind: z.literal('duplicate_callback') }).strict(),
  z.object({ kind: z.literal('late_callback'), delayMs: z.number().int().min(0).max(60_000).optional() }).strict(),
  z.object({ kind: z.literal('changed_amount'), amount: z.number().int().min(0).max(999_999_999_999).optional(), alsoReturn: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('bad_hash'), alsoReturn: z.boolean().optional() }).strict(),
]);
const reference = z.string().min(1).max(50);
const Plant = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drop'), reference }).strict(),
  z.object({ kind: z.literal('change_amount'), reference, amount: z.number().int().min(0).max(999_999_999_999).optional() }).strict(),
  z.object({ kind: z.literal('change_state'), reference, state: z.enum(['1', '3', '4']).optional() }).strict(),
  z
    .object({
      kind: z.literal('add_unknown'),
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      reference: reference.optional(),
      amount: z.number().int().min(1).max(999_999_999_999).optional(),
    })
    .strict(),
]);
const FaultsBody = z.object({ reset: z.boolean().optional(), next: NextFault.optional(), plant: Plant.optional() }).strict();
const PayForm = z.object({ outcome: z.enum(['pay', 'fail', 'abandon']), bank: z.string().max(20).optional() });

export const paymentSimulatorModule: Module = {
  name: 'payment-simulator',
  async routes(app, ctx) {
    const p = ctx.config.payment;
    if (ctx.config.mode !== 'demo' || !p) return;
    const base = `${ctx.config.publicUrl}${PREFIX}`;
    const sim = createPaymentSimulator({
      partners: [{ code: p.partnerCode, secret: p.secret, callbackUrl: p.callbackUrl, returnUrl: p.returnUrl }],
      baseUrl: base,
      log: ctx.log,
    });
    app.addHook('onClose', async () => sim.close());

    app.post(`${PREFIX}/init`, { config: hidden, schema: { hide: true }, handler: async (req) => sim.init(req.body) });
    app.post(`${PREFIX}/query`, { config: hidden, schema: { hide: true }, handler: async (req) => sim.query(req.body, 'QUERY') });
    app.post(`${PREFIX}/get-bill`, { config: hidden, schema: { hide: true }, handler: async (req) => sim.query(req.body, 'GET_BILL') });
    app.post(`${PREFIX}/statement`, {
      config: hidden,
      schema: { hide: true },
      handler: async (req, reply) => {
        const s = sim.statement(req.body);
        if (!s.ok) return reply.code(400).send(s.refusal);
        return reply.type('text/csv; charset=utf-8').header('x-maxacthuc', s.signature).header('cache-control', 'no-store').send(s.csv);
      },
    });

    app.get(`${PREFIX}/style.css`, {
      config: hidden,
      schema: { hide: true },
      handler: async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLE),
    });
    app.get(`${PREFIX}/pay/:token`, {
      config: hidden,
      schema: { hide: true, params: z.object({ token: z.string().max(64) }) },
      handler: async (req, reply) => {
        const t = sim.payPage(req.params.token);
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        if (!t) return reply.code(404).send(messagePage(PREFIX, 'unknown'));
        if (t.state !== 'pending') return reply.send(messagePage(PREFIX, 'done', t));
        if (t.timedOut) return reply.send(messagePage(PREFIX, 'timeout', t));
        return reply.send(payPage(PREFIX, req.params.token, t));
      },
    });
    app.post(`${PREFIX}/pay/:token`, {
      config: hidden,
      schema: { hide: true, params: z.object({ token: z.string().max(64) }), body: PayForm },
      handler: async (req, reply) => {
        const { outcome, bank = '' } = req.body;
        if (outcome !== 'abandon' && !METHODS.some((m) => m.code === bank)) {
          throw new AppError('VALIDATION_FAILED', { vi: 'Hãy chọn một ngân hàng hoặc ví điện tử', en: 'Choose a bank or an e-wallet' }, [
            { path: 'bank', message: 'Hãy chọn một ngân hàng hoặc ví điện tử', messageEn: 'Choose a bank or an e-wallet' },
          ]);
        }
        const r = await sim.pay(req.params.token, outcome, bank);
        if (r.kind === 'redirect') return reply.redirect(r.location, 303);
        return reply
          .code(r.page === 'unknown' ? 404 : 200)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(messagePage(PREFIX, r.page, r.txn, r.home));
      },
    });

    app.post(`${PREFIX}/faults`, {
      config: hidden,
      schema: { hide: true, body: FaultsBody },
      handler: async (req) => {
        // Faults are for the demo and tests: never where real payments could be affected.
        if (ctx.config.mode !== 'demo') throw notFound({ vi: 'trang', en: 'Page' });
        const b = req.body;
        if (b.reset) sim.reset();
        if (b.next) sim.setFault(b.next);
        if (b.plant) sim.plant(b.plant);
        return sim.faults();
      },
    });
    app.get(`${PREFIX}/transactions/:reference`, {
      config: hidden,
      schema: { hide: true, params: z.object({ reference }) },
      handler: async (req) => {
        const t = sim.transaction(req.params.reference);
        if (!t) throw notFound({ vi: 'giao dịch', en: 'Transaction' });
        return t;
      },
    });
  },
};
