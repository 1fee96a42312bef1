import type { FastifyRequest } from 'fastify';
import type { PublicDossier } from '../../../modules/dossiers/track-dossier.ts';
import { Layout, t, WarningText } from '../../components/layout.tsx';
import { StatusTag } from './dossier-mine.tsx';
import { dueText } from '../../components/dossier.tsx';
import { formatDate } from '../../../platform/i18n/index.ts';

/**
 * Public tracking by dossier code: the procedure, status and dates, nothing personal. With a
 * code that matches nothing, a friendly message (the route answers 404).
 */
export function DossierTrackPage({ req, code, found }: { req: FastifyRequest; code: string; found: PublicDossier | null }) {
  const notFound = Boolean(code) && !found;
  return (
    <Layout req={req} area="portal" title={found ? `${t(req, 'Tra cứu hồ sơ', 'Track a dossier')} ${found.code}` : t(req, 'Tra cứu hồ sơ', 'Track a dossier')}>
      <h1 class="govuk-heading-l">{t(req, 'Tra cứu hồ sơ', 'Track a dossier')}</h1>
      <form method="get" action="/tra-cuu">
        <div class="govuk-form-group">
          <label class="govuk-label" for="ma">
            {t(req, 'Mã hồ sơ', 'Dossier code')}
          </label>
          <div class="govuk-hint" id="ma-hint">
            {t(req, 'Mã in trên giấy tiếp nhận hoặc trong thư thông báo', 'The code on your receipt or in the notification')}
          </div>
          <input
            class="govuk-input govuk-!-width-two-thirds"
            id="ma"
            name="ma"
            type="text"
            value={code}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="ma-hint"
          />
        </div>
        <button type="submit" class="govuk-button">
          {t(req, 'Tra cứu', 'Look up')}
        </button>
      </form>
      {found ? (
        <section aria-labelledby="result-title">
          <h2 class="govuk-heading-m" id="result-title">
            {t(req, 'Hồ sơ', 'Dossier')} {found.code}
          </h2>
          <dl class="govuk-summary-list">
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Thủ tục', 'Procedure')}</dt>
              <dd class="govuk-summary-list__value">{found.procedureName}</dd>
            </div>
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Trạng thái', 'Status')}</dt>
              <dd class="govuk-summary-list__value">
                <StatusTag req={req} status={found.status} />
              </dd>
            </div>
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Ngày nộp', 'Filed')}</dt>
              <dd class="govuk-summary-list__value">{formatDate(req.lang, found.submittedAt)}</dd>
            </div>
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Hạn giải quyết', 'Due date')}</dt>
              <dd class="govuk-summary-list__value">
                {dueText(req.lang, found) ?? t(req, 'Tính từ ngày tiếp nhận', 'Counted from receipt')}
                {found.overdue ? <strong class="govuk-tag govuk-tag--red govuk-!-margin-left-1">{t(req, 'Quá hạn', 'Overdue')}</strong> : null}
              </dd>
            </div>
            {found.finishedAt ? (
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{t(req, 'Ngày kết thúc', 'Finished')}</dt>
                <dd class="govuk-summary-list__value">{formatDate(req.lang, found.finishedAt)}</dd>
              </div>
            ) : null}
          </dl>
        </section>
      ) : notFound ? (
        <WarningText req={req} role="status">
          {t(req, `Không tìm thấy hồ sơ có mã ${code}. Kiểm tra lại mã trên giấy tiếp nhận.`, `No dossier with code ${code}. Check the code on your receipt.`)}
        </WarningText>
      ) : null}
    </Layout>
  );
}
