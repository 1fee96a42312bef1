import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { NotificationData, NotificationEvent, type NotificationLang } from './schemas.ts';
import { renderNotification, type Block } from './templates.ts';
import { countUnreadNotifications } from './count-unread-notifications.ts';

export const CITIZEN_INBOX_PAGE_SIZE = 20;

export const CitizenInboxQuery = z.object({
  page: z.coerce.number().int().min(1).max(1000).default(1),
});
export type CitizenInboxQuery = z.input<typeof CitizenInboxQuery>;

export const CitizenNotificationView = z.object({
  id: z.string(),
  event: z.string(),
  dossierCode: z.string().nullable(),
  subject: z.string(),
  /** The message as plain text: paragraphs separated by a blank line, links as "label: URL". */
  text: z.string(),
  createdAt: z.string(),
  /** When the citizen read it; null while unread. */
  readAt: z.string().nullable(),
});
export type CitizenNotificationView = z.infer<typeof CitizenNotificationView>;

export const CitizenInboxPage = z.object({
  items: z.array(CitizenNotificationView),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Whether an older page exists. */
  more: z.boolean(),
  /** Unread notifications, counted up to 100 (shown as "99+" beyond). */
  unread: z.number().int(),
});

export type CitizenNotification = CitizenNotificationView & { blocks: Block[] };

const asCitizen = (p: Principal | null) => {
  if (p?.kind !== 'citizen')
    throw new AppError('FORBIDDEN', {
      vi: 'Chỉ người dân, doanh nghiệp đã đăng nhập mới có hộp thông báo',
      en: 'Only signed-in citizens and businesses have a notification list',
    });
  return p;
};

/**
 * The signed-in citizen's notifications, newest first, a page at a time, each rendered now in
 * the reader's language from what was recorded at the time of the event. Nothing is marked read
 * here (see markNotificationsRead).
 */
export async function listCitizenNotifications(
  ctx: Ctx,
  p: Principal | null,
  q: CitizenInboxQuery = {},
  lang: NotificationLang = 'vi',
): Promise<{ items: CitizenNotification[]; page: number; pageSize: number; more: boolean; unread: number }> {
  const me = asCitizen(p);
  const parsed = CitizenInboxQuery.safeParse(q);
  if (!parsed.success) throw fromZod(parsed.error);
  const { page } = parsed.data;
  const size = CITIZEN_INBOX_PAGE_SIZE;
  const [rows, unread] = await Promise.all([
    ctx.database.db
      .selectFrom('citizen_notifications')
      .select(['id', 'event', 'dossier_code', 'data', 'created_at', 'read_at'])
      .where('citizen_id', '=', me.id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(size + 1)
      .offset((page - 1) * size)
      .execute(),
    countUnreadNotifications(ctx, me.id),
  ]);
  const items = rows.slice(0, size).flatMap((r) => {
    const event = NotificationEvent.safeParse(r.event);
    const data = NotificationData.safeParse(r.data);
    // A row this version cannot render (an event or field from a later release) is left out, not a 500.
    if (!event.success || !data.success) return [];
    const m = renderNotification(event.data, lang, data.data);
    return [
      {
        id: r.id,
        event: r.event,
        dossierCode: r.dossier_code,
        subject: m.subject,
        blocks: m.blocks,
        text: m.blocks.map((b) => ('p' in b ? b.p : 'list' in b ? b.list.map((i) => `- ${i}`).join('\n') : `${b.link.label}: ${b.link.url}`)).join('\n\n'),
        createdAt: new Date(r.created_at).toISOString(),
        readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
      },
    ];
  });
  return { items, page, pageSize: size, more: rows.length > size, unread };
}
