import { z } from 'zod';
import { bi } from '../../platform/http/validation.ts';

/** Amounts are whole đồng: VND has no minor unit (Decree 11/2020 receipts print đồng). */
export const MAX_AMOUNT = 999_999_999_999;
export const Amount = z.number().int().min(0).max(MAX_AMOUNT);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, bi('Ngày viết dạng YYYY-MM-DD', 'a day is written YYYY-MM-DD'));

export const PAYMENT_STATES = ['pending', 'success', 'failed', 'expired'] as const;
export const PAYMENT_METHODS = ['online', 'cash', 'card'] as const;
export const MISMATCH_KINDS = ['missing_here', 'missing_there', 'amount_differs', 'state_differs'] as const;

export const PaymentId = z.object({ id: z.uuid() });
export const DossierCodeParam = z.object({ code: z.string().trim().min(1).max(60) });

export const FeeLineView = z.object({
  code: z.string(),
  name: z.string(),
  /** 1 phí (charge), 2 lệ phí (fee): the national format's LoaiPhiLePhi. */
  kind: z.union([z.literal(1), z.literal(2)]),
  unitAmount: z.number(),
  quantity: z.number(),
  reductionPercent: z.number(),
  amount: z.number(),
});

export const ReceiptSummary = z.object({
  series: z.string(),
  number: z.string().describe('7 digits, e.g. 0000012'),
  templateCode: z.string(),
  issuedAt: z.string(),
  url: z.string().describe('GET this for the PDF'),
});

export const PaymentView = z.object({
  id: z.string(),
  reference: z.string().describe("The platform's MaThamChieu (for a counter payment, our own reference)"),
  dossierCode: z.string(),
  unitId: z.string(),
  purpose: z.enum(['filing', 'obligation']),
  method: z.enum(PAYMENT_METHODS),
  state: z.enum(PAYMENT_STATES),
  amount: Amount,
  lines: z.array(FeeLineView),
  gatewayTxn: z.string().nullable(),
  bank: z.string().nullable(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  refunded: z.number(),
  /** Settled after the dossier no longer owed it (paid twice, or for a request since replaced): to be refunded. */
  refundDue: z.boolean(),
  receipt: ReceiptSummary.nullable(),
});
export type PaymentView = z.infer<typeof PaymentView>;

export const StartPaymentInput = z
  .object({
    /** The bank or wallet chosen on our page, if any (MaNganHang); the platform's page asks otherwise. */
    bankCode: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,20}$/)
      .optional(),
  })
  .strict();
export type StartPaymentInput = z.infer<typeof StartPaymentInput>;
export const StartPaymentResult = z.object({ paymentId: z.string(), redirectUrl: z.string() });

export const CounterPaymentInput = z
  .object({
    method: z.enum(['cash', 'card']),
    /** What the desk collected: must be what the dossier owes. */
    amount: Amount,
    /** The due the officer saw (FeeDue.dueSeq): a fee requested again since is not collected on an old page. */
    dueSeq: z.number().int().min(1),
  })
  .strict();
export type CounterPaymentInput = z.infer<typeof CounterPaymentInput>;

export const RefundInput = z
  .object({
    amount: Amount.min(1),
    note: z.string().trim().min(1, bi('Cần ghi lý do hoàn trả', 'Give the reason for the refund')).max(2000),
  })
  .strict();
export type RefundInput = z.infer<typeof RefundInput>;

export const LedgerQuery = z
  .object({
    unit: z.string().trim().min(1).max(40),
    from: Day,
    to: Day,
  })
  .strict();
export type LedgerQuery = z.infer<typeof LedgerQuery>;

export const LedgerDay = z.object({
  day: z.string(),
  count: z.number(),
  total: z.number(),
  online: z.number(),
  counter: z.number(),
  refunded: z.number(),
});
export const LedgerView = z.object({
  unitId: z.string(),
  from: z.string(),
  to: z.string(),
  /** Settled payments of the unit in the period, oldest first (at most LEDGER_LIMIT; `truncated` says when there were more). */
  payments: z.array(PaymentView.omit({ lines: true })),
  truncated: z.boolean(),
  days: z.array(LedgerDay),
  total: z.number(),
  refunded: z.number(),
  /** Settled payments waiting for their refund (refundDue, not yet refunded in full). */
  refundsDue: z.number(),
});
export type LedgerView = z.infer<typeof LedgerView>;

export const RunInput = z.object({ day: Day }).strict();
export const DayQuery = z.object({ day: Day }).strict();
export const ResolveInput = z.object({ note: z.string().trim().min(1, bi('Cần ghi cách đã xử lý', 'Say how it was resolved')).max(2000) }).strict();

const Side = z.object({ amount: z.number(), state: z.string(), gatewayTxn: z.string().nullable().optional() }).nullable();
export const MismatchView = z.object({
  id: z.string(),
  kind: z.enum(MISMATCH_KINDS),
  reference: z.string(),
  paymentId: z.string().nullable(),
  dossierCode: z.string().nullable(),
  unitId: z.string().nullable(),
  ours: Side,
  theirs: Side,
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  note: z.string().nullable(),
});
export type MismatchView = z.infer<typeof MismatchView>;
export const RunView = z.object({
  id: z.string(),
  day: z.string(),
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  statementLines: z.number(),
  ledgerPayments: z.number(),
  mismatches: z.number(),
  items: z.array(MismatchView),
});
export type RunView = z.infer<typeof RunView>;
export const ReconciliationView = z.object({ day: z.string(), runs: z.array(RunView) });
export type ReconciliationView = z.infer<typeof ReconciliationView>;

export const MyReceipt = z.object({
  paymentId: z.string(),
  dossierCode: z.string(),
  procedureName: z.string(),
  amount: z.number(),
  series: z.string(),
  number: z.string(),
  issuedAt: z.string(),
  url: z.string(),
});
export type MyReceipt = z.infer<typeof MyReceipt>;
