import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { AppError } from '../../platform/errors.ts';
import { pick, vietnamDay, type Lang } from '../../platform/i18n/index.ts';
import { tableWorkbook, type TableWorkbook } from '../../platform/xlsx/table-workbook.ts';
import { DEFAULT_DAYS, readUsage, USAGE_ROLES } from '../../modules/analytics/read-usage.ts';
import type { UsageView } from '../../modules/analytics/schemas.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import {
  DEVICE_LABEL,
  stepText,
  USAGE_CHART_URL,
  USAGE_CHARTS,
  USAGE_TABLES,
  USAGE_URL,
  USAGE_XLSX_URL,
  UsagePage,
  usageChartSvg,
  type UsageTable,
} from '../pages/office/analytics.tsx';
import { PAGE_CLASSES } from './analytics-portal.tsx';

const page = { hide: true } as const;
// A form sends what was typed: the operation validates it and its error is shown on the page.
const Params = z.object({ from: z.string().max(20).optional(), to: z.string().max(20).optional(), lang: z.enum(['vi', 'en']).optional() });
// Without a name, the first chart and the first table (views per day).
const ChartParams = Params.extend({ chart: z.enum(USAGE_CHARTS).default('days') });
const TableParams = Params.extend({ table: z.enum(USAGE_TABLES).default('days') });
const DAY_MS = 24 * 3600_000;

/** The period as asked, with the default: the last 30 Vietnam days, today included. */
function periodOf(q: z.infer<typeof Params>) {
  const to = q.to?.trim() || vietnamDay(new Date());
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const from = q.from?.trim() || (Number.isNaN(toMs) ? to : new Date(toMs - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10));
  return { from, to };
}

/** An error as one line for a page: its text, then what each detail says. */
const errorText = (req: FastifyRequest, e: AppError) =>
  [t(req, e.text.vi, e.text.en), ...(e.details ?? []).filter((d) => d.message).map((d) => t(req, d.message, d.messageEn))]
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(' — ');

/** A page class's name in the reader's language; a class without one (a page added since) shows its route. */
const pageLabel = (lang: Lang) => (key: string) => {
  const c = Object.values(PAGE_CLASSES).find((x) => x.key === key);
  return c ? pick(lang, c.vi, c.en) : key;
};

