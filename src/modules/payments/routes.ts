import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Grant } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { PdfResponse, sendPdf } from '../../platform/http/pdf-reply.ts';
import { startPayment } from './start-payment.ts';
import { acceptCallback } from './accept-confirmation.ts';
import { getPayment, getReceiptFile, listDossierPayments, listMyReceipts } from './get-payment.ts';
import { recordCounterPayment } from './record-counter-payment.ts';
import { refundPayment } from './refund-payment.ts';
import { LEDGER_ROLES, listLedger } from './list-ledger.ts';
import { runReconciliation } from './reconcile-payments.ts';
import { listReconciliation } from './list-reconciliation.ts';
import { resolveMismatch } from './resolve-mismatch.ts';
import {
  CounterPaymentInput,
  DayQuery,
  DossierCodeParam,
  LedgerQuery,
  LedgerView,
  MismatchView,
  MyReceipt,
  PaymentId,
  PaymentView,
  ReconciliationView,
  RefundInput,
  ResolveInput,
  RunInput,
  RunView,
  StartPaymentInput,
  StartPaymentResult,
} from './schemas.ts';

/**
 * Who reads a dossier's payments and receipts: its applicant, and officials who see the dossier
 * (the operations check which dossier; finance officers of its unit see it like its other staff).
 */
const READ: readonly Grant[] = [
  'citizen',
  'receiving_officer',
  'specialist',
  'unit_leader',
  'signing_leader',
  'clerk',
  'auditor',
  'administrator',
  'finance_officer',
];
const FINANCE: readonly Grant[] = ['finance_officer'];

/** The platform's CONFIRM: its fields are strings; the gateway checks shape and MaXacThuc. */
const ConfirmBody = z.record(z.string(), z.unknown()).describe('The CONFIRM message: LoaiBanTin, MaLoi, MaDoiTac, MaThamChieu, SoTien, … MaXacThuc');
const ConfirmReply = z.record(z.string(), z.string()).describe('Our signed answer: MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, ThoiGianGD, MaXacThuc');

