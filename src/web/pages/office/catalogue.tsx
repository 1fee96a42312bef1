import type { FastifyRequest } from 'fastify';
import type { ImportResult } from '../../../modules/catalog/import-procedures.ts';
import type { ProcedureSummary } from '../../../modules/catalog/search-procedures.ts';
import type { AppError } from '../../../platform/errors.ts';
import { Csrf, Layout, Pagination, t, TableWrap } from '../../components/layout.tsx';
import { LevelBadge } from '../portal/catalogue.tsx';
import { editUrl, versionsUrl } from './procedure-edit.tsx';

export function OfficeCataloguePage(props: {
  req: FastifyRequest;
  q: string;
  items: ProcedureSummary[];
  total: number;
  page: number;
  canImport: boolean;
  result?: ImportResult;
  error?: AppError;
}) {
  const { req } = props;
  return (
    <Layout req={req} area="office" title={t(req, 'Danh mục thủ tục', 'Procedure catalogue')}>
      <h1 class="govuk-heading-l">{t(req, 'Danh mục thủ tục hành chính', 'Procedure catalogue')}</h1>
      {props.result ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(
                req,
                `Đã nhập: ${props.result.created} thủ tục mới, ${props.result.newVersions} phiên bản mới, ${props.result.unchanged} không đổi.`,
                `Imported: ${props.result.created} new, ${props.result.newVersions} new versions, ${props.result.unchanged} unchanged.`,
              )}
            </p>
          </div>
        </div>
      ) : null}
      {props.result?.warnings.length ? (
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <div class="govuk-warning-text__text">
            <span class="govuk-visually-hidden">{t(req, 'Cảnh báo', 'Warning')}</span>
            {t(req, 'Cần xem lại thời hạn giải quyết:', 'Time limits to review:')}
            <ul class="govuk-list govuk-list--bullet">
              {props.result.warnings.slice(0, 50).map((w) => (
                <li>{t(req, w.message, w.messageEn)}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {props.error ? (
        <div class="govuk-error-summary" role="alert">
          <h2 class="govuk-error-summary__title">{t(req, props.error.text.vi, props.error.text.en)}</h2>
          <div class="govuk-error-summary__body">
            <ul class="govuk-list govuk-error-summary__list">
              {(props.error.details ?? []).slice(0, 30).map((d) => (
                <li>
                  <code>{d.path}</code>: {t(req, d.message, d.messageEn)}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <form method="get" action="/can-bo/thu-tuc" role="search">
        <div class="govuk-form-group">
          <label class="govuk-label" for="q">
            {t(req, 'Tìm theo tên hoặc mã', 'Search by name or code')}
          </label>
          <input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value={props.q} />
          <button type="submit" class="govuk-button govuk-!-margin-left-2 govuk-!-margin-bottom-0">
            {t(req, 'Tìm', 'Search')}
          </button>
        </div>
      </form>
      <TableWrap label={t(req, 'Danh mục thủ tục', 'Procedure catalogue')}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--s">
            {t(req, `${props.total} thủ tục đang hiệu lực`, `${props.total} procedures in force`)}
          </caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                {t(req, 'Mã', 'Code')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Tên thủ tục', 'Name')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Lĩnh vực', 'Field')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Mức độ', 'Level')}
              </th>
              <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                {t(req, 'Phiên bản', 'Version')}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {props.items.map((p) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">{p.code}</td>
                <td class="govuk-table__cell">
                  <a class="govuk-link" href={`/thu-tuc/${encodeURIComponent(p.code)}`}>
                    {p.name}
                  </a>
                  {props.canImport ? (
                    <>
                      <br />
                      <a class="govuk-link govuk-body-s" href={editUrl(p.code)}>
                        {t(req, 'Sửa thủ tục', 'Edit procedure')}
                        <span class="govuk-visually-hidden"> {p.code}</span>
                      </a>
                    </>
                  ) : null}
                </td>
                <td class="govuk-table__cell">{p.field}</td>
                <td class="govuk-table__cell">
                  <LevelBadge req={req} level={p.level} />
                </td>
                <td class="govuk-table__cell govuk-table__cell--numeric">
                  <a class="govuk-link" href={versionsUrl(p.code)}>
                    {p.version}
                    <span class="govuk-visually-hidden"> {t(req, `— các phiên bản của ${p.code}`, `— versions of ${p.code}`)}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <Pagination req={req} page={props.page} total={props.total} pageSize={50} href={(n) => `/can-bo/thu-tuc?q=${encodeURIComponent(props.q)}&page=${n}`} />
      {props.canImport ? (
        <>
          <h2 class="govuk-heading-m" id="import">
            {t(req, 'Nhập thủ tục từ Cơ sở dữ liệu quốc gia', 'Import from the national procedures database')}
          </h2>
          <p class="govuk-body">
            <a class="govuk-link" href="/can-bo/thu-tuc/lay-tu-dvcqg">
              {t(req, 'Lấy từ Cổng DVCQG: xem khác biệt rồi áp dụng', 'Pull from the National Public Service Portal: see the differences, then apply')}
            </a>
          </p>
          <p class="govuk-body">
            {t(
              req,
              'Dán nội dung JSON theo định dạng của Cơ sở dữ liệu quốc gia về thủ tục hành chính (một bản ghi hoặc một mảng). Thủ tục đã có sẽ được tạo phiên bản mới nếu nội dung thay đổi. Tệp lớn: dùng ',
              'Paste JSON in the national procedures database format (one record or an array). Existing procedures get a new version when their content changed. Large files: use ',
            )}
            <code>npm run import -- FILE…</code> {t(req, 'hoặc', 'or')} <code>POST /api/v1/procedures/import</code>.
          </p>
          <form method="post" action="/can-bo/thu-tuc/nhap">
            <Csrf req={req} />
            <div class="govuk-form-group">
              <label class="govuk-label" for="json">
                {t(req, 'Nội dung JSON', 'JSON content')}
              </label>
              <textarea class="govuk-textarea cs-mono" id="json" name="json" rows={10} spellcheck={false} required></textarea>
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label" for="effectiveFrom">
                {t(req, 'Ngày có hiệu lực (để trống: ngay bây giờ)', 'Effective date (empty: now)')}
              </label>
              <input class="govuk-input govuk-input--width-10" id="effectiveFrom" name="effectiveFrom" type="date" />
            </div>
            <button type="submit" class="govuk-button">
              {t(req, 'Nhập thủ tục', 'Import')}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}
