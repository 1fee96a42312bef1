import client from 'prom-client';
import type { Ctx } from '../context.ts';
import { adapterStatuses } from './index.ts';

/**
 * The operations page's figures as Prometheus gauges, read when scraped (a few grouped queries):
 * every node answers the same, since they come from the database, not from the node's memory.
 */
export function registerOutboxMetrics(ctx: Ctx): void {
  const labelNames = ['adapter'] as const;
  const pending = new client.Gauge({ name: 'congso_integration_pending', help: 'Messages waiting to be delivered, per adapter', labelNames });
  const dead = new client.Gauge({ name: 'congso_integration_dead_letters', help: 'Dead letters waiting for an administrator, per adapter', labelNames });
  const oldest = new client.Gauge({
    name: 'congso_integration_oldest_pending_seconds',
    help: 'Age of the oldest waiting message, per adapter',
    labelNames,
  });
  const calls = new client.Gauge({
    name: 'congso_integration_calls_24h',
    help: 'Calls in the last 24 hours, per adapter and outcome',
    labelNames: ['adapter', 'outcome'] as const,
  });
  const paused = new client.Gauge({ name: 'congso_integration_paused', help: '1 when an administrator paused the adapter', labelNames });
  const lastSuccess = new client.Gauge({
    name: 'congso_integration_last_success_timestamp_seconds',
    help: 'When the adapter last succeeded',
    labelNames,
  });
  let reading: Promise<void> | null = null;
  // One read of the database per scrape, shared by the gauges (each gauge's collect is called in turn).
  const read = () =>
    (reading ??= adapterStatuses(ctx)
      .then((all) => {
        for (const a of all) {
          const l = { adapter: a.name };
          pending.set(l, a.pending);
          dead.set(l, a.dead);
          oldest.set(l, a.oldestPendingAt ? Math.max(0, (Date.now() - a.oldestPendingAt.getTime()) / 1000) : 0);
          calls.set({ adapter: a.name, outcome: 'ok' }, a.calls24h.ok);
          calls.set({ adapter: a.name, outcome: 'failed' }, a.calls24h.failed);
          paused.set(l, a.paused ? 1 : 0);
          lastSuccess.set(l, a.lastSuccessAt ? a.lastSuccessAt.getTime() / 1000 : 0);
        }
      })
      .catch((err: unknown) => {
        ctx.log.error({ err }, 'metrics: integration figures not read');
      })
      .finally(() => {
        setTimeout(() => {
          reading = null;
        }, 1000).unref();
      }));
  for (const g of [pending, dead, oldest, calls, paused, lastSuccess]) {
    (g as unknown as { collect: () => Promise<void> }).collect = read;
  }
}
