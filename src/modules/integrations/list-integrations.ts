import type { Ctx } from '../../platform/context.ts';
import { adapterStatuses, listDeadLetters, type AdapterStatus } from '../../platform/outbox/index.ts';
import type { IntegrationView } from './schemas.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Last call failed and nothing succeeded since: the operations page says so before anything else. */
const stateOf = (a: AdapterStatus): IntegrationView['state'] => {
  if (a.paused) return 'paused';
  if (!a.lastSuccessAt && !a.lastFailureAt) return 'idle';
  if (a.lastFailureAt && (!a.lastSuccessAt || a.lastFailureAt > a.lastSuccessAt)) return 'failing';
  return 'ok';
};

/** Every adapter's state, queue and newest dead letters (the operations page and `GET /api/v1/integrations`). */
export async function listIntegrations(ctx: Ctx): Promise<IntegrationView[]> {
  const all = await adapterStatuses(ctx);
  return Promise.all(
    all.map(async (a) => {
      const calls = a.calls24h.ok + a.calls24h.failed;
      const dead = a.dead ? await listDeadLetters(ctx, a.name, { limit: 20 }) : [];
      return {
        name: a.name,
        label: a.label,
        state: stateOf(a),
        paused: a.paused,
        pausedBy: a.pausedBy,
        pausedAt: iso(a.pausedAt),
        pending: a.pending,
        oldestPendingAt: iso(a.oldestPendingAt),
        dead: a.dead,
        lastSuccessAt: iso(a.lastSuccessAt),
        lastFailureAt: iso(a.lastFailureAt),
        lastError: a.lastError,
        calls24h: a.calls24h,
        failureRate: calls ? Math.round((a.calls24h.failed * 1000) / calls) / 10 : null,
        deadLetters: dead.map((d) => ({
          id: d.id,
          key: d.key,
          kind: d.kind,
          attempts: d.attempts,
          createdAt: d.createdAt.toISOString(),
          deadAt: iso(d.deadAt),
          lastError: d.lastError,
        })),
      };
    }),
  );
}
