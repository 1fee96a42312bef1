import type { FastifyRequest } from 'fastify';
import { feeKind, type FeeLine } from '../../../modules/catalog/compute-fees.ts';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import type { DossierView } from '../../../modules/dossiers/schemas.ts';
import type { PaymentView } from '../../../modules/payments/schemas.ts';
import { formatDateTime, vndInWords } from '../../../platform/i18n/index.ts';
import { Csrf, TableWrap, t, WarningText } from '../../components/layout.tsx';
import { hasFees, PaymentStateTag, vnd } from '../../components/payments.tsx';

/**
 * The citizen's side of fees (issue 14): what is owed, line by line, with the total in figures
 * and in words as the receipt prints them; the button that starts an online payment; the
 * payments made, with their receipts; and, on the filing form, the procedure's fee schedule and
 * the choice of a reduction or exemption category.
 */

type StoredFee = ProcedureDetail['methods'][number]['fees'][number];

// receipt-verify.tsx reads `vnd` from here; its home is components/payments.tsx.
export { vnd };

/** The amount in words, the receipt's "Số tiền bằng chữ"; nothing for an amount outside the words' range. */
function inWords(n: number): string | null {
  try {
    return vndInWords(n);
  } catch {
    return null; // vndInWords refuses only amounts no schedule can produce (over 999 tỷ); the figures stand alone then
  }
}

const KIND: Record<1 | 2, [string, string]> = { 1: ['Phí', 'Charge'], 2: ['Lệ phí', 'Fee'] };

/** Where the citizen pays online: a page route (payments-portal.tsx) that starts the payment and sends them to the platform. */
export const payUrl = (code: string) => `/ho-so-cua-toi/${encodeURIComponent(code)}/thanh-toan`;
/** The state of one payment, for its payer (the return page's own address, by payment id). */
export const paymentStatusUrl = (id: string) => `/thanh-toan/ket-qua?giao-dich=${encodeURIComponent(id)}`;

/** How a line came to its amount: "1.000.000 đồng × 2, giảm 50%". */
function lineDetail(req: FastifyRequest, l: FeeLine): string {
  const parts = [l.quantity === 1 ? vnd(l.unitAmount) : `${vnd(l.unitAmount)} × ${l.quantity}`];
  if (l.reductionPercent === 100) parts.push(t(req, 'miễn', 'waived'));
  else if (l.reductionPercent > 0) parts.push(t(req, `giảm ${l.reductionPercent}%`, `${l.reductionPercent}% off`));
  return parts.join(', ');
}

/**
 * The lines owed and their total, in figures and in words. Two columns only, the working in
 * the first, so that the table fits a phone without scrolling.
 */
export function FeeLinesTable({ req, lines, total, caption, id }: { req: FastifyRequest; lines: FeeLine[]; total: number; caption: string; id: string }) {
  const words = inWords(total);
  return (
    <>
      <TableWrap label={caption}>
        <table class="govuk-table" id={id}>
          <caption class="govuk-table__caption govuk-table__caption--s">{caption}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                {t(req, 'Khoản thu', 'Item')}
              </th>
              <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                {t(req, 'Số tiền', 'Amount')}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {lines.map((l) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">
                  {l.name}
                  <br />
                  <span class="cs-meta">
                    {t(req, KIND[l.kind][0], KIND[l.kind][1])} · {lineDetail(req, l)}
                  </span>
                </td>
                <td class="govuk-table__cell govuk-table__cell--numeric">{vnd(l.amount)}</td>
              </tr>
            ))}
            <tr class="govuk-table__row">
              <th scope="row" class="govuk-table__header">
                {t(req, 'Tổng cộng', 'Total')}
              </th>
              <td class="govuk-table__cell govuk-table__cell--numeric">
                <strong data-fee-total>{vnd(total)}</strong>
              </td>
            </tr>
          </tbody>
        </table>
      </TableWrap>
      {words ? (
        <p class="govuk-body" data-fee-words>
          {t(req, 'Số tiền bằng chữ', 'In words')}: <strong lang="vi">{words}</strong>.
        </p>
      ) : null}
    </>
  );
}

