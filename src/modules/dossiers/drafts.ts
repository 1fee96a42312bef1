import { sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { countFunnelStep } from '../analytics/count-usage.ts';

/** A file in a draft: an upload already stored and checked, for one component of the procedure. */
export const DraftComponent = z.object({
  code: z.string().max(100),
  uploadId: z.uuid(),
  fileName: z.string().max(300),
  /** The result code when the file was picked from the applicant's e-data repository instead of uploaded. */
  reusedFrom: z.string().max(100).optional(),
});
export type DraftComponent = z.infer<typeof DraftComponent>;

/** The applicant's contact details and how they want the result, as typed (checked when the dossier is filed). */
export const DraftFiling = z.object({
  email: z.string().max(320),
  phone: z.string().max(40),
  address: z.string().max(500),
  delivery: z.enum(['online', 'desk', 'post']),
  /** The post collects the paper dossier from the address (VNPost, issue 16). */
  postalPickup: z.boolean().optional(),
  /** The fee reduction category the applicant declared, if the procedure's fees have any. */
  feeCategory: z.string().max(40).optional(),
});
export type DraftFiling = z.infer<typeof DraftFiling>;

export interface Draft {
  id: string;
  procedureCode: string;
  form: Record<string, unknown>;
  components: DraftComponent[];
  filing: DraftFiling | null;
  updatedAt: string;
}

type Row = { id: string; procedure_code: string; form: unknown; components: unknown; filing: unknown; updated_at: Date | string };
const toDraft = (r: Row): Draft => ({
  id: r.id,
  procedureCode: r.procedure_code,
  form: (r.form ?? {}) as Record<string, unknown>,
  components: (Array.isArray(r.components) ? r.components : []) as DraftComponent[],
  filing: DraftFiling.safeParse(r.filing).data ?? null,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/**
 * An applicant's unfinished online filing for one procedure, kept on the server so that it
 * can be resumed on another device. One draft per applicant and procedure.
 */
export async function loadDraft(ctx: Ctx, citizenId: string, procedureCode: string): Promise<Draft | null> {
  const r = await ctx.database.db
    .selectFrom('dossier_drafts')
    .select(['id', 'procedure_code', 'form', 'components', 'filing', 'updated_at'])
    .where('owner_citizen_id', '=', citizenId)
    .where('procedure_code', '=', procedureCode)
    .executeTakeFirst();
  return r ? toDraft(r) : null;
}

/** The applicant's drafts, most recently changed first. */
export async function listDrafts(ctx: Ctx, citizenId: string): Promise<Draft[]> {
  const rows = await ctx.database.db
    .selectFrom('dossier_drafts')
    .select(['id', 'procedure_code', 'form', 'components', 'filing', 'updated_at'])
    .where('owner_citizen_id', '=', citizenId)
    .orderBy('updated_at', 'desc')
    .limit(100)
    .execute();
  return rows.map(toDraft);
}

/** Creates or replaces the draft (form values and attached files) for the applicant and procedure. */
export async function saveDraft(
  ctx: Ctx,
  citizenId: string,
  procedureCode: string,
  content: { form: Record<string, unknown>; components: DraftComponent[]; filing?: DraftFiling },
): Promise<Draft> {
  const components = z.array(DraftComponent).max(100).parse(content.components);
  const filing = content.filing ? JSON.stringify(DraftFiling.parse(content.filing)) : null;
  return ctx.database.db.transaction().execute(async (tx) => {
    const r = await tx
      .insertInto('dossier_drafts')
      .values({
        owner_citizen_id: citizenId,
        procedure_code: procedureCode,
        form: JSON.stringify(content.form),
        components: JSON.stringify(components),
        filing,
      })
      .onConflict((oc) =>
        oc
          .columns(['owner_citizen_id', 'procedure_code'])
          .doUpdateSet({ form: JSON.stringify(content.form), components: JSON.stringify(components), ...(filing ? { filing } : {}), updated_at: new Date() }),
      )
      // xmax = 0 on the returned row: it was inserted, not updated (a new draft, not a draft saved again).
      .returning(['id', 'procedure_code', 'form', 'components', 'filing', 'updated_at', sql<boolean>`(xmax = 0)`.as('created')])
      .executeTakeFirstOrThrow();
    // Usage analytics: the funnel from a procedure's page to a started draft to a filed dossier.
    if (r.created) await countFunnelStep(tx, procedureCode, 'draft_started');
    await recordAudit(tx, {
      actor: `citizen:${citizenId}`,
      action: 'dossier_draft.save',
      target: `dossier_draft:${r.id}`,
      data: { procedure: procedureCode, files: components.length },
    });
    return toDraft(r);
  });
}

/** Deletes the draft, if any (after filing, or when the applicant discards it). */
export async function deleteDraft(ctx: Ctx, citizenId: string, procedureCode: string): Promise<boolean> {
  return ctx.database.db.transaction().execute(async (tx) => {
    const r = await tx
      .deleteFrom('dossier_drafts')
      .where('owner_citizen_id', '=', citizenId)
      .where('procedure_code', '=', procedureCode)
      .returning('id')
      .executeTakeFirst();
    if (r)
      await recordAudit(tx, {
        actor: `citizen:${citizenId}`,
        action: 'dossier_draft.delete',
        target: `dossier_draft:${r.id}`,
        data: { procedure: procedureCode },
      });
    return Boolean(r);
  });
}
