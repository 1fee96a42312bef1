import { sql } from 'kysely';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { readIndicatorFacts, type DossierIndicatorFacts } from '../dossiers/read-indicator-facts.ts';
import { dossiersWithDigitisedComponents } from '../digitisation/has-digitised-components.ts';
import { dossiersWithResults } from '../results/dossiers-with-results.ts';
import { publishedDossiers } from '../national-portal/published-dossiers.ts';
import { COUNTERS, type Counter } from './indicator-definitions.ts';
import { diffEntries, entriesOf, type Entry } from './dossier-entries.ts';
import type {} from './tables.ts';

/**
 * Brings the service index's counts up to date with the named dossiers, in the caller's
 * transaction: called by every state change, rating, confirmed digitisation, issued result and
 * receipt delivered to the national portal, so the figures change if and only if the fact
 * commits. Each dossier's share is recomputed from its facts and only the difference from what
 * it added before is applied.
 */
export async function refreshDossierIndicators(tx: Tx, codes: readonly string[]): Promise<void> {
  if (!codes.length) return;
  const facts = await readIndicatorFacts(tx, codes);
  if (!facts.length) return;
  const next = await shares(tx, facts);
  const previous = await tx
    .selectFrom('indicator_dossiers')
    .selectAll()
    .where(
      'dossier_code',
      'in',
      facts.map((f) => f.code),
    )
    .execute();
  const before = new Map(previous.map((p) => [p.dossier_code, { unit: p.unit_id, procedure: p.procedure_code, entries: p.entries as Entry[] }]));
  const changes = new Map<string, number>();
  for (const n of next) {
    for (const [k, v] of diffEntries(before.get(n.code) ?? null, n)) changes.set(k, (changes.get(k) ?? 0) + v);
  }
  await applyChanges(tx, changes);
  // A dossier that adds nothing (filed, not yet received) and never did needs no row.
  const rows = next
    .filter((n) => n.entries.length || before.has(n.code))
    .map((n) => ({ dossier_code: n.code, unit_id: n.unit, procedure_code: n.procedure, entries: JSON.stringify(n.entries) }));
  if (!rows.length) return;
  await tx
    .insertInto('indicator_dossiers')
    .values(rows)
    .onConflict((oc) =>
      oc.column('dossier_code').doUpdateSet({
        unit_id: (eb) => eb.ref('excluded.unit_id'),
        procedure_code: (eb) => eb.ref('excluded.procedure_code'),
        entries: (eb) => eb.ref('excluded.entries'),
      }),
    )
    .execute();
}

export interface DossierShare {
  code: string;
  unit: string;
  procedure: string;
  entries: Entry[];
}

/** The dossiers' shares, with what digitisation, results and the national portal know of them (a query each, per batch). */
export async function shares(db: Queryable | Tx, facts: DossierIndicatorFacts[]): Promise<DossierShare[]> {
  const codes = facts.map((f) => f.code);
  const [digitised, results, published] = await Promise.all([
    dossiersWithDigitisedComponents(db, codes),
    dossiersWithResults(db, codes),
    publishedDossiers(db, codes),
  ]);
  return facts.map((f) => ({
    code: f.code,
    unit: f.receivingUnit,
    procedure: f.procedureCode,
    entries: entriesOf(f, { digitised: digitised.has(f.code), electronicResult: results.has(f.code), publishedToPortal: published.has(f.code) }),
  }));
}

type Row = { unit: string; procedure: string; day: string; counts: Partial<Record<Counter, number>> };

/** Adds the changes to both tables, rows in key order so concurrent writers lock them in the same order. */
async function applyChanges(tx: Tx, changes: Map<string, number>) {
  if (!changes.size) return;
  const byRow = new Map<string, Row>();
  const byUnitDay = new Map<string, Row>();
  for (const [k, v] of changes) {
    const [unit, procedure, day, counter] = k.split('\u0000') as [string, string, string, Counter];
    const r = byRow.get(`${unit}\u0000${procedure}\u0000${day}`) ?? { unit, procedure, day, counts: {} };
    r.counts[counter] = (r.counts[counter] ?? 0) + v;
    byRow.set(`${unit}\u0000${procedure}\u0000${day}`, r);
    const u = byUnitDay.get(`${unit}\u0000${day}`) ?? { unit, procedure: '', day, counts: {} };
    u.counts[counter] = (u.counts[counter] ?? 0) + v;
    byUnitDay.set(`${unit}\u0000${day}`, u);
  }
  const sorted = (m: Map<string, Row>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const counts = (r: Row) => Object.fromEntries(COUNTERS.map((c) => [c, r.counts[c] ?? 0])) as Record<Counter, number>;
  const addUp = (table: string) => Object.fromEntries(COUNTERS.map((c) => [c, sql<number>`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`]));
  await tx
    .insertInto('indicator_days')
    .values(sorted(byRow).map((r) => ({ unit_id: r.unit, procedure_code: r.procedure, day: r.day, ...counts(r) })))
    .onConflict((oc) => oc.columns(['unit_id', 'procedure_code', 'day']).doUpdateSet(addUp('indicator_days')))
    .execute();
  await tx
    .insertInto('indicator_unit_days')
    .values(sorted(byUnitDay).map((r) => ({ unit_id: r.unit, day: r.day, ...counts(r) })))
    .onConflict((oc) => oc.columns(['unit_id', 'day']).doUpdateSet(addUp('indicator_unit_days')))
    .execute();
  // The stocks' running totals, for the changes that moved a stock.
  const totals = new Map<string, { unit: string; procedure: string; open: number; overdue: number }>();
  for (const r of byRow.values()) {
    const open = r.counts.open_delta ?? 0;
    const overdue = r.counts.overdue_delta ?? 0;
    if (!open && !overdue) continue;
    const k = `${r.unit}\u0000${r.procedure}`;
    const x = totals.get(k) ?? { unit: r.unit, procedure: r.procedure, open: 0, overdue: 0 };
    x.open += open;
    x.overdue += overdue;
    totals.set(k, x);
  }
  if (!totals.size) return;
  const list = [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, x]) => x);
  await tx
    .insertInto('indicator_totals')
    .values(list.map((x) => ({ unit_id: x.unit, procedure_code: x.procedure, open_total: x.open, overdue_total: x.overdue })))
    .onConflict((oc) =>
      oc.columns(['unit_id', 'procedure_code']).doUpdateSet({
        open_total: sql<number>`indicator_totals.open_total + excluded.open_total`,
        overdue_total: sql<number>`indicator_totals.overdue_total + excluded.overdue_total`,
      }),
    )
    .execute();
  const perUnit = new Map<string, { open: number; overdue: number }>();
  for (const x of list) {
    const u = perUnit.get(x.unit) ?? { open: 0, overdue: 0 };
    u.open += x.open;
    u.overdue += x.overdue;
    perUnit.set(x.unit, u);
  }
  await tx
    .insertInto('indicator_unit_totals')
    .values(
      [...perUnit.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([unit_id, u]) => ({ unit_id, open_total: u.open, overdue_total: u.overdue })),
    )
    .onConflict((oc) =>
      oc.column('unit_id').doUpdateSet({
        open_total: sql<number>`indicator_unit_totals.open_total + excluded.open_total`,
        overdue_total: sql<number>`indicator_unit_totals.overdue_total + excluded.overdue_total`,
      }),
    )
    .execute();
}
