import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { viewsOf, visiblePayment, receiptNumber } from './payment-store.ts';
import type { MyReceipt, PaymentView } from './schemas.ts';

/** At most this many payments are listed for one dossier: a handful of attempts is normal, hundreds is not a page. */
const PER_DOSSIER = 200;

/** One payment: its state, lines and receipt (the applicant, and officials who see its dossier). */
export async function getPayment(ctx: Ctx, id: string, p: Principal): Promise<PaymentView> {
  const row = await visiblePayment(ctx, id, p);
  return (await viewsOf(ctx.database.db, [row]))[0]!;
}

/**
 * The payments of a dossier, oldest first: for its applicant, and for officials who see the
 * dossier (getDossier's rule; others get its 404).
 */
export async function listDossierPayments(ctx: Ctx, code: string, p: Principal): Promise<PaymentView[]> {
  const dossier = await getDossier(ctx, code, p);
  const rows = await ctx.database.db
    .selectFrom('payments')
    .selectAll()
    .where('dossier_code', '=', dossier.code)
    .orderBy('created_at')
    .limit(PER_DOSSIER)
    .execute();
  return viewsOf(ctx.database.db, rows);
}

/** The receipt PDF of a payment, exactly as issued; 404 while it has none. */
export async function getReceiptFile(ctx: Ctx, id: string, p: Principal): Promise<{ bytes: Uint8Array; fileName: string }> {
  const row = await visiblePayment(ctx, id, p);
  const receipt = await ctx.database.db.selectFrom('receipts').selectAll().where('payment_id', '=', row.id).executeTakeFirst();
  if (!receipt) throw notFound({ vi: 'biên lai của khoản thanh toán này', en: 'The receipt of this payment' });
  const bytes = await ctx.blobs.get(receipt.sha256);
  if (!bytes) throw new AppError('INTERNAL', { vi: 'Không đọc được tệp biên lai trong kho lưu trữ', en: 'The receipt file is missing from the blob store' });
  return { bytes, fileName: `bien-lai-${receipt.series}-${receiptNumber(receipt.number)}.pdf` };
}

/**
 * The receipts of the fees a citizen or business paid, newest first: their part of the e-data
 * repository (beside results and digitised documents), whether paid online or at the desk.
 */
export async function listMyReceipts(ctx: Ctx, p: Principal): Promise<MyReceipt[]> {
  if (p.kind !== 'citizen') return [];
  const rows = await ctx.database.db
    .selectFrom('receipts as r')
    .innerJoin('payments as p', 'p.id', 'r.payment_id')
    .select(['p.id', 'p.dossier_code', 'p.snapshot', 'p.amount', 'r.series', 'r.number', 'r.issued_at'])
    .where('p.payer_citizen_id', '=', p.id)
    .orderBy('r.issued_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    paymentId: r.id,
    dossierCode: r.dossier_code,
    procedureName: r.snapshot.procedureName,
    amount: Number(r.amount),
    series: r.series,
    number: receiptNumber(r.number),
    issuedAt: new Date(r.issued_at).toISOString(),
    url: `/api/v1/payments/${r.id}/receipt`,
  }));
}
