import type { FastifyRequest } from 'fastify';
import type { DossierSummary } from '../../../modules/dossiers/list-dossiers.ts';
import type { SignOutcome } from '../../../modules/results/sign-results.ts';
import { Csrf, Layout, TableWrap, t } from '../../components/layout.tsx';
import { DueDate } from '../../components/dossier.tsx';

/** The signing leader's queue: approved dossiers whose result waits for a signature, signed one by one or in a batch. */
export function SigningQueuePage({ req, waiting, signed, outcome }: { req: FastifyRequest; waiting: DossierSummary[]; signed: { dossierCode: string; resultCode: string; documentName: string }[]; outcome?: SignOutcome[] }) {
  const title = t(req, 'Ký số kết quả', 'Sign results');
  const ok = outcome?.filter((o): o is Extract<SignOutcome, { resultCode: string }> => 'resultCode' in o) ?? [];
  const failed = outcome?.filter((o): o is Extract<SignOutcome, { error: unknown }> => 'error' in o) ?? [];
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      {outcome ? (
        <div class={`govuk-notification-banner ${failed.length ? '' : 'govuk-notification-banner--success'}`} role="alert" aria-labelledby="sign-title">
          <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="sign-title">{t(req, 'Kết quả ký', 'Signing')}</h2></div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-body">{t(req, `Đã ký ${ok.length} kết quả.`, `${ok.length} results signed.`)}</p>
            {ok.map((o) => <p class="govuk-body"><a class="govuk-link cs-mono" href={`/verify/${encodeURIComponent(o.resultCode)}`}>{o.resultCode}</a> — {o.dossierCode}</p>)}
            {failed.map((f) => <p class="govuk-body">{f.dossierCode}: {t(req, f.error.message, f.error.messageEn)}</p>)}
          </div>
        </div>
      ) : null}
      <p class="govuk-body">{t(req, 'Kết quả được ký bằng chữ ký số của lãnh đạo, sau đó đóng dấu số của cơ quan.', "Each result is signed with the leader's digital signature, then sealed with the organisation's.")}</p>
      {waiting.length === 0 ? (
        <p class="govuk-body">{t(req, 'Không có kết quả nào chờ ký.', 'No result waits for a signature.')}</p>
      ) : (
        <form method="post" action="/can-bo/ky-so">
          <Csrf req={req} />
          <TableWrap label={title}>
            <table class="govuk-table cs-table">
              <thead class="govuk-table__head"><tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">{t(req, 'Chọn', 'Select')}</span></th>
                <th scope="col" class="govuk-table__header">{t(req, 'Mã hồ sơ', 'Code')}</th>
                <th scope="col" class="govuk-table__header">{t(req, 'Thủ tục', 'Procedure')}</th>
                <th scope="col" class="govuk-table__header">{t(req, 'Người nộp', 'Applicant')}</th>
                <th scope="col" class="govuk-table__header">{t(req, 'Hạn trả', 'Due')}</th>
              </tr></thead>
              <tbody class="govuk-table__body">
                {waiting.map((d, i) => (
                  <tr class="govuk-table__row">
                    <td class="govuk-table__cell">
                      <div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">
                        <input class="govuk-checkboxes__input" type="checkbox" id={`sign-${i}`} name="codes" value={d.code} />
                        <label class="govuk-label govuk-checkboxes__label" for={`sign-${i}`}><span class="govuk-visually-hidden">{d.code}</span></label>
                      </div></div>
                    </td>
                    <td class="govuk-table__cell cs-mono"><a class="govuk-link" href={`/can-bo/ho-so/${encodeURIComponent(d.code)}`}>{d.code}</a></td>
                    <td class="govuk-table__cell">{d.procedureName}</td>
                    <td class="govuk-table__cell">{d.applicantName}</td>
                    <td class="govuk-table__cell"><DueDate req={req} dueDate={d.dueDate} overdue={d.overdue} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <button type="submit" class="govuk-button">{t(req, 'Ký số các kết quả đã chọn', 'Sign the selected results')}</button>
        </form>
      )}
      {signed.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Đã ký gần đây', 'Recently signed')}</h2>
          <ul class="govuk-list">
            {signed.map((s) => <li><a class="govuk-link cs-mono" href={`/verify/${encodeURIComponent(s.resultCode)}`}>{s.resultCode}</a> — {s.documentName} ({s.dossierCode})</li>)}
          </ul>
        </>
      ) : null}
    </Layout>
  );
}
