import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Ctx } from '../../platform/context.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { t } from '../components/layout.tsx';
import { sendPage } from '../render.tsx';
import { renderCalendarPage, type FormError, type OfficeHoursSection } from '../pages/office/calendar.tsx';
import { localDate, yearOf } from '../../modules/calendar/dates.ts';
import { getCalendarYear } from '../../modules/calendar/get-calendar-year.ts';
import { setCalendarYear } from '../../modules/calendar/set-calendar-year.ts';
import { resetCalendarYear } from '../../modules/calendar/reset-calendar-year.ts';
import { getOfficeHours, listOfficeHours } from '../../modules/calendar/get-office-hours.ts';
import { setOfficeHours } from '../../modules/calendar/set-office-hours.ts';
import { resetOfficeHours } from '../../modules/calendar/reset-office-hours.ts';
import { OfficeHoursUnit, Year } from '../../modules/calendar/schemas.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';

const page = { hide: true } as const;
const isAdmin = (p: Principal | null) => p?.kind === 'staff' && p.roles.some((r) => r.role === 'administrator');

/** One date per line; DD/MM/YYYY, as officials usually write dates, is read as YYYY-MM-DD. */
export function datesFromText(text: unknown): string[] {
  return String(text ?? '')
    .split(/\r?\n|,|;/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s);
      return m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : s;
    });
}

/** A form field name from an error path such as `form.daysOff[3]`. */
function formErrors(req: FastifyRequest, e: AppError): FormError[] {
  if (!e.details?.length) return [{ field: 'daysOff', text: t(req, e.text.vi, e.text.en) }];
  return e.details.map((d) => ({
    field: /makeUpWorkingDays/.test(d.path) ? 'makeUpWorkingDays' : /daysOff/.test(d.path) ? 'daysOff' : 'year',
    text: t(req, d.message, d.messageEn),
  }));
}

/**
 * Office hours as typed: one period per line, "08:00-12:00"; "7h30" and "8:00" are read as
 * 07:30 and 08:00. A line without a dash is kept whole as the opening, so validation names it.
 */
export function periodsFromText(text: unknown): { start: string; end: string }[] {
  const time = (s: string) => {
    const m = /^(\d{1,2})(?:[:hg](\d{2}))?[hg]?$/i.exec(s.trim());
    return m ? `${m[1].padStart(2, '0')}:${m[2] ?? '00'}` : s.trim();
  };
  return String(text ?? '')
    .split(/\r?\n|;/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(.+?)\s*[-–—]\s*(.+)$/.exec(line);
      return m ? { start: time(m[1]), end: time(m[2]) } : { start: line, end: '' };
    });
}

/** Office-hours form errors beside their field: the unit, or the periods (each named by its number). */
function hoursFormErrors(req: FastifyRequest, e: AppError): FormError[] {
  if (!e.details?.length) return [{ field: e.code === 'NOT_FOUND' ? 'hoursUnit' : 'hoursPeriods', text: t(req, e.text.vi, e.text.en) }];
  return e.details.map((d) => {
    if (!/periods/.test(d.path)) return { field: 'hoursUnit', text: t(req, d.message, d.messageEn) };
    const m = /periods\[(\d+)\]\.(start|end)/.exec(d.path);
    // The refinements already name their period ("Buổi 2 …"); format errors do not.
    if (!m || /^period \d/.test(d.messageEn)) return { field: 'hoursPeriods', text: t(req, d.message, d.messageEn) };
    const n = Number(m[1]) + 1;
    const [vi, en] = m[2] === 'start' ? [`Buổi ${n}, giờ bắt đầu`, `Period ${n}, opening`] : [`Buổi ${n}, giờ kết thúc`, `Period ${n}, closing`];
    return { field: 'hoursPeriods', text: t(req, `${vi}: ${d.message}`, `${en}: ${d.messageEn}`) };
  });
}

async function officeHoursSection(ctx: Ctx, editing: string): Promise<OfficeHoursSection> {
  const [list, units, entry] = await Promise.all([listOfficeHours(ctx), listUnits(ctx), getOfficeHours(ctx, editing)]);
  const names = new Map(units.map((u) => [u.id, u.name]));
  return {
    default: list.default,
    units: list.units.map((u) => ({ ...u, unitName: names.get(u.unitCode) ?? null })),
    choices: units.map((u) => ({ code: u.id, name: u.name })),
    editing: entry,
  };
}

