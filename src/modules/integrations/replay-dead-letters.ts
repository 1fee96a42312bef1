import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { replayDeadLetters } from '../../platform/outbox/index.ts';

/**
 * Puts one dead letter, or all of an adapter's, back in its queue with fresh attempts (after the
 * cause was fixed: a procedure code mapped, the other side back). Audited with how many.
 */
export async function replayIntegrationMessages(ctx: Ctx, principal: Principal, adapter: string, id: string | 'all'): Promise<number> {
  return ctx.database.db.transaction().execute(async (tx) => {
    const n = await replayDeadLetters(ctx, tx, adapter, id);
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: 'integration.replay',
      target: `integration:${adapter}`,
      data: { id, replayed: n },
    });
    return n;
  });
}
