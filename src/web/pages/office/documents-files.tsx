import type { FastifyRequest } from 'fastify';
import type { FileList, FileSummary } from '../../../modules/documents/files/schemas.ts';
import { formatDate } from '../../../platform/i18n/index.ts';
import { Csrf, ErrorSummary, FormGroup, Layout, t, TableWrap } from '../../components/layout.tsx';

export const FILES_URL = '/can-bo/ho-so-cong-viec';
export const NEW_FILE_URL = `${FILES_URL}/moi`;
export const fileUrl = (id: string) => `${FILES_URL}/${encodeURIComponent(id)}`;

/** Retention periods offered (years; Circular 10/2022/TT-BNV's common periods), and "permanent". */
export const RETENTION_CHOICES = [2, 5, 10, 15, 20, 30, 50, 70] as const;

export const retentionText = (req: FastifyRequest, years: number | null) =>
  years === null ? t(req, 'Vĩnh viễn', 'Permanent') : t(req, `${years} năm`, `${years} years`);

export function FileStatusTag({ req, status }: { req: FastifyRequest; status: FileSummary['status'] }) {
  return status === 'open' ? (
    <strong class="govuk-tag govuk-tag--blue">{t(req, 'Đang lập', 'Open')}</strong>
  ) : (
    <strong class="govuk-tag govuk-tag--grey">{t(req, 'Đã kết thúc', 'Closed')}</strong>
  );
}

/** The archive-transfer day with its warning: due in N days (from 30 days before), or overdue. */
export function TransferDue({ req, f }: { req: FastifyRequest; f: Pick<FileSummary, 'transferDue' | 'warning' | 'daysToTransfer'> }) {
  return (
    <>
      {formatDate(req.lang, f.transferDue)}
      {f.warning === 'overdue' ? (
        <>
          {' '}
          <strong class="govuk-tag govuk-tag--red">{t(req, `Quá hạn ${-f.daysToTransfer} ngày`, `${-f.daysToTransfer} days overdue`)}</strong>
        </>
      ) : f.warning === 'due-soon' ? (
        <>
          {' '}
          <strong class="govuk-tag govuk-tag--orange">
            {f.daysToTransfer === 0 ? t(req, 'Đến hạn hôm nay', 'Due today') : t(req, `Còn ${f.daysToTransfer} ngày`, `${f.daysToTransfer} days left`)}
          </strong>
        </>
      ) : null}
    </>
  );
}

/** The banner over the list: how many files are due for the archive within 30 days or overdue. */
function DueBanner({ req, count }: { req: FastifyRequest; count: number }) {
  if (!count) return null;
  return (
    <div class="govuk-notification-banner" role="region" aria-labelledby="due-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="due-title">
          {t(req, 'Sắp đến hạn nộp lưu', 'Due for the archive')}
        </h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">
          {t(
            req,
            `${count} hồ sơ đến hạn nộp vào Lưu trữ cơ quan trong 30 ngày tới hoặc đã quá hạn.`,
            `${count} work files are due for transfer to the agency's archive within 30 days, or overdue.`,
          )}{' '}
          <a class="govuk-notification-banner__link" href={`${FILES_URL}?han=sap-den`}>
            {t(req, 'Xem các hồ sơ này', 'See these files')}
          </a>
        </p>
      </div>
    </div>
  );
}

export interface FilesFilter {
  year?: number;
  status?: 'open' | 'closed';
  dueSoon: boolean;
}

/** The work files of the official's units, with the archive warning. */
export function FilesListPage({ req, list, filter, canCreate }: { req: FastifyRequest; list: FileList; filter: FilesFilter; canCreate: boolean }) {
  const title = t(req, 'Hồ sơ công việc', 'Work files');
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <DueBanner req={req} count={list.dueSoonCount} />
      <p class="govuk-body">
        {t(
          req,
          'Hồ sơ công việc gom các văn bản của một việc (Nghị định 30/2020, chương IV). Hồ sơ nộp vào Lưu trữ cơ quan trong 1 năm kể từ ngày công việc kết thúc; hồ sơ chưa kết thúc được tính hạn đến hết năm sau năm của hồ sơ.',
          "A work file groups the documents of one piece of work (Decree 30/2020, chapter IV). It goes to the agency's archive within a year of the work finishing; an open file is counted as due at the end of the year after its own.",
        )}
      </p>
      {canCreate ? (
        <a href={NEW_FILE_URL} role="button" draggable={false} class="govuk-button" data-module="govuk-button">
          {t(req, 'Lập hồ sơ mới', 'Open a new file')}
        </a>
      ) : null}
      <form method="get" action={FILES_URL} class="govuk-!-margin-bottom-4">
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="nam">
              {t(req, 'Năm', 'Year')}
            </label>
            <input
              class="govuk-input govuk-input--width-4"
              id="nam"
              name="nam"
              type="text"
              inputmode="numeric"
              value={filter.year ? String(filter.year) : ''}
            />
          </div>
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="trangThai">
              {t(req, 'Trạng thái', 'Status')}
            </label>
            <select class="govuk-select" id="trangThai" name="trangThai">
              <option value="">{t(req, 'Tất cả', 'All')}</option>
              <option value="open" selected={filter.status === 'open'}>
                {t(req, 'Đang lập', 'Open')}
              </option>
              <option value="closed" selected={filter.status === 'closed'}>
                {t(req, 'Đã kết thúc', 'Closed')}
              </option>
            </select>
          </div>
          <div class="govuk-grid-column-one-third govuk-form-group">
            <div class="govuk-checkboxes govuk-checkboxes--small">
              <div class="govuk-checkboxes__item">
                <input class="govuk-checkboxes__input" id="han" name="han" type="checkbox" value="sap-den" checked={filter.dueSoon} />
                <label class="govuk-label govuk-checkboxes__label" for="han">
                  {t(req, 'Chỉ hồ sơ sắp đến hạn nộp lưu', 'Only files due for the archive soon')}
                </label>
              </div>
            </div>
          </div>
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
          {t(req, 'Lọc', 'Filter')}
        </button>
      </form>
      {list.items.length ? (
        <TableWrap label={title}>
          <table class="govuk-table" id="files">
            <caption class="govuk-table__caption govuk-table__caption--s">
              {t(
                req,
                `${list.items.length} hồ sơ (hôm nay ${formatDate(req.lang, list.today)})`,
                `${list.items.length} files (today ${formatDate(req.lang, list.today)})`,
              )}
            </caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Mã, tiêu đề', 'Code, title')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Đơn vị, năm', 'Unit, year')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Bảo quản', 'Retention')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Trạng thái', 'Status')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Hạn nộp lưu', 'Due for archive')}
                </th>
                <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                  {t(req, 'Văn bản', 'Documents')}
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {list.items.map((f) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">
                    <a class="govuk-link" href={fileUrl(f.id)}>
                      <span class="cs-mono">{f.code}</span> — {f.title}
                    </a>
                  </td>
                  <td class="govuk-table__cell">
                    {f.unitName}, {f.year}
                  </td>
                  <td class="govuk-table__cell">{retentionText(req, f.retentionYears)}</td>
                  <td class="govuk-table__cell">
                    <FileStatusTag req={req} status={f.status} />
                  </td>
                  <td class="govuk-table__cell">
                    <TransferDue req={req} f={f} />
                  </td>
                  <td class="govuk-table__cell govuk-table__cell--numeric">{f.documentCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p class="govuk-body" role="status">
          {t(req, 'Không có hồ sơ nào.', 'No work files.')}
        </p>
      )}
    </Layout>
  );
}

