import type { Module } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { localDate } from './dates.ts';
import { computeDueDate } from './compute-due-date.ts';
import { getCalendarYear } from './get-calendar-year.ts';
import { setCalendarYear } from './set-calendar-year.ts';
import { resetCalendarYear } from './reset-calendar-year.ts';
import { CalendarYear, DueDate, DueDateQuery, parseReceived, ScheduleBody, YearParams } from './schemas.ts';
import { wholeDays } from './working-calendar.ts';

const tags = ['calendar'];

export const calendarModule: Module = {
  name: 'calendar',
  routes(app, ctx) {
    app.get('/api/v1/calendar/due-date', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Due date of a period in working days: the N-th working day after the receipt date in Viet Nam',
        querystring: DueDateQuery,
        response: { 200: DueDate, 400: ErrorBody },
      },
      handler: async (req) => {
        const at = parseReceived(req.query.from)!;
        return { dueDate: await computeDueDate(ctx, at, req.query.workingDays), receivedOn: localDate(at), workingDays: wholeDays(req.query.workingDays) };
      },
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
