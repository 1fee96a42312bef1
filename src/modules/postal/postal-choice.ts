import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import type { PostalPurpose } from './fee-table.ts';
import { placePostalOrder, quotePostalFee, type PostalApplicant } from './postal-orders.ts';
import { provinceOf } from './provinces.ts';

/** Whether postal pickup and delivery are offered here (VNPost is configured). */
export const postalAvailable = (ctx: Pick<Ctx, 'config'>) => Boolean(ctx.config.vnpost);

/** The fee the applicant is shown before confirming, per purpose chosen; null when VNPost is not configured. */
export function quotePostal(
  ctx: Pick<Ctx, 'config'>,
  purposes: PostalPurpose[],
  address: string | null | undefined,
): { purpose: PostalPurpose; fee: number }[] | null {
  const c = ctx.config.vnpost;
  return c ? purposes.map((purpose) => ({ purpose, fee: quotePostalFee(c, purpose, address) })) : null;
}

/**
 * What is wrong with a filing's postal choices: refused outright when VNPost is not configured;
 * otherwise the applicant's address must name its province, and a pickup needs a phone number
 * (the postman calls before collecting). Pickup is for online filings: paper brought to the desk needs none.
 */
export function postalChoiceProblems(
  ctx: Pick<Ctx, 'config'>,
  f: { delivery: string; pickup: boolean; channel: number; applicant: PostalApplicant },
): ErrorDetail[] {
  if (f.delivery !== 'post' && !f.pickup) return [];
  if (!postalAvailable(ctx)) {
    throw new AppError('POSTAL_UNAVAILABLE', {
      vi: 'Nơi này chưa cung cấp dịch vụ bưu chính (nhận hồ sơ, trả kết quả qua bưu điện): hãy chọn hình thức khác',
      en: 'Postal pickup and delivery are not offered here: choose another way',
    });
  }
  const out: ErrorDetail[] = [];
  if (f.pickup && f.channel !== 2)
    out.push({
      path: 'body.postalPickup',
      message: 'Chỉ hồ sơ nộp trực tuyến mới được thu gom qua bưu chính',
      messageEn: 'Only online filings have their paper collected by post',
    });
  if (f.applicant.address?.trim() && !provinceOf(f.applicant.address)) {
    out.push({
      path: 'body.applicant.address',
      message: 'Địa chỉ cần ghi rõ tỉnh, thành phố ở cuối (ví dụ: …, phường Bến Thành, Thành phố Hồ Chí Minh)',
      messageEn: 'The Address must end with its province or city (for example: …, Ben Thanh ward, Ho Chi Minh City)',
    });
  }
  if (!f.applicant.address?.trim() && f.pickup)
    out.push({
      path: 'body.applicant.address',
      message: 'Cần nhập Địa chỉ để bưu điện đến nhận hồ sơ',
      messageEn: 'Enter the Address the post collects the dossier from',
    });
  // The postman calls the sender before collecting; a result's receiver without a phone is left to VNPost's own notice.
  if (f.pickup && !f.applicant.phone?.trim())
    out.push({
      path: 'body.applicant.phone',
      message: 'Cần nhập Số điện thoại để nhân viên bưu chính liên hệ',
      messageEn: 'Enter the Phone for the postman to call',
    });
  return out;
}

/**
 * The filing's postal choices, in its transaction: each becomes an order in `requested`, with the
 * fee the applicant was shown. A pickup is sent when the dossier is (postalAfterStateChange on
 * submit, or once its filing fee is paid); a delivery when the result is returned by post.
 */
export async function recordPostalChoice(
  ctx: Ctx,
  tx: Tx,
  f: { dossierCode: string; delivery: string; pickup: boolean; unit: string; applicant: PostalApplicant; now: Date },
): Promise<void> {
  const c = ctx.config.vnpost;
  if (!c) return;
  const purposes: PostalPurpose[] = [...(f.pickup ? (['pickup'] as const) : []), ...(f.delivery === 'post' ? (['delivery'] as const) : [])];
  for (const purpose of purposes)
    await placePostalOrder(ctx, tx, c, { dossierCode: f.dossierCode, purpose, unit: f.unit, applicant: f.applicant, send: false, now: f.now });
}
