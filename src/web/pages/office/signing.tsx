import type { FastifyRequest } from 'fastify';
import type { DossierSummary } from '../../../modules/dossiers/list-dossiers.ts';
import type { SignOutcome } from '../../../modules/results/sign-results.ts';
import { officialLabel, type OfficialName } from '../../../modules/organisation/staff-names.ts';
import { Csrf, ErrorSummary, Layout, TableWrap, t, WarningText } from '../../components/layout.tsx';
import { DueDate } from '../../components/dossier.tsx';

export const SIGNING_URL = '/can-bo/ky-so';
/** The id of the first checkbox of the queue: where "nothing ticked" links. */
export const FIRST_BOX = 'sign-0';

const previewHref = (code: string) => `/api/v1/dossiers/${encodeURIComponent(code)}/result-preview`;
/** A dossier as a signer names it: its procedure and its applicant. */
const nameOf = (d: DossierSummary) => `${d.procedureName} — ${d.applicantName}`;

export interface SigningQueueProps {
  req: FastifyRequest;
  waiting: DossierSummary[];
  signed: { dossierCode: string; resultCode: string; documentName: string }[];
  /** The officials the queue names (the specialists who proposed), by username. */
  names?: Map<string, OfficialName>;
  outcome?: SignOutcome[];
  /** Names of dossiers the outcome reports on (read before signing: a signed dossier leaves the queue). */
  outcomeNames?: Map<string, string>;
  /** The form was sent with nothing ticked. */
  nothingTicked?: boolean;
}

