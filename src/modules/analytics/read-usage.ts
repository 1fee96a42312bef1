import { sql } from 'kysely';
import { adapterStatus } from '../../platform/outbox/index.ts';
import { EMC_ADAPTER } from './emc-jobs.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { EFORM_STEPS, flushUsage } from './count-usage.ts';
import { UsageQuery, type UsageView } from './schemas.ts';
import type { DeviceClass } from './tables.ts';

/** Who reads the portal's usage: administrators and auditors. */
export const USAGE_ROLES = ['administrator', 'auditor'] as const;
/** The period a read opens on: the last 30 Vietnam days, today included. */
export const DEFAULT_DAYS = 30;
/** The longest period one read covers: a year. */
export const MAX_DAYS = 366;
const DAY_MS = 24 * 3600_000;
/** Procedures listed at most in the funnel and the form steps (most viewed first). */
const MAX_PROCEDURES = 50;
/** Procedure names looked up at most per read (the others show their code). */
const MAX_NAMES = 60;

const invalid = (vi: string, en: string, path = 'query.from') => new AppError('VALIDATION_FAILED', { vi, en }, [{ path, message: vi, messageEn: en }]);

/** The period asked for, with the defaults: the last 30 days up to today. */
export function usagePeriod(raw: unknown, now = new Date()): { from: string; to: string } {
  const parsed = UsageQuery.safeParse(raw ?? {});
  if (!parsed.success) throw invalid('Ngày phải viết dạng YYYY-MM-DD', 'Days are written YYYY-MM-DD');
  const to = parsed.data.to ?? vietnamDay(now);
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const from = parsed.data.from ?? new Date(toMs - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs) || new Date(fromMs).toISOString().slice(0, 10) !== from || new Date(toMs).toISOString().slice(0, 10) !== to)
    throw invalid('Ngày không có trong lịch', 'Not a day of the calendar');
  const days = (toMs - fromMs) / DAY_MS + 1;
  if (days < 1) throw invalid('"Từ ngày" phải trước hoặc bằng "Đến ngày"', '"From" must be on or before "To"');
  if (days > MAX_DAYS) throw invalid(`Khoảng thời gian tối đa ${MAX_DAYS} ngày`, `The period is at most ${MAX_DAYS} days`, 'query.to');
  return { from, to };
}

/** Every day of the period, in order. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= end && out.length <= MAX_DAYS; d += DAY_MS) out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

const percent = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 10 : null);

/**
 * The portal's usage over a period (Vietnam days): views per day and device, pages, procedures
 * most viewed, the funnel per procedure, how far applicants got in the filing form, and the
 * delivery of EMC events. Reads only the daily counters (a bounded period), never visits.
 */
