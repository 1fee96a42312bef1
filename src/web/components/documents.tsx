import type { FastifyRequest } from 'fastify';
import { ErrorMessage, t } from './layout.tsx';

/** A labelled text area with its error, as the document pages' action forms use it (reasons, notes, comments). */
export function TextArea({
  req,
  id,
  name,
  label,
  error,
  value,
}: {
  req: FastifyRequest;
  id: string;
  name: string;
  label: string;
  error?: string;
  value?: string;
}) {
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label govuk-label--s" for={id}>
        {label}
      </label>
      <ErrorMessage req={req} id={id} error={error} />
      <textarea
        class={`govuk-textarea${error ? ' govuk-textarea--error' : ''}`}
        id={id}
        name={name}
        rows={3}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {value ?? ''}
      </textarea>
    </div>
  );
}

/** The top of a register page (incoming or outgoing): back link, title, the year to show and the PDF and XLSX downloads. */
export function RegisterHeader(o: {
  req: FastifyRequest;
  title: string;
  year: number;
  back: { href: string; vi: string; en: string };
  pageUrl: string;
  fileUrl: string;
}) {
  const { req, title, year } = o;
  const file = (format: 'pdf' | 'xlsx') => `${o.fileUrl}?${new URLSearchParams({ year: String(year), format })}`;
  return (
    <>
      <a href={o.back.href} class="govuk-back-link">
        {t(req, o.back.vi, o.back.en)}
      </a>
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="get" action={o.pageUrl}>
        <div class="govuk-form-group">
          <label class="govuk-label" for="year">
            {t(req, 'Năm', 'Year')}
          </label>
          <input class="govuk-input govuk-input--width-4" id="year" name="year" type="text" inputmode="numeric" value={String(year)} />
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
          {t(req, 'Xem', 'Show')}
        </button>
      </form>
      <p class="govuk-body">
        <a class="govuk-link" href={file('pdf')}>
          {t(req, 'Tải sổ (PDF)', 'Download the register (PDF)')}
        </a>
        {' · '}
        <a class="govuk-link" href={file('xlsx')}>
          {t(req, 'Tải sổ (XLSX)', 'Download the register (XLSX)')}
        </a>
      </p>
    </>
  );
}

/** The status filter above a document list (incoming or outgoing): one select, submitted without JavaScript. */
export function StatusFilter(o: { req: FastifyRequest; action: string; statuses: Record<string, { vi: string; en: string }>; selected?: string }) {
  const { req } = o;
  return (
    <form method="get" action={o.action} class="govuk-!-margin-bottom-4">
      <div class="govuk-form-group">
        <label class="govuk-label" for="status">
          {t(req, 'Trạng thái', 'Status')}
        </label>
        <select class="govuk-select" id="status" name="status">
          <option value="">{t(req, 'Tất cả', 'All')}</option>
          {Object.entries(o.statuses).map(([s, label]) => (
            <option value={s} selected={o.selected === s}>
              {t(req, label.vi, label.en)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
        {t(req, 'Lọc', 'Filter')}
      </button>
    </form>
  );
}
