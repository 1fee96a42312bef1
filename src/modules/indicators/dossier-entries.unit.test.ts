import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../calendar/dates.ts';
import { startOfDayMs } from '../calendar/working-time.ts';
import type { DossierIndicatorFacts } from '../dossiers/read-indicator-facts.ts';
import { diffEntries, entriesOf } from './dossier-entries.ts';
import { INDICATOR_GROUPS, scoreOf } from './indicator-definitions.ts';

const day = fc.integer({ min: 0, max: 400 }).map((n) => addDays('2026-01-01', n));
const STATUSES = [
  'submitted',
  'received',
  'processing',
  'proposed',
  'awaiting_supplement',
  'awaiting_fee',
  'approved',
  'returned',
  'refused',
  'withdrawn',
  'stopped',
];
const FINAL = new Set(['returned', 'refused', 'withdrawn', 'stopped']);

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** The last millisecond of a Vietnam day: what "at the end of the day" compares against. */
const lastMsOf = (d: string) => startOfDayMs(d) + 86_400_000 - 1;

const facts = fc
  .record({
    status: fc.constantFrom(...STATUSES),
    channel: fc.constantFrom(1, 2, 3),
    received: fc.option(day, { nil: null }),
    // Receipt within office-ish hours of its day, finish up to 60 days later to the minute.
    receivedMinute: fc.integer({ min: 7 * 60, max: 18 * 60 }),
    gapMinutes: fc.integer({ min: 0, max: 60 * 24 * 60 }),
    // A limit in days ends with its last day; one in hours (or same day) at a minute.
    due: fc.option(fc.oneof(fc.record({ days: fc.integer({ min: 0, max: 40 }) }), fc.record({ minutes: fc.integer({ min: 0, max: 5 * 24 * 60 }) })), {
      nil: null,
    }),
    feeBearing: fc.boolean(),
    paidOnline: fc.boolean(),
    reused: fc.boolean(),
    rating: fc.option(fc.record({ level: fc.integer({ min: 1, max: 5 }), ratedOn: day }), { nil: null }),
  })
  .map((r): DossierIndicatorFacts => {
    const receivedAt = r.received ? startOfDayMs(r.received) + r.receivedMinute * MIN : null;
    const finishedAt = receivedAt !== null && FINAL.has(r.status) ? receivedAt + r.gapMinutes * MIN : null;
    const dueAt =
      receivedAt === null || r.due === null ? null : 'days' in r.due ? lastMsOf(addDays(r.received!, r.due.days)) : receivedAt + r.due.minutes * MIN;
    return {
      code: 'X',
      receivingUnit: 'U',
      procedureCode: 'P',
      channel: r.channel,
      status: r.received ? r.status : 'submitted',
      receivedOn: r.received,
      finishedOn: finishedAt === null ? null : localDate(new Date(finishedAt)),
      finishedAt: finishedAt === null ? null : iso(finishedAt),
      dueAt: dueAt === null ? null : iso(dueAt),
      feeBearing: r.feeBearing,
      paidOnline: r.paidOnline,
      reused: r.reused,
      rating: r.rating,
    };
  });
const extra = fc.record({ digitised: fc.boolean(), electronicResult: fc.boolean(), publishedToPortal: fc.boolean() });

const sum = (es: ReturnType<typeof entriesOf>, counter: string, upTo = '9999-12-31') =>
  es.filter(([d, c]) => c === counter && d <= upTo).reduce((n, [, , a]) => n + a, 0);

