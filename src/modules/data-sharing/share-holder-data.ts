import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { audit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { listHolderDossiers } from '../dossiers/list-holder-dossiers.ts';
import { listHolderResults } from '../results/list-holder-results.ts';

/** Most dossiers and results one answer carries, newest first (nothing an answer reads grows with history). */
export const SHARE_LIMIT = 100;

export const SharedQuery = z.object({
  holder: z.string().max(40).describe('The holder: a personal ID number (9 or 12 digits) or a tax code (10 digits, a branch NNNNNNNNNN-NNN or 13 digits)'),
});

export const SharedHolderData = z.object({
  holder: z.string().describe('The identifier asked for, digits only'),
  dossiers: z.array(
    z.object({
      code: z.string(),
      procedureCode: z.string(),
      procedureName: z.string(),
      receivingUnit: z.string().describe("The receiving unit's code"),
      status: z.string(),
      nationalStatus: z.number().int().describe("The national portal's status, 1–10"),
      submittedAt: z.string(),
      receivedAt: z.string().nullable(),
      dueDate: z.string().nullable().describe('YYYY-MM-DD'),
      dueAt: z.string().nullable().describe('When the time limit ends, ISO 8601 in Viet Nam time (+07:00); a limit in days ends at 23:59:59.999 of dueDate'),
      finishedAt: z.string().nullable(),
    }),
  ),
  results: z.array(
    z.object({
      resultCode: z.string(),
      dossierCode: z.string().nullable(),
      procedureCode: z.string().nullable(),
      documentName: z.string(),
      number: z.string(),
      kind: z.string(),
      issuerUnit: z.string(),
      issuer: z.string(),
      issueDate: z.string().describe('YYYY-MM-DD'),
      validUntil: z.string().nullable(),
      status: z.string().describe('valid, revoked or replaced'),
    }),
  ),
  limit: z.number().int().describe('At most this many dossiers and this many results, newest first'),
});
export type SharedHolderData = z.infer<typeof SharedHolderData>;

/** An identifier as people write it → the digits dossiers and results keep, or null. */
export function holderIdentifier(raw: string): string | null {
  const s = raw.replace(/[\s.]/g, '');
  const tax = /^([0-9]{10})-([0-9]{3})$/.exec(s);
  if (tax) return tax[1] + tax[2];
  return /^(?:[0-9]{9}|[0-9]{10}|[0-9]{12}|[0-9]{13})$/.test(s) ? s : null;
}

/**
 * Our shared data for another agency (issue 16 item 5): the dossiers of one holder (status,
 * procedure, dates) and the results issued to them (codes, document names, issuer, dates,
 * validity), for an integrating system holding `sharing:dossiers` (a sharing agreement is a
 * service account with that scope). Nothing the applicant wrote (e-form, files, contact
 * details) is shared. Every call is audited: which system asked about which holder, and how
 * much it was given.
 */
export async function shareHolderData(ctx: Ctx, principal: Principal, rawHolder: string): Promise<SharedHolderData> {
  const holder = holderIdentifier(rawHolder);
  if (!holder) {
    const text = {
      vi: 'Người được hỏi là số định danh cá nhân (9 hoặc 12 chữ số) hoặc mã số thuế (10 chữ số, chi nhánh NNNNNNNNNN-NNN)',
      en: 'The holder is a personal ID number (9 or 12 digits) or a tax code (10 digits, a branch NNNNNNNNNN-NNN)',
    };
    throw new AppError('VALIDATION_FAILED', text, [{ path: 'querystring.holder', message: text.vi, messageEn: text.en }]);
  }
  const [dossiers, results] = await Promise.all([
    listHolderDossiers(ctx, holder, { limit: SHARE_LIMIT }),
    listHolderResults(ctx, holder, { limit: SHARE_LIMIT }),
  ]);
  await audit(ctx.database.db, {
    actor: actorOf(principal),
    action: 'data_sharing.holder',
    target: `holder:${holder}`,
    data: { dossiers: dossiers.length, results: results.length },
  });
  return { holder, dossiers, results, limit: SHARE_LIMIT };
}
