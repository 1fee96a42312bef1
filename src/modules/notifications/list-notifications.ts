import type { Selectable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import type { NotificationsTable } from './tables.ts';
import { ListNotificationsQuery, type NotificationDetail, type NotificationPage, type NotificationView } from './schemas.ts';

export const PAGE_SIZE = 50;

const view = (r: Selectable<NotificationsTable>): NotificationView => ({
  id: r.id,
  event: r.event,
  channel: r.channel,
  lang: r.lang,
  recipient: r.recipient,
  recipientName: r.recipient_name,
  dossierCode: r.dossier_code,
  subject: r.subject,
  text: r.body_text,
  status: r.status,
  attempts: r.attempts,
  providerId: r.provider_id,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

/** The outbox, newest first, filtered by dossier code, channel and status. */
export async function listNotifications(ctx: Pick<Ctx, 'database'>, input: ListNotificationsQuery): Promise<NotificationPage> {
  const q = ListNotificationsQuery.parse(input);
  let base = ctx.database.db.selectFrom('notifications');
  if (q.dossierCode) base = base.where('dossier_code', '=', q.dossierCode);
  if (q.channel) base = base.where('channel', '=', q.channel);
  if (q.status) base = base.where('status', '=', q.status);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(PAGE_SIZE)
      .offset((q.page - 1) * PAGE_SIZE)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(view), page: q.page, pageSize: PAGE_SIZE, total: Number(count.n) };
}

/** One message with its full body (HTML for e-mail). */
export async function getNotification(ctx: Pick<Ctx, 'database'>, id: string): Promise<NotificationDetail> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.database.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw notFound({ vi: `thông báo ${id}`, en: `Notification ${id}` });
  return { ...view(row), html: row.body_html };
}