describe("a dossier's share of the daily counts", () => {
  it('is in progress from receipt until it is finished, and overdue only while in progress past its due date', () => {
    fc.assert(
      fc.property(facts, extra, fc.integer({ min: 0, max: 500 }), (f, x, probe) => {
        const es = entriesOf(f, x);
        const at = addDays('2026-01-01', probe);
        const open = sum(es, 'open_delta', at);
        const overdue = sum(es, 'overdue_delta', at);
        const inProgress = Boolean(f.receivedOn && f.receivedOn <= at && (!f.finishedOn || f.finishedOn > at));
        expect(open).toBe(inProgress ? 1 : 0);
        const running = f.status !== 'awaiting_supplement' && f.status !== 'awaiting_fee';
        // Overdue at the end of the day: still in progress then, and its due moment before that last millisecond.
        expect(overdue).toBe(inProgress && running && f.dueAt !== null && Date.parse(f.dueAt) < lastMsOf(at) ? 1 : 0);
      }),
      { numRuns: 3000 },
    );
  });

  it('counts a finished dossier once: returned on time, late, or closed otherwise; result facts only for returned ones', () => {
    fc.assert(
      fc.property(facts, extra, (f, x) => {
        const es = entriesOf(f, x);
        const outcomes = sum(es, 'returned_on_time') + sum(es, 'returned_late') + sum(es, 'closed_other');
        expect(outcomes).toBe(f.finishedOn ? 1 : 0);
        expect(sum(es, 'received')).toBe(f.receivedOn ? 1 : 0);
        const returned = f.status === 'returned' && f.finishedOn !== null;
        for (const c of ['returned_fee_bearing', 'returned_paper', 'returned_electronic_result', 'returned_reused']) if (!returned) expect(sum(es, c)).toBe(0);
        expect(sum(es, 'returned_paid_online')).toBeLessThanOrEqual(sum(es, 'returned_fee_bearing'));
        expect(sum(es, 'returned_paper_digitised')).toBeLessThanOrEqual(sum(es, 'returned_paper'));
        expect(sum(es, 'returned_fully_digitised')).toBeLessThanOrEqual(sum(es, 'returned_electronic_result'));
        expect(es.every(([, , a]) => a === 1 || a === -1)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('counts a result on time when it came back by the due moment, the due day itself being late for a limit in hours', () => {
    fc.assert(
      fc.property(facts, extra, (f, x) => {
        const es = entriesOf(f, x);
        if (f.status !== 'returned' || !f.finishedAt) return;
        const onTime = f.dueAt === null || Date.parse(f.finishedAt) <= Date.parse(f.dueAt);
        expect([sum(es, 'returned_on_time'), sum(es, 'returned_late')]).toEqual(onTime ? [1, 0] : [0, 1]);
      }),
      { numRuns: 3000 },
    );
    const base: DossierIndicatorFacts = {
      code: 'X',
      receivingUnit: 'U',
      procedureCode: 'P',
      channel: 1,
      status: 'returned',
      receivedOn: '2026-12-04',
      finishedOn: '2026-12-07',
      // Returned at 15:00 on Monday 7 December 2026, Viet Nam time.
      finishedAt: '2026-12-07T08:00:00.000Z',
      dueAt: null,
      feeBearing: false,
      paidOnline: false,
      reused: false,
      rating: null,
    };
    const no = { digitised: false, electronicResult: false, publishedToPortal: false };
    // Eight working hours from Friday 14:00 end at 10:00 on Monday: returned at 15:00 that day is late,
    // and overdue from 10:00 to 15:00 the same day, so at no day's end.
    const hours = entriesOf({ ...base, dueAt: '2026-12-07T03:00:00.000Z' }, no);
    expect(sum(hours, 'returned_late')).toBe(1);
    expect(sum(hours, 'returned_on_time')).toBe(0);
    expect(hours.filter(([, c]) => c === 'overdue_delta')).toEqual([
      ['2026-12-07', 'overdue_delta', 1],
      ['2026-12-07', 'overdue_delta', -1],
    ]);
    // A limit in days ending that Monday ends at 23:59:59.999: 15:00 is on time.
    const days = entriesOf({ ...base, dueAt: '2026-12-07T16:59:59.999Z' }, no);
    expect(sum(days, 'returned_on_time')).toBe(1);
    expect(days.filter(([, c]) => c === 'overdue_delta')).toEqual([]);
    // Still open: overdue at the end of the due day itself when due at 10:00, from the next day when due with the day.
    const open = { ...base, status: 'processing', finishedOn: null, finishedAt: null };
    expect(entriesOf({ ...open, dueAt: '2026-12-07T03:00:00.000Z' }, no).filter(([, c]) => c === 'overdue_delta')).toEqual([
      ['2026-12-07', 'overdue_delta', 1],
    ]);
    expect(entriesOf({ ...open, dueAt: '2026-12-07T16:59:59.999Z' }, no).filter(([, c]) => c === 'overdue_delta')).toEqual([
      ['2026-12-08', 'overdue_delta', 1],
    ]);
  });

  it('counts a dossier published on its receipt day when its receipt reached the national portal, and never one not received', () => {
    fc.assert(
      fc.property(facts, extra, (f, x) => {
        const es = entriesOf(f, x);
        const published = es.filter(([, c]) => c === 'published');
        if (f.receivedOn && x.publishedToPortal) expect(published).toEqual([[f.receivedOn, 'published', 1]]);
        else expect(published).toEqual([]);
        expect(sum(es, 'published')).toBeLessThanOrEqual(sum(es, 'received'));
      }),
      { numRuns: 2000 },
    );
    const received: DossierIndicatorFacts = {
      code: 'X',
      receivingUnit: 'U',
      procedureCode: 'P',
      channel: 1,
      status: 'processing',
      receivedOn: '2026-08-03',
      finishedOn: null,
      finishedAt: null,
      dueAt: '2026-08-10T16:59:59.999Z',
      feeBearing: false,
      paidOnline: false,
      reused: false,
      rating: null,
    };
    const no = { digitised: false, electronicResult: false, publishedToPortal: false };
    // The delivery comes days later; the share moves by one published on the receipt day, nothing else.
    expect([
      ...diffEntries(
        { unit: 'U', procedure: 'P', entries: entriesOf(received, no) },
        { unit: 'U', procedure: 'P', entries: entriesOf(received, { ...no, publishedToPortal: true }) },
      ),
    ]).toEqual([['U\u0000P\u00002026-08-03\u0000published', 1]]);
    expect(entriesOf({ ...received, status: 'submitted', receivedOn: null, dueAt: null }, { ...no, publishedToPortal: true })).toEqual([]);
  });

  it('moves from one share to the next by the difference alone', () => {
    fc.assert(
      fc.property(facts, facts, extra, extra, (a, b, xa, xb) => {
        const old = { unit: 'U', procedure: 'P', entries: entriesOf(a, xa) };
        const next = { unit: 'U', procedure: 'P', entries: entriesOf(b, xb) };
        const changes = diffEntries(old, next);
        // Applying the changes to the old share's totals gives the new share's totals.
        const total = (es: typeof old.entries) => {
          const m = new Map<string, number>();
          for (const [d, c, n] of es) m.set(`U\u0000P\u0000${d}\u0000${c}`, (m.get(`U\u0000P\u0000${d}\u0000${c}`) ?? 0) + n);
          return m;
        };
        const applied = total(old.entries);
        for (const [k, v] of changes) applied.set(k, (applied.get(k) ?? 0) + v);
        const want = total(next.entries);
        for (const k of new Set([...applied.keys(), ...want.keys()])) expect(applied.get(k) ?? 0).toBe(want.get(k) ?? 0);
        expect(diffEntries(next, next).size).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the index as data', () => {
  it('has five groups of 100 points, each group the sum of its indicators', () => {
    expect(INDICATOR_GROUPS.map((g) => [g.key, g.weight])).toEqual([
      ['transparency', 18],
      ['progress', 20],
      ['online', 22],
      ['satisfaction', 18],
      ['digitisation', 22],
    ]);
    for (const g of INDICATOR_GROUPS) expect(g.indicators.reduce((n, i) => n + i.max, 0)).toBe(g.weight);
  });

  it('scores min(max, ratio × max ÷ threshold), and the max when there is nothing to measure', () => {
    expect(scoreOf(30, 100, 6, 0.3)).toEqual({ ratio: 0.3, score: 6 });
    expect(scoreOf(15, 100, 6, 0.3)).toEqual({ ratio: 0.15, score: 3 });
    expect(scoreOf(90, 100, 6, 0.3).score).toBe(6);
    expect(scoreOf(0, 0, 4, 0.8)).toEqual({ ratio: null, score: 4 });
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        (n, d, max, thr) => {
          const num = Math.min(n, d);
          const { score } = scoreOf(num, d, max, thr);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(max);
          // Rounded to two decimals: at most half a hundredth away (a tie like 0.125 → 0.13 is exactly that, give or take a float's last bit).
          expect(Math.abs(score - Math.min(max, ((num / d) * max) / thr))).toBeLessThanOrEqual(0.005 + 1e-9);
        },
      ),
    );
  });
});
