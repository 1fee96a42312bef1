import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { sendPage } from '../render.tsx';
import { OutboxMessagePage, OutboxPage } from '../pages/office/outbox.tsx';
import { CHANNELS } from '../../modules/notifications/schemas.ts';
import { getNotification, listNotifications } from '../../modules/notifications/list-notifications.ts';
import { OUTBOX_ACCESS } from '../../modules/notifications/routes.ts';

const Id = z.object({ id: z.string().max(64) });

// An HTML form sends empty strings for "all".
const PageQuery = z.object({
  dossierCode: z.string().trim().max(100).optional(),
  channel: z.enum([...CHANNELS, '']).optional(),
  status: z.enum(['queued', 'sent', 'failed', '']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

/** The outbox pages: what was sent to applicants, as the officials who may see it read it. */
export const outboxPagesModule: Module = {
  name: 'outbox-pages',
  routes(app, ctx) {
    const page = { hide: true } as const;
    app.get('/can-bo/hop-thu', { config: { access: OUTBOX_ACCESS }, schema: { ...page, querystring: PageQuery } }, async (req, reply) => {
      const filters = { dossierCode: req.query.dossierCode || undefined, channel: req.query.channel || undefined, status: req.query.status || undefined };
      const result = await listNotifications(ctx, req.principal, { ...filters, page: req.query.page });
      return sendPage(reply, OutboxPage({ req, result, filters }));
    });
    app.get('/can-bo/hop-thu/:id', { config: { access: OUTBOX_ACCESS }, schema: { ...page, params: Id } }, async (req, reply) =>
      sendPage(reply, OutboxMessagePage({ req, n: await getNotification(ctx, req.principal, req.params.id) })),
    );
    // The e-mail's HTML as the applicant's mail program shows it; its own policy forbids any
    // script or request, though every value in it is escaped already.
    app.get('/can-bo/hop-thu/:id/html', { config: { access: OUTBOX_ACCESS }, schema: { ...page, params: Id } }, async (req, reply) => {
      const n = await getNotification(ctx, req.principal, req.params.id);
      if (!n.html) return reply.redirect(`/can-bo/hop-thu/${n.id}`, 303);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
        .send(n.html);
    });
  },
};
