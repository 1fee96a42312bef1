import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { PaymentGateway } from './gateway.ts';
import { NationalPaymentGateway } from './national-gateway.ts';

export type { Confirmation, InitRequest, PaymentGateway, StatementLine } from './gateway.ts';

/** Whether online payment is configured (PAYMENT_URL, or the demo's simulator). */
export const onlinePaymentAvailable = (ctx: Ctx) => ctx.config.payment !== undefined;

/**
 * The payment platform, configured from `ctx.config.payment`. Without it (production without
 * PAYMENT_URL) online payment is unavailable, and the error says so; counter payments still work.
 */
export function paymentGateway(ctx: Ctx): PaymentGateway {
  const p = ctx.config.payment;
  if (!p) {
    throw new AppError('PAYMENT_PLATFORM_UNAVAILABLE', {
      vi: 'Thanh toán trực tuyến chưa được cấu hình trên hệ thống này (PAYMENT_URL); vui lòng nộp phí tại bộ phận một cửa',
      en: 'Online payment is not configured on this system (PAYMENT_URL); pay the fee at the one-stop desk',
    });
  }
  return new NationalPaymentGateway({ url: p.url, partnerCode: p.partnerCode, secret: p.secret });
}
