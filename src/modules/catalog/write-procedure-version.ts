import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { canonicalJson } from '../../platform/audit/index.ts';
import { foldVietnamese, vietnamDay } from '../../platform/i18n/index.ts';
import type { ProcedureData } from './national-format.ts';

export interface VersionOutcome {
  code: string;
  version: number;
  status: 'created' | 'new-version' | 'unchanged';
}

/** Serialises writers of one procedure's versions (import, back-office edit) until the transaction ends; taking it twice is harmless. */
export async function lockProcedure(tx: Tx, code: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`procedure:${code}`}))`.execute(tx);
}

/**
 * The one way a procedure gets a version, shared by the import and the back-office editor:
 * an identical document is a no-op; otherwise a new version starts at `effectiveFrom` (now
 * when null) and the version before it stops there, so dossiers filed earlier keep the
 * version they name. A new version must start after the latest one (`effectivePath` names
 * the caller's field for that date in the error).
 */
export async function writeProcedureVersion(
  tx: Tx,
  data: ProcedureData,
  raw: unknown,
  effectiveFrom: Date | null,
  opts: { effectivePath?: string } = {},
): Promise<VersionOutcome> {
  const hash = createHash('sha256').update(canonicalJson({ data, raw })).digest('hex');
  // Serialise writers of the same code so version numbers stay gap-free.
  await lockProcedure(tx, data.code);
  const latest = await tx
    .selectFrom('procedure_versions')
    .select(['id', 'version', 'effective_from', 'content_hash'])
    .where('procedure_code', '=', data.code)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest?.content_hash === hash) return { code: data.code, version: latest.version, status: 'unchanged' };
  const from = effectiveFrom ?? new Date();
  if (latest && from <= new Date(latest.effective_from)) {
    const after = vietnamDay(new Date(latest.effective_from));
    const vi = `phiên bản mới của ${data.code} phải có hiệu lực sau ${after}`;
    const en = `a new version of ${data.code} must take effect after ${after}`;
    throw new AppError(
      'EFFECTIVE_DATE_TOO_EARLY',
      { vi: `Ngày hiệu lực: ${vi}`, en: `Effective date: ${en}` },
      opts.effectivePath
        ? [
            {
              path: opts.effectivePath,
              message: `Phải sau ngày ${after} (phiên bản ${latest.version})`,
              messageEn: `must be after ${after} (version ${latest.version})`,
            },
          ]
        : undefined,
    );
  }
  if (!latest) await tx.insertInto('procedures').values({ code: data.code }).execute();
  else await tx.updateTable('procedure_versions').set({ effective_to: from }).where('id', '=', latest.id).execute();
  const version = (latest?.version ?? 0) + 1;
  const online = data.methods.find((m) => m.channel === 'ONLINE') ?? data.methods[0];
  const fees = data.methods.flatMap((m) => m.fees.map((f) => f.value));
  const summary = {
    agencyName: data.agencyName,
    processingTime: online?.processingTime ?? null,
    processingTimeUnit: online?.processingTimeUnit ?? null,
    feeFrom: fees.length ? Math.min(...fees) : null,
  };
  const row = await tx
    .insertInto('procedure_versions')
    .values({
      procedure_code: data.code,
      version,
      effective_from: from,
      name: data.name,
      field: data.field,
      agency_code: data.agencyCode,
      level: data.level,
      name_norm: foldVietnamese(data.name),
      search_norm: foldVietnamese(`${data.code} ${data.name} ${data.field} ${data.resultType ?? ''}`),
      summary: JSON.stringify(summary),
      content_hash: hash,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('procedure_documents')
    .values({ version_id: row.id, data: JSON.stringify(data), raw: JSON.stringify(raw) })
    .execute();
  return { code: data.code, version, status: latest ? 'new-version' : 'created' };
}
