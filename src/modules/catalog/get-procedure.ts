import { sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { ProcedureData } from './national-format.ts';

export const ProcedureDetail = ProcedureData.extend({
  version: z.number().int(),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
  versions: z.array(z.object({ version: z.number().int(), effectiveFrom: z.string(), effectiveTo: z.string().nullable() })),
});
export type ProcedureDetail = z.infer<typeof ProcedureDetail>;

/**
 * A procedure as it stands at a moment (now by default), or a given version. Filing uses
 * the version in force when the dossier is received; a later version never changes it.
 */
export async function getProcedure(ctx: Ctx, code: string, opts: { at?: Date; version?: number } = {}): Promise<ProcedureDetail> {
  const db = ctx.database.db;
  const versions = await db
    .selectFrom('procedure_versions')
    .select(['id', 'version', 'effective_from', 'effective_to'])
    .where('procedure_code', '=', code)
    .orderBy('version')
    .execute();
  const at = opts.at ?? new Date();
  const chosen = opts.version
    ? versions.find((v) => v.version === opts.version)
    : versions.find((v) => new Date(v.effective_from) <= at && (!v.effective_to || new Date(v.effective_to) > at));
  if (!chosen)
    throw notFound({
      vi: `thủ tục ${code}${opts.version ? ` phiên bản ${opts.version}` : ' đang có hiệu lực'}`,
      en: `Procedure ${code}${opts.version ? ` version ${opts.version}` : ' in force'}`,
    });
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    ...(await versionDocument(ctx, chosen.id)),
    version: chosen.version,
    effectiveFrom: iso(chosen.effective_from)!,
    effectiveTo: iso(chosen.effective_to),
    versions: versions.map((v) => ({ version: v.version, effectiveFrom: iso(v.effective_from)!, effectiveTo: iso(v.effective_to) })),
  };
}

// A version's document never changes once imported (a change is a new version), so it is
// kept in memory by version id; filing reads it on every request.
const byDatabase = new WeakMap<object, Map<number, z.infer<typeof ProcedureData>>>();
const MAX_DOCUMENTS = 2000;

async function versionDocument(ctx: Ctx, versionId: number): Promise<z.infer<typeof ProcedureData>> {
  const root = ctx.database.root ?? ctx.database;
  let documents = byDatabase.get(root);
  if (!documents) {
    documents = new Map();
    byDatabase.set(root, documents);
  }
  const hit = documents.get(versionId);
  if (hit) return structuredClone(hit);
  const doc = await ctx.database.db.selectFrom('procedure_documents').select('data').where('version_id', '=', versionId).executeTakeFirstOrThrow();
  const data = doc.data as unknown as z.infer<typeof ProcedureData>;
  if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value!);
  documents.set(versionId, data);
  return structuredClone(data);
}

export async function countProceduresInForce(ctx: Ctx): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from procedure_versions v where v.effective_from <= now() and (v.effective_to is null or v.effective_to > now())`.execute(
    ctx.database.db,
  );
  return rows[0].n;
}
