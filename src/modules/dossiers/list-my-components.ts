import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';

export const MyComponent = z.object({
  dossierCode: z.string(),
  procedureName: z.string(),
  name: z.string(),
  fileName: z.string().nullable(),
  uploadId: z.string().nullable(),
  sha256: z.string().nullable(),
  size: z.number().nullable(),
  addedAt: z.string(),
  reused: z.boolean(),
  /** Uploaded by the applicant (online); scans made at the counter belong to the desk. */
  ownUpload: z.boolean(),
});
export type MyComponent = z.infer<typeof MyComponent>;

/** The digitised documents in a citizen's dossiers, with their metadata: their part of the e-data repository. */
export async function listMyComponents(ctx: Ctx, p: Principal): Promise<MyComponent[]> {
  if (p.kind !== 'citizen') return [];
  const rows = await ctx.database.db
    .selectFrom('dossier_components as c')
    .innerJoin('dossiers as d', 'd.id', 'c.dossier_id')
    .select(['d.code', 'd.procedure_name', 'd.channel', 'c.name', 'c.file_name', 'c.upload_id', 'c.sha256', 'c.size', 'c.added_at', 'c.reused'])
    .where('d.owner_citizen_id', '=', p.id)
    .where('c.upload_id', 'is not', null)
    .orderBy('c.added_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    dossierCode: r.code,
    procedureName: r.procedure_name,
    name: r.name,
    fileName: r.file_name,
    uploadId: r.upload_id,
    sha256: r.sha256,
    size: r.size,
    addedAt: new Date(r.added_at).toISOString(),
    reused: r.reused,
    ownUpload: r.channel === 2,
  }));
}