export interface NewFileValues {
  unitId?: string;
  code?: string;
  title?: string;
  year?: string;
  retention?: string;
  responsibleId?: string;
}

/** The form that opens a work file: unit, code, title, year, retention, who keeps it. */
export function NewFilePage({
  req,
  units,
  staff,
  values,
  errors,
}: {
  req: FastifyRequest;
  units: { id: string; name: string }[];
  staff: { id: string; name: string }[];
  values: NewFileValues;
  errors: Record<string, string>;
}) {
  const title = t(req, 'Lập hồ sơ công việc', 'Open a work file');
  const summary = Object.entries(errors).map(([field, text]) => ({ href: `#${field}`, text }));
  const input =
    (id: keyof NewFileValues, cls: string, extra: Record<string, string> = {}) =>
    (describedBy: string | undefined) => (
      <input
        class={`govuk-input ${cls}${errors[id] ? ' govuk-input--error' : ''}`}
        id={id}
        name={id}
        type="text"
        value={values[id] ?? ''}
        aria-describedby={describedBy}
        {...extra}
      />
    );
  return (
    <Layout req={req} area="office" title={title}>
      <a href={FILES_URL} class="govuk-back-link">
        {t(req, 'Hồ sơ công việc', 'Work files')}
      </a>
      <ErrorSummary req={req} errors={summary} />
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="post" action={NEW_FILE_URL} novalidate>
        <Csrf req={req} />
        <FormGroup
          req={req}
          id="unitId"
          label={t(req, 'Đơn vị lập hồ sơ', 'Unit')}
          error={errors.unitId}
          control={(d) => (
            <select class="govuk-select" id="unitId" name="unitId" aria-describedby={d}>
              {units.map((u) => (
                <option value={u.id} selected={values.unitId === u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        />
        <FormGroup
          req={req}
          id="code"
          label={t(req, 'Số và ký hiệu hồ sơ', 'File code')}
          hint={t(req, 'Theo Danh mục hồ sơ của đơn vị, ví dụ 01.XNK', "As in the unit's list of files, e.g. 01.XNK")}
          error={errors.code}
          control={input('code', 'govuk-input--width-10', { autocomplete: 'off', spellcheck: 'false' })}
        />
        <FormGroup req={req} id="title" label={t(req, 'Tiêu đề hồ sơ', 'Title')} error={errors.title} control={input('title', '')} />
        <FormGroup
          req={req}
          id="year"
          label={t(req, 'Năm', 'Year')}
          error={errors.year}
          control={input('year', 'govuk-input--width-4', { inputmode: 'numeric' })}
        />
        <FormGroup
          req={req}
          id="retention"
          label={t(req, 'Thời hạn bảo quản', 'Retention period')}
          error={errors.retention}
          control={(d) => (
            <select class="govuk-select" id="retention" name="retention" aria-describedby={d}>
              {RETENTION_CHOICES.map((y) => (
                <option value={String(y)} selected={values.retention === String(y)}>
                  {retentionText(req, y)}
                </option>
              ))}
              <option value="permanent" selected={values.retention === 'permanent'}>
                {retentionText(req, null)}
              </option>
            </select>
          )}
        />
        <FormGroup
          req={req}
          id="responsibleId"
          label={t(req, 'Người lập hồ sơ', 'Kept by')}
          error={errors.responsibleId}
          control={(d) => (
            <select class="govuk-select" id="responsibleId" name="responsibleId" aria-describedby={d}>
              {staff.map((s) => (
                <option value={s.id} selected={values.responsibleId === s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        />
        <button type="submit" class="govuk-button" data-module="govuk-button">
          {t(req, 'Lập hồ sơ', 'Open the file')}
        </button>
      </form>
    </Layout>
  );
}