/** One of the page's tables as the workbook an administrator keeps: numbers as numbers. */
function usageWorkbook(view: UsageView, table: UsageTable, lang: Lang): Promise<Uint8Array> {
  const tr = (vi: string, en: string) => pick(lang, vi, en);
  const day = (d: string) => (lang === 'en' ? d : d.split('-').reverse().join('/'));
  const period = tr(`từ ${day(view.from)} đến ${day(view.to)}`, `${view.from} to ${view.to}`);
  const count = { numFmt: '#,##0' };
  const name = (p: { code: string; name: string | null }) => p.name ?? '';
  const books: Record<UsageTable, TableWorkbook> = {
    days: {
      sheetName: tr('Lượt xem theo ngày', 'Views per day'),
      title: tr(`Lượt xem trang Cổng dịch vụ công theo ngày, ${period}`, `Portal page views per day, ${period}`),
      columns: [
        { header: tr('Ngày', 'Day') },
        { header: tr('Tổng', 'All'), ...count },
        ...(['mobile', 'tablet', 'desktop'] as const).map((k) => ({ header: tr(DEVICE_LABEL[k].vi, DEVICE_LABEL[k].en), ...count })),
      ],
      rows: view.days.map((d) => [day(d.day), d.views, d.mobile, d.tablet, d.desktop]),
      total: [tr('Tổng cộng', 'Total'), view.totals.views, view.totals.mobile, view.totals.tablet, view.totals.desktop],
    },
    pages: {
      sheetName: tr('Các trang', 'Pages'),
      title: tr(`Các trang được xem, ${period}`, `Pages viewed, ${period}`),
      columns: [{ header: tr('Trang', 'Page') }, { header: tr('Lượt xem', 'Views'), ...count }],
      rows: view.pages.map((p) => [pageLabel(lang)(p.page), p.views]),
    },
    services: {
      sheetName: tr('Thủ tục được xem', 'Procedures viewed'),
      title: tr(`Thủ tục được xem nhiều nhất, ${period}`, `Procedures viewed most, ${period}`),
      columns: [{ header: tr('Mã thủ tục', 'Code') }, { header: tr('Tên thủ tục', 'Name') }, { header: tr('Lượt xem', 'Views'), ...count }],
      rows: view.services.map((s) => [s.code, name(s), s.views]),
    },
    funnel: {
      sheetName: tr('Phễu nộp hồ sơ', 'Funnel'),
      title: tr(`Từ xem thủ tục đến nộp hồ sơ, ${period}`, `From a procedure page to a filed dossier, ${period}`),
      columns: [
        { header: tr('Mã thủ tục', 'Code') },
        { header: tr('Tên thủ tục', 'Name') },
        { header: tr('Lượt xem', 'Viewed'), ...count },
        { header: tr('Bắt đầu nháp', 'Drafts started'), ...count },
        { header: tr('Tỉ lệ bắt đầu (%)', 'Started rate (%)'), numFmt: '0.0' },
        { header: tr('Đã nộp', 'Filed'), ...count },
        { header: tr('Tỉ lệ nộp (%)', 'Filed rate (%)'), numFmt: '0.0' },
      ],
      rows: view.funnel.map((f) => [f.code, name(f), f.viewed, f.draftStarted, f.draftRate, f.submitted, f.submitRate]),
    },
    steps: {
      sheetName: tr('Các bước biểu mẫu', 'Form steps'),
      title: tr(`Các bước của biểu mẫu nộp hồ sơ, ${period}`, `Steps of the filing form, ${period}`),
      columns: [
        { header: tr('Mã thủ tục', 'Code') },
        { header: tr('Tên thủ tục', 'Name') },
        { header: tr('Bước', 'Step') },
        { header: tr('Đến bước', 'Reached'), ...count },
        { header: tr('Dừng lại', 'Left'), ...count },
      ],
      rows: view.eformSteps.flatMap((p) => p.steps.map((s) => [p.code, name(p), stepText(lang, s.step), s.reached, s.left])),
    },
  };
  return tableWorkbook(books[table]);
}

/**
 * The administrators' and auditors' page of the portal's usage (issue 15 item 5): period filter,
 * views per day, devices, pages, procedures viewed most, the funnel to a filed dossier, the
 * filing form's steps, and the delivery of EMC events. Charts are images drawn on the server and
 * every table has its XLSX, so the page works without script.
 */
export const analyticsOfficePagesModule: Module = {
  name: 'analytics-office-pages',
  routes(app, ctx) {
    const usage = async (q: z.infer<typeof Params>) => {
      const query = periodOf(q);
      try {
        return { query, view: await readUsage(ctx, query) };
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        return { query, view: null, error: e };
      }
    };

    app.get(USAGE_URL, { config: { access: USAGE_ROLES }, schema: { ...page, querystring: Params } }, async (req, reply) => {
      const r = await usage(req.query);
      const lang = req.query.lang ?? req.lang;
      const error = r.error ? { text: errorText(req, r.error), href: r.error.details?.[0]?.path === 'query.to' ? '#to' : '#from' } : undefined;
      return sendPage(reply, UsagePage({ req, query: r.query, view: r.view, pageLabel: pageLabel(lang), error }), r.error?.status ?? 200);
    });

    // The charts as images: drawn on the server, no script; the page's tables are their text equivalent.
    app.get(USAGE_CHART_URL, { config: { access: USAGE_ROLES }, schema: { ...page, querystring: ChartParams } }, async (req, reply) => {
      const r = await usage(req.query);
      if (!r.view) throw r.error;
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(usageChartSvg(r.view, req.query.chart, req.query.lang ?? req.lang));
    });

    app.get(USAGE_XLSX_URL, { config: { access: USAGE_ROLES }, schema: { ...page, querystring: TableParams } }, async (req, reply) => {
      const r = await usage(req.query);
      if (!r.view) throw r.error;
      const bytes = await usageWorkbook(r.view, req.query.table, req.query.lang ?? req.lang);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="thong-ke-truy-cap-${req.query.table}-${r.query.from}-${r.query.to}.xlsx"`)
        .header('cache-control', 'no-store')
        .send(Buffer.from(bytes));
    });
  },
};
