import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import type { DeviceClass, UsageKind } from './tables.ts';

/**
 * Counting usage: daily counters only (migrations/0029-analytics.sql). Views are counted after
 * the answer is sent, in memory, and written every few seconds as one upsert (and when the app
 * closes), so a page view costs no database round trip and a database hiccup never fails a page;
 * a crash loses at most those few seconds of counts. Funnel steps taken inside a dossier
 * transaction are written in it, so a rolled-back filing is not counted.
 */

export type FunnelStep = 'viewed' | 'draft_started' | 'submitted';
export const FUNNEL_STEPS: readonly FunnelStep[] = ['viewed', 'draft_started', 'submitted'];

/**
 * The steps of an online filing, in order. `form`, `review` are pages (counted for every
 * visitor, script or not); the others are sections of the form page, counted when they are shown
 * (the portal's own script sends a beacon; without script they are not counted). A dossier
 * filed is the funnel's `submitted`.
 */
export const EFORM_STEPS = ['form', 'contact', 'eform', 'components', 'fees', 'delivery', 'review'] as const;
export type EformStep = (typeof EFORM_STEPS)[number];
/** Steps a beacon may report: the sections of the form page (pages are counted by the server). */
export const BEACON_STEPS = ['contact', 'eform', 'components', 'fees', 'delivery'] as const satisfies readonly EformStep[];

/** A procedure code as keys carry it (the national format's). */
export const PROCEDURE_CODE = /^[0-9A-Za-z][0-9A-Za-z.-]{2,40}$/;

/** How often the counts kept in memory are written. */
const FLUSH_MS = 5000;
/** Counters spread over this many rows (`slot`), so transactions bumping one counter do not wait on one row. */
const SLOTS = 16;
/** At most this many distinct counters are kept between writes: more (a flood of new keys) waits for the next write. */
const MAX_PENDING = 5000;

interface Pending {
  counts: Map<string, number>;
  timer?: NodeJS.Timeout;
  writing: Promise<void>;
}
const pendingOf = new WeakMap<object, Pending>();

const rootOf = (ctx: Ctx) => ctx.database.root ?? ctx.database;
const keyOf = (day: string, kind: UsageKind, key: string, device: DeviceClass) => JSON.stringify([day, kind, key, device]);

function pending(ctx: Ctx): Pending {
  // Keyed by the database: transactions wrap the context (inTransaction), the root database is what they share.
  const db = rootOf(ctx);
  let p = pendingOf.get(db);
  if (!p) {
    p = { counts: new Map(), writing: Promise.resolve() };
    pendingOf.set(db, p);
  }
  return p;
}

export interface UsageHit {
  kind: UsageKind;
  key: string;
  device: DeviceClass;
}

/** Adds hits to the counts in memory; written within a few seconds. Never throws. */
export function countHits(ctx: Ctx, hits: readonly UsageHit[], at = new Date()): void {
  if (!hits.length) return;
  const p = pending(ctx);
  const day = vietnamDay(at);
  for (const h of hits) {
    const k = keyOf(day, h.kind, h.key.slice(0, 120), h.device);
    if (!p.counts.has(k) && p.counts.size >= MAX_PENDING) continue;
    p.counts.set(k, (p.counts.get(k) ?? 0) + 1);
  }
  if (!p.timer) {
    p.timer = setTimeout(() => {
      p.timer = undefined;
      void flushUsage(ctx);
    }, FLUSH_MS);
    // A pending write must not keep a process alive: closing flushes (flushUsage).
    p.timer.unref();
  }
}

/**
 * Writes the counts kept in memory (one upsert) and waits for it. Called by the timer, by the
 * app's close, and by readers first, so what they show includes this node's latest views.
 * A failed write is logged and its counts dropped: counts are estimates, and a database that
 * refuses them must not pile them up in memory.
 */
export async function flushUsage(ctx: Ctx): Promise<void> {
  const p = pending(ctx);
  if (p.timer) {
    clearTimeout(p.timer);
    p.timer = undefined;
  }
  const batch = p.counts;
  p.counts = new Map();
  const previous = p.writing;
  const write = (async () => {
    await previous;
    if (!batch.size) return;
    const rows = [...batch].map(([k, count]) => {
      const [day, kind, key, device] = JSON.parse(k) as [string, UsageKind, string, DeviceClass];
      return { day, kind, key, device, slot: 0, count };
    });
    try {
      await upsert(rootOf(ctx).db, rows);
    } catch (e) {
      ctx.log.warn({ err: e, counters: rows.length }, 'analytics: usage counts not written');
    }
  })();
  p.writing = write;
  await write;
}

type Writer = Pick<Tx, 'insertInto'>;

async function upsert(db: Writer, rows: { day: string; kind: UsageKind; key: string; device: DeviceClass; slot: number; count: number }[]) {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('analytics_days')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['day', 'kind', 'key', 'device', 'slot']).doUpdateSet({ count: sql`analytics_days.count + excluded.count` }))
      .execute();
  }
}

/**
 * Counts a step of the funnel from a procedure page to a filed dossier, in the caller's
 * transaction (a draft saved for the first time: `draft_started`; an online filing:
 * `submitted`). The device is not known there: the step is counted under `unknown`. The row is
 * one of a few per counter, chosen at random, so concurrent filings of one procedure do not
 * queue behind one row lock until each commits.
 */
export async function countFunnelStep(tx: Writer, procedureCode: string, step: FunnelStep, at = new Date()): Promise<void> {
  if (!PROCEDURE_CODE.test(procedureCode) || !FUNNEL_STEPS.includes(step)) return;
  await countNow(tx, 'funnel', `${procedureCode}:${step}`, at);
}

/** Adds one to a counter of the day now, in the caller's transaction (device `unknown`, a random slot). */
export async function countNow(tx: Writer, kind: UsageKind, key: string, at = new Date()): Promise<void> {
  await upsert(tx, [{ day: vietnamDay(at), kind, key: key.slice(0, 120), device: 'unknown', slot: Math.floor(Math.random() * SLOTS), count: 1 }]);
}
