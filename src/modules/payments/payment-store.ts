import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import type { PaymentEventKind, PaymentsTable, ReceiptsTable } from './tables.ts';
import type { PaymentView } from './schemas.ts';

export type PaymentRow = Selectable<PaymentsTable>;
export type ReceiptRow = Selectable<ReceiptsTable>;
type Staff = Extract<Principal, { kind: 'staff' }>;

/** Validates an operation's input: a 400 naming each field (`root` prefixes the paths), never a bare ZodError. */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown, root = ''): z.infer<T> {
  const r = schema.safeParse(raw);
  if (!r.success) throw fromZod(r.error, root);
  return r.data;
}

/** The dossier owes nothing now (paid, exempt, or no fee requested). */
export const noFeeDue = (code: string) =>
  new AppError('NO_FEE_DUE', { vi: `Hồ sơ ${code} hiện không có khoản phí, lệ phí nào phải nộp`, en: `Dossier ${code} owes no fee now` });

/** The time operations read: the test-only clock offset applies here as it does to filings. */
export const nowOf = (ctx: Ctx) => new Date(Date.now() + ctx.config.clockOffsetMs);

/**
 * A new MaThamChieu: unique per attempt (the platform refuses a reference it has seen), short,
 * letters and digits only, as the platform's field allows. Time first, so references sort by age.
 */
export function newReference(at: Date): string {
  const stamp = at.getTime().toString(36).toUpperCase().padStart(9, '0');
  return `CS${stamp}${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** "0000012": receipts print their number with seven digits (Circular 78/2021 art. 4). */
export const receiptNumber = (n: number) => String(n).padStart(7, '0');

/** Appends to the payment's history, in the caller's transaction. */
export async function recordEvent(tx: Tx, paymentId: string | null, kind: PaymentEventKind, actor: string, data: Record<string, unknown> = {}) {
  await tx
    .insertInto('payment_events')
    .values({ payment_id: paymentId, kind, actor, data: JSON.stringify(data) })
    .execute();
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function toView(row: PaymentRow, receipt: ReceiptRow | null | undefined): PaymentView {
  return {
    id: row.id,
    reference: row.reference,
    dossierCode: row.dossier_code,
    unitId: row.unit_id,
    purpose: row.purpose,
    method: row.method,
    state: row.state,
    amount: Number(row.amount),
    lines: row.lines,
    gatewayTxn: row.gateway_txn,
    bank: row.bank,
    createdAt: new Date(row.created_at).toISOString(),
    settledAt: iso(row.settled_at),
    expiresAt: iso(row.expires_at),
    refunded: Number(row.refunded),
    refundDue: row.refund_due,
    receipt: receipt
      ? {
          series: receipt.series,
          number: receiptNumber(receipt.number),
          templateCode: receipt.template_code,
          issuedAt: new Date(receipt.issued_at).toISOString(),
          url: `/api/v1/payments/${row.id}/receipt`,
        }
      : null,
  };
}

/** Payments with their receipts, in the order given. */
export async function viewsOf(db: Queryable, rows: PaymentRow[]): Promise<PaymentView[]> {
  if (!rows.length) return [];
  const receipts = await db
    .selectFrom('receipts')
    .selectAll()
    .where(
      'payment_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const by = new Map(receipts.map((r) => [r.payment_id, r]));
  return rows.map((r) => toView(r, by.get(r.id)));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const missing = () => notFound({ vi: 'khoản thanh toán này', en: 'This payment' });

/**
 * A payment the principal may see, or 404 (whether it exists is not told): the applicant who
 * pays (the dossier's owner), and officials who see its dossier (its receiving unit is the
 * payment's unit, so the unit's staff, finance officers included, and those above).
 */
export async function visiblePayment(ctx: Ctx, id: string, p: Principal): Promise<PaymentRow> {
  if (!UUID.test(id)) throw missing();
  const row = await ctx.database.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw missing();
  if (p.kind === 'citizen') {
    if (row.payer_citizen_id !== p.id) throw missing();
    return row;
  }
  if (p.kind !== 'staff') throw missing();
  if ((await coveredUnits(ctx, p)).includes(row.unit_id)) return row;
  // An official of the handling unit sees the dossier, and so what was paid for it.
  await getDossier(ctx, row.dossier_code, p).catch(() => {
    throw missing();
  });
  return row;
}

/** The units where the official holds `role`, and those beneath. */
export async function unitsWithRole(ctx: Ctx, p: Staff, roles: readonly string[]): Promise<string[]> {
  const held = p.roles.filter((r) => roles.includes(r.role));
  if (!held.length) return [];
  return coveredUnits(ctx, { ...p, roles: held });
}
