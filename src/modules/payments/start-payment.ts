import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { getFeeDue, type FeeDue } from '../dossiers/fee-due.ts';
import { paymentGateway } from './gateway/index.ts';
import type { InitRequest } from './gateway/gateway.ts';
import { newReference, noFeeDue, nowOf, parseInput, recordEvent, type PaymentRow } from './payment-store.ts';
import { StartPaymentInput } from './schemas.ts';
import type { PaymentSnapshot } from './tables.ts';

/**
 * MaDichVu: the platform's service for fees and charges of a public service. Not public
 * (INTEGRATIONS §2 lists the field only); kept here as data so correcting it is one edit.
 */
const SERVICE_CODE = '1';

/** How long a second "pay" waits for the first attempt's INIT to answer (its redirect address). */
const WAIT_FOR_INIT_MS = 10_000;

export interface PaymentStarted {
  paymentId: string;
  redirectUrl: string;
  /** False when an attempt already under way for this due was returned. */
  created: boolean;
}

export const snapshotOf = (due: FeeDue): PaymentSnapshot => ({
  unitName: due.unitName,
  procedureCode: due.procedureCode,
  procedureName: due.procedureName,
  applicant: due.applicant,
});

/**
 * The applicant starts paying what their dossier owes online: an attempt (a payment row,
 * pending, with a reference of its own) is recorded, the platform's INIT is sent, and the
 * platform's page is the answer. One pending attempt per dossier and due at a time (a unique
 * index): a second "pay" (a double click, a retry, another tab) gets the same attempt and the
 * same page, never a second charge. INIT is sent outside any transaction: a database
 * connection is never held while the platform answers.
 */
export async function startPayment(ctx: Ctx, code: string, p: Principal, raw: unknown, meta: { ip: string }): Promise<PaymentStarted> {
  const input = parseInput(StartPaymentInput, raw ?? {}, 'body');
  const due = await getFeeDue(ctx, code, p);
  // Only the applicant pays online; an official who sees the dossier collects at the desk instead.
  if (p.kind !== 'citizen' || (due && due.ownerCitizenId !== p.id)) throw notFound({ vi: `hồ sơ ${code}`, en: `Dossier ${code}` });
  if (!due || due.total <= 0) throw noFeeDue(code);
  const gateway = paymentGateway(ctx);
  const db = ctx.database.db;

  const current = () =>
    db
      .selectFrom('payments')
      .selectAll()
      .where('dossier_code', '=', due.dossierCode)
      .where('due_seq', '=', due.dueSeq)
      .where('method', '=', 'online')
      .where('state', '=', 'pending')
      .executeTakeFirst();
  const reuse = async (row: PaymentRow): Promise<PaymentStarted> => {
    // Past its time the platform no longer takes it; the query job settles or expires it within a minute.
    if (row.expires_at && new Date(row.expires_at).getTime() <= nowOf(ctx).getTime())
      throw new AppError('PAYMENT_STATE_CONFLICT', {
        vi: 'Lần thanh toán trước đã hết hạn và đang được đối chiếu với nền tảng thanh toán; vui lòng thử lại sau một phút',
        en: 'The previous attempt has expired and is being checked with the payment platform; try again in a minute',
      });
    // The first attempt's INIT is still on its way: its page comes in a moment.
    for (let waited = 0; !row.redirect_url && waited < WAIT_FOR_INIT_MS; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      row = (await db.selectFrom('payments').selectAll().where('id', '=', row.id).executeTakeFirst()) ?? row;
    }
    if (row.state === 'pending' && row.redirect_url) return { paymentId: row.id, redirectUrl: row.redirect_url, created: false };
    throw new AppError('PAYMENT_PLATFORM_UNAVAILABLE', {
      vi: 'Nền tảng thanh toán chưa trả lời; vui lòng thử lại sau ít phút',
      en: 'The payment platform has not answered yet; try again in a few minutes',
    });
  };

  const open = await current();
  if (open) return reuse(open);

  const now = nowOf(ctx);
  const actor = actorOf(p);
  const expires = new Date(now.getTime() + (ctx.config.payment?.expiresAfterMinutes ?? 30) * 60_000);
  let row: PaymentRow;
  try {
    row = await db.transaction().execute(async (tx) => {
      const r = await tx
        .insertInto('payments')
        .values({
          reference: newReference(now),
          dossier_code: due.dossierCode,
          unit_id: due.unitId,
          purpose: due.purpose,
          due_seq: due.dueSeq,
          lines: JSON.stringify(due.lines),
          snapshot: JSON.stringify(snapshotOf(due)),
          amount: due.total,
          method: 'online',
          state: 'pending',
          payer_citizen_id: p.id,
          created_by: actor,
          created_at: now,
          expires_at: expires,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(tx, r.id, 'init', actor, { amount: due.total, dueSeq: due.dueSeq, bankCode: input.bankCode ?? null });
      await recordAudit(tx, {
        actor,
        action: 'payment.start',
        target: `dossier:${due.dossierCode}`,
        data: { payment: r.id, reference: r.reference, amount: due.total, dueSeq: due.dueSeq },
      });
      return r;
    });
  } catch (e) {
    // Another request inserted this due's attempt between our read and our insert: answer with it.
    if ((e as { code?: string }).code === '23505') {
      const other = await current();
      if (other) return reuse(other);
    }
    throw e;
  }

  const req: InitRequest = {
    reference: row.reference,
    amount: due.total,
    bankCode: input.bankCode ?? null,
    description: `Nop phi ho so ${due.dossierCode}`,
    at: now,
    payerIp: meta.ip,
    receipt: {
      serviceCode: SERVICE_CODE,
      procedureCode: due.procedureCode,
      procedureName: due.procedureName,
      unitCode: due.unitId,
      unitName: due.unitName,
      dossierCode: due.dossierCode,
      payerName: due.applicant.name,
      payerIdentifier: due.applicant.identifier,
      payerAddress: due.applicant.address ?? '',
      content: `Nộp phí, lệ phí hồ sơ ${due.dossierCode}`,
      // A line exempt in full is on our receipt, not in the platform's bill, which takes amounts above zero.
      lines: due.lines.filter((l) => l.amount > 0).map((l) => ({ kind: l.kind, code: l.code, name: l.name, amount: l.amount })),
    },
  };
  let redirectUrl: string;
  try {
    ({ redirectUrl } = await gateway.init(req));
  } catch (e) {
    // The platform refused or did not answer: this attempt can never be paid; the next "pay" starts a new one.
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('payments').set({ state: 'failed' }).where('id', '=', row.id).where('state', '=', 'pending').execute();
      await recordEvent(tx, row.id, 'init', 'system', { failed: e instanceof AppError ? e.code : 'ERROR', message: (e as Error).message.slice(0, 500) });
      await recordAudit(tx, { actor: 'system', action: 'payment.init_failed', target: `dossier:${due.dossierCode}`, data: { payment: row.id } });
    });
    if (e instanceof AppError) throw e;
    throw new AppError('PAYMENT_PLATFORM_UNAVAILABLE', {
      vi: 'Không kết nối được Nền tảng thanh toán; vui lòng thử lại sau',
      en: 'The payment platform could not be reached; try again later',
    });
  }
  await db.updateTable('payments').set({ redirect_url: redirectUrl }).where('id', '=', row.id).execute();
  return { paymentId: row.id, redirectUrl, created: true };
}
