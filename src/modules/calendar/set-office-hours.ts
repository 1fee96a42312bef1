import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { notFound } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { unitNames } from '../organisation/names.ts';
import { invalidateCalendar } from './schedules.ts';
import { getOfficeHours } from './get-office-hours.ts';
import { OfficeHoursBody } from './office-hours.ts';
import { DEFAULT_UNIT, lockOfficeHours, readOfficeHours } from './office-hours-store.ts';
import type { OfficeHoursEntry } from './schemas.ts';

/**
 * Sets a unit's office hours ('*': the default of every unit without its own). `input` is
 * checked here (1–6 periods, each opening before it closes, in order and apart); errors carry
 * JSON paths under `root`, e.g. `body.periods[1].end`. An unknown unit is NOT_FOUND.
 */
export async function setOfficeHours(ctx: Ctx, unitCode: string, input: unknown, actor: string, root = 'body'): Promise<OfficeHoursEntry> {
  const parsed = OfficeHoursBody.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error, root);
  if (unitCode !== DEFAULT_UNIT && !(await unitNames(ctx, [unitCode])).has(unitCode)) {
    throw notFound({ vi: `đơn vị ${unitCode}`, en: `Unit ${unitCode}` });
  }
  const periods = parsed.data.periods.map((p) => ({ start: p.start, end: p.end }));
  try {
    await ctx.database.db.transaction().execute(async (tx) => {
      await lockOfficeHours(tx);
      const previous = (await readOfficeHours(tx, unitCode)).get(unitCode);
      await tx
        .insertInto('calendar_office_hours')
        .values({ unit_code: unitCode, periods: JSON.stringify(periods), updated_by: actor, updated_at: new Date() })
        .onConflict((oc) =>
          oc.column('unit_code').doUpdateSet((eb) => ({
            periods: eb.ref('excluded.periods'),
            updated_by: eb.ref('excluded.updated_by'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
      await recordAudit(tx, {
        actor,
        action: 'calendar.hours.set',
        target: `office-hours:${unitCode}`,
        data: { periods, previous: previous ? { periods: previous.periods } : null },
      });
    });
  } finally {
    // Also after a failed commit: the next read goes to the database rather than trusting memory.
    invalidateCalendar(ctx.database);
  }
  return getOfficeHours(ctx, unitCode);
}
