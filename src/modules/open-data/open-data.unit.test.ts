import { describe, expect, it } from 'vitest';
import { addFigures, hideSmall, publishableShare, publishFigures } from './suppress.ts';
import { monthPeriod } from './period.ts';
import { publishScores } from './monthly-indicators.ts';
import type { IndicatorReport } from '../indicators/schemas.ts';

const figures = (o: Partial<Parameters<typeof publishFigures>[0]> = {}) => ({
  received: 0,
  receivedOnline: 0,
  processed: 0,
  onTime: 0,
  late: 0,
  inProgress: 0,
  ...o,
});

describe('small counts', () => {
  it('hides 1 to 4, never 0 or 5 and more', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 120].map(hideSmall)).toEqual([0, null, null, null, null, 5, 6, 120]);
  });

  it('hides processed with on time or late, since it is their sum', () => {
    expect(publishFigures(figures({ received: 20, receivedOnline: 20, processed: 12, onTime: 10, late: 2, inProgress: 8 }))).toEqual({
      received: 20,
      receivedOnline: 20,
      processed: null,
      onTime: 10,
      late: null,
      inProgress: 8,
      suppressed: true,
    });
    expect(publishFigures(figures({ received: 7, processed: 3, onTime: 3 }))).toMatchObject({ processed: null, onTime: null, late: 0, suppressed: true });
    expect(publishFigures(figures({ received: 7, processed: 15, onTime: 10, late: 5 }))).toMatchObject({ processed: 15, suppressed: false });
    expect(publishFigures(figures())).toMatchObject({ received: 0, processed: 0, suppressed: false });
  });

  it('publishes a share only when the part, the whole and the rest are each 0 or at least 5', () => {
    expect(publishableShare(10, 10)).toBe(100);
    expect(publishableShare(0, 8)).toBe(0);
    expect(publishableShare(5, 15)).toBe(33.3);
    expect(publishableShare(98, 100)).toBeNull(); // 2 late could be worked out
    expect(publishableShare(3, 100)).toBeNull();
    expect(publishableShare(4, 4)).toBeNull();
    expect(publishableShare(0, 0)).toBeNull();
  });

  it('adds rows before hiding: three and four make seven', () => {
    const sum = addFigures([figures({ received: 3 }), figures({ received: 4 })]);
    expect(publishFigures(sum).received).toBe(7);
  });
});

describe('periods of months', () => {
  const now = new Date('2026-12-07T03:00:00Z');
  const opts = { defaultMonths: 12, maxMonths: 36 };
  it('by default the last twelve months up to this one, today the last day counted', () => {
    expect(monthPeriod({}, opts, now)).toMatchObject({ from: '2026-01', to: '2026-12', fromDay: '2026-01-01', toDay: '2026-12-07' });
    expect(monthPeriod({ from: '2025-02', to: '2025-02' }, opts, now)).toMatchObject({ fromDay: '2025-02-01', toDay: '2025-02-28', months: ['2025-02'] });
    expect(monthPeriod({ to: '2024-03' }, opts, now)).toMatchObject({ from: '2023-04', to: '2024-03' });
    expect(monthPeriod({ from: '2026-06' }, opts, now)).toMatchObject({ from: '2026-06', to: '2026-12' });
    expect(monthPeriod({ from: '2024-06' }, opts, now)).toMatchObject({ from: '2024-06', to: '2025-05' });
  });

  it('the month in Vietnam: 23:30 UTC on 30 November is already December there', () => {
    expect(monthPeriod({}, opts, new Date('2026-11-30T23:30:00Z')).to).toBe('2026-12');
  });

  it('refuses a month that is not one, one after this month, a reversed or too long period', () => {
    for (const q of [{ from: '2026-13' }, { to: '2027-01' }, { from: '2026-05', to: '2026-04' }, { from: '2023-01', to: '2026-01' }, { from: '26-01' }])
      expect(() => monthPeriod(q, opts, now), JSON.stringify(q)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('index scores', () => {
  const indicator = (key: string, numerator: number, denominator: number) => ({
    key,
    name: key,
    nameEn: key,
    formula: '',
    formulaEn: '',
    numerator,
    denominator,
    ratio: denominator ? numerator / denominator : null,
    threshold: 1,
    max: 10,
    score: 10,
  });
  const report = (satisfied: [number, number], published: [number, number]): IndicatorReport => ({
    from: '2026-12-01',
    to: '2026-12-07',
    unit: null,
    procedure: null,
    field: null,
    total: 90,
    groups: [
      { key: 'transparency', name: '', nameEn: '', weight: 20, score: 18, indicators: [indicator('procedures_published_on_time', ...published)] },
      { key: 'progress', name: '', nameEn: '', weight: 20, score: 20, indicators: [indicator('progress_on_time', 12, 12)] },
      { key: 'online', name: '', nameEn: '', weight: 20, score: 20, indicators: [indicator('online_filing', 12, 12)] },
      { key: 'satisfaction', name: '', nameEn: '', weight: 20, score: 12, indicators: [indicator('satisfied_ratings', ...satisfied)] },
      { key: 'digitisation', name: '', nameEn: '', weight: 20, score: 20, indicators: [indicator('electronic_results', 0, 0)] },
    ],
  });

  it('hides a group resting on a small count of dossiers, and then the total', () => {
    // One rating: its group's score would say how that person rated.
    expect(publishScores(report([0, 1], [10, 10]))).toEqual({
      transparency: 18,
      progress: 20,
      online: 20,
      satisfaction: null,
      digitisation: 20,
      total: null,
      hidden: true,
    });
    expect(publishScores(report([6, 7], [10, 10]))).toMatchObject({ satisfaction: 12, total: 90, hidden: false });
  });

  it('counts of procedures in the catalogue hide nothing: they are nobody’s', () => {
    expect(publishScores(report([6, 7], [2, 3]))).toMatchObject({ transparency: 18, total: 90, hidden: false });
  });
});
