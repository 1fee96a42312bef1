import type { Ctx } from '../../platform/context.ts';
import { refreshDossierIndicators } from '../indicators/refresh-dossier-indicators.ts';
import type {} from './tables.ts';

/**
 * Records that a dossier's receipt reached the portal (the adapter delivered a progress step at
 * or after it), once, and in the same transaction has the service index count it: the fact and
 * the figure commit together, so a rebuild from the facts agrees with the live counts. Called
 * after the delivery, outside any action's transaction: the filing and the actions stay as they
 * were. Should this fail, the outbox tries the delivery again (the portal takes a step twice as
 * once) and this again.
 */
export async function recordPublishedDossier(ctx: Ctx, dossierCode: string, at = new Date(Date.now() + ctx.config.clockOffsetMs)): Promise<void> {
  await ctx.database.db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('national_portal_published')
      .values({ dossier_code: dossierCode, published_at: at })
      .onConflict((oc) => oc.column('dossier_code').doNothing())
      .returning('dossier_code')
      .executeTakeFirst();
    // Already known: the index counted it when it was first recorded.
    if (inserted) await refreshDossierIndicators(tx, [dossierCode]);
  });
}
