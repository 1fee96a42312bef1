import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the payment tables (migrations/0027_payments.sql); the central DB interface extends them. */
export interface PaymentTables {
  payments: PaymentsTable;
  payment_events: PaymentEventsTable;
  receipts: ReceiptsTable;
  receipt_series: ReceiptSeriesTable;
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_items: ReconciliationItemsTable;
}

export type PaymentState = 'pending' | 'success' | 'failed' | 'expired';
export type PaymentMethod = 'online' | 'cash' | 'card';
export type PaymentPurpose = 'filing' | 'obligation';
export type PaymentEventKind = 'init' | 'callback' | 'return' | 'query' | 'forged' | 'refund' | 'counter';
export type MismatchKind = 'missing_here' | 'missing_there' | 'amount_differs' | 'state_differs';

/** A fee line as charged (catalog's FeeLine, kept with the payment). */
export interface ChargedLine {
  code: string;
  name: string;
  kind: 1 | 2;
  unitAmount: number;
  quantity: number;
  reductionPercent: number;
  amount: number;
}

/** What the receipt prints, as it was when the payment began. */
export interface PaymentSnapshot {
  unitName: string;
  procedureCode: string;
  procedureName: string;
  applicant: { name: string; identifier: string; address: string | null; email: string | null; phone: string | null };
}

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface PaymentsTable {
  id: Generated<string>;
  reference: string;
  dossier_code: string;
  unit_id: string;
  purpose: PaymentPurpose;
  due_seq: number;
  lines: Json<ChargedLine[]>;
  snapshot: Json<PaymentSnapshot>;
  amount: number;
  method: PaymentMethod;
  state: PaymentState;
  redirect_url: string | null;
  gateway_txn: string | null;
  bank: string | null;
  payer_citizen_id: string | null;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  settled_at: Timestamp;
  expires_at: Timestamp;
  last_queried_at: Timestamp;
  refunded: Generated<number>;
  refund_due: Generated<boolean>;
}

export interface PaymentEventsTable {
  id: Generated<number>;
  payment_id: string | null;
  kind: PaymentEventKind;
  at: Generated<Date>;
  actor: string;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface ReceiptsTable {
  id: Generated<string>;
  payment_id: string;
  unit_id: string;
  year: number;
  template_code: string;
  series: string;
  number: number;
  issued_at: ColumnType<Date, Date | string, Date | string>;
  sha256: string;
  size: number;
}

export interface ReceiptSeriesTable {
  unit_id: string;
  year: number;
  template_code: string;
  series: string;
  next_number: Generated<number>;
}

export interface ReconciliationRunsTable {
  id: Generated<string>;
  /** `YYYY-MM-DD` (DATE columns come back as the day itself). */
  day: string;
  started_by: string;
  started_at: Generated<Date>;
  finished_at: Timestamp;
  statement_lines: Generated<number>;
  ledger_payments: Generated<number>;
  mismatches: Generated<number>;
}

/** One side of a mismatch as recorded: our ledger's view, or the statement's. */
export interface MismatchSide {
  amount: number;
  state: string;
  gatewayTxn?: string | null;
}

export interface ReconciliationItemsTable {
  id: Generated<string>;
  run_id: string;
  kind: MismatchKind;
  reference: string;
  payment_id: string | null;
  unit_id: string | null;
  ours: NullableJson<MismatchSide>;
  theirs: NullableJson<MismatchSide>;
  resolved_by: string | null;
  resolved_at: Timestamp;
  note: string | null;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends PaymentTables {}
}
