import type { FastifyRequest } from 'fastify';
import type { Facet, ProcedureSummary } from '../../../modules/catalog/search-procedures.ts';
import { Layout, t } from '../../components/layout.tsx';
import { ProcedureCard } from './catalogue.tsx';

export function HomePage({ req, popular, fields, total }: { req: FastifyRequest; popular: ProcedureSummary[]; fields: Facet[]; total: number }) {
  return (
    <Layout req={req} area="portal" title={t(req, 'Cổng dịch vụ công', 'Public service portal')}>
      <div class="cs-hero">
        <h1 class="govuk-heading-xl">{t(req, 'Dịch vụ công trực tuyến', 'Online public services')}</h1>
        <p class="govuk-body-l">
          {t(
            req,
            `Tra cứu ${total} thủ tục hành chính, nộp hồ sơ trực tuyến và theo dõi kết quả giải quyết.`,
            `Find ${total} administrative procedures, file dossiers online and follow their progress.`,
          )}
        </p>
        <form method="get" action="/thu-tuc" role="search">
          <div class="govuk-form-group">
            <label class="govuk-label govuk-label--m" for="q">
              {t(req, 'Tìm kiếm thủ tục', 'Search procedures')}
            </label>
            <input
              class="govuk-input"
              id="q"
              name="q"
              type="search"
              placeholder={t(req, 'ví dụ: chứng nhận xuất xứ mẫu D', 'e.g. certificate of origin form D')}
            />
          </div>
          <button type="submit" class="govuk-button govuk-!-margin-bottom-0">
            {t(req, 'Tìm kiếm', 'Search')}
          </button>
        </form>
      </div>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h2 class="govuk-heading-m">{t(req, 'Dịch vụ công được quan tâm', 'Popular services')}</h2>
          {popular.map((p) => (
            <ProcedureCard req={req} p={p} />
          ))}
          <p class="govuk-body">
            <a class="govuk-link" href="/thu-tuc">
              {t(req, 'Xem tất cả thủ tục', 'See all procedures')}
            </a>
          </p>
        </div>
        <div class="govuk-grid-column-one-third">
          <div class="cs-card">
            <h2 class="govuk-heading-m">{t(req, 'Tra cứu hồ sơ', 'Track a dossier')}</h2>
            <form method="get" action="/tra-cuu">
              <div class="govuk-form-group">
                <label class="govuk-label" for="ma">
                  {t(req, 'Mã hồ sơ', 'Dossier code')}
                </label>
                <div class="govuk-hint" id="ma-hint">
                  {t(req, 'In trên giấy tiếp nhận, ví dụ 000.05.01.G12-261123-0001', 'Printed on the receipt, e.g. 000.05.01.G12-261123-0001')}
                </div>
                <input class="govuk-input" id="ma" name="ma" type="text" aria-describedby="ma-hint" autocomplete="off" />
              </div>
              <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
                {t(req, 'Tra cứu', 'Look up')}
              </button>
            </form>
          </div>
          <h2 class="govuk-heading-m">{t(req, 'Lĩnh vực', 'Fields')}</h2>
          <ul class="govuk-list">
            {fields.map((f) => (
              <li>
                <a class="govuk-link" href={`/thu-tuc?field=${encodeURIComponent(f.value)}`}>
                  {f.label}
                </a>{' '}
                <span class="cs-meta">({f.count})</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </Layout>
  );
}