async function showPage(
  ctx: Ctx,
  req: FastifyRequest,
  reply: FastifyReply,
  year: number,
  extra: Omit<Parameters<typeof renderCalendarPage>[0], 'req' | 'view' | 'canEdit' | 'hours'> = {},
  status = 200,
  editing = '*',
) {
  const [view, hours] = await Promise.all([getCalendarYear(ctx, year), officeHoursSection(ctx, editing)]);
  return sendPage(reply, renderCalendarPage({ req, view, canEdit: isAdmin(req.principal), hours, ...extra }), status);
}

/** The working calendar's back-office page: every official reads it, administrators enter a year's schedule. */
export const calendarPagesModule: Module = {
  name: 'calendar-pages',
  routes(app, ctx) {
    // ── Back-office page ──────────────────────────────────────────────────
    app.get('/can-bo/lich-lam-viec', {
      config: { access: ['staff'] },
      schema: {
        ...page,
        querystring: z.object({
          year: Year.optional(),
          saved: z.enum(['1']).optional(),
          reset: z.enum(['1']).optional(),
          // Office hours: whose the form starts from, and what was just done.
          donVi: OfficeHoursUnit.optional(),
          gio: z.enum(['saved', 'reset']).optional(),
        }),
      },
      handler: async (req, reply) => {
        const q = req.query;
        const year = q.year ?? yearOf(localDate(new Date()));
        const notice = q.saved ? 'saved' : q.reset ? 'reset' : q.gio === 'saved' ? 'hours-saved' : q.gio === 'reset' ? 'hours-reset' : undefined;
        return showPage(ctx, req, reply, year, { notice }, 200, q.donVi ?? '*');
      },
    });
    app.post('/can-bo/lich-lam-viec', {
      config: { access: ['administrator'] },
      schema: page,
      handler: async (req, reply) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const year = Year.safeParse(body.year);
        if (!year.success) throw fromZod(year.error, 'year');
        const values = { daysOff: String(body.daysOff ?? ''), makeUpWorkingDays: String(body.makeUpWorkingDays ?? '') };
        try {
          if (body.action === 'reset') {
            await resetCalendarYear(ctx, year.data, actorOf(req.principal));
            return reply.redirect(`/can-bo/lich-lam-viec?year=${year.data}&reset=1`, 303);
          }
          await setCalendarYear(
            ctx,
            year.data,
            { daysOff: datesFromText(body.daysOff), makeUpWorkingDays: datesFromText(body.makeUpWorkingDays) },
            actorOf(req.principal),
            'form',
          );
          return reply.redirect(`/can-bo/lich-lam-viec?year=${year.data}&saved=1`, 303);
        } catch (e) {
          if (!(e instanceof AppError) || e.code !== 'VALIDATION_FAILED') throw e;
          return showPage(ctx, req, reply, year.data, { errors: formErrors(req, e), values }, e.status);
        }
      },
    });
    app.post('/can-bo/lich-lam-viec/gio-lam-viec', {
      config: { access: ['administrator'] },
      schema: page,
      handler: async (req, reply) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const parsedYear = Year.safeParse(body.year);
        // The year only says which page to come back to.
        const year = parsedYear.success ? parsedYear.data : yearOf(localDate(new Date()));
        const values = { unit: String(body.unit ?? ''), periods: String(body.periods ?? '') };
        try {
          const unit = OfficeHoursUnit.safeParse(values.unit);
          if (!unit.success) throw fromZod(unit.error, 'form.unit');
          if (body.action === 'reset') {
            await resetOfficeHours(ctx, unit.data, actorOf(req.principal));
            return reply.redirect(`/can-bo/lich-lam-viec?year=${year}&gio=reset#gio-lam-viec`, 303);
          }
          await setOfficeHours(ctx, unit.data, { periods: periodsFromText(body.periods) }, actorOf(req.principal), 'form');
          return reply.redirect(`/can-bo/lich-lam-viec?year=${year}&gio=saved#gio-lam-viec`, 303);
        } catch (e) {
          if (!(e instanceof AppError) || (e.code !== 'VALIDATION_FAILED' && e.code !== 'NOT_FOUND')) throw e;
          return showPage(ctx, req, reply, year, { hoursErrors: hoursFormErrors(req, e), hoursValues: values }, e.status);
        }
      },
    });
  },
};
