import type { FastifyRequest } from 'fastify';
import type { CampaignView } from '../../../modules/digitisation/campaign.ts';
import type { LegacyBatchView } from '../../../modules/digitisation/import-legacy-results.ts';
import { LEGACY_CSV_LIMITS } from '../../../modules/digitisation/legacy-csv.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { Csrf, ErrorMessage, ErrorSummary, Layout, t } from '../../components/layout.tsx';
import { CHART_COLORS, chartSvg } from '../../components/charts.tsx';

export const CAMPAIGN_URL = '/can-bo/so-hoa/chien-dich';
export const CHART_URL = `${CAMPAIGN_URL}/bieu-do.svg`;
export const LEGACY_URL = '/can-bo/so-hoa/ket-qua-cu';

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const vnDate = (req: FastifyRequest, d: string) => (req.lang === 'en' ? d : d.split('-').reverse().join('/'));
const unitName = (req: FastifyRequest, u: CampaignView['units'][number]) => (req.lang === 'en' && u.nameEn ? u.nameEn : u.name);

/**
 * The campaign's bar chart, drawn on the server by ECharts (SVG, no script): digitised and
 * confirmed per unit, as a share of the valid results known. Served as an image (the page's table
 * says the same in text); inline `style` attributes become presentation attributes, so the
 * picture looks the same under a style policy that allows no inline style.
 */
export function campaignChartSvg(view: CampaignView, lang: 'vi' | 'en'): string {
  const units = [...view.units].reverse();
  const height = Math.max(160, 70 + units.length * 44);
  const digitised = lang === 'vi' ? 'Đã số hóa' : 'Digitised';
  const confirmed = lang === 'vi' ? 'Đã xác nhận' : 'Confirmed';
  return chartSvg(
    {
      legend: { top: 0, data: [digitised, confirmed] },
      grid: { left: 220, right: 40, top: 36, bottom: 28 },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: {
        type: 'category',
        data: units.map((u) => {
          const n = lang === 'en' && u.nameEn ? u.nameEn : u.name;
          return n.length > 32 ? `${n.slice(0, 31)}…` : n;
        }),
      },
      series: [
        { name: digitised, type: 'bar', color: CHART_COLORS.red, data: units.map((u) => Math.round(u.progress * 1000) / 10) },
        { name: confirmed, type: 'bar', color: CHART_COLORS.blue, data: units.map((u) => Math.round(u.confirmedProgress * 1000) / 10) },
      ],
    },
    { width: 760, height },
  );
}

