import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { pick, vietnamDay, type Lang } from '../../platform/i18n/index.ts';
import { tableWorkbook } from '../../platform/xlsx/table-workbook.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';
import { staffDisplayNames } from '../../modules/organisation/staff-names.ts';
import { coveredUnits } from '../../modules/dossiers/visibility.ts';
import { LEDGER_ROLES, listLedger } from '../../modules/payments/list-ledger.ts';
import { listReconciliation } from '../../modules/payments/list-reconciliation.ts';
import { FINANCE_ROLES, runReconciliation, yesterday } from '../../modules/payments/reconcile-payments.ts';
import { resolveMismatch } from '../../modules/payments/resolve-mismatch.ts';
import type { LedgerView, ReconciliationView } from '../../modules/payments/schemas.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import {
  LEDGER_CHART_URL,
  LEDGER_URL,
  LEDGER_XLSX_URL,
  LedgerPage,
  ledgerChartSvg,
  RECONCILIATION_URL,
  type LedgerQuery,
} from '../pages/office/payments-ledger.tsx';
import { ReconciliationPage, type ReconciliationPageProps } from '../pages/office/payments-reconciliation.tsx';

type Staff = Extract<Principal, { kind: 'staff' }>;
const page = { hide: true } as const;
// A form sends what was typed: the operations validate it and their errors are shown on the page.
const LedgerParams = z.object({
  unit: z.string().max(40).optional(),
  from: z.string().max(20).optional(),
  to: z.string().max(20).optional(),
  lang: z.enum(['vi', 'en']).optional(),
});
const DayParams = z.object({ day: z.string().max(20).optional(), done: z.enum(['run', 'resolved']).optional() });
/** The period a ledger opens on: the last seven Vietnam days, today included. */
const DEFAULT_DAYS = 7;

/** An error as one line for a page: its text, then what each detail says. */
const errorText = (req: FastifyRequest, e: AppError) =>
  [t(req, e.text.vi, e.text.en), ...(e.details ?? []).filter((d) => d.message).map((d) => t(req, d.message, d.messageEn))]
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(' — ');

/** The units whose ledger the official reads (where they are a finance officer or leader, and those beneath), with their names. */
async function ledgerUnits(ctx: Ctx, p: Staff, lang: Lang): Promise<{ id: string; name: string }[]> {
  const held = p.roles.filter((r) => (LEDGER_ROLES as readonly string[]).includes(r.role));
  if (!held.length) return [];
  const ids = new Set(await coveredUnits(ctx, { ...p, roles: held }));
  return (await listUnits(ctx)).filter((u) => ids.has(u.id)).map((u) => ({ id: u.id, name: pick(lang, u.name, u.nameEn ?? u.name) }));
}

/** The query as asked, with the defaults: the official's first unit, the last seven days. */
function ledgerQuery(p: Staff, units: { id: string }[], q: z.infer<typeof LedgerParams>): LedgerQuery {
  const today = vietnamDay(new Date());
  const firstRole = p.roles.find((r) => (LEDGER_ROLES as readonly string[]).includes(r.role))?.unitId;
  return {
    unit: q.unit?.trim() || firstRole || units[0]?.id || '',
    from: q.from?.trim() || vietnamDay(new Date(Date.now() - (DEFAULT_DAYS - 1) * 24 * 3600_000)),
    to: q.to?.trim() || today,
  };
}

/** The ledger as a workbook a finance officer keeps: one row per payment, amounts as numbers, the total row. */
function ledgerWorkbook(view: LedgerView, unitName: string, lang: Lang) {
  const tr = (vi: string, en: string) => pick(lang, vi, en);
  const method = { online: tr('Trực tuyến', 'Online'), cash: tr('Tiền mặt', 'Cash'), card: tr('Thẻ', 'Card') };
  const day = (d: string) => (lang === 'en' ? d : d.split('-').reverse().join('/'));
  return tableWorkbook({
    sheetName: tr('Sổ thu', 'Ledger'),
    title: tr(`Sổ thu phí, lệ phí — ${unitName} — từ ${day(view.from)} đến ${day(view.to)}`, `Fees ledger — ${unitName} — ${view.from} to ${view.to}`),
    columns: [
      { header: tr('Thời điểm thu', 'Collected at') },
      { header: tr('Mã hồ sơ', 'Dossier') },
      { header: tr('Mã tham chiếu', 'Reference') },
      { header: tr('Hình thức', 'Method') },
      { header: tr('Số tiền (đồng)', 'Amount (VND)'), numFmt: '#,##0' },
      { header: tr('Đã hoàn trả (đồng)', 'Refunded (VND)'), numFmt: '#,##0' },
      { header: tr('Biên lai', 'Receipt') },
    ],
    rows: view.payments.map((x) => [
      x.settledAt ? new Date(x.settledAt) : new Date(x.createdAt),
      x.dossierCode,
      x.reference,
      method[x.method],
      x.amount,
      x.refunded,
      x.receipt ? `${x.receipt.series} ${x.receipt.number}` : null,
    ]),
    total: [tr('Tổng cộng', 'Total'), null, null, null, view.total, view.refunded, null],
  });
}

const isFinance = (p: Staff) => p.roles.some((r) => (FINANCE_ROLES as readonly string[]).includes(r.role));