export async function readUsage(ctx: Ctx, raw: unknown, now = new Date()): Promise<UsageView> {
  const { from, to } = usagePeriod(raw, now);
  // This node's latest views first, so the page shows them.
  await flushUsage(ctx);
  const db = ctx.database.db;
  const inPeriod = (kind: string) =>
    db
      .selectFrom('analytics_days')
      .where('kind', '=', kind as never)
      .where('day', '>=', from)
      .where('day', '<=', to);
  const total = sql<number>`sum(count)::int`;

  const [perDay, pages, services, funnel, steps, bots] = await Promise.all([
    inPeriod('page_view')
      .select([sql<string>`day::text`.as('day'), 'device', total.as('n')])
      .groupBy(['day', 'device'])
      .execute(),
    inPeriod('page_view')
      .select(['key', total.as('n')])
      .groupBy('key')
      .orderBy('n', 'desc')
      .orderBy('key')
      .limit(100)
      .execute(),
    inPeriod('service_view')
      .select(['key', total.as('n')])
      .groupBy('key')
      .orderBy('n', 'desc')
      .orderBy('key')
      .limit(20)
      .execute(),
    inPeriod('funnel')
      .select(['key', total.as('n')])
      .groupBy('key')
      .execute(),
    inPeriod('eform_step')
      .select(['key', total.as('n')])
      .groupBy('key')
      .execute(),
    inPeriod('bot_hit').select(total.as('n')).executeTakeFirst(),
  ]);

  const days = new Map(daysOf(from, to).map((d) => [d, { day: d, views: 0, mobile: 0, tablet: 0, desktop: 0 }]));
  for (const r of perDay) {
    const d = days.get(r.day);
    if (!d || !(['mobile', 'tablet', 'desktop'] as DeviceClass[]).includes(r.device)) continue;
    d[r.device as 'mobile' | 'tablet' | 'desktop'] += r.n;
    d.views += r.n;
  }
  const dayList = [...days.values()];
  const sum = (k: 'views' | 'mobile' | 'tablet' | 'desktop') => dayList.reduce((n, d) => n + d[k], 0);

  // Per procedure: funnel steps and form steps from the keys '<code>:<step>'.
  const split = (key: string) => {
    const i = key.lastIndexOf(':');
    return [key.slice(0, i), key.slice(i + 1)] as const;
  };
  const perProc = new Map<string, { viewed: number; draftStarted: number; submitted: number; steps: Map<string, number> }>();
  const proc = (code: string) => {
    let p = perProc.get(code);
    if (!p) {
      p = { viewed: 0, draftStarted: 0, submitted: 0, steps: new Map() };
      perProc.set(code, p);
    }
    return p;
  };
  for (const r of funnel) {
    const [code, step] = split(r.key);
    const p = proc(code);
    if (step === 'viewed') p.viewed += r.n;
    else if (step === 'draft_started') p.draftStarted += r.n;
    else if (step === 'submitted') p.submitted += r.n;
  }
  for (const r of steps) {
    const [code, step] = split(r.key);
    const p = proc(code);
    p.steps.set(step, (p.steps.get(step) ?? 0) + r.n);
  }
  const ranked = [...perProc.entries()]
    .sort((a, b) => b[1].viewed - a[1].viewed || b[1].submitted - a[1].submitted || a[0].localeCompare(b[0]))
    .slice(0, MAX_PROCEDURES);

  // Names for what is shown, through the catalogue (a code no longer in force keeps its code).
  const codes = [...new Set([...services.map((s) => s.key), ...ranked.map(([c]) => c)])].slice(0, MAX_NAMES);
  const names = new Map<string, string>();
  await Promise.all(
    codes.map(async (c) => {
      try {
        names.set(c, (await getProcedure(ctx, c)).name);
      } catch (e) {
        // A procedure withdrawn from the catalogue since: its code stands for it.
        if (!(e instanceof AppError) || e.status !== 404) throw e;
      }
    }),
  );

  const emc = await emcStatus(ctx, from, to);
  return {
    from,
    to,
    totals: { views: sum('views'), mobile: sum('mobile'), tablet: sum('tablet'), desktop: sum('desktop'), bots: bots?.n ?? 0 },
    days: dayList,
    pages: pages.map((r) => ({ page: r.key, views: r.n })),
    services: services.map((r) => ({ code: r.key, name: names.get(r.key) ?? null, views: r.n })),
    funnel: ranked
      .filter(([, p]) => p.viewed || p.draftStarted || p.submitted)
      .map(([code, p]) => ({
        code,
        name: names.get(code) ?? null,
        viewed: p.viewed,
        draftStarted: p.draftStarted,
        submitted: p.submitted,
        draftRate: percent(p.draftStarted, p.viewed),
        submitRate: percent(p.submitted, p.viewed),
      })),
    eformSteps: ranked
      .filter(([, p]) => p.steps.size)
      .map(([code, p]) => {
        const reached = EFORM_STEPS.map((step) => ({ step, reached: p.steps.get(step) ?? 0 }));
        return {
          code,
          name: names.get(code) ?? null,
          // Left: reached a step and not the next one counted; after the last, not filed.
          steps: reached.map((s, i) => ({ ...s, left: Math.max(0, s.reached - (i + 1 < reached.length ? reached[i + 1].reached : p.submitted)) })),
          submitted: p.submitted,
        };
      }),
    emc,
  };
}

/** EMC delivery: events sent in the period, and those waiting now (never tried, or tried and failed), from its outbox adapter. */
async function emcStatus(ctx: Ctx, from: string, to: string): Promise<UsageView['emc']> {
  const [sent, adapter] = await Promise.all([
    // Counted per day when delivered: the delivered events themselves are kept only a while.
    ctx.database.db
      .selectFrom('analytics_days')
      .select(sql<number>`coalesce(sum(count), 0)::int`.as('n'))
      .where('kind', '=', 'emc_sent')
      .where('day', '>=', from)
      .where('day', '<=', to)
      .executeTakeFirst(),
    adapterStatus(ctx, EMC_ADAPTER.name),
  ]);
  const failing = adapter.lastFailureAt && (!adapter.lastSuccessAt || adapter.lastFailureAt > adapter.lastSuccessAt);
  return {
    configured: ctx.config.emc !== undefined,
    sent: sent?.n ?? 0,
    pending: adapter.pending - adapter.retrying,
    failed: adapter.retrying + adapter.dead,
    lastError: failing ? adapter.lastError : null,
    lastSentAt: adapter.lastSuccessAt?.toISOString() ?? null,
  };
}
