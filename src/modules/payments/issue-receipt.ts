import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { renderReceiptPdf, type ReceiptDocument } from './render-receipt.ts';
import { receiptNumber, type PaymentRow, type ReceiptRow } from './payment-store.ts';

/**
 * The receipt form (mẫu biên lai điện tử) and the letters of each unit's series. Decree
 * 11/2020 art. 32 and Circular 78/2021: a series is the unit's two letters, the year's last two
 * digits and E (electronic), numbered from 0000001 each year.
 */
export const RECEIPT_TEMPLATE_CODE = '01BLP0-001';
export const RECEIPT_SERIES_LETTERS = 'CS';
/** Who collected an online payment, as the receipt prints it. */
export const ONLINE_COLLECTOR = 'Cổng thanh toán';

const seriesOf = (year: number) => `${RECEIPT_SERIES_LETTERS}-${String(year % 100).padStart(2, '0')}E`;

/**
 * Issues the receipt of a settled payment inside the settling transaction: the next number of
 * the unit's series for the year (the counter row is locked and moved in this transaction, so
 * numbers have no gaps and never repeat), the PDF into the blob store (written before the row
 * that names it), the row. A payment that has its receipt keeps it: issuing again returns it.
 */
export async function issueReceiptTx(ctx: Ctx, tx: Tx, payment: PaymentRow, collector: string): Promise<ReceiptRow> {
  const existing = await tx.selectFrom('receipts').selectAll().where('payment_id', '=', payment.id).executeTakeFirst();
  if (existing) return existing;
  if (payment.state !== 'success' || !payment.settled_at)
    throw new AppError('INTERNAL', { vi: 'Chỉ lập biên lai cho khoản đã thu', en: 'A receipt is issued only for a settled payment' });
  const issuedAt = new Date(payment.settled_at);
  const year = Number(vietnamDay(issuedAt).slice(0, 4));
  await tx
    .insertInto('receipt_series')
    .values({ unit_id: payment.unit_id, year, template_code: RECEIPT_TEMPLATE_CODE, series: seriesOf(year) })
    .onConflict((oc) => oc.columns(['unit_id', 'year']).doNothing())
    .execute();
  const taken = await tx
    .updateTable('receipt_series')
    .set({ next_number: sql`next_number + 1` })
    .where('unit_id', '=', payment.unit_id)
    .where('year', '=', year)
    .returning(['template_code', 'series', sql<number>`next_number - 1`.as('number')])
    .executeTakeFirstOrThrow();
  const doc: ReceiptDocument = {
    templateCode: taken.template_code,
    series: taken.series,
    number: receiptNumber(taken.number),
    issuedAt,
    collectingUnit: { name: payment.snapshot.unitName, taxCode: null, address: null },
    payer: { name: payment.snapshot.applicant.name, identifier: payment.snapshot.applicant.identifier || null, address: payment.snapshot.applicant.address },
    dossierCode: payment.dossier_code,
    procedureName: payment.snapshot.procedureName,
    lines: payment.lines.map((l) => ({ name: l.name, kind: l.kind, amount: l.amount })),
    total: Number(payment.amount),
    method: payment.method,
    gatewayTxn: payment.gateway_txn,
    bank: payment.bank,
    collector,
    verifyUrl: `${ctx.config.publicUrl}/bien-lai/${payment.id}`,
  };
  const pdf = await renderReceiptPdf(doc);
  const blob = await ctx.blobs.put(pdf);
  return tx
    .insertInto('receipts')
    .values({
      payment_id: payment.id,
      unit_id: payment.unit_id,
      year,
      template_code: taken.template_code,
      series: taken.series,
      number: taken.number,
      issued_at: issuedAt,
      sha256: blob.sha256,
      size: blob.size,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
