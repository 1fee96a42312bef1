import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { sendPage } from '../../web/render.tsx';
import { OutboxMessagePage, OutboxPage } from '../../web/pages/office/outbox.tsx';
import { CHANNELS, ListNotificationsQuery, NotificationDetail, NotificationPage } from './schemas.ts';
import { getNotification, listNotifications } from './list-notifications.ts';

/**
 * Messages carry applicants' addresses: the officers who deal with applicants, and those who
 * check them; each reads only the messages of dossiers they may see (outboxScope).
 */
export const OUTBOX_ACCESS: StaffRole[] = ['administrator', 'auditor', 'receiving_officer'];

const Id = z.object({ id: z.string().max(64) });

// An HTML form sends empty strings for "all".
const PageQuery = z.object({
  dossierCode: z.string().trim().max(100).optional(),
  channel: z.enum([...CHANNELS, '']).optional(),
  status: z.enum(['queued', 'sent', 'failed', '']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

export const notificationsModule: Module = {
  name: 'notifications',
  routes(app, ctx) {
    app.get('/api/v1/notifications', {
      config: { access: OUTBOX_ACCESS },
      schema: {
        tags: ['notifications'],
        summary: 'The outbox: notifications to applicants about dossiers the caller may see, newest first',
        querystring: ListNotificationsQuery,
        response: { 200: NotificationPage, 400: ErrorBody },
      },
      handler: async (req) => listNotifications(ctx, req.principal, req.query),
    });
    app.get('/api/v1/notifications/:id', {
      config: { access: OUTBOX_ACCESS },
      schema: {
        tags: ['notifications'],
        summary: 'One notification with its full body (404 when its dossier is not one the caller may see)',
        params: Id,
        response: { 200: NotificationDetail, 404: ErrorBody },
      },
      handler: async (req) => getNotification(ctx, req.principal, req.params.id),
    });

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
