import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { sendPage } from '../render.tsx';
import { NotificationsPage, NOTIFICATIONS_URL } from '../pages/portal/notifications.tsx';
import { listCitizenNotifications } from '../../modules/notifications/list-citizen-notifications.ts';
import { markNotificationsRead } from '../../modules/notifications/mark-notifications-read.ts';
import { countUnreadNotifications } from '../../modules/notifications/count-unread-notifications.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** A signed-in citizen's unread notifications (up to 100), for the portal header; null for anyone else and for the API. */
    citizenUnread: number | null;
  }
}

/** The citizen's in-portal inbox ("Thông báo") and the unread count every portal page shows. */
export const citizenNotificationsModule: Module = {
  name: 'citizen-notifications',
  routes(app, ctx) {
    app.decorateRequest('citizenUnread', null);
    // One read of the partial index of unread rows per page a citizen opens; not for the API,
    // the assets or the SSO, which render no header.
    app.addHook('preHandler', async (req) => {
      if (req.principal?.kind !== 'citizen' || /^\/(api|assets|sso)(\/|$)/.test(req.url)) return;
      req.citizenUnread = await countUnreadNotifications(ctx, req.principal.id);
    });

    app.get(
      NOTIFICATIONS_URL,
      {
        config: { access: ['citizen'] },
        schema: { hide: true, querystring: z.object({ page: z.coerce.number().int().min(1).max(1000).default(1) }) },
      },
      async (req, reply) => {
        const r = await listCitizenNotifications(ctx, req.principal, { page: req.query.page }, req.lang);
        // Opening the list reads what it shows: those are marked read after they are rendered "Mới".
        const shown = r.items.filter((n) => !n.readAt).map((n) => n.id);
        if (shown.length) req.citizenUnread = (await markNotificationsRead(ctx, req.principal, { ids: shown })).unread;
        return sendPage(reply, NotificationsPage({ req, items: r.items, page: r.page, more: r.more }));
      },
    );
  },
};
