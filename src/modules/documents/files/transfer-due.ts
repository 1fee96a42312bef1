/**
 * When a work file is due for transfer to the agency's archive, and when to warn.
 *
 * The rule (Archives Law 2011 art. 11(2)(a), applied by Decree 30/2020 ch. IV): a file is handed
 * to the agency's archive within one year of the day its work finished. A closed file's work
 * finished the day it was closed (Vietnam's calendar day), so it is due on that day a year later
 * (29 February → 28 February). An open file's work is taken to finish with its year, since a
 * unit's list of files is drawn up for a year (Decree 30 art. 28): it is due on 31 December of the
 * following year until it is closed. The page warns from 30 days before the due day on.
 */
export const WARN_DAYS = 30;

export type ArchiveWarning = 'due-soon' | 'overdue' | null;

/** The day ('YYYY-MM-DD') a file is due for transfer: a year after the day it was closed, or the end of the year after its own. */
export function transferDue(f: { year: number; closedOn?: string | null }): string {
  if (!f.closedOn) return `${f.year + 1}-12-31`;
  const [y, m, d] = f.closedOn.split('-').map(Number);
  const day = m === 2 && d === 29 ? 28 : d;
  return `${y + 1}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days from `today` to `due`, both 'YYYY-MM-DD' (negative when past). */
export function daysUntil(due: string, today: string): number {
  return Math.round((Date.parse(`${due}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** `due-soon` from WARN_DAYS before the due day to the day itself, `overdue` after it, otherwise none. */
export function archiveWarning(due: string, today: string): ArchiveWarning {
  const days = daysUntil(due, today);
  if (days < 0) return 'overdue';
  return days <= WARN_DAYS ? 'due-soon' : null;
}

/** The day WARN_DAYS after `today`: files due on or before it are in the warning list. */
export function warnHorizon(today: string): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) + WARN_DAYS * 86_400_000).toISOString().slice(0, 10);
}