export const paymentsModule: Module = {
  name: 'payments',
  routes(app, ctx) {
    app.post('/api/v1/dossiers/:code/payments', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['payments'],
        summary: 'Pay what the dossier owes online, through the national payment platform (the applicant)',
        description:
          'Starts an attempt for the fee due now and answers the platform page to send the payer to. While an attempt for the same due is pending, ' +
          'the same attempt is answered (200) rather than a new one (201). `bankCode`: a bank or wallet chosen in advance (optional).',
        params: DossierCodeParam,
        body: StartPaymentInput.optional(),
        response: { 201: StartPaymentResult, 200: StartPaymentResult, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody },
      },
      handler: async (req, reply) => {
        const r = await startPayment(ctx, req.params.code, req.principal!, req.body ?? {}, { ip: req.ip });
        reply.code(r.created ? 201 : 200).header('location', `/api/v1/payments/${r.paymentId}`);
        return { paymentId: r.paymentId, redirectUrl: r.redirectUrl };
      },
    });

    app.get('/api/v1/dossiers/:code/payments', {
      config: { access: READ },
      schema: {
        tags: ['payments'],
        summary: "A dossier's payments, oldest first, with their receipts (its applicant, and officials who see the dossier)",
        params: DossierCodeParam,
        response: { 200: z.array(PaymentView), 404: ErrorBody },
      },
      handler: async (req) => listDossierPayments(ctx, req.params.code, req.principal!),
    });

    app.post('/api/v1/dossiers/:code/counter-payments', {
      config: { access: ['receiving_officer'] },
      schema: {
        tags: ['payments'],
        summary: "Record a fee paid at the desk in cash or by card (receiving officers of the dossier's receiving unit); the receipt is issued",
        description: '`amount` must be what the dossier owes and `dueSeq` the due the officer saw (GET the dossier for both).',
        params: DossierCodeParam,
        body: CounterPaymentInput,
        response: { 201: PaymentView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        const r = await recordCounterPayment(ctx, req.params.code, req.body, req.principal!);
        reply.code(201).header('location', `/api/v1/payments/${r.id}`);
        return r;
      },
    });

    app.post('/api/v1/payments/callback', {
      // The platform calls from its servers; anyone can reach the address, so it is limited like other anonymous work.
      config: { access: 'public', limit: 'public' },
      schema: {
        tags: ['payments'],
        summary: "The payment platform's server-to-server CONFIRM (INTEGRATIONS §2); answered with our signed reply",
        description:
          'A message with a wrong MaXacThuc or shape is refused (400 PAYMENT_MESSAGE_FORGED) and audited; one whose amount is not ours is ' +
          'answered with a refusal (MaLoi not 00) and audited; a replay is answered as the first delivery was, and changes nothing.',
        body: ConfirmBody,
        response: { 200: ConfirmReply, 400: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
      handler: async (req) => acceptCallback(ctx, req.body, { ip: req.ip }),
    });

    app.get('/api/v1/payments/ledger', {
      config: { access: LEDGER_ROLES },
      schema: {
        tags: ['payments'],
        summary: "A unit's ledger over Vietnam days (from, to: YYYY-MM-DD, at most 92 days): payments collected and totals per day",
        querystring: LedgerQuery,
        response: { 200: LedgerView, 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => listLedger(ctx, req.query, req.principal!),
    });

    app.post('/api/v1/payments/reconciliation/runs', {
      config: { access: FINANCE },
      schema: {
        tags: ['payments'],
        summary: "Reconcile a Vietnam day now: the platform's statement against our ledger; answers the run and its mismatches",
        body: RunInput,
        response: { 201: RunView, 400: ErrorBody, 503: ErrorBody },
      },
      handler: async (req, reply) => {
        reply.code(201);
        return runReconciliation(ctx, req.body, req.principal!);
      },
    });

    app.get('/api/v1/payments/reconciliation', {
      config: { access: FINANCE },
      schema: {
        tags: ['payments'],
        summary: "A day's reconciliation runs, newest first, with the mismatches of the finance officer's units",
        querystring: DayQuery,
        response: { 200: ReconciliationView, 400: ErrorBody },
      },
      handler: async (req) => listReconciliation(ctx, req.query, req.principal!),
    });

    app.post('/api/v1/payments/reconciliation/items/:id/resolve', {
      config: { access: FINANCE },
      schema: {
        tags: ['payments'],
        summary: 'Resolve a mismatch with a note saying what was found and done',
        params: PaymentId,
        body: ResolveInput,
        response: { 200: MismatchView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => resolveMismatch(ctx, req.params.id, req.body, req.principal!),
    });

    app.get('/api/v1/repository/receipts', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['payments'],
        summary: 'The receipts of the fees the citizen or business paid, newest first: their part of the e-data repository',
        response: { 200: z.array(MyReceipt) },
      },
      handler: async (req) => listMyReceipts(ctx, req.principal!),
    });

    app.get('/api/v1/payments/:id', {
      config: { access: READ },
      schema: {
        tags: ['payments'],
        summary: 'One payment: state (pending, success, failed, expired), lines, receipt',
        params: PaymentId,
        response: { 200: PaymentView, 404: ErrorBody },
      },
      handler: async (req) => getPayment(ctx, req.params.id, req.principal!),
    });

    app.get('/api/v1/payments/:id/receipt', {
      config: { access: READ },
      schema: {
        tags: ['payments'],
        summary: 'The electronic receipt (PDF) of a settled payment',
        params: PaymentId,
        response: { 200: PdfResponse, 404: ErrorBody },
      },
      handler: async (req, reply) => sendPdf(reply, await getReceiptFile(ctx, req.params.id, req.principal!)),
    });

    app.post('/api/v1/payments/:id/refunds', {
      config: { access: FINANCE },
      schema: {
        tags: ['payments'],
        summary: "Record money paid back on a settled payment (finance officers of the payment's unit)",
        params: PaymentId,
        body: RefundInput,
        response: { 200: PaymentView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => refundPayment(ctx, req.params.id, req.body, req.principal!),
    });
  },
};
