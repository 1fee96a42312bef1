import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { ListNotificationsQuery, NotificationDetail, NotificationPage } from './schemas.ts';
import { getNotification, listNotifications } from './list-notifications.ts';
import { CitizenInboxPage, CitizenInboxQuery, listCitizenNotifications } from './list-citizen-notifications.ts';
import { MarkReadInput, MarkReadResult, markNotificationsRead } from './mark-notifications-read.ts';

/**
 * Messages carry applicants' addresses: the officers who deal with applicants, and those who
 * check them; each reads only the messages of dossiers they may see (outboxScope).
 */
export const OUTBOX_ACCESS: StaffRole[] = ['administrator', 'auditor', 'receiving_officer'];

const Id = z.object({ id: z.string().max(64) });

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

    // The citizen's own inbox: every event about their dossiers, whether or not they have an e-mail or phone.
    app.get('/api/v1/me/notifications', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['notifications'],
        summary:
          "The signed-in citizen's notifications about their dossiers, newest first (20 a page), in the caller's language, with the unread count; reading the list does not mark them read",
        querystring: CitizenInboxQuery,
        response: { 200: CitizenInboxPage, 400: ErrorBody, 403: ErrorBody },
      },
      handler: async (req) => {
        const r = await listCitizenNotifications(ctx, req.principal, req.query, req.lang);
        return { ...r, items: r.items.map(({ blocks: _blocks, ...view }) => view) };
      },
    });
    app.post('/api/v1/me/notifications/read', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['notifications'],
        summary:
          "Marks the signed-in citizen's notifications read: those named by `ids`, or all of them; answers how many were marked and how many are still unread",
        body: MarkReadInput.default({}),
        response: { 200: MarkReadResult, 400: ErrorBody, 403: ErrorBody },
      },
      handler: async (req) => markNotificationsRead(ctx, req.principal, req.body),
    });
  },
};