/** The signing leader's queue: approved dossiers whose result waits for a signature, each previewed, signed one by one or in a batch after confirming. */
export function SigningQueuePage({ req, waiting, signed, names = new Map(), outcome, outcomeNames = new Map(), nothingTicked }: SigningQueueProps) {
  const title = t(req, 'Ký số kết quả', 'Sign results');
  const ok = outcome?.filter((o): o is Extract<SignOutcome, { resultCode: string }> => 'resultCode' in o) ?? [];
  const failed = outcome?.filter((o): o is Extract<SignOutcome, { error: unknown }> => 'error' in o) ?? [];
  const label = (code: string) => outcomeNames.get(code) ?? '';
  return (
    <Layout req={req} area="office" title={nothingTicked ? `${t(req, 'Lỗi', 'Error')}: ${title}` : title}>
      <ErrorSummary
        req={req}
        errors={nothingTicked ? [{ href: `#${FIRST_BOX}`, text: t(req, 'Chọn ít nhất một hồ sơ để ký', 'Select at least one dossier to sign') }] : []}
      />
      <h1 class="govuk-heading-l">{title}</h1>
      {outcome ? (
        <div class={`govuk-notification-banner ${failed.length ? '' : 'govuk-notification-banner--success'}`} role="alert" aria-labelledby="sign-title">
          <div class="govuk-notification-banner__header">
            <h2 class="govuk-notification-banner__title" id="sign-title">
              {t(req, 'Kết quả ký', 'Signing')}
            </h2>
          </div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(req, `Đã ký ${ok.length} kết quả.`, `${ok.length} ${ok.length === 1 ? 'result' : 'results'} signed.`)}
              {failed.length ? ` ${t(req, `${failed.length} hồ sơ chưa ký được.`, `${failed.length} could not be signed.`)}` : ''}
            </p>
            <ul class="govuk-list">
              {ok.map((o) => (
                <li>
                  <span class="cs-mono">{o.dossierCode}</span>
                  {label(o.dossierCode) ? ` — ${label(o.dossierCode)}` : ''}: {t(req, 'đã ký, mã kết quả', 'signed, result code')}{' '}
                  <a class="govuk-link cs-mono" href={`/verify/${encodeURIComponent(o.resultCode)}`}>
                    {o.resultCode}
                  </a>
                </li>
              ))}
              {failed.map((f) => (
                <li>
                  <span class="cs-mono">{f.dossierCode}</span>
                  {label(f.dossierCode) ? ` — ${label(f.dossierCode)}` : ''}: {t(req, 'chưa ký được', 'not signed')}.{' '}
                  {t(req, f.error.message, f.error.messageEn)}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <p class="govuk-body">
        {t(
          req,
          'Kết quả được ký bằng chữ ký số của lãnh đạo, sau đó đóng dấu số của cơ quan. Hãy xem trước từng kết quả trước khi ký.',
          "Each result is signed with the leader's digital signature, then sealed with the organisation's. Preview each result before signing it.",
        )}
      </p>
      {waiting.length === 0 ? (
        <p class="govuk-body">{t(req, 'Không có kết quả nào chờ ký.', 'No result waits for a signature.')}</p>
      ) : (
        <form method="post" action={SIGNING_URL} novalidate>
          <Csrf req={req} />
          <div class={`govuk-form-group${nothingTicked ? ' govuk-form-group--error' : ''}`}>
            <fieldset class="govuk-fieldset" aria-describedby={nothingTicked ? 'codes-error' : undefined}>
              <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, 'Chọn các kết quả cần ký', 'Select the results to sign')}</legend>
              {nothingTicked ? (
                <p class="govuk-error-message" id="codes-error">
                  <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span>{' '}
                  {t(req, 'Chọn ít nhất một hồ sơ để ký', 'Select at least one dossier to sign')}
                </p>
              ) : null}
              <TableWrap label={title}>
                <table class="govuk-table cs-table">
                  <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                      <th scope="col" class="govuk-table__header">
                        <span class="govuk-visually-hidden">{t(req, 'Chọn', 'Select')}</span>
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Mã hồ sơ', 'Code')}
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Thủ tục', 'Procedure')}
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Người nộp', 'Applicant')}
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Chuyên viên xử lý', 'Specialist')}
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Hạn trả', 'Due')}
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Kết quả', 'Result')}
                      </th>
                    </tr>
                  </thead>
                  <tbody class="govuk-table__body">
                    {waiting.map((d, i) => (
                      <tr class="govuk-table__row">
                        <td class="govuk-table__cell">
                          <div class="govuk-checkboxes govuk-checkboxes--small">
                            <div class="govuk-checkboxes__item">
                              <input class="govuk-checkboxes__input" type="checkbox" id={`sign-${i}`} name="codes" value={d.code} />
                              <label class="govuk-label govuk-checkboxes__label" for={`sign-${i}`}>
                                <span class="govuk-visually-hidden">{t(req, `Chọn hồ sơ ${d.code}`, `Select dossier ${d.code}`)}</span>
                              </label>
                            </div>
                          </div>
                        </td>
                        <td class="govuk-table__cell cs-mono">
                          <a class="govuk-link" href={`/can-bo/ho-so/${encodeURIComponent(d.code)}`}>
                            {d.code}
                          </a>
                        </td>
                        <td class="govuk-table__cell">{d.procedureName}</td>
                        <td class="govuk-table__cell">{d.applicantName}</td>
                        <td class="govuk-table__cell">{d.assignee ? officialLabel(req.lang, names, d.assignee, { role: false }) : '—'}</td>
                        <td class="govuk-table__cell">
                          <DueDate req={req} dueDate={d.dueDate} dueAt={d.dueAt} processingUnit={d.processingUnit} overdue={d.overdue} />
                        </td>
                        <td class="govuk-table__cell">
                          <a class="govuk-link" href={previewHref(d.code)} target="_blank" rel="noopener">
                            {t(req, 'Xem trước', 'Preview')}
                            <span class="govuk-visually-hidden">
                              {' '}
                              {t(req, `kết quả của hồ sơ ${d.code} (PDF, mở trong thẻ mới)`, `the result of dossier ${d.code} (PDF, opens in a new tab)`)}
                            </span>
                          </a>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </fieldset>
          </div>
          <button type="submit" class="govuk-button">
            {t(req, 'Ký số các kết quả đã chọn', 'Sign the selected results')}
          </button>
        </form>
      )}
      {signed.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Đã ký gần đây', 'Recently signed')}</h2>
          <ul class="govuk-list">
            {signed.map((s) => (
              <li>
                <a class="govuk-link cs-mono" href={`/verify/${encodeURIComponent(s.resultCode)}`}>
                  {s.resultCode}
                </a>{' '}
                — {s.documentName} ({s.dossierCode})
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Layout>
  );
}

/**
 * Before a batch is signed: the ticked dossiers, each with its preview, and one button that
 * says how many results the signature goes on. Codes not waiting for this leader's signature
 * are named and left out. A plain form: works without JavaScript.
 */
export function SigningConfirmPage({ req, chosen, unknown }: { req: FastifyRequest; chosen: DossierSummary[]; unknown: string[] }) {
  const title = t(req, 'Xác nhận ký số', 'Confirm the signature');
  const n = chosen.length;
  return (
    <Layout req={req} area="office" title={title}>
      <a href={SIGNING_URL} class="govuk-back-link">
        {t(req, 'Quay lại danh sách chờ ký', 'Back to the signing queue')}
      </a>
      <h1 class="govuk-heading-l">{title}</h1>
      {n ? (
        <p class="govuk-body">
          {t(
            req,
            `Bạn sắp ký số ${n} kết quả dưới đây. Sau khi ký, kết quả được đóng dấu số của cơ quan và không sửa được nữa.`,
            `You are about to sign the ${n} ${n === 1 ? 'result' : 'results'} below. Once signed, each is sealed by the organisation and can no longer be changed.`,
          )}
        </p>
      ) : null}
      {n ? (
        <ul class="govuk-list govuk-list--bullet cs-sign-list">
          {chosen.map((d) => (
            <li>
              <span class="cs-mono">{d.code}</span> — {nameOf(d)}
              {' · '}
              <a class="govuk-link" href={previewHref(d.code)} target="_blank" rel="noopener">
                {t(req, 'Xem trước', 'Preview')}
                <span class="govuk-visually-hidden">
                  {' '}
                  {t(req, `kết quả của hồ sơ ${d.code} (PDF, mở trong thẻ mới)`, `the result of dossier ${d.code} (PDF, opens in a new tab)`)}
                </span>
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {unknown.length ? (
        <WarningText req={req}>
          {t(
            req,
            `Không có trong danh sách chờ ký của bạn, sẽ không được ký: ${unknown.join(', ')}`,
            `Not waiting for your signature, will not be signed: ${unknown.join(', ')}`,
          )}
        </WarningText>
      ) : null}
      {n ? (
        <form method="post" action={SIGNING_URL} novalidate>
          <Csrf req={req} />
          <input type="hidden" name="confirm" value="1" />
          {chosen.map((d) => (
            <input type="hidden" name="codes" value={d.code} />
          ))}
          <div class="govuk-button-group">
            <button type="submit" class="govuk-button">
              {t(req, `Ký ${n} kết quả`, `Sign ${n} ${n === 1 ? 'result' : 'results'}`)}
            </button>
            <a class="govuk-link" href={SIGNING_URL}>
              {t(req, 'Hủy, quay lại', 'Cancel')}
            </a>
          </div>
        </form>
      ) : (
        <p class="govuk-body">
          <a class="govuk-link" href={SIGNING_URL}>
            {t(req, 'Quay lại danh sách chờ ký', 'Back to the signing queue')}
          </a>
        </p>
      )}
    </Layout>
  );
}
