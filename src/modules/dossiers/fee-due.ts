import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import type { FeeLine } from '../catalog/compute-fees.ts';
import { unitNames } from '../organisation/names.ts';
import { loadRow, PLATFORM_PRINCIPAL, stateOf, type DossierRow } from './dossier-store.ts';
import type { Applicant } from './schemas.ts';
import { takeActionTx } from './take-action.ts';
import { assertVisible } from './visibility.ts';

/**
 * What the applicant owes on a dossier now, as the payments module needs it: the lines and the
 * total, who collects (the receiving unit), who pays, and which due it is (a payment names it,
 * so a late payment for an earlier request never settles a later one).
 */
export interface FeeDue {
  dossierCode: string;
  purpose: 'filing' | 'obligation';
  lines: FeeLine[];
  total: number;
  unitId: string;
  unitName: string;
  procedureCode: string;
  procedureName: string;
  applicant: { name: string; identifier: string; address: string | null; email: string | null; phone: string | null };
  ownerCitizenId: string | null;
  /** The due's number on the dossier (1 for the first fee made due, 2 for the next, …). */
  dueSeq: number;
  /** The dossier's status (unpaid, awaiting_fee). */
  status: string;
}

async function dueOf(ctx: Ctx, row: DossierRow): Promise<FeeDue | null> {
  const s = stateOf(row);
  if (!s.feeDue || (s.status !== 'unpaid' && s.status !== 'awaiting_fee')) return null;
  const a = row.applicant as unknown as Applicant;
  const unit = (await unitNames(ctx, [row.receiving_unit])).get(row.receiving_unit);
  return {
    dossierCode: row.code,
    purpose: s.feeDue.purpose,
    lines: s.feeDue.lines,
    total: s.feeDue.total,
    unitId: row.receiving_unit,
    unitName: unit?.name ?? row.receiving_unit,
    procedureCode: row.procedure_code,
    procedureName: row.procedure_name,
    applicant: { name: a.name, identifier: a.identifier, address: a.address ?? null, email: a.email ?? null, phone: a.phone ?? null },
    ownerCitizenId: row.owner_citizen_id,
    dueSeq: s.feeDue.n,
    status: s.status,
  };
}

/** What is owed now, or null; 404 when the principal may not see the dossier. */
export async function getFeeDue(ctx: Ctx, code: string, p: Principal): Promise<FeeDue | null> {
  const row = await loadRow(ctx.database.db, code.toUpperCase());
  await assertVisible(ctx, p, row);
  return dueOf(ctx, row);
}

/** The same, inside a transaction and without a principal: for the payment callback and jobs. */
export async function feeDueTx(ctx: Ctx, tx: Tx, code: string): Promise<FeeDue | null> {
  return dueOf(inTransaction(ctx, tx), await loadRow(tx, code.toUpperCase()));
}

/**
 * Settles what is due with a payment, in the payment's transaction: the workflow's `fee_paid`,
 * taken by the platform (a dossier owing at filing is sent; one waiting for its fee resumes).
 * False, changing nothing, when this payment already settled it, or it is not for the current
 * due or its amount (paid twice, or for an earlier request): the caller keeps the money on its
 * ledger for a refund.
 */
export async function recordFeePaidTx(
  ctx: Ctx,
  tx: Tx,
  code: string,
  paid: { paymentId: string; amount: number; online: boolean; dueSeq: number },
): Promise<boolean> {
  const row = await loadRow(tx, code.toUpperCase(), true);
  const s = stateOf(row);
  if (!s.feeDue || (s.status !== 'unpaid' && s.status !== 'awaiting_fee') || s.feeDue.n !== paid.dueSeq || s.feeDue.total !== paid.amount) return false;
  await takeActionTx(
    ctx,
    tx,
    row,
    { action: 'fee_paid', paymentId: paid.paymentId, amount: paid.amount, online: paid.online, due: paid.dueSeq },
    PLATFORM_PRINCIPAL,
  );
  return true;
}
