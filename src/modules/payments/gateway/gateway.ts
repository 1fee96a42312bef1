/**
 * The one interface behind which a payment platform sits (issue 14, design "Interfaces"). The
 * national platform (national-gateway.ts) is the one implementation; older provincial gateways
 * (PayGov, KeyPay) speak other field sets and hashes (INTEGRATIONS §2), so another can be added
 * beside it without touching the ledger. Amounts are whole đồng.
 */

export interface InitRequest {
  /** MaThamChieu: unique per attempt (contract.ts REFERENCE_PATTERN). */
  reference: string;
  amount: number;
  /** MaNganHang chosen in advance, or null to choose on the platform's page. */
  bankCode: string | null;
  description: string;
  at: Date;
  payerIp: string;
  receipt: {
    serviceCode: string;
    procedureCode: string;
    procedureName: string;
    unitCode: string;
    unitName: string;
    dossierCode: string;
    payerName: string;
    payerIdentifier: string;
    payerAddress: string;
    content: string;
    lines: { kind: 1 | 2; code: string; name: string; amount: number }[];
  };
}

export interface Confirmation {
  reference: string;
  amount: number;
  success: boolean;
  /** MaLoi as sent ("00" success). */
  errorCode: string;
  gatewayTxn: string;
  bankCode: string;
  at: Date;
}

export interface StatementLine {
  reference: string;
  gatewayTxn: string;
  amount: number;
  state: 'success' | 'failed' | 'pending';
  at: Date;
}

export interface PaymentGateway {
  readonly name: string;
  init(req: InitRequest): Promise<{ redirectUrl: string }>;
  /** Verifies the platform's server-to-server CONFIRM body; AppError PAYMENT_MESSAGE_FORGED (400) on a bad hash or shape. */
  verifyConfirm(body: unknown): Confirmation;
  /** Our signed answer to a CONFIRM. */
  confirmReply(c: { reference: string; ok: boolean; message: string; at: Date }): Record<string, string>;
  /** The browser's return (query parameters, signed like CONFIRM); same errors. */
  verifyReturn(query: Record<string, string>): Confirmation;
  query(reference: string, at: Date): Promise<{ state: 'success' | 'pending' | 'failed'; amount: number | null; gatewayTxn: string | null }>;
  /** The platform's statement of one day (Vietnam day, YYYY-MM-DD). */
  statement(day: string): Promise<StatementLine[]>;
}
