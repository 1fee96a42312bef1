import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Channels } from './channels.ts';

export type SendOutcome = 'sent' | 'already_sent' | 'missing';

/**
 * Sends one outbox row through its channel and records the outcome. A row already `sent` is
 * left alone, so a job that runs twice (pg-boss delivers at least once) sends once. A failure
 * is recorded on the row and rethrown for pg-boss to retry with backoff.
 */
export async function sendNotification(ctx: Pick<Ctx, 'database' | 'log'>, id: string, channels: Channels): Promise<SendOutcome> {
  const db = ctx.database.db;
  const row = await db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
  // The job commits with its row, so a missing row was deleted by hand: nothing to retry.
  if (!row) {
    ctx.log.warn({ notification: id }, 'notification job for a missing row');
    return 'missing';
  }
  if (row.status === 'sent') return 'already_sent';
  try {
    const { providerId } = await channels[row.channel].send({
      id: row.id,
      to: row.recipient,
      toName: row.recipient_name,
      subject: row.subject,
      text: row.body_text,
      html: row.body_html,
    });
    await db
      .updateTable('notifications')
      .set({ status: 'sent', provider_id: providerId, sent_at: sql<Date>`now()`, attempts: sql<number>`attempts + 1`, last_error: null })
      .where('id', '=', id)
      .where('status', '<>', 'sent')
      .execute();
    return 'sent';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.warn({ notification: id, channel: row.channel, err: message }, 'notification not sent; pg-boss will retry');
    await db
      .updateTable('notifications')
      .set({ status: 'failed', last_error: message.slice(0, 2000), attempts: sql<number>`attempts + 1` })
      .where('id', '=', id)
      .where('status', '<>', 'sent')
      .execute();
    throw err;
  }
}
