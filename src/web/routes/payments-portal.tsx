import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { paymentStatusUrl } from '../pages/portal/payment-fees.tsx';
import { PaymentProblemPage, PaymentResultPage, type PaymentOutcome } from '../pages/portal/payment-result.tsx';
import { getDossier } from '../../modules/dossiers/get-dossier.ts';
import { startPayment } from '../../modules/payments/start-payment.ts';
import { acceptReturn } from '../../modules/payments/accept-confirmation.ts';
import { getPayment } from '../../modules/payments/get-payment.ts';
import type { PaymentView } from '../../modules/payments/schemas.ts';

type Citizen = Extract<Principal, { kind: 'citizen' }>;
const citizenOf = (req: FastifyRequest): Citizen | null => (req.principal?.kind === 'citizen' ? req.principal : null);

const page = { hide: true } as const;
const Code = z.object({ code: z.string().max(60) });
/**
 * The platform's return carries its own fields (MaThamChieu, SoTien, …, MaXacThuc), which the
 * gateway checks; `giao-dich` is ours (a payment's id, for the refresh), `lang` the page's language.
 */
const ReturnQuery = z.record(z.string().max(64), z.string().max(2000)).refine((q) => Object.keys(q).length <= 40, { message: 'too many parameters' });
const OURS = new Set(['lang', 'giao-dich']);

/** AppErrors a payer can act on are shown on a page; the rest (404, 5xx) go to the usual error pages. */
const showable = (e: unknown): e is AppError =>
  e instanceof AppError && e.code !== 'NOT_FOUND' && e.code !== 'FORBIDDEN' && (e.status < 500 || e.code === 'PAYMENT_PLATFORM_UNAVAILABLE');

/**
 * The citizen's payment pages (issue 14): the pay button's target, which starts an online
 * payment and sends the browser to the national payment platform, and the page the platform
 * sends the browser back to. The dossier page's fee section and the filing pages are in
 * dossier-portal.ts; the operations are the payments module's.
 */
export const paymentsPortalModule: Module = {
  name: 'payments-portal',
  async routes(app, ctx) {
    // "Thanh toán trực tuyến": a plain form post (CSRF-checked like every form), answered with a
    // 303 to the platform's page. A second press while an attempt is open gets the same attempt.
    app.post('/ho-so-cua-toi/:code/thanh-toan', { config: { access: ['citizen'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      try {
        const r = await startPayment(ctx, req.params.code, req.principal!, {}, { ip: req.ip });
        return reply.redirect(r.redirectUrl, 303);
      } catch (e) {
        if (!showable(e)) throw e;
        return sendPage(
          reply,
          PaymentProblemPage({
            req,
            title: t(req, 'Chưa thể thanh toán', 'The payment cannot start'),
            message: t(req, e.text.vi, e.text.en),
            dossierCode: req.params.code,
          }),
          e.status,
        );
      }
    });

    // The browser back from the platform. Public: what decides is the message's MaXacThuc, not a
    // session (which may have ended while the payer was at their bank); only the payer sees more
    // than the state. Limited like other anonymous work, since anyone can call it.
    app.get('/thanh-toan/ket-qua', { config: { access: 'public', limit: 'public' }, schema: { ...page, querystring: ReturnQuery } }, async (req, reply) => {
      const me = citizenOf(req);
      const id = req.query['giao-dich'];
      // Our own refresh: the payment's state as it is now (the callback or the query job may have settled it).
      if (id !== undefined) {
        if (!me)
          return sendPage(
            reply,
            PaymentProblemPage({
              req,
              title: t(req, 'Kết quả thanh toán', 'Payment result'),
              message: t(req, 'Hãy đăng nhập để xem kết quả thanh toán của bạn.', 'Sign in to see how your payment went.'),
              signIn: req.url,
            }),
          );
        return showPayment(ctx, req, reply, await getPayment(ctx, id.slice(0, 64), me), me);
      }
      const fields = Object.fromEntries(Object.entries(req.query).filter(([k]) => !OURS.has(k)));
      if (!Object.keys(fields).length)
        return sendPage(
          reply,
          PaymentProblemPage({
            req,
            title: t(req, 'Kết quả thanh toán', 'Payment result'),
            message: t(
              req,
              'Trang này hiển thị kết quả khi bạn quay lại từ Nền tảng thanh toán. Các khoản đã thanh toán và biên lai có trong trang của từng hồ sơ.',
              'This page shows the result when you come back from the payment platform. Payments and receipts are on each dossier’s page.',
            ),
          }),
        );
      let out: Awaited<ReturnType<typeof acceptReturn>>;
      try {
        out = await acceptReturn(ctx, fields, { ip: req.ip });
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        // Forged, or an amount that is not ours: nothing was recorded from this message. A genuine
        // payment still reaches us by the platform's callback, or by the query job.
        const forged = e.code === 'PAYMENT_MESSAGE_FORGED';
        return sendPage(
          reply,
          PaymentProblemPage({
            req,
            title: t(req, 'Chưa xác nhận được kết quả thanh toán', 'The payment result could not be confirmed'),
            message: forged
              ? t(
                  req,
                  'Thông tin trả về từ Nền tảng thanh toán không hợp lệ nên không được ghi nhận. Nếu bạn đã thanh toán, nền tảng sẽ xác nhận trực tiếp với cơ quan; hãy xem lại hồ sơ sau ít phút, không thanh toán lại.',
                  'What came back from the payment platform is not valid, so it was not recorded. If you paid, the platform confirms it to the agency directly; look at the dossier again in a few minutes, and do not pay again.',
                )
              : t(req, e.text.vi, e.text.en),
          }),
          e.status,
        );
      }
      if (me && out.paymentId) {
        const mine = await getPayment(ctx, out.paymentId, me).catch((e: unknown) => {
          if (e instanceof AppError && e.code === 'NOT_FOUND') return null; // another account's payment: the state only, below
          throw e;
        });
        if (mine) return showPayment(ctx, req, reply, mine, me);
      }
      const o: PaymentOutcome = {
        state: out.state ?? 'pending',
        paymentId: out.paymentId,
        dossierCode: out.dossierCode,
        amount: null,
        receipt: null,
        dossierStatus: null,
        canRetry: false,
      };
      return sendPage(reply, PaymentResultPage({ req, o, refreshUrl: req.url, signedIn: Boolean(me) }));
    });
  },
};

/** The payer's view of one payment: its amount and receipt, the dossier's status, and whether a new attempt can start. */
async function showPayment(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, p: PaymentView, me: Citizen) {
  const d = await getDossier(ctx, p.dossierCode, me);
  const o: PaymentOutcome = {
    state: p.state,
    paymentId: p.id,
    dossierCode: p.dossierCode,
    amount: p.amount,
    receipt: p.receipt,
    dossierStatus: d.status,
    canRetry: (p.state === 'failed' || p.state === 'expired') && Boolean(d.fees.due && d.fees.due.total > 0),
  };
  // The refresh asks by payment id: the platform's signed fields need not be sent again.
  return sendPage(reply, PaymentResultPage({ req, o, refreshUrl: paymentStatusUrl(p.id), signedIn: true }));
}
