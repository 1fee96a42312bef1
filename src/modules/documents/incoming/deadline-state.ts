import type { Ctx } from '../../../platform/context.ts';
import { loadCalendar, localDate } from '../../calendar/compute-due-date.ts';

/** Working days before the deadline from which a handler's document shows as due soon. */
export const DUE_SOON_WORKING_DAYS = 2;

export type DeadlineState = 'none' | 'ok' | 'due_soon' | 'overdue';

/**
 * Tells each open document's deadline against the working calendar's today: overdue after the
 * deadline, due soon when at most two working days are left (a weekend or Tết before the deadline
 * does not count as time to work). Finished documents have no deadline state.
 */
export async function deadlineStates(
  ctx: Ctx,
  rows: readonly { deadline: string | null; status: string }[],
  now = new Date(Date.now() + ctx.config.clockOffsetMs),
): Promise<DeadlineState[]> {
  const today = localDate(now);
  const open = rows.filter((r) => r.deadline && !['done', 'refused', 'recalled'].includes(r.status));
  if (!open.length) return rows.map(() => 'none');
  const years = open.map((r) => Number(r.deadline!.slice(0, 4))).concat(Number(today.slice(0, 4)));
  const from = Math.max(1900, Math.min(...years));
  const to = Math.min(from + 49, Math.max(...years));
  const cal = await loadCalendar(ctx, from, to);
  return rows.map((r) => {
    if (!r.deadline || ['done', 'refused', 'recalled'].includes(r.status)) return 'none';
    if (r.deadline < today) return 'overdue';
    const deadlineYear = Number(r.deadline.slice(0, 4));
    if (deadlineYear > to) return 'ok';
    return cal.workingDaysBetween(today, r.deadline) <= DUE_SOON_WORKING_DAYS ? 'due_soon' : 'ok';
  });
}
