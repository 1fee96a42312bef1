// Test support only: application code never imports this file.
import fc from 'fast-check';
import { lunarToSolar } from '../lunar.ts';

/*
 * An independent reference: plain Date arithmetic, a Set of days off assembled from the
 * rules as the law states them, and a day-by-day loop. Only the lunar conversion is shared
 * (it is checked against published dates in lunar.unit.test.ts).
 */
export const DAY = 86_400_000;
export const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
export const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
export const next = (d: string, n = 1) => iso(ms(d) + n * DAY);
export const weekday = (d: string) => new Date(ms(d)).getUTCDay();
export const weekend = (d: string) => weekday(d) === 0 || weekday(d) === 6;

interface RefYear {
  off: Set<string>;
  makeUp: Set<string>;
}

function refStatutory(year: number): RefYear {
  const tet = lunarToSolar(1, 1, year);
  const holidays = [
    `${year}-01-01`,
    next(tet, -1),
    tet,
    next(tet),
    next(tet, 2),
    next(tet, 3),
    lunarToSolar(10, 3, year),
    `${year}-04-30`,
    `${year}-05-01`,
    `${year}-09-02`,
  ];
  if (year >= 2021) {
    // 3/9 when 2/9 is a Monday, Thursday or Sunday, otherwise 1/9.
    holidays.push([1, 4, 0].includes(weekday(`${year}-09-02`)) ? `${year}-09-03` : `${year}-09-01`);
  }
  const off = new Set(holidays);
  for (const h of [...holidays].sort()) {
    if (!weekend(h)) continue;
    let c = next(h);
    while (weekend(c) || off.has(c)) c = next(c);
    off.add(c);
  }
  return { off, makeUp: new Set() };
}

export class Reference {
  private years = new Map<number, RefYear>();
  constructor(official: Map<number, { daysOff: string[]; makeUpWorkingDays: string[] }>) {
    for (let y = 2019; y <= 2037; y++) {
      const o = official.get(y);
      this.years.set(y, o ? { off: new Set(o.daysOff), makeUp: new Set(o.makeUpWorkingDays) } : refStatutory(y));
    }
  }
  working(d: string): boolean {
    const y = this.years.get(Number(d.slice(0, 4)))!;
    if (y.off.has(d)) return false;
    return y.makeUp.has(d) || !weekend(d);
  }
  add(from: string, n: number): string {
    let d = from;
    for (let k = 0; k < Math.ceil(n); ) {
      d = next(d);
      if (this.working(d)) k++;
    }
    return d;
  }
  between(a: string, b: string): number {
    let n = 0;
    for (let d = next(a); d <= b; d = next(d)) if (this.working(d)) n++;
    return n;
  }
}

/** A random official schedule: some days off anywhere in the year, some weekend days worked. */
export const scheduleArb = (year: number) =>
  fc
    .tuple(fc.uniqueArray(fc.integer({ min: 0, max: 364 }), { maxLength: 30 }), fc.uniqueArray(fc.integer({ min: 0, max: 364 }), { maxLength: 12 }))
    .map(([off, work]) => {
      const daysOff = off.map((i) => iso(Date.UTC(year, 0, 1) + i * DAY));
      const makeUpWorkingDays = work.map((i) => iso(Date.UTC(year, 0, 1) + i * DAY)).filter((d) => weekend(d) && !daysOff.includes(d));
      return { year, daysOff, makeUpWorkingDays };
    });