/** `/can-bo/so-hoa/chien-dich`: per unit, how far digitisation of valid results has come, against the deadline. */
export function CampaignPage({ req, view, isAdmin, error }: { req: FastifyRequest; view: CampaignView; isAdmin: boolean; error?: string }) {
  const title = t(req, 'Chiến dịch số hóa kết quả còn hiệu lực', 'Digitisation campaign: valid results');
  const summary = t(
    req,
    `Biểu đồ tỷ lệ đã số hóa và đã xác nhận theo đơn vị; tổng cộng ${view.totals.digitised}/${view.totals.known} kết quả đã số hóa (${pct(view.totals.progress)}). Số liệu đầy đủ ở bảng bên dưới.`,
    `Chart of the share digitised and confirmed per unit; in all ${view.totals.digitised} of ${view.totals.known} results digitised (${pct(view.totals.progress)}). The table below has every figure.`,
  );
  return (
    <Layout req={req} area="office" title={title}>
      <ErrorSummary req={req} errors={error ? [{ href: '#deadline', text: error }] : []} />
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body-l" id="deadline-summary">
        {t(req, 'Thời hạn', 'Deadline')}: <strong>{vnDate(req, view.deadline)}</strong>{' '}
        {view.daysLeft >= 0
          ? t(req, `(còn ${view.daysLeft} ngày)`, `(${view.daysLeft} days left)`)
          : t(req, `(đã quá hạn ${-view.daysLeft} ngày)`, `(${-view.daysLeft} days overdue)`)}
        {view.deadlineSet ? null : <span class="govuk-body-s"> {t(req, '— mặc định: 31/12 năm nay', '— default: 31 December this year')}</span>}
      </p>
      <p class="govuk-body">
        {t(
          req,
          'Kết quả còn hiệu lực gồm kết quả cấp điện tử còn hiệu lực và kết quả cấp trước khi có hệ thống đã nhập (chưa hết hạn). Kết quả cấp điện tử đã là bản số hóa, siêu dữ liệu do cán bộ cấp nhập và ký; kết quả cũ được tính là đã xác nhận khi siêu dữ liệu đã được cán bộ xác nhận.',
          'Valid results are electronic results still valid and results issued before the system that were imported (not expired). Electronic results are digital from birth, their metadata entered and signed by the issuing officials; an old result counts as confirmed once an officer confirmed its metadata.',
        )}
      </p>
      <figure class="cs-chart">
        <img src={`${CHART_URL}?lang=${req.lang}`} alt={summary} width="760" />
        <figcaption class="govuk-body-s">{summary}</figcaption>
      </figure>
      <table class="govuk-table" id="campaign-table">
        <caption class="govuk-table__caption govuk-table__caption--m">{t(req, 'Tiến độ theo đơn vị', 'Progress per unit')}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">
              {t(req, 'Đơn vị', 'Unit')}
            </th>
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">
              {t(req, 'Còn hiệu lực', 'Valid')}
            </th>
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">
              {t(req, 'Đã số hóa', 'Digitised')}
            </th>
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">
              {t(req, 'Đã xác nhận', 'Confirmed')}
            </th>
            <th scope="col" class="govuk-table__header">
              {t(req, 'Tiến độ', 'Progress')}
            </th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {view.units.map((u) => (
            <tr class="govuk-table__row" data-unit={u.unitId}>
              <th scope="row" class="govuk-table__header">
                {unitName(req, u)} <span class="cs-mono govuk-body-s">{u.unitId}</span>
              </th>
              <td class="govuk-table__cell govuk-table__cell--numeric">{u.known}</td>
              <td class="govuk-table__cell govuk-table__cell--numeric">{u.digitised}</td>
              <td class="govuk-table__cell govuk-table__cell--numeric">{u.confirmed}</td>
              <td class="govuk-table__cell">
                <progress
                  max={1000}
                  value={Math.round(u.progress * 1000)}
                  aria-label={t(req, `Đã số hóa ${unitName(req, u)}`, `Digitised, ${unitName(req, u)}`)}
                >
                  {pct(u.progress)}
                </progress>{' '}
                {pct(u.progress)}
              </td>
            </tr>
          ))}
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header">
              {t(req, 'Tổng', 'Total')}
            </th>
            <td class="govuk-table__cell govuk-table__cell--numeric">{view.totals.known}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">{view.totals.digitised}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">{view.totals.confirmed}</td>
            <td class="govuk-table__cell">{pct(view.totals.progress)}</td>
          </tr>
        </tbody>
      </table>
      <p class="govuk-body">
        <a class="govuk-link" href={`/api/v1/digitisation/campaign.xlsx?lang=${req.lang}`} download>
          {t(req, 'Tải bảng (XLSX)', 'Download the table (XLSX)')}
        </a>{' '}
        ·{' '}
        <a class="govuk-link" href={LEGACY_URL}>
          {t(req, 'Nhập kết quả cấp trước khi có hệ thống', 'Import results issued before the system')}
        </a>
      </p>
      {isAdmin ? (
        <form method="post" action={CAMPAIGN_URL} novalidate>
          <Csrf req={req} />
          <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
            <label class="govuk-label govuk-label--s" for="deadline">
              {t(req, 'Đặt thời hạn chiến dịch', 'Set the campaign deadline')}
            </label>
            <ErrorMessage req={req} id="deadline" error={error} />
            <input class="govuk-input govuk-input--width-10" id="deadline" name="deadline" type="date" value={view.deadline} />
          </div>
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
            {t(req, 'Lưu thời hạn', 'Save the deadline')}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}

/** The CSV's columns: the header names it accepts (literal values, shown as code), and a note in each language. */
const COLUMNS_DOC: [string, string, [string, string] | null, boolean][] = [
  ['tệp', 'file', ['Tên tệp quét trong lô', 'The scan’s name in the batch'], true],
  ['số định danh', 'holder identifier', ['CCCD 12 số hoặc mã số thuế 10/13 số', 'Citizen ID (12 digits) or tax code (10/13)'], true],
  ['người được cấp', 'holder name', null, false],
  ['tên giấy tờ', 'document name', null, true],
  ['loại giấy tờ', 'document type', ['Quyết định, giấy chứng nhận, giấy phép, …', 'Decision, certificate, licence, …'], false],
  ['số', 'number', null, false],
  ['ký hiệu', 'notation', null, false],
  ['cơ quan ban hành', 'issuing agency', null, false],
  ['ngày ban hành', 'issue date', ['dd/mm/yyyy hoặc yyyy-mm-dd', 'dd/mm/yyyy or yyyy-mm-dd'], true],
  ['có giá trị đến', 'valid until', ['Để trống nếu không thời hạn', 'Empty for no limit'], false],
];

/** `/can-bo/so-hoa/ket-qua-cu`: import old results, a ZIP, a folder with its CSV, or one file; the latest batches. */
export function LegacyImportPage({
  req,
  batches,
  error,
}: {
  req: FastifyRequest;
  batches: { id: string; unitId: string; status: string; total: number; createdAt: string }[];
  error?: string;
}) {
  const title = t(req, 'Nhập kết quả cấp trước khi có hệ thống', 'Import results issued before the system');
  return (
    <Layout req={req} area="office" title={title}>
      <ErrorSummary req={req} errors={error ? [{ href: '#files', text: error }] : []} />
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {t(
          req,
          `Gửi một tệp ZIP gồm các bản quét (PDF, TIFF, JPEG, PNG) và một tệp CSV thông tin; hoặc chọn cả thư mục các bản quét cùng tệp CSV; hoặc một bản quét kèm thông tin bên dưới. Tối đa ${LEGACY_CSV_LIMITS.maxRows} dòng mỗi lô. Dòng sai được báo theo số dòng, các dòng khác vẫn được nhập.`,
          `Send one ZIP of scans (PDF, TIFF, JPEG, PNG) with a metadata CSV; or choose the scans and the CSV together; or one scan with the details below. At most ${LEGACY_CSV_LIMITS.maxRows} rows per batch. Bad rows are reported by line; the others are imported.`,
        )}
      </p>
      <details class="govuk-details">
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">{t(req, 'Định dạng tệp CSV', 'The CSV format')}</span>
        </summary>
        <div class="govuk-details__text">
          <p class="govuk-body">
            {t(
              req,
              'UTF-8 (có hoặc không có BOM), phân cách bằng dấu phẩy hoặc chấm phẩy. Dòng đầu là tiêu đề cột, tiếng Việt hoặc tiếng Anh (hoặc cả hai, “Tệp / File”), thứ tự tùy ý.',
              'UTF-8 (with or without a BOM), comma- or semicolon-separated. The first row names the columns, in Vietnamese or English (or both, “Tệp / File”), in any order.',
            )}
          </p>
          <table class="govuk-table">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Cột', 'Column')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Bắt buộc', 'Required')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Ghi chú', 'Notes')}
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {COLUMNS_DOC.map(([vi, en, note, required]) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">
                    <code>{vi}</code> / <code lang="en">{en}</code>
                  </td>
                  <td class="govuk-table__cell">{required ? t(req, 'Có', 'Yes') : t(req, 'Không', 'No')}</td>
                  <td class="govuk-table__cell">{note ? t(req, note[0], note[1]) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <form method="post" action={`${LEGACY_URL}?_csrf=${encodeURIComponent(req.csrfToken)}`} enctype="multipart/form-data" novalidate>
        <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
          <label class="govuk-label govuk-label--s" for="files">
            {t(req, 'Tệp ZIP, hoặc các bản quét và tệp CSV', 'A ZIP, or the scans and the CSV')}
          </label>
          <ErrorMessage req={req} id="files" error={error} />
          <input class="govuk-file-upload" id="files" name="file" type="file" multiple accept=".zip,.csv,.pdf,.tif,.tiff,.jpg,.jpeg,.png" />
        </div>
        <fieldset class="govuk-fieldset">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
            {t(req, 'Chỉ khi gửi một bản quét: thông tin của nó', 'Only for a single scan: its details')}
          </legend>
          {(
            [
              ['holderIdentifier', 'Số định danh người được cấp', 'Holder identifier'],
              ['holderName', 'Người được cấp', 'Holder name'],
              ['documentName', 'Tên giấy tờ', 'Document name'],
              ['documentType', 'Loại giấy tờ', 'Document type'],
              ['number', 'Số', 'Number'],
              ['notation', 'Ký hiệu', 'Notation'],
              ['issuingAgency', 'Cơ quan ban hành', 'Issuing agency'],
              ['issueDate', 'Ngày ban hành (dd/mm/yyyy)', 'Date of issue (dd/mm/yyyy)'],
              ['validUntil', 'Có giá trị đến (để trống nếu không thời hạn)', 'Valid until (empty: no limit)'],
            ] as const
          ).map(([name, vi, en]) => (
            <div class="govuk-form-group">
              <label class="govuk-label" for={`f-${name}`}>
                {t(req, vi, en)}
              </label>
              <input class="govuk-input" id={`f-${name}`} name={name} type="text" />
            </div>
          ))}
        </fieldset>
        <button type="submit" class="govuk-button" data-module="govuk-button">
          {t(req, 'Nhập', 'Import')}
        </button>
      </form>
      {batches.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Các lô gần đây', 'Recent batches')}</h2>
          <ul class="govuk-list">
            {batches.map((b) => (
              <li>
                <a class="govuk-link" href={`${LEGACY_URL}/${b.id}`}>
                  {formatDateTime(req.lang, b.createdAt)} — {b.unitId} — {t(req, `${b.total} dòng`, `${b.total} rows`)} —{' '}
                  {b.status === 'done' ? t(req, 'xong', 'done') : t(req, 'đang xử lý', 'in progress')}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p class="govuk-body">
        <a class="govuk-link" href={CAMPAIGN_URL}>
          {t(req, 'Tiến độ chiến dịch số hóa', 'Digitisation campaign progress')}
        </a>
      </p>
    </Layout>
  );
}

const ROW_STATUS: Record<LegacyBatchView['rows'][number]['status'], [string, string, string]> = {
  rejected: ['Bị từ chối', 'Rejected', 'govuk-tag--red'],
  ocr: ['Đang nhận dạng', 'Being read', 'govuk-tag--blue'],
  done: ['Đã đăng ký', 'Registered', 'govuk-tag--green'],
  failed: ['Không thành công', 'Failed', 'govuk-tag--orange'],
};

/** A batch's progress, row by row; while it runs, htmx refreshes it (without script, the page's link does). */
export function LegacyBatchPage({ req, batch }: { req: FastifyRequest; batch: LegacyBatchView }) {
  const title = t(req, 'Lô nhập kết quả cũ', 'Import batch of old results');
  const url = `${LEGACY_URL}/${batch.id}`;
  const running = batch.status === 'running';
  return (
    <Layout req={req} area="office" title={title}>
      <a href={LEGACY_URL} class="govuk-back-link">
        {t(req, 'Nhập kết quả cũ', 'Import old results')}
      </a>
      <h1 class="govuk-heading-l">{title}</h1>
      <div id="batch" {...(running ? { 'hx-get': url, 'hx-trigger': 'every 3s', 'hx-select': '#batch', 'hx-swap': 'outerHTML' } : {})}>
        <p class="govuk-body" role="status">
          <progress max={1000} value={Math.round(batch.progress * 1000)} aria-label={t(req, 'Tiến độ của lô', 'Progress of the batch')}>
            {pct(batch.progress)}
          </progress>{' '}
          {t(
            req,
            `${batch.counts.done} đã đăng ký, ${batch.counts.ocr} đang nhận dạng, ${batch.counts.rejected} bị từ chối, ${batch.counts.failed} không thành công (tổng ${batch.total})`,
            `${batch.counts.done} registered, ${batch.counts.ocr} being read, ${batch.counts.rejected} rejected, ${batch.counts.failed} failed (${batch.total} in all)`,
          )}
          {running ? (
            <>
              {' '}
              <a class="govuk-link" href={url}>
                {t(req, 'Cập nhật', 'Refresh')}
              </a>
            </>
          ) : null}
        </p>
        <table class="govuk-table">
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                {t(req, 'Dòng', 'Line')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Tệp', 'File')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Trạng thái', 'Status')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Mã kết quả / lý do', 'Result code / reason')}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {batch.rows.map((r) => (
              <tr class="govuk-table__row" id={`line-${r.line}`}>
                <td class="govuk-table__cell govuk-table__cell--numeric">{r.line}</td>
                <td class="govuk-table__cell">{r.file}</td>
                <td class="govuk-table__cell">
                  <strong class={`govuk-tag ${ROW_STATUS[r.status][2]}`}>{t(req, ROW_STATUS[r.status][0], ROW_STATUS[r.status][1])}</strong>
                </td>
                <td class="govuk-table__cell">
                  {r.resultCode ? (
                    <>
                      <a class="govuk-link cs-mono" href={`/verify/${encodeURIComponent(r.resultCode)}`}>
                        {r.resultCode}
                      </a>
                      {r.itemCode ? (
                        <>
                          {' · '}
                          <a class="govuk-link cs-mono" href={`/can-bo/so-hoa/tai-lieu/${encodeURIComponent(r.itemCode)}`}>
                            {r.itemCode}
                          </a>
                          {r.confirmed ? null : ` (${t(req, 'chờ xác nhận siêu dữ liệu', 'metadata to confirm')})`}
                        </>
                      ) : null}
                    </>
                  ) : (
                    <ul class="govuk-list">
                      {r.problems.map((x) => (
                        <li>{t(req, x.vi, x.en)}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
