import type { FastifyRequest } from 'fastify';
import type { CatalogueApplied, CatalogueEntry, CataloguePreview } from '../../../modules/national-portal/pull-national-catalogue.ts';
import type { AppError } from '../../../platform/errors.ts';
import { Csrf, Layout, t, TableWrap } from '../../components/layout.tsx';
import { versionsUrl } from './procedure-edit.tsx';

export const NATIONAL_CATALOGUE_URL = '/can-bo/thu-tuc/lay-tu-dvcqg';

const STATUS = {
  new: { vi: 'Mới', en: 'New', tag: 'govuk-tag--green' },
  changed: { vi: 'Thay đổi', en: 'Changed', tag: 'govuk-tag--yellow' },
  unchanged: { vi: 'Không đổi', en: 'Unchanged', tag: 'govuk-tag--grey' },
} as const;

/** Text with its line breaks kept (lists of components, legal bases). */
const Lines = (props: { text: string }) => (
  <>
    {props.text.split('\n').map((l, i) => (
      <>
        {i ? <br /> : null}
        {l}
      </>
    ))}
  </>
);

function EntryRows(props: { req: FastifyRequest; e: CatalogueEntry }) {
  const { req, e } = props;
  const s = STATUS[e.status];
  const head = (
    <>
      <td class="govuk-table__cell">
        {e.status === 'new' ? (
          e.code
        ) : (
          <a class="govuk-link" href={versionsUrl(e.code)}>
            {e.code}
          </a>
        )}
      </td>
      <td class="govuk-table__cell">
        {e.name}
        {e.status === 'new' && !e.agencyCode ? (
          <p class="govuk-body-s govuk-!-margin-bottom-0">
            {t(
              req,
              'Cơ quan thực hiện không thuộc Bộ: thủ tục được tạo chưa có quy trình xử lý, cần bổ sung trước khi nhận hồ sơ.',
              'Its agency is not one of our units: the procedure is created without a workflow, to be completed before it takes dossiers.',
            )}
          </p>
        ) : null}
      </td>
      <td class="govuk-table__cell">
        <strong class={`govuk-tag ${s.tag}`}>{t(req, s.vi, s.en)}</strong>
      </td>
    </>
  );
  if (!e.changes.length)
    return (
      <tr class="govuk-table__row">
        {head}
        <td class="govuk-table__cell" colspan={3}>
          {e.status === 'new' ? t(req, 'Thủ tục chưa có trong danh mục của Bộ', 'Not in our catalogue yet') : '—'}
        </td>
      </tr>
    );
  return (
    <>
      {e.changes.map((c, i) => (
        <tr class="govuk-table__row">
          {i === 0 ? head : <td class="govuk-table__cell" colspan={3}></td>}
          <th scope="row" class="govuk-table__header">
            {t(req, c.label.vi, c.label.en)}
          </th>
          <td class="govuk-table__cell">
            <Lines text={c.ours} />
          </td>
          <td class="govuk-table__cell">
            <Lines text={c.theirs} />
          </td>
        </tr>
      ))}
    </>
  );
}

/**
 * Pulling the catalogue from the National Public Service Portal (LayDanhSachTTHC, LayThuTuc):
 * the administrator asks for the differences, reads them (new procedures, each changed field
 * beside ours, the unchanged ones counted), and applies them through the catalogue import.
 */