/**
 * The finance officers' pages (issue 14): the ledger of a unit by day, with its chart and XLSX
 * (finance officers and unit leaders), and the reconciliation with the payment platform's
 * statement (finance officers). Every page works without a script; the operations check units.
 */
export const paymentsOfficePagesModule: Module = {
  name: 'payments-office-pages',
  routes(app, ctx) {
    /**
     * The ledger the query asks for, or the refusal as a page error (a unit not theirs, a period too long, a day not written as one).
     * `ctx`: the read replica's when one serves (a register of past days may lag by a second).
     */
    const ledger = async (req: FastifyRequest, q: z.infer<typeof LedgerParams>, ctx: Ctx) => {
      const p = req.principal as Staff;
      const lang = q.lang ?? req.lang;
      const units = await ledgerUnits(ctx, p, lang);
      const query = ledgerQuery(p, units, q);
      const unitName = units.find((u) => u.id === query.unit)?.name ?? query.unit;
      try {
        return { query, units, unitName, view: await listLedger(ctx, query, p) };
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        return { query, units, unitName, view: null, error: e };
      }
    };

    app.get(LEDGER_URL, { config: { access: LEDGER_ROLES }, schema: { ...page, querystring: LedgerParams } }, async (req, reply) => {
      const r = await onReplica(ctx, (c) => ledger(req, req.query, c));
      const p = req.principal as Staff;
      const error = r.error ? { text: errorText(req, r.error), href: r.error.status === 404 ? '#unit' : '#from' } : undefined;
      return sendPage(
        reply,
        LedgerPage({ req, query: r.query, units: r.units, view: r.view, unitName: r.unitName, finance: isFinance(p), error }),
        r.error?.status ?? 200,
      );
    });

    // The chart as an image: drawn on the server, no script; the page's table of days is its text equivalent.
    app.get(LEDGER_CHART_URL, { config: { access: LEDGER_ROLES }, schema: { ...page, querystring: LedgerParams } }, async (req, reply) => {
      const r = await onReplica(ctx, (c) => ledger(req, req.query, c));
      if (!r.view) throw r.error;
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(ledgerChartSvg(r.view, req.query.lang ?? req.lang));
    });

    app.get(LEDGER_XLSX_URL, { config: { access: LEDGER_ROLES }, schema: { ...page, querystring: LedgerParams } }, async (req, reply) => {
      const r = await onReplica(ctx, (c) => ledger(req, req.query, c));
      if (!r.view) throw r.error;
      const bytes = await ledgerWorkbook(r.view, r.unitName, req.query.lang ?? req.lang);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="so-thu-${r.query.unit}-${r.query.from}-${r.query.to}.xlsx"`)
        .header('cache-control', 'no-store')
        .send(Buffer.from(bytes));
    });

    const reconciliation = async (
      req: FastifyRequest,
      reply: FastifyReply,
      day: string,
      extra: Pick<ReconciliationPageProps, 'done' | 'error'> = {},
      status = 200,
    ) => {
      let view: ReconciliationView | null = null;
      let error = extra.error;
      try {
        view = await listReconciliation(ctx, { day }, req.principal!);
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 400) throw e;
        error ??= { text: errorText(req, e) };
        status = 400;
      }
      const names = await staffDisplayNames(ctx, view?.runs.flatMap((r) => [r.startedBy, ...r.items.map((i) => i.resolvedBy)]) ?? []);
      return sendPage(reply, ReconciliationPage({ req, day, view, names, done: extra.done, error }), status);
    };
    const dayOf = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 20) : yesterday(new Date()));
    const back = (day: string, done: 'run' | 'resolved') => `${RECONCILIATION_URL}?${new URLSearchParams({ day, done })}`;

    app.get(RECONCILIATION_URL, { config: { access: FINANCE_ROLES }, schema: { ...page, querystring: DayParams } }, async (req, reply) =>
      reconciliation(req, reply, dayOf(req.query.day), { done: req.query.done }),
    );

    // "Đối soát ngày …": the statement of the day fetched now and compared; the page shows the new run first.
    app.post(RECONCILIATION_URL, { config: { access: FINANCE_ROLES }, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const day = dayOf(body.day);
      try {
        await runReconciliation(ctx, { day }, req.principal!);
        return reply.redirect(back(day, 'run'), 303);
      } catch (e) {
        // A day not begun (400), the platform out of reach (502, 503): the page says so and the button stays.
        if (!(e instanceof AppError) || e.status === 403 || e.status === 404 || e.status === 500) throw e;
        return reconciliation(req, reply, day, { error: { text: errorText(req, e) } }, e.status);
      }
    });

    app.post(
      `${RECONCILIATION_URL}/chenh-lech/:id`,
      { config: { access: FINANCE_ROLES }, schema: { ...page, params: z.object({ id: z.string().max(64) }) } },
      async (req, reply) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const day = dayOf(body.day);
        const note = typeof body.note === 'string' ? body.note : '';
        try {
          await resolveMismatch(ctx, req.params.id, { note }, req.principal!);
          return reply.redirect(back(day, 'resolved'), 303);
        } catch (e) {
          if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
          return reconciliation(req, reply, day, { error: { text: errorText(req, e), item: req.params.id, note } }, e.status);
        }
      },
    );
  },
};
