import { sql, type Selectable, type SqlBool } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Principal, StaffRole } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import type { NotificationsTable } from './tables.ts';
import { ListNotificationsQuery, type NotificationDetail, type NotificationPage, type NotificationView } from './schemas.ts';

export const PAGE_SIZE = 50;
// Anything else would reach the database as an invalid uuid (a 500), not a 404.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/**
 * What an official may read in the outbox: administrators and auditors read every message
 * (they answer for the outbox as a whole: delivery failures, complaints, inspection); others
 * read the messages of dossiers they may see, by the dossiers' rule (dossiers/visibility.ts):
 * received or handled in the units they cover.
 */
export type OutboxScope = { all: true } | { all: false; units: string[] };

export const OUTBOX_READS_ALL: readonly StaffRole[] = ['administrator', 'auditor'];

export async function outboxScope(ctx: Ctx, p: Principal | null): Promise<OutboxScope> {
  if (p?.kind !== 'staff') return { all: false, units: [] };
  if (p.roles.some((r) => OUTBOX_READS_ALL.includes(r.role))) return { all: true };
  return { all: false, units: await coveredUnits(ctx, p) };
}

const within = (scope: OutboxScope) =>
  scope.all ? sql<SqlBool>`true` : scope.units.length ? sql<SqlBool>`dossier_units && ${scope.units}::text[]` : sql<SqlBool>`false`;

/** The outbox the caller may read, newest first, filtered by dossier code, channel and status. */
export async function listNotifications(ctx: Ctx, p: Principal | null, input: ListNotificationsQuery): Promise<NotificationPage> {
  const q = ListNotificationsQuery.parse(input);
  const scope = await outboxScope(ctx, p);
  let base = ctx.database.db.selectFrom('notifications').where(within(scope));
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

/**
 * One message with its full body (HTML for e-mail). A message the caller may not read is
 * answered exactly like one that does not exist, so ids cannot be probed.
 */
export async function getNotification(ctx: Ctx, p: Principal | null, id: string): Promise<NotificationDetail> {
  const scope = await outboxScope(ctx, p);
  const row = UUID.test(id)
    ? await ctx.database.db.selectFrom('notifications').selectAll().where('id', '=', id).where(within(scope)).executeTakeFirst()
    : undefined;
  if (!row) throw notFound({ vi: `thông báo ${id}`, en: `Notification ${id}` });
  return { ...view(row), html: row.body_html };
}
