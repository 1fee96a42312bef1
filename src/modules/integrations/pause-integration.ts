import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { setAdapterPaused } from '../../platform/outbox/index.ts';

/**
 * Pauses or resumes an adapter's deliveries (an administrator, when the other side asks for
 * quiet or sends garbage back). Messages keep being written while it is paused; nothing an
 * official does waits for it. Audited with the change.
 */
export async function pauseIntegration(ctx: Ctx, principal: Principal, adapter: string, paused: boolean): Promise<void> {
  await ctx.database.db.transaction().execute(async (tx) => {
    await setAdapterPaused(ctx, tx, adapter, paused, actorOf(principal));
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: paused ? 'integration.pause' : 'integration.resume',
      target: `integration:${adapter}`,
      data: {},
    });
  });
}
