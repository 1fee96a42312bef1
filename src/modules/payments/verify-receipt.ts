import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { unitNames } from '../organisation/names.ts';
import { receiptNumber } from './payment-store.ts';

/**
 * What anyone holding a receipt (or its QR code) may learn about it: that it was issued, by
 * which unit, when, for how much and for which dossier, and whether money was paid back. Nothing
 * that names the payer: no name, identifier or address, as public tracking of a dossier shows
 * none (track-dossier.ts). The holder reads those on the paper in their hand.
 */
export const PublicReceipt = z.object({
  paymentId: z.string(),
  templateCode: z.string().describe('Ký hiệu mẫu'),
  series: z.string().describe('Ký hiệu biên lai'),
  number: z.string().describe('Số biên lai, 7 chữ số'),
  issuedAt: z.string(),
  unitId: z.string(),
  unitName: z.string().describe('The collecting unit, as the receipt prints it'),
  unitNameEn: z.string().nullable(),
  dossierCode: z.string(),
  procedureName: z.string(),
  method: z.enum(['online', 'cash', 'card']),
  total: z.number().int(),
  /** The payment is settled: a receipt exists only for a settled payment (issueReceiptTx). */
  valid: z.boolean(),
  refunded: z.number().int().describe('Money paid back so far, in đồng (0: none)'),
  sha256: z.string().describe('SHA-256 of the receipt PDF as issued'),
});
export type PublicReceipt = z.infer<typeof PublicReceipt>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const missing = () => notFound({ vi: 'biên lai này', en: 'This receipt' });

/**
 * The public check of a receipt by its payment's id, the id in the receipt's QR code
 * (`/bien-lai/{id}`). The id is a random UUID, so holding it is what lets one look; an id that
 * is not one, or names a payment without a receipt, is the same 404.
 */
export async function verifyReceipt(ctx: Ctx, id: string): Promise<PublicReceipt> {
  const key = id.trim().toLowerCase();
  // Checked before the query: PostgreSQL refuses a malformed uuid with an error, not an empty answer.
  if (!UUID.test(key)) throw missing();
  const r = await ctx.database.db
    .selectFrom('receipts as r')
    .innerJoin('payments as p', 'p.id', 'r.payment_id')
    .select([
      'p.id',
      'p.dossier_code',
      'p.unit_id',
      'p.snapshot',
      'p.method',
      'p.state',
      'p.amount',
      'p.refunded',
      'r.template_code',
      'r.series',
      'r.number',
      'r.issued_at',
      'r.sha256',
    ])
    .where('p.id', '=', key)
    .executeTakeFirst();
  if (!r) throw missing();
  const unit = (await unitNames(ctx, [r.unit_id])).get(r.unit_id);
  return {
    paymentId: r.id,
    templateCode: r.template_code,
    series: r.series,
    number: receiptNumber(r.number),
    issuedAt: new Date(r.issued_at).toISOString(),
    unitId: r.unit_id,
    // The name the receipt printed (the unit may have been renamed since).
    unitName: r.snapshot.unitName,
    unitNameEn: unit?.nameEn ?? null,
    dossierCode: r.dossier_code,
    procedureName: r.snapshot.procedureName,
    method: r.method,
    total: Number(r.amount),
    valid: r.state === 'success',
    refunded: Number(r.refunded),
    sha256: r.sha256,
  };
}
