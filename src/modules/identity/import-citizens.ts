import type { Ctx } from '../../platform/context.ts';
import { copyRows, copyRow } from '../../platform/db/copy.ts';

export interface ImportedCitizen {
  id: string;
  issuer: string;
  subject: string;
  kind: 'citizen' | 'business';
  fullName: string;
  identifier: string;
  email: string | null;
  phone: string | null;
}

/** Bulk-imports applicants known to the national SSO (a migration's account list, or load-test applicants). */
export async function importCitizens(ctx: Ctx, rows: readonly ImportedCitizen[]): Promise<void> {
  let csv = '';
  for (const c of rows) csv += copyRow([c.id, c.issuer, c.subject, c.kind, c.fullName, c.identifier, c.email, c.phone]);
  await copyRows(ctx.database, 'citizens', ['id', 'issuer', 'subject', 'kind', 'full_name', 'identifier', 'email', 'phone'], [csv]);
}