/** The button that starts an online payment: a plain form, so it works without JavaScript. */
export function PayButton({ req, code, label }: { req: FastifyRequest; code: string; label?: string }) {
  return (
    <form method="post" action={payUrl(code)}>
      <Csrf req={req} />
      <button type="submit" class="govuk-button govuk-button--start" data-prevent-double-click="true">
        {label ?? t(req, 'Thanh toán trực tuyến', 'Pay online')}
        <svg
          class="govuk-button__start-icon"
          xmlns="http://www.w3.org/2000/svg"
          width="17.5"
          height="19"
          viewBox="0 0 33 40"
          aria-hidden="true"
          focusable="false"
        >
          <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
        </svg>
      </button>
    </form>
  );
}

/** How a payment was made, in the citizen's words: the one-stop desk named in full, as the receipt does (the officials' shorter words are in components/payments.tsx). */
const METHOD: Record<PaymentView['method'], [string, string]> = {
  online: ['Trực tuyến', 'Online'],
  cash: ['Tiền mặt tại bộ phận một cửa', 'Cash at the one-stop desk'],
  card: ['Thẻ tại bộ phận một cửa', 'Card at the one-stop desk'],
};

/** The receipt's link text: "Biên lai số 0000012, ký hiệu AB-26E (PDF)". */
export const receiptLabel = (req: FastifyRequest, r: { series: string; number: string }) =>
  t(req, `Tải biên lai số ${r.number}, ký hiệu ${r.series} (PDF)`, `Download receipt No. ${r.number}, series ${r.series} (PDF)`);

