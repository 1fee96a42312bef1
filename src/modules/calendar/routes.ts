import type { Module } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { validationError } from '../../platform/http/validation.ts';
import { unitNames } from '../organisation/names.ts';
import { localDate } from './dates.ts';
import { computeDueAt, nextOpeningAfter, type TimeLimit } from './compute-due-date.ts';
import { getCalendarYear } from './get-calendar-year.ts';
import { setCalendarYear } from './set-calendar-year.ts';
import { resetCalendarYear } from './reset-calendar-year.ts';
import { listOfficeHours } from './get-office-hours.ts';
import { setOfficeHours } from './set-office-hours.ts';
import { resetOfficeHours } from './reset-office-hours.ts';
import { DEFAULT_UNIT } from './office-hours-store.ts';
import { OfficeHoursBody } from './office-hours.ts';
import {
  CalendarYear,
  DueDate,
  DueDateQuery,
  OfficeHoursEntry,
  OfficeHoursList,
  OfficeHoursParams,
  parseReceived,
  ScheduleBody,
  YearParams,
} from './schemas.ts';
import { wholeDays } from './working-calendar.ts';
import { toVnIso } from './working-time.ts';

const tags = ['calendar'];

export const calendarModule: Module = {
  name: 'calendar',
  routes(app, ctx) {
    app.get('/api/v1/calendar/due-date', {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'When a period ends: N working days (the N-th working day after the receipt date, to its end), N working hours inside office hours, or the same working day (with an optional cut-off)',
        querystring: DueDateQuery,
        response: { 200: DueDate, 400: ErrorBody },
      },
      handler: async (req): Promise<DueDate> => {
        const q = req.query;
        const at = parseReceived(q.from)!;
        const unit = q.unit ?? null;
        if (unit !== null && unit !== DEFAULT_UNIT && !(await unitNames(ctx, [unit])).has(unit)) {
          throw validationError([{ path: 'querystring.unit', message: `Không có đơn vị ${unit}`, messageEn: `there is no unit ${unit}` }]);
        }
        // Hours are counted in whole minutes, a fraction of a minute rounding up (as days do).
        const minutes = q.workingHours === undefined ? 0 : Math.ceil(q.workingHours * 60 - 1e-9);
        const limit: TimeLimit =
          q.workingDays !== undefined
            ? { unit: 'WORKING_DAY', n: q.workingDays }
            : q.workingHours !== undefined
              ? { unit: 'WORKING_HOUR', n: minutes / 60 }
              : { unit: 'SAME_DAY', ...(q.cutoff ? { cutoff: q.cutoff } : {}) };
        const dueAt = await computeDueAt(ctx, at, limit, unit);
        const common = {
          dueAt: toVnIso(dueAt),
          receivedAt: toVnIso(at),
          startsAt: toVnIso(await nextOpeningAfter(ctx, at, unit)),
          ...(unit !== null ? { unit } : {}),
        };
        if (q.workingDays !== undefined) return { ...common, dueDate: localDate(dueAt), receivedOn: localDate(at), workingDays: wholeDays(q.workingDays) };
        if (q.workingHours !== undefined) return { ...common, workingHours: minutes / 60 };
        return { ...common, sameDay: true, ...(q.cutoff ? { cutoff: q.cutoff } : {}) };
      },
    });
    app.get('/api/v1/calendar/office-hours', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "Office hours: the default of every unit, and each unit's own; working hours and same-day limits count only inside them",
        response: { 200: OfficeHoursList },
      },
      handler: async () => listOfficeHours(ctx),
    });
    app.put('/api/v1/calendar/office-hours/:unit', {
      config: { access: ['administrator'] },
      schema: {
        tags,
        summary: "Set a unit's office hours, or the default ('*') of every unit without its own",
        params: OfficeHoursParams,
        body: OfficeHoursBody,
        response: { 200: OfficeHoursEntry, 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => setOfficeHours(ctx, req.params.unit, req.body, actorOf(req.principal)),
    });
    app.delete('/api/v1/calendar/office-hours/:unit', {
      config: { access: ['administrator'] },
      schema: {
        tags,
        summary: "Remove a unit's own office hours (it keeps the default), or the default ('*': back to 08:00–12:00, 13:00–17:00)",
        params: OfficeHoursParams,
        response: { 200: OfficeHoursEntry, 400: ErrorBody },
      },
      handler: async (req) => resetOfficeHours(ctx, req.params.unit, actorOf(req.principal)),
    });
    app.get('/api/v1/calendar/:year', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A year's days off and make-up working days: the official schedule, or the statutory default",
        params: YearParams,
        response: { 200: CalendarYear, 400: ErrorBody },
      },
      handler: async (req) => getCalendarYear(ctx, req.params.year),
    });
    app.put('/api/v1/calendar/:year', {
      config: { access: ['administrator'] },
      schema: {
        tags,
        summary: "Enter a year's official schedule; its days off replace the default holidays of that year",
        params: YearParams,
        body: ScheduleBody,
        response: { 200: CalendarYear, 400: ErrorBody },
      },
      handler: async (req) => setCalendarYear(ctx, req.params.year, req.body, actorOf(req.principal)),
    });
    app.delete('/api/v1/calendar/:year', {
      config: { access: ['administrator'] },
      schema: {
        tags,
        summary: "Remove a year's official schedule: the year follows the statutory default again",
        params: YearParams,
        response: { 200: CalendarYear, 400: ErrorBody },
      },
      handler: async (req) => resetCalendarYear(ctx, req.params.year, actorOf(req.principal)),
    });
  },
};
