import type { FastifyRequest } from 'fastify';
import type { DatasetMetadata } from '../../../modules/open-data/schemas.ts';
import { LICENCE, OPEN_DATA_API } from '../../../modules/open-data/list-datasets.ts';
import { SUPPRESSION_RULE } from '../../../modules/open-data/suppress.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { Layout, t, TableWrap } from '../../components/layout.tsx';
import { monthText, STATISTICS_URL } from './public-statistics.tsx';

const TYPES: Record<DatasetMetadata['columns'][number]['type'], [string, string]> = {
  string: ['chuỗi', 'text'],
  integer: ['số nguyên', 'integer'],
  number: ['số', 'number'],
  boolean: ['đúng/sai', 'true/false'],
};

function Dataset({ req, d }: { req: FastifyRequest; d: DatasetMetadata }) {
  const title = t(req, d.title, d.titleEn);
  return (
    <section class="govuk-!-margin-bottom-9" id={`dataset-${d.id}`} aria-labelledby={`dataset-${d.id}-title`}>
      <h2 class="govuk-heading-m" id={`dataset-${d.id}-title`}>
        {title}
      </h2>
      <p class="govuk-body">{t(req, d.description, d.descriptionEn)}</p>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Tải về', 'Download')}</dt>
          <dd class="govuk-summary-list__value">
            <a class="govuk-link" href={d.links.json} type="application/json">
              JSON
            </a>
            {' · '}
            <a class="govuk-link" href={d.links.csv} type="text/csv" download>
              CSV
            </a>
            {d.period ? (
              <span class="govuk-body-s cs-meta">
                {' '}
                {t(
                  req,
                  `(${monthText(req.lang, d.period.from)} – ${monthText(req.lang, d.period.to)}; chọn kỳ khác bằng ?from=YYYY-MM&to=YYYY-MM)`,
                  `(${d.period.from} to ${d.period.to}; choose another period with ?from=YYYY-MM&to=YYYY-MM)`,
                )}
              </span>
            ) : null}
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Giấy phép', 'Licence')}</dt>
          <dd class="govuk-summary-list__value">
            <a class="govuk-link" href={d.licence.url} rel="license">
              {d.licence.name}
            </a>
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Tần suất cập nhật', 'Update frequency')}</dt>
          <dd class="govuk-summary-list__value">
            {t(
              req,
              `Liên tục: số liệu theo từng hồ sơ, trễ tối đa ${Math.ceil(d.maxAgeSeconds / 60)} phút`,
              `Continuous: the figures follow every dossier, at most ${Math.ceil(d.maxAgeSeconds / 60)} minute${d.maxAgeSeconds > 60 ? 's' : ''} late`,
            )}
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Cập nhật lần cuối', 'Last updated')}</dt>
          <dd class="govuk-summary-list__value">{formatDateTime(req.lang, d.lastUpdated)}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Đơn vị công bố', 'Publisher')}</dt>
          <dd class="govuk-summary-list__value">{d.publisher}</dd>
        </div>
      </dl>
      <details class="govuk-details">
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">{t(req, `Cấu trúc dữ liệu: ${d.columns.length} cột`, `Schema: ${d.columns.length} columns`)}</span>
        </summary>
        <div class="govuk-details__text">
          <TableWrap label={t(req, `Các cột của ${d.title}`, `Columns of ${d.titleEn}`)}>
            <table class="govuk-table cs-table">
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Cột', 'Column')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Kiểu', 'Type')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Ý nghĩa', 'Meaning')}
                  </th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {d.columns.map((c) => (
                  <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header cs-mono">
                      {c.name}
                    </th>
                    <td class="govuk-table__cell">
                      {t(req, ...TYPES[c.type])}
                      {c.nullable ? t(req, ', có thể trống', ', may be empty') : ''}
                    </td>
                    <td class="govuk-table__cell">{t(req, c.description, c.descriptionEn)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </div>
      </details>
    </section>
  );
}

/** `/du-lieu-mo`: the open datasets, with their licence, update time, schema and links to JSON, CSV and the API documentation. */
export function OpenDataPage({ req, datasets }: { req: FastifyRequest; datasets: DatasetMetadata[] }) {
  const title = t(req, 'Dữ liệu mở', 'Open data');
  return (
    <Layout req={req} area="portal" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body-l">
        {t(
          req,
          'Dữ liệu tổng hợp về thủ tục hành chính và tình hình giải quyết hồ sơ, để mọi người tự do sử dụng. Không có thông tin cá nhân.',
          'Aggregated data on administrative procedures and how dossiers are processed, free for anyone to use. No personal data.',
        )}
      </p>
      <p class="govuk-body">
        {t(req, 'Giấy phép: ', 'Licence: ')}
        <a class="govuk-link" href={LICENCE.url} rel="license">
          {LICENCE.name}
        </a>
        . {t(req, LICENCE.note, LICENCE.noteEn)}
      </p>
      <div class="govuk-inset-text">{t(req, SUPPRESSION_RULE.vi, SUPPRESSION_RULE.en)}</div>
      {datasets.map((d) => (
        <Dataset req={req} d={d} />
      ))}
      <h2 class="govuk-heading-m">{t(req, 'Dành cho lập trình viên', 'For developers')}</h2>
      <ul class="govuk-list govuk-list--bullet">
        <li>
          <code class="cs-mono">GET {OPEN_DATA_API}</code> — {t(req, 'danh sách bộ dữ liệu và siêu dữ liệu', 'the datasets and their metadata')}
        </li>
        <li>
          <code class="cs-mono">
            GET {OPEN_DATA_API}/{'{dataset}'}?from=YYYY-MM&amp;to=YYYY-MM&amp;format=csv
          </code>{' '}
          — {t(req, 'một bộ dữ liệu, JSON (mặc định) hoặc CSV', 'one dataset, JSON (the default) or CSV')}
        </li>
        <li>
          <a class="govuk-link" href="/api/docs">
            {t(req, 'Tài liệu API (OpenAPI), có lược đồ của từng bộ dữ liệu', 'API documentation (OpenAPI), with every dataset’s schema')}
          </a>{' '}
          ·{' '}
          <a class="govuk-link" href="/api/openapi.json">
            openapi.json
          </a>
        </li>
      </ul>
      <p class="govuk-body">
        <a class="govuk-link" href={STATISTICS_URL}>
          {t(req, 'Xem thống kê tình hình giải quyết hồ sơ', 'See the dossier statistics')}
        </a>
      </p>
    </Layout>
  );
}
