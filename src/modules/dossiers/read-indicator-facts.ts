import { sql } from 'kysely';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { localDate } from '../calendar/dates.ts';
import type { DossierState } from './workflow.ts';

/**
 * What the service index needs to know of a dossier, read from its projection (the state its
 * action log led to), its components and its rating. Internal, with no principal: the indicators
 * module asks it inside a state change already authorised, and for a rebuild.
 */
export interface DossierIndicatorFacts {
  code: string;
  receivingUnit: string;
  procedureCode: string;
  channel: number;
  status: string;
  /** Vietnam local days. */
  receivedOn: string | null;
  finishedOn: string | null;
  /**
   * The instants the on-time test compares (ISO): finished by the due moment is on time. A
   * limit in days is due at 23:59:59.999 of its last day, so any time that day is on time.
   */
  finishedAt: string | null;
  dueAt: string | null;
  feeBearing: boolean;
  paidOnline: boolean;
  reused: boolean;
  rating: { level: number; ratedOn: string } | null;
}

const PAGE_COLUMNS = [
  'd.code',
  'd.receiving_unit',
  'd.procedure_code',
  'd.channel',
  'd.status',
  'd.received_at',
  'd.finished_at',
  'd.due_at',
  'd.state',
] as const;

type FactRow = {
  code: string;
  receiving_unit: string;
  procedure_code: string;
  channel: number;
  status: string;
  received_at: Date | null;
  finished_at: Date | null;
  due_at: Date | null;
  state: unknown;
  reused: boolean | null;
  scores: unknown;
  rated_at: Date | null;
};

/** Facts of the named dossiers (those that exist). */
export async function readIndicatorFacts(db: Queryable | Tx, codes: readonly string[]): Promise<DossierIndicatorFacts[]> {
  if (!codes.length) return [];
  const rows = await withFacts(db)
    .where('d.code', 'in', [...codes])
    .execute();
  return rows.map((r) => toFacts(r as FactRow));
}

/** One page of every dossier's facts in code order, for a rebuild: the page after `afterCode`. */
export async function readIndicatorFactsPage(db: Queryable | Tx, afterCode: string, limit: number): Promise<DossierIndicatorFacts[]> {
  const rows = await withFacts(db).where('d.code', '>', afterCode).orderBy('d.code').limit(limit).execute();
  return rows.map((r) => toFacts(r as FactRow));
}

function withFacts(db: Queryable | Tx) {
  return db
    .selectFrom('dossiers as d')
    .leftJoin('dossier_ratings as r', 'r.dossier_id', 'd.id')
    .select([...PAGE_COLUMNS, 'r.scores', 'r.rated_at'])
    .select(sql<boolean>`exists (select 1 from dossier_components c where c.dossier_id = d.id and c.reused)`.as('reused'));
}

function toFacts(r: FactRow): DossierIndicatorFacts {
  const s = r.state as DossierState;
  const scores = r.scores as Record<string, number> | null;
  const values = scores ? Object.values(scores) : [];
  return {
    code: r.code,
    receivingUnit: r.receiving_unit,
    procedureCode: r.procedure_code,
    channel: r.channel,
    status: r.status,
    receivedOn: r.received_at ? localDate(new Date(r.received_at)) : null,
    finishedOn: r.finished_at ? localDate(new Date(r.finished_at)) : null,
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
    feeBearing: (s.feePaid ?? 0) > 0 || Boolean(s.feeDue),
    paidOnline: s.feePaidOnline ?? false,
    reused: Boolean(r.reused),
    // The level of a rating is the mean of its criteria, rounded half up (4.5 is 5).
    rating:
      values.length && r.rated_at
        ? { level: Math.floor(values.reduce((a, b) => a + b, 0) / values.length + 0.5), ratedOn: localDate(new Date(r.rated_at)) }
        : null,
  };
}
