import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { readIndicatorFactsPage } from '../dossiers/read-indicator-facts.ts';
import { COUNTERS, type Counter } from './indicator-definitions.ts';
import { shares } from './refresh-dossier-indicators.ts';
import type {} from './tables.ts';

const PAGE = 2000;
const INSERT_BATCH = 1000;

export interface RebuildOutcome {
  dossiers: number;
  dayRows: number;
  unitDayRows: number;
  /** With `check`: the counts that differ between the tables and the logs (none when they agree). */
  differences: {
    table: 'indicator_days' | 'indicator_unit_days' | 'indicator_totals' | 'indicator_unit_totals';
    key: string;
    counter: Counter;
    stored: number;
    computed: number;
  }[];
}

/**
 * Recomputes the service index's counts from every dossier's facts: the command after a bulk
 * import (which bypasses the workflow) and the check that the incremental figures are right.
 * `check` compares without writing. The tables are locked for the rebuild: a state change
 * committing meanwhile waits, then applies its difference against the rebuilt share.
 */
export async function rebuildIndicators(ctx: Ctx, opts: { check?: boolean } = {}): Promise<RebuildOutcome> {
  return ctx.database.db.transaction().execute(async (tx) => {
    await sql`lock table indicator_dossiers, indicator_days, indicator_unit_days, indicator_totals, indicator_unit_totals in exclusive mode`.execute(tx);
    const days = new Map<string, Record<Counter, number>>();
    const unitDays = new Map<string, Record<Counter, number>>();
    const add = (m: Map<string, Record<Counter, number>>, k: string, c: Counter, v: number) => {
      let r = m.get(k);
      if (!r) {
        r = Object.fromEntries(COUNTERS.map((x) => [x, 0])) as Record<Counter, number>;
        m.set(k, r);
      }
      r[c] += v;
    };
    if (!opts.check) await sql`delete from indicator_dossiers`.execute(tx);
    let after = '';
    let dossiers = 0;
    for (;;) {
      const facts = await readIndicatorFactsPage(tx, after, PAGE);
      if (!facts.length) break;
      after = facts[facts.length - 1].code;
      dossiers += facts.length;
      const page = await shares(tx, facts);
      for (const s of page) {
        for (const [day, counter, amount] of s.entries) {
          add(days, `${s.unit}\u0000${s.procedure}\u0000${day}`, counter, amount);
          add(unitDays, `${s.unit}\u0000${day}`, counter, amount);
        }
      }
      if (!opts.check)
        await tx
          .insertInto('indicator_dossiers')
          .values(page.map((s) => ({ dossier_code: s.code, unit_id: s.unit, procedure_code: s.procedure, entries: JSON.stringify(s.entries) })))
          .execute();
    }
    if (opts.check) return { dossiers, dayRows: days.size, unitDayRows: unitDays.size, differences: await compare(tx, days, unitDays) };
    await sql`delete from indicator_days`.execute(tx);
    await sql`delete from indicator_unit_days`.execute(tx);
    await sql`delete from indicator_totals`.execute(tx);
    await sql`delete from indicator_unit_totals`.execute(tx);
    const dayRows = [...days].map(([k, c]) => {
      const [unit_id, procedure_code, day] = k.split('\u0000');
      return { unit_id, procedure_code, day, ...c };
    });
    const unitRows = [...unitDays].map(([k, c]) => {
      const [unit_id, day] = k.split('\u0000');
      return { unit_id, day, ...c };
    });
    for (let i = 0; i < dayRows.length; i += INSERT_BATCH)
      await tx
        .insertInto('indicator_days')
        .values(dayRows.slice(i, i + INSERT_BATCH))
        .execute();
    for (let i = 0; i < unitRows.length; i += INSERT_BATCH)
      await tx
        .insertInto('indicator_unit_days')
        .values(unitRows.slice(i, i + INSERT_BATCH))
        .execute();
    const totals = totalsOf(days);
    for (let i = 0; i < totals.length; i += INSERT_BATCH)
      await tx
        .insertInto('indicator_totals')
        .values(totals.slice(i, i + INSERT_BATCH))
        .execute();
    const unitTotals = unitTotalsOf(totals);
    if (unitTotals.length) await tx.insertInto('indicator_unit_totals').values(unitTotals).execute();
    // Fresh statistics for the planner: with those of the tables before the rebuild (empty after a
    // first load) it scans every day of history for a month's figures (measured: 22 ms against 1 ms).
    await sql`analyze indicator_days, indicator_unit_days, indicator_totals, indicator_unit_totals`.execute(tx);
    return { dossiers, dayRows: dayRows.length, unitDayRows: unitRows.length, differences: [] };
  });
}