export function NationalCataloguePage(props: {
  req: FastifyRequest;
  configured: boolean;
  preview?: CataloguePreview;
  applied?: CatalogueApplied;
  error?: AppError;
}) {
  const { req, preview } = props;
  const title = t(req, 'Lấy thủ tục từ Cổng Dịch vụ công quốc gia', 'Pull procedures from the National Public Service Portal');
  const shown = preview?.entries.filter((e) => e.status !== 'unchanged') ?? [];
  return (
    <Layout req={req} area="office" title={title}>
      <a class="govuk-back-link" href="/can-bo/thu-tuc">
        {t(req, 'Danh mục thủ tục', 'Procedure catalogue')}
      </a>
      <h1 class="govuk-heading-l">{title}</h1>
      {props.applied ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(
                req,
                `Đã áp dụng: ${props.applied.created} thủ tục mới, ${props.applied.newVersions} phiên bản mới.`,
                `Applied: ${props.applied.created} new procedures, ${props.applied.newVersions} new versions.`,
              )}
            </p>
          </div>
        </div>
      ) : null}
      {props.error ? (
        <div class="govuk-error-summary" role="alert">
          <h2 class="govuk-error-summary__title">{t(req, props.error.text.vi, props.error.text.en)}</h2>
        </div>
      ) : null}
      <p class="govuk-body">
        {t(
          req,
          'Hệ thống hỏi Cổng Dịch vụ công quốc gia danh sách thủ tục của Bộ (LayDanhSachTTHC) và dữ liệu từng thủ tục (LayThuTuc), rồi so với danh mục đang dùng. Chưa có gì thay đổi cho đến khi bạn chọn Áp dụng. Thủ tục thay đổi được tạo phiên bản mới từ hôm nay, giữ nguyên biểu mẫu điện tử, quy trình và quy tắc thu phí của Bộ; hồ sơ đã nộp vẫn theo phiên bản cũ.',
          "The system asks the National Public Service Portal for the ministry's procedures (LayDanhSachTTHC) and each one's data (LayThuTuc), and compares them with our catalogue. Nothing changes until you choose Apply. A changed procedure gets a new version from today, keeping our e-form, workflow and fee rules; dossiers already filed keep their version.",
        )}
      </p>
      {props.configured ? (
        <form method="post" action={NATIONAL_CATALOGUE_URL}>
          <Csrf req={req} />
          <input type="hidden" name="op" value="preview" />
          <button type="submit" class={`govuk-button${preview ? ' govuk-button--secondary' : ''}`}>
            {preview ? t(req, 'Lấy lại từ Cổng DVCQG', 'Pull again from the portal') : t(req, 'Lấy từ Cổng DVCQG', 'Pull from the portal')}
          </button>
        </form>
      ) : (
        <div class="govuk-inset-text">
          {t(
            req,
            'Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia (NATIONAL_PORTAL_URL).',
            'The National Public Service Portal is not configured (NATIONAL_PORTAL_URL).',
          )}
        </div>
      )}
      {preview ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Khác biệt so với danh mục của Bộ', 'Differences from our catalogue')}</h2>
          <ul class="govuk-list govuk-list--bullet" id="counts">
            <li>{t(req, `${preview.counts.new} thủ tục mới`, `${preview.counts.new} new procedures`)}</li>
            <li>{t(req, `${preview.counts.changed} thủ tục thay đổi`, `${preview.counts.changed} changed procedures`)}</li>
            <li>{t(req, `${preview.counts.unchanged} thủ tục không đổi`, `${preview.counts.unchanged} unchanged procedures`)}</li>
          </ul>
          {shown.length ? (
            <>
              <TableWrap label={t(req, 'Khác biệt', 'Differences')}>
                <table class="govuk-table" id="diff">
                  <caption class="govuk-table__caption govuk-table__caption--s">
                    {t(req, 'Thủ tục mới và thay đổi; cột cuối là dữ liệu trên Cổng', 'New and changed procedures; the last column is what the portal says')}
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
                        {t(req, 'Tình trạng', 'Status')}
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Nội dung', 'Field')}
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Danh mục của Bộ', 'Ours')}
                      </th>
                      <th scope="col" class="govuk-table__header">
                        {t(req, 'Trên Cổng DVCQG', 'On the portal')}
                      </th>
                    </tr>
                  </thead>
                  <tbody class="govuk-table__body">
                    {shown.map((e) => (
                      <EntryRows req={req} e={e} />
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <form method="post" action={NATIONAL_CATALOGUE_URL}>
                <Csrf req={req} />
                <input type="hidden" name="op" value="apply" />
                <input type="hidden" name="fingerprint" value={preview.fingerprint} />
                <button type="submit" class="govuk-button">
                  {t(req, `Áp dụng ${shown.length} thay đổi`, `Apply ${shown.length} changes`)}
                </button>
              </form>
            </>
          ) : (
            <p class="govuk-body">
              {t(req, 'Danh mục của Bộ khớp với Cổng DVCQG: không có gì để áp dụng.', 'Our catalogue matches the portal: nothing to apply.')}
            </p>
          )}
        </>
      ) : null}
    </Layout>
  );
}
