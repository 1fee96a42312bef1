import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { ListNotificationsQuery, NotificationDetail, NotificationPage } from './schemas.ts';
import { getNotification, listNotifications } from './list-notifications.ts';

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

  },
};