/** A dossier's payments, oldest first: when, how much, how, their state, and each receipt. */
export function PaymentsTable({ req, payments }: { req: FastifyRequest; payments: PaymentView[] }) {
  const caption = t(req, 'Các lần thanh toán', 'Payments');
  return (
    <TableWrap label={caption}>
      <table class="govuk-table" id="payments">
        <caption class="govuk-table__caption govuk-table__caption--s">{caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">
              {t(req, 'Thanh toán', 'Payment')}
            </th>
            <th scope="col" class="govuk-table__header">
              {t(req, 'Trạng thái, biên lai', 'State, receipt')}
            </th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {payments.map((p) => (
            <tr class="govuk-table__row">
              <td class="govuk-table__cell">
                <strong>{vnd(p.amount)}</strong>
                <br />
                <span class="cs-meta">
                  {formatDateTime(req.lang, p.settledAt ?? p.createdAt)} · {t(req, METHOD[p.method][0], METHOD[p.method][1])}
                  {p.bank ? ` (${p.bank})` : ''}
                </span>
              </td>
              <td class="govuk-table__cell">
                <PaymentStateTag req={req} state={p.state} />
                {p.receipt ? (
                  <>
                    <br />
                    <a class="govuk-link" href={p.receipt.url} download>
                      {receiptLabel(req, p.receipt)}
                    </a>
                  </>
                ) : p.state === 'pending' && p.method === 'online' ? (
                  <>
                    <br />
                    <a class="govuk-link" href={paymentStatusUrl(p.id)}>
                      {t(req, 'Xem kết quả thanh toán', 'See how the payment went')}
                    </a>
                  </>
                ) : null}
                {p.refundDue ? (
                  <>
                    <br />
                    <span class="cs-meta">
                      {t(
                        req,
                        'Khoản này nộp thừa và sẽ được cơ quan hoàn trả.',
                        'This was paid twice (or for a request since replaced): the agency refunds it.',
                      )}
                    </span>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Why the fee is owed: at filing (the procedure charges up front) or on the officer's request, with their note. */
function DueReason({ req, due, requestNote }: { req: FastifyRequest; due: NonNullable<DossierView['fees']['due']>; requestNote: string | null }) {
  if (due.purpose === 'filing')
    return (
      <p class="govuk-body">
        {t(
          req,
          'Thủ tục này thu phí, lệ phí khi nộp hồ sơ trực tuyến. Hồ sơ chỉ được gửi đến cơ quan giải quyết sau khi bạn nộp đủ số tiền dưới đây.',
          'This procedure charges its fees when you apply online. The dossier is sent to the agency only once you have paid the amount below.',
        )}
      </p>
    );
  return (
    <>
      <p class="govuk-body">
        {t(
          req,
          'Cơ quan giải quyết yêu cầu bạn thực hiện nghĩa vụ tài chính. Thời hạn giải quyết tạm dừng cho đến khi bạn nộp đủ số tiền dưới đây.',
          'The agency asks you to pay the fees below. The time limit is paused until you have paid.',
        )}
      </p>
      {requestNote ? (
        <div class="govuk-inset-text">
          {t(req, 'Nội dung yêu cầu', 'The request')}: {requestNote}
        </div>
      ) : null}
    </>
  );
}

/**
 * The dossier page's "Phí, lệ phí": what is owed now and why, the pay button (or why it is not
 * offered), the payments made and their receipts. Nothing when the dossier never owed anything.
 */
export function DossierFeesSection({
  req,
  d,
  payments,
  requestNote,
  onlineAvailable,
}: {
  req: FastifyRequest;
  d: DossierView;
  payments: PaymentView[];
  requestNote: string | null;
  onlineAvailable: boolean;
}) {
  const due = d.fees.due;
  if (!hasFees(d.fees, payments)) return null;
  const pending = payments.filter((p) => p.method === 'online' && p.state === 'pending');
  return (
    <section aria-labelledby="fees-title" id="phi-le-phi">
      <h2 class="govuk-heading-m" id="fees-title">
        {due ? t(req, 'Việc bạn cần làm: nộp phí, lệ phí', 'What you need to do: pay the fees') : t(req, 'Phí, lệ phí', 'Fees and charges')}
      </h2>
      {due ? (
        <>
          <DueReason req={req} due={due} requestNote={requestNote} />
          <FeeLinesTable req={req} lines={due.lines} total={due.total} id="fees-due" caption={t(req, 'Số tiền phải nộp', 'Amount to pay')} />
          {due.total > 0 && onlineAvailable ? (
            <>
              {pending.length ? (
                <div class="govuk-inset-text">
                  {t(
                    req,
                    'Bạn đã bắt đầu một lần thanh toán chưa có kết quả. Bấm nút dưới đây để tiếp tục lần đó (không bị thu hai lần), hoặc xem kết quả trong bảng các lần thanh toán.',
                    'A payment you started has no result yet. Press the button to continue it (you are not charged twice), or see its result in the payments below.',
                  )}
                </div>
              ) : null}
              <p class="govuk-body">
                {t(
                  req,
                  'Bạn sẽ được chuyển đến Nền tảng thanh toán của Cổng Dịch vụ công quốc gia để chọn ngân hàng hoặc ví điện tử, rồi quay lại đây. Biên lai điện tử được cấp ngay khi thanh toán thành công.',
                  'You are taken to the National Public Service Portal’s payment platform to choose a bank or e-wallet, then brought back here. The electronic receipt is issued as soon as the payment succeeds.',
                )}
              </p>
              <PayButton req={req} code={d.code} />
            </>
          ) : due.total > 0 ? (
            <WarningText req={req}>
              {t(
                req,
                'Hệ thống chưa kết nối thanh toán trực tuyến: vui lòng nộp tại bộ phận một cửa của cơ quan tiếp nhận.',
                'Online payment is not available here: pay at the one-stop desk of the receiving agency.',
              )}
            </WarningText>
          ) : null}
        </>
      ) : d.fees.paid ? (
        <p class="govuk-body">
          {t(req, `Đã nộp ${vnd(d.fees.paid)}`, `Paid: ${vnd(d.fees.paid)}`)}
          {d.fees.paidOnline ? t(req, ' (thanh toán trực tuyến).', ' (online).') : '.'}
        </p>
      ) : null}
      {payments.length ? <PaymentsTable req={req} payments={payments} /> : null}
    </section>
  );
}

/** A fee's rule as the schedule states it: "1.000.000 đồng / số điểm kinh doanh". */
function feeRule(f: StoredFee): string {
  return f.per ? `${vnd(f.value)} / ${f.per.label}` : vnd(f.value);
}

/**
 * The filing form's fee section: the online method's schedule (each fee, its amount, when it is
 * collected, its reductions), what this filing owes at filing as far as the form tells (worked
 * out on the server each time the form is sent), and the reduction category, when there is one.
 */
export function FilingFeesSection({
  req,
  fees,
  categories,
  category,
  owed,
  error,
}: {
  req: FastifyRequest;
  fees: StoredFee[];
  categories: { category: string; label: string; labelEn: string | null }[];
  category: string;
  /** What is due at filing for the values given so far; null when a field it needs is not filled in yet. */
  owed: { lines: FeeLine[]; total: number } | null;
  error?: string;
}) {
  const charged = fees.filter((f) => f.value > 0);
  if (!charged.length) return null;
  const atFiling = charged.some((f) => f.dueAt === 'filing');
  return (
    <section aria-labelledby="fees-title" id="phi-le-phi">
      <h2 class="govuk-heading-m" id="fees-title">
        {t(req, 'Phí, lệ phí', 'Fees and charges')}
      </h2>
      <ul class="govuk-list govuk-list--bullet">
        {charged.map((f) => (
          <li>
            <strong>{feeRule(f)}</strong> — {f.description || t(req, ...KIND[feeKind(f.type)])}
            <br />
            <span class="cs-meta">
              {f.dueAt === 'filing'
                ? t(req, 'Nộp trực tuyến khi nộp hồ sơ', 'Paid online when you file')
                : t(req, 'Nộp khi cơ quan giải quyết yêu cầu', 'Paid when the agency asks for it')}
              {(f.reductions ?? []).map(
                (r) =>
                  `; ${r.percent === 100 ? t(req, 'miễn cho', 'waived for') : t(req, `giảm ${r.percent}% cho`, `${r.percent}% off for`)} ${t(req, r.label, r.labelEn ?? r.label)}`,
              )}
            </span>
          </li>
        ))}
      </ul>
      {categories.length ? <FeeCategoryInputs req={req} categories={categories} value={category} error={error} /> : null}
      {atFiling ? (
        owed ? (
          owed.total > 0 ? (
            <>
              <FeeLinesTable
                req={req}
                lines={owed.lines}
                total={owed.total}
                id="fees-at-filing"
                caption={t(req, 'Số tiền phải nộp khi nộp hồ sơ', 'Amount to pay when you file')}
              />
              <p class="govuk-hint">
                {t(
                  req,
                  'Sau khi nộp hồ sơ, bạn thanh toán trực tuyến số tiền này; hồ sơ chỉ được gửi đến cơ quan khi thanh toán thành công. Số tiền được tính lại mỗi khi bạn gửi biểu mẫu.',
                  'After filing you pay this amount online; the dossier is sent to the agency only once the payment succeeds. The amount is worked out again each time you send the form.',
                )}
              </p>
            </>
          ) : (
            <p class="govuk-body">
              {t(req, 'Với thông tin đã khai, bạn không phải nộp phí khi nộp hồ sơ.', 'With what you have entered, nothing is due when you file.')}
            </p>
          )
        ) : (
          <p class="govuk-hint">
            {t(
              req,
              'Số tiền phải nộp được tính khi bạn bấm "Xem lại" hoặc "Lưu nháp", theo thông tin trong tờ khai.',
              'The amount due is worked out from the e-form when you press "Review" or "Save draft".',
            )}
          </p>
        )
      ) : null}
    </section>
  );
}

/** Radios `feeCategory`: none, or one of the categories the schedule reduces or waives a fee for. */
export function FeeCategoryInputs({
  req,
  categories,
  value,
  error,
}: {
  req: FastifyRequest;
  categories: { category: string; label: string; labelEn: string | null }[];
  value: string;
  error?: string;
}) {
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`} id="fee-category">
      <fieldset class="govuk-fieldset" aria-describedby={`fee-category-hint${error ? ' fee-category-error' : ''}`}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, 'Đối tượng được miễn, giảm phí', 'Fee reduction or exemption')}</legend>
        <div class="govuk-hint" id="fee-category-hint">
          {t(
            req,
            'Chọn nếu bạn thuộc một trong các đối tượng dưới đây. Cơ quan tiếp nhận sẽ kiểm tra giấy tờ chứng minh; hãy đính kèm nếu có.',
            'Choose one if it applies to you. The receiving agency checks the proof; attach it if you have it.',
          )}
        </div>
        {error ? (
          <p id="fee-category-error" class="govuk-error-message">
            <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {error}
          </p>
        ) : null}
        <div class="govuk-radios govuk-radios--small">
          <div class="govuk-radios__item">
            <input class="govuk-radios__input" id="fee-category-none" name="feeCategory" type="radio" value="" checked={!value} />
            <label class="govuk-label govuk-radios__label" for="fee-category-none">
              {t(req, 'Không thuộc đối tượng miễn, giảm', 'None of these')}
            </label>
          </div>
          {categories.map((c) => (
            <div class="govuk-radios__item">
              <input
                class="govuk-radios__input"
                id={`fee-category-${c.category}`}
                name="feeCategory"
                type="radio"
                value={c.category}
                checked={value === c.category}
              />
              <label class="govuk-label govuk-radios__label" for={`fee-category-${c.category}`}>
                {t(req, c.label, c.labelEn ?? c.label)}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
