import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Ctx } from '../../platform/context.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { t } from '../components/layout.tsx';
import { sendPage } from '../render.tsx';
import { renderCalendarPage, type FormError } from '../pages/office/calendar.tsx';
import { localDate, yearOf } from '../../modules/calendar/dates.ts';
import { getCalendarYear } from '../../modules/calendar/get-calendar-year.ts';
import { setCalendarYear } from '../../modules/calendar/set-calendar-year.ts';
import { resetCalendarYear } from '../../modules/calendar/reset-calendar-year.ts';
import { Year } from '../../modules/calendar/schemas.ts';

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

async function showPage(
  ctx: Ctx,
  req: FastifyRequest,
  reply: FastifyReply,
  year: number,
  extra: Omit<Parameters<typeof renderCalendarPage>[0], 'req' | 'view' | 'canEdit'> = {},
  status = 200,
) {
  const view = await getCalendarYear(ctx, year);
  return sendPage(reply, renderCalendarPage({ req, view, canEdit: isAdmin(req.principal), ...extra }), status);
}

/** The working calendar's back-office page: every official reads it, administrators enter a year's schedule. */
export const calendarPagesModule: Module = {
  name: 'calendar-pages',
  routes(app, ctx) {
    // ── Back-office page ──────────────────────────────────────────────────
    app.get('/can-bo/lich-lam-viec', {
      config: { access: ['staff'] },
      schema: { ...page, querystring: z.object({ year: Year.optional(), saved: z.enum(['1']).optional(), reset: z.enum(['1']).optional() }) },
      handler: async (req, reply) => {
        const year = req.query.year ?? yearOf(localDate(new Date()));
        return showPage(ctx, req, reply, year, { notice: req.query.saved ? 'saved' : req.query.reset ? 'reset' : undefined });
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
  },
};
