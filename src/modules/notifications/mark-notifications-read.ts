import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { countUnreadNotifications } from './count-unread-notifications.ts';

export const MarkReadInput = z.object({
  /** The notifications to mark; absent: all of the citizen's unread ones. Ids of someone else's are ignored. */
  ids: z.array(z.uuid()).min(1).max(100).optional(),
});
export type MarkReadInput = z.input<typeof MarkReadInput>;

export const MarkReadResult = z.object({ marked: z.number().int(), unread: z.number().int() });

/**
 * Marks the signed-in citizen's notifications read (the given ones, or all), in one
 * transaction with its audit entry; only their own rows are ever touched.
 */
export async function markNotificationsRead(ctx: Ctx, p: Principal | null, input: MarkReadInput = {}): Promise<z.infer<typeof MarkReadResult>> {
  if (p?.kind !== 'citizen')
    throw new AppError('FORBIDDEN', {
      vi: 'Chỉ người dân, doanh nghiệp đã đăng nhập mới có hộp thông báo',
      en: 'Only signed-in citizens and businesses have a notification list',
    });
  const parsed = MarkReadInput.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error);
  const { ids } = parsed.data;
  const marked = await ctx.database.db.transaction().execute(async (tx) => {
    let q = tx.updateTable('citizen_notifications').set({ read_at: new Date() }).where('citizen_id', '=', p.id).where('read_at', 'is', null);
    if (ids) q = q.where('id', 'in', ids);
    const rows = await q.returning('id').execute();
    if (rows.length) await recordAudit(tx, { actor: actorOf(p), action: 'notification.read', target: `citizen:${p.id}`, data: { count: rows.length } });
    return rows.length;
  });
  return { marked, unread: await countUnreadNotifications(ctx, p.id) };
}
