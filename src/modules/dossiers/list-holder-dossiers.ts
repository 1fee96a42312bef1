import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { toVnIso } from '../calendar/working-time.ts';

/** A dossier as shared with another agency: its status and dates, nothing the applicant wrote. */
export interface HolderDossier {
  code: string;
  procedureCode: string;
  procedureName: string;
  receivingUnit: string;
  status: string;
  /** The national portal's status 1–10. */
  nationalStatus: number;
  submittedAt: string;
  receivedAt: string | null;
  dueDate: string | null;
  /** When the time limit ends, in Viet Nam time (2026-12-07T10:00:00+07:00): a limit in days at 23:59:59.999 of dueDate. */
  dueAt: string | null;
  finishedAt: string | null;
}

/**
 * The dossiers of one applicant, by the identifier they filed with (ID number or tax code,
 * digits only), newest first, at most `limit`: for the data-sharing module, which decides who may
 * ask. The e-form, the files and the contact details are not read.
 */
export async function listHolderDossiers(ctx: Ctx, identifier: string, opts: { limit: number }): Promise<HolderDossier[]> {
  const rows = await ctx.database.db
    .selectFrom('dossiers')
    .select(['code', 'procedure_code', 'procedure_name', 'receiving_unit', 'status', 'national_status', 'submitted_at', 'received_at', 'due_at', 'finished_at'])
    .select(sql<string | null>`to_char(due_date, 'YYYY-MM-DD')`.as('due'))
    // The expression the index dossiers_applicant_identifier is on (migrations/0034-business-registry.sql).
    .where(sql`applicant ->> 'identifier'`, '=', identifier)
    .orderBy('submitted_at', 'desc')
    .limit(opts.limit)
    .execute();
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => ({
    code: r.code,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    receivingUnit: r.receiving_unit,
    status: r.status,
    nationalStatus: r.national_status,
    submittedAt: new Date(r.submitted_at).toISOString(),
    receivedAt: iso(r.received_at),
    dueDate: r.due,
    dueAt: r.due_at ? toVnIso(new Date(r.due_at)) : null,
    finishedAt: iso(r.finished_at),
  }));
}
