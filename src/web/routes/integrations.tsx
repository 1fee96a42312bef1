import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { AppError } from '../../platform/errors.ts';
import { listIntegrations } from '../../modules/integrations/list-integrations.ts';
import { pauseIntegration } from '../../modules/integrations/pause-integration.ts';
import { replayIntegrationMessages } from '../../modules/integrations/replay-dead-letters.ts';
import { AdapterParam, INTEGRATION_OPERATORS, INTEGRATION_READERS } from '../../modules/integrations/schemas.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { INTEGRATIONS_URL, IntegrationsPage, pauseUrl, replayUrl } from '../pages/office/integrations.tsx';

const page = { hide: true } as const;
const DONE = {
  paused: { vi: 'Đã tạm dừng gửi. Các thư mới vẫn được ghi lại và sẽ gửi khi tiếp tục.', en: 'Paused. New messages are still written and go out on resume.' },
  resumed: { vi: 'Đã tiếp tục gửi.', en: 'Resumed.' },
  replayed: { vi: 'Đã đưa thư lỗi trở lại hàng đợi.', en: 'The dead letters are back in the queue.' },
} as const;
const Query = z.object({ done: z.enum(['paused', 'resumed', 'replayed']).optional() });
// A form sends what was typed: the operation validates it and its error is shown on the page.
const PauseForm = z.object({ paused: z.enum(['true', 'false']) });
const ReplayForm = z.object({ id: z.string().max(40) });

const operates = (req: FastifyRequest) =>
  req.principal?.kind === 'staff' && req.principal.roles.some((r) => (INTEGRATION_OPERATORS as readonly string[]).includes(r.role));

/** The operations page of the connections (issue 16 item 6): administrators act, auditors read. */
export const integrationsPagesModule: Module = {
  name: 'integrations-pages',
  routes(app, ctx) {
    const show = async (req: FastifyRequest, reply: Parameters<typeof sendPage>[0], opts: { done?: keyof typeof DONE; error?: AppError } = {}) =>
      sendPage(
        reply,
        IntegrationsPage({
          req,
          adapters: await listIntegrations(ctx),
          canOperate: operates(req),
          done: opts.done ? DONE[opts.done] : undefined,
          error: opts.error ? t(req, opts.error.text.vi, opts.error.text.en) : undefined,
        }),
        opts.error?.status ?? 200,
      );

    app.get(INTEGRATIONS_URL, { config: { access: INTEGRATION_READERS }, schema: { ...page, querystring: Query } }, (req, reply) =>
      show(req, reply, { done: req.query.done }),
    );

    app.post(
      pauseUrl(':adapter'),
      { config: { access: INTEGRATION_OPERATORS }, schema: { ...page, params: AdapterParam, body: PauseForm } },
      async (req, reply) => {
        const paused = req.body.paused === 'true';
        await pauseIntegration(ctx, req.principal!, req.params.adapter, paused);
        return reply.redirect(`${INTEGRATIONS_URL}?done=${paused ? 'paused' : 'resumed'}#ket-noi-${req.params.adapter}`, 303);
      },
    );

    app.post(
      replayUrl(':adapter'),
      { config: { access: INTEGRATION_OPERATORS }, schema: { ...page, params: AdapterParam, body: ReplayForm } },
      async (req, reply) => {
        try {
          await replayIntegrationMessages(ctx, req.principal!, req.params.adapter, req.body.id);
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
          return show(req, reply, { error: e });
        }
        return reply.redirect(`${INTEGRATIONS_URL}?done=replayed#ket-noi-${req.params.adapter}`, 303);
      },
    );
  },
};
