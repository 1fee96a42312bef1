import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { AppError } from '../../platform/errors.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { getPublicStatistics, STATISTICS_PERIOD, statisticsChoices } from '../../modules/open-data/get-public-statistics.ts';
import { listDatasets } from '../../modules/open-data/list-datasets.ts';
import { monthsBetween } from '../../modules/open-data/period.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { OpenDataPage } from '../pages/portal/open-data.tsx';
import { OPEN_DATA_URL, PublicStatisticsPage, STATISTICS_URL } from '../pages/portal/public-statistics.tsx';

const page = { hide: true } as const;
// A form sends what was chosen: the operation checks it, and its errors are shown on the page.
const StatisticsParams = z.object({
  from: z.string().max(20).optional(),
  to: z.string().max(20).optional(),
  unit: z.string().max(40).optional(),
  field: z.string().max(300).optional(),
  lang: z.enum(['vi', 'en']).optional(),
});

/** An error as one line for a page: its text, then what each detail says. */
const errorText = (req: FastifyRequest, e: AppError) =>
  [t(req, e.text.vi, e.text.en), ...(e.details ?? []).filter((d) => d.message).map((d) => t(req, d.message, d.messageEn))]
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(' — ');

/** The months one may choose on the page, newest first: as far back as the longest period allows, twice. */
function monthChoices(now = new Date()): string[] {
  const current = vietnamDay(now).slice(0, 7);
  const [y, m] = current.split('-').map(Number);
  const back = y * 12 + (m - 1) - (STATISTICS_PERIOD.maxMonths * 2 - 1);
  const first = `${String(Math.floor(back / 12)).padStart(4, '0')}-${String((back % 12) + 1).padStart(2, '0')}`;
  return monthsBetween(first, current).reverse();
}

/**
 * The public statistics page and the open-data page (issue 15): no sign-in, rate limited like
 * other anonymous reads, and cheap: they read only the indicator tables' aggregates (kept a
 * minute by the operations), never dossiers.
 */
export const publicStatisticsPagesModule: Module = {
  name: 'public-statistics-pages',
  routes(app, ctx) {
    app.get(STATISTICS_URL, { config: { access: 'public', limit: 'public' }, schema: { ...page, querystring: StatisticsParams } }, async (req, reply) => {
      const query = {
        from: req.query.from?.trim() ?? '',
        to: req.query.to?.trim() ?? '',
        unit: req.query.unit?.trim() ?? '',
        field: req.query.field?.trim() ?? '',
      };
      const months = monthChoices();
      try {
        const stats = await onReplica(ctx, (c) =>
          getPublicStatistics(c, {
            from: query.from || undefined,
            to: query.to || undefined,
            unit: query.unit || undefined,
            field: query.field || undefined,
          }),
        );
        return sendPage(reply, PublicStatisticsPage({ req, query, months, units: stats.units, fields: stats.fields, stats }));
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 400) throw e;
        const choices = await onReplica(ctx, (c) => statisticsChoices(c));
        const href = `#${e.details?.[0]?.path || 'from'}`;
        return sendPage(reply, PublicStatisticsPage({ req, query, months, ...choices, stats: null, error: { text: errorText(req, e), href } }), 400);
      }
    });

    app.get(OPEN_DATA_URL, { config: { access: 'public', limit: 'public' }, schema: page }, async (req, reply) =>
      sendPage(reply, OpenDataPage({ req, datasets: listDatasets() })),
    );
  },
};
