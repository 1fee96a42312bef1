import { localDate } from '../calendar/dates.ts';
import type { DossierIndicatorFacts } from '../dossiers/read-indicator-facts.ts';
import type { Counter } from './indicator-definitions.ts';

/** One change a dossier makes to the daily counts: [day, counter, amount]. */
export type Entry = [day: string, counter: Counter, amount: number];

/** What the other modules know of the dossier, beside its own facts. */
export interface ExtraFacts {
  /** A confirmed digitised component (digitisation). */
  digitised: boolean;
  /** A result in the results register (results). */
  electronicResult: boolean;
  /** A progress step at or after the receipt delivered to the National Public Service Portal (national-portal). */
  publishedToPortal: boolean;
}

const PAUSED = new Set(['awaiting_supplement', 'awaiting_fee']);
const PAPER = new Set([1, 3]);

/**
 * A dossier's share of the daily counts, from its current facts. Pure: the incremental path
 * and the rebuild both call it, so they agree by construction; the acceptance test checks the
 * figures against SQL written from the definitions instead.
 *
 * - Only a received dossier counts (received day R), and counts as published on R once its
 *   receipt has reached the national portal, whenever that happened. It is in progress from R until it is
 *   finished (F): +1 open on R, −1 on F.
 * - It is overdue at the end of every day on which its due moment has passed while the clock
 *   runs (not waiting for the applicant's supplement or fee), until it is finished: +1 on the
 *   day O of the millisecond after the due moment (the day after the due date for a limit in
 *   days, which ends at 23:59:59.999; the due day itself for a limit in hours), −1 on F when
 *   it finished after the due moment.
 * - A returned result is on time when it finished by the due moment (or the procedure has no
 *   time limit); the facts about the result (fee, payment, paper, digitisation, reuse) are
 *   counted on F too.
 * - A rating counts on its day at its level (rounded mean of the four criteria).
 */
export function entriesOf(f: DossierIndicatorFacts, x: ExtraFacts): Entry[] {
  const out: Entry[] = [];
  const R = f.receivedOn;
  if (R) {
    const F = f.finishedOn;
    out.push([R, 'received', 1], [R, 'open_delta', 1]);
    if (f.channel === 2) out.push([R, 'received_online', 1]);
    if (x.publishedToPortal) out.push([R, 'published', 1]);
    if (F) out.push([F, 'open_delta', -1]);
    const due = f.dueAt ? Date.parse(f.dueAt) : null;
    const late = due !== null && f.finishedAt !== null && Date.parse(f.finishedAt) > due;
    if (due !== null && !PAUSED.has(f.status)) {
      const O = localDate(new Date(due + 1));
      if (!F) out.push([O, 'overdue_delta', 1]);
      else if (late) out.push([O, 'overdue_delta', 1], [F, 'overdue_delta', -1]);
    }
    if (F && f.status === 'returned') {
      out.push([F, late ? 'returned_late' : 'returned_on_time', 1]);
      if (f.feeBearing) out.push([F, 'returned_fee_bearing', 1]);
      if (f.feeBearing && f.paidOnline) out.push([F, 'returned_paid_online', 1]);
      const paper = PAPER.has(f.channel);
      if (paper) out.push([F, 'returned_paper', 1]);
      if (paper && x.digitised) out.push([F, 'returned_paper_digitised', 1]);
      if (x.electronicResult) out.push([F, 'returned_electronic_result', 1]);
      if (x.electronicResult && (!paper || x.digitised)) out.push([F, 'returned_fully_digitised', 1]);
      if (f.reused) out.push([F, 'returned_reused', 1]);
    } else if (F) out.push([F, 'closed_other', 1]);
  }
  if (f.rating) out.push([f.rating.ratedOn, `rated_${f.rating.level}` as Counter, 1]);
  return out;
}

/** Changes keyed by unit, procedure, day and counter: `old` taken back, `next` added; zeros dropped. */
export function diffEntries(
  old: { unit: string; procedure: string; entries: Entry[] } | null,
  next: { unit: string; procedure: string; entries: Entry[] },
): Map<string, number> {
  const out = new Map<string, number>();
  const add = (unit: string, procedure: string, e: Entry, sign: number) => {
    const k = `${unit}\u0000${procedure}\u0000${e[0]}\u0000${e[1]}`;
    out.set(k, (out.get(k) ?? 0) + sign * e[2]);
  };
  if (old) for (const e of old.entries) add(old.unit, old.procedure, e, -1);
  for (const e of next.entries) add(next.unit, next.procedure, e, 1);
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}
