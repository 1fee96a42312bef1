import { describe, expect, it } from 'vitest';
import type { ProcedureData } from './national-format.ts';
import { timeLimitOf } from './time-limit-of.ts';

const step = (workingDays: number): ProcedureData['workflow'][number] => ({
  step: `s${workingDays}`.replace('.', '-'),
  name: 'Bước',
  role: 'specialist',
  unit: '000.05.01.G12',
  workingDays,
});
const WORKFLOW = [step(0.5), step(0.5), step(2), step(1), step(0.25)];

describe('the time limit a method runs on', () => {
  it.each([
    ['WORKING_DAY', 5, { unit: 'WORKING_DAY', n: 5 }],
    ['DAY', 30, { unit: 'DAY', n: 30 }],
    ['WORKING_HOUR', 8, { unit: 'WORKING_HOUR', n: 8 }],
  ] as const)('%s keeps its number', (unit, n, expected) => {
    expect(timeLimitOf({ processingTime: n, processingTimeUnit: unit }, WORKFLOW)).toEqual(expected);
  });

  it('a same-day method keeps its cut-off, or has none', () => {
    expect(timeLimitOf({ processingTime: 1, processingTimeUnit: 'SAME_DAY', processingCutoff: '15:00' }, WORKFLOW)).toEqual({
      unit: 'SAME_DAY',
      cutoff: '15:00',
    });
    expect(timeLimitOf({ processingTime: 1, processingTimeUnit: 'SAME_DAY' }, WORKFLOW)).toEqual({ unit: 'SAME_DAY' });
  });

  it('an unmapped unit falls back to the workflow budgets in whole working days, and says so', () => {
    // 0.5 + 0.5 + 2 + 1 + 0.25 = 4.25: a started day counts whole.
    expect(timeLimitOf({ processingTime: 1, processingTimeUnit: 'OTHER' }, WORKFLOW)).toEqual({ unit: 'WORKING_DAY', n: 5, fallback: true });
    // National codes are mapped at import; one stored unmapped is not read here either.
    expect(timeLimitOf({ processingTime: 3, processingTimeUnit: 'NGAY_LAM_VIEC' }, WORKFLOW)).toMatchObject({ fallback: true });
  });

  it('an unmapped unit with no workflow budget still gets one working day', () => {
    expect(timeLimitOf({ processingTime: 1, processingTimeUnit: 'OTHER' }, [])).toEqual({ unit: 'WORKING_DAY', n: 1, fallback: true });
    expect(timeLimitOf({ processingTime: 1, processingTimeUnit: 'OTHER' }, [step(0)])).toEqual({ unit: 'WORKING_DAY', n: 1, fallback: true });
  });
});
