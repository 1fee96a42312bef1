/**
 * Caches that must agree (issue 17): the working calendar kept in memory by each node. An
 * administrator's change on one node clears the other's copy through a change notice, so
 * deadlines computed on the two agree from the commit on, not a TTL later.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDueDate } from '../../src/modules/calendar/compute-due-date.ts';
import { CHANNEL } from '../../src/modules/calendar/schedules.ts';
import { setCalendarYear } from '../../src/modules/calendar/set-calendar-year.ts';
import { defaultSchedule } from '../../src/modules/calendar/working-calendar.ts';
import { onChange } from '../../src/platform/db/notify.ts';
import { until } from '../helpers.ts';
import { startCluster, type Cluster } from './nodes.ts';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster();
});
afterAll(() => c?.close());

// Friday 1 March 2030, 09:00 in Viet Nam: one working day later is Monday the 4th, unless the 4th is made a day off.
const RECEIVED = new Date('2030-03-01T02:00:00Z');

describe('the working calendar on two nodes', () => {
  it('a change saved on one node is seen by the other as soon as it commits', async () => {
    const [a, b] = c.nodes;
    expect(await computeDueDate(b.ctx, RECEIVED, 1)).toBe('2030-03-04');
    // The calendar's own callback was registered on B by that read, so it runs before this one.
    const heard: (string | null)[] = [];
    const off = onChange(b.ctx.database, CHANNEL, (p) => heard.push(p));
    // Listening has started once it calls back (and cleared B's copy: notices before it were not heard).
    await until('node B listens', async () => heard.includes(null));
    expect(await computeDueDate(b.ctx, RECEIVED, 1)).toBe('2030-03-04');
    const withDayOff = { daysOff: [...defaultSchedule(2030).daysOff, '2030-03-04'].sort(), makeUpWorkingDays: [] };
    // Written behind the nodes' back (no notice): node B keeps its copy, which is what the notice is for.
    await sql`insert into calendar_years (year, days_off, make_up_working_days, updated_by) values (2030, ${withDayOff.daysOff}::date[], '{}', 'test')`.execute(
      a.ctx.database.db,
    );
    expect(await computeDueDate(b.ctx, RECEIVED, 1)).toBe('2030-03-04');
    await setCalendarYear(a.ctx, 2030, withDayOff, 'staff:cluster-test');
    await until('node B hears the change', async () => heard.includes('2030'));
    off();
    expect(await computeDueDate(b.ctx, RECEIVED, 1)).toBe('2030-03-05');
    expect(await computeDueDate(a.ctx, RECEIVED, 1)).toBe('2030-03-05');
  });
});