/** The stocks' running totals per unit and procedure: every change summed, whatever its day. */
function totalsOf(days: Map<string, Record<Counter, number>>) {
  const m = new Map<string, { unit_id: string; procedure_code: string; open_total: number; overdue_total: number }>();
  for (const [k, c] of days) {
    const [unit_id, procedure_code] = k.split('\u0000');
    const key = `${unit_id}\u0000${procedure_code}`;
    const x = m.get(key) ?? { unit_id, procedure_code, open_total: 0, overdue_total: 0 };
    x.open_total += c.open_delta;
    x.overdue_total += c.overdue_delta;
    m.set(key, x);
  }
  return [...m.values()];
}

function unitTotalsOf(totals: ReturnType<typeof totalsOf>) {
  const m = new Map<string, { unit_id: string; open_total: number; overdue_total: number }>();
  for (const t of totals) {
    const x = m.get(t.unit_id) ?? { unit_id: t.unit_id, open_total: 0, overdue_total: 0 };
    x.open_total += t.open_total;
    x.overdue_total += t.overdue_total;
    m.set(t.unit_id, x);
  }
  return [...m.values()];
}

async function compare(
  tx: Tx,
  days: Map<string, Record<Counter, number>>,
  unitDays: Map<string, Record<Counter, number>>,
): Promise<RebuildOutcome['differences']> {
  const out: RebuildOutcome['differences'] = [];
  const zero = Object.fromEntries(COUNTERS.map((x) => [x, 0])) as Record<Counter, number>;
  const diff = (
    table: RebuildOutcome['differences'][number]['table'],
    stored: Map<string, Record<Counter, number>>,
    computed: Map<string, Record<Counter, number>>,
  ) => {
    for (const k of new Set([...stored.keys(), ...computed.keys()])) {
      const a = stored.get(k) ?? zero;
      const b = computed.get(k) ?? zero;
      for (const c of COUNTERS)
        if (Number(a[c]) !== b[c]) out.push({ table, key: k.replaceAll('\u0000', ' '), counter: c, stored: Number(a[c]), computed: b[c] });
    }
  };
  const stored = await tx.selectFrom('indicator_days').selectAll().execute();
  diff(
    'indicator_days',
    new Map(stored.map((r) => [`${r.unit_id}\u0000${r.procedure_code}\u0000${String(r.day).slice(0, 10)}`, r as Record<Counter, number>])),
    days,
  );
  const storedUnits = await tx.selectFrom('indicator_unit_days').selectAll().execute();
  diff('indicator_unit_days', new Map(storedUnits.map((r) => [`${r.unit_id}\u0000${String(r.day).slice(0, 10)}`, r as Record<Counter, number>])), unitDays);
  // The running totals against the changes they sum.
  const asStocks = (rows: { key: string; open_total: number; overdue_total: number }[]) =>
    new Map(
      rows
        .filter((r) => Number(r.open_total) || Number(r.overdue_total))
        .map((r) => [r.key, { ...zero, open_delta: Number(r.open_total), overdue_delta: Number(r.overdue_total) }]),
    );
  const computedTotals = totalsOf(days);
  const storedTotals = await tx.selectFrom('indicator_totals').selectAll().execute();
  diff(
    'indicator_totals',
    asStocks(storedTotals.map((r) => ({ key: `${r.unit_id}\u0000${r.procedure_code}`, open_total: r.open_total, overdue_total: r.overdue_total }))),
    asStocks(computedTotals.map((r) => ({ key: `${r.unit_id}\u0000${r.procedure_code}`, open_total: r.open_total, overdue_total: r.overdue_total }))),
  );
  const storedUnitTotals = await tx.selectFrom('indicator_unit_totals').selectAll().execute();
  diff(
    'indicator_unit_totals',
    asStocks(storedUnitTotals.map((r) => ({ key: r.unit_id, open_total: r.open_total, overdue_total: r.overdue_total }))),
    asStocks(unitTotalsOf(computedTotals).map((r) => ({ key: r.unit_id, open_total: r.open_total, overdue_total: r.overdue_total }))),
  );
  return out;
}
