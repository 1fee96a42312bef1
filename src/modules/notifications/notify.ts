import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { NotifyInput, type ChannelName } from './schemas.ts';
import { renderNotification } from './templates.ts';
import { NOTIFICATION_QUEUE, queueReady } from './queue.ts';

/**
 * Tells the applicant about a dossier event on every channel they can be reached on. Call it
 * inside the transaction of the state change: the outbox rows and their send jobs commit or
 * roll back with it, so an applicant is told exactly about what happened. The text is
 * rendered now, so the outbox shows what will be sent and it says what was true at the time.
 * `units` scope the rows in the outbox like the dossier they are about (see rescopeNotifications).
 * When the applicant has a portal account (`citizenId`), the event also goes to its inbox.
 * Returns the outbox rows written (none when the recipient has no address at all).
 */
export async function notify(ctx: Ctx, tx: Tx, n: NotifyInput): Promise<{ id: string; channel: ChannelName }[]> {
  const parsed = NotifyInput.safeParse(n);
  if (!parsed.success) throw fromZod(parsed.error);
  const { recipient, event, data, lang, units, citizenId, key } = parsed.data;
  if (!queueReady(ctx.jobs.boss)) {
    throw new AppError('INTERNAL', {
      vi: 'Hàng đợi thông báo chưa được tạo: gọi ensureNotificationQueues(ctx) khi khởi động',
      en: 'The notification queue does not exist yet: call ensureNotificationQueues(ctx) at start',
    });
  }
  const r = renderNotification(event, lang, data);
  if (citizenId) {
    // The in-portal inbox: written whatever the e-mail or phone situation, once per event.
    await tx
      .insertInto('citizen_notifications')
      .values({ citizen_id: citizenId, event, event_key: key ?? `${event}:${data.dossierCode}`, dossier_code: data.dossierCode, data: JSON.stringify(data) })
      .onConflict((oc) => oc.columns(['citizen_id', 'event_key']).doNothing())
      .execute();
  }
  const addresses: [ChannelName, string | null | undefined][] = [
    ['email', recipient.email],
    ['sms', recipient.phone],
    ['zalo', recipient.zaloId],
  ];
  const out: { id: string; channel: ChannelName }[] = [];
  for (const [channel, to] of addresses) {
    if (!to) continue;
    const { id } = await tx
      .insertInto('notifications')
      .values({
        event,
        channel,
        lang,
        recipient: to,
        recipient_name: recipient.name,
        dossier_code: data.dossierCode,
        data: JSON.stringify(data),
        subject: channel === 'email' ? r.subject : null,
        body_text: channel === 'email' ? r.text : channel === 'sms' ? r.sms : r.short,
        body_html: channel === 'email' ? r.html : null,
        dossier_units: [...new Set(units)],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.jobs.send(NOTIFICATION_QUEUE, { id }, tx);
    out.push({ id, channel });
  }
  return out;
}
