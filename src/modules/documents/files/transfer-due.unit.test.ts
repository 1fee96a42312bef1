import { describe, expect, it } from 'vitest';
import { archiveWarning, daysUntil, transferDue, warnHorizon } from './transfer-due.ts';

describe('archive-transfer day of a work file', () => {
  it('an open file: 31 December of the year after its own', () => {
    expect(transferDue({ year: 2026 })).toBe('2027-12-31');
    expect(transferDue({ year: 2026, closedOn: null })).toBe('2027-12-31');
  });

  it('a closed file: a year after the closing day, 29 February becoming 28 February', () => {
    expect(transferDue({ year: 2026, closedOn: '2026-06-15' })).toBe('2027-06-15');
    expect(transferDue({ year: 2028, closedOn: '2028-02-29' })).toBe('2029-02-28');
    expect(transferDue({ year: 2026, closedOn: '2027-01-05' })).toBe('2028-01-05');
  });

  it('warns from 30 days before the day, overdue after it', () => {
    expect(archiveWarning('2027-12-31', '2027-11-30')).toBeNull();
    expect(archiveWarning('2027-12-31', '2027-12-01')).toBe('due-soon');
    expect(archiveWarning('2027-12-31', '2027-12-31')).toBe('due-soon');
    expect(archiveWarning('2027-12-31', '2028-01-01')).toBe('overdue');
    // Across a leap day and a year end.
    expect(daysUntil('2028-03-01', '2028-01-31')).toBe(30);
    expect(warnHorizon('2027-12-10')).toBe('2028-01-09');
  });
});
