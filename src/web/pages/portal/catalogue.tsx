import type { FastifyRequest } from 'fastify';
import { formatVnd } from '../../../platform/i18n/index.ts';
import { formatTimeLimitShort } from '../../../modules/catalog/processing-time.ts';
import type { ProcedureSummary } from '../../../modules/catalog/search-procedures.ts';
import type { Facet } from '../../../modules/catalog/search-procedures.ts';
import { Layout, Pagination, t } from '../../components/layout.tsx';

/** A catalogue card's time limit (the first method's): null when its unit could not be mapped, so the card says nothing rather than guess. */
export function timeLimitText(req: FastifyRequest, value: number | null, unit: string | null) {
  return formatTimeLimitShort(req.lang, value, unit);
}

export function LevelBadge({ req, level }: { req: FastifyRequest; level: 'full' | 'partial' }) {
  return level === 'full' ? (
    <strong class="cs-badge-full">{t(req, 'Toàn trình', 'Full online')}</strong>
  ) : (
    <strong class="cs-badge-partial">{t(req, 'Một phần', 'Partly online')}</strong>
  );
}

export function ProcedureCard({ req, p }: { req: FastifyRequest; p: ProcedureSummary }) {
  return (
    <div class="cs-card">
      <h3 class="govuk-heading-s">
        <a class="govuk-link" href={`/thu-tuc/${encodeURIComponent(p.code)}`}>
          {p.name}
        </a>
      </h3>
      <p class="govuk-body-s cs-meta govuk-!-margin-bottom-1">
        {t(req, 'Mã', 'Code')} {p.code} · {p.field}
        {p.agencyName ? ` · ${p.agencyName}` : ''}
      </p>
      <p class="govuk-body-s govuk-!-margin-bottom-0">
        <LevelBadge req={req} level={p.level} />{' '}
        {timeLimitText(req, p.processingTime, p.processingTimeUnit)
          ? `${t(req, 'Thời hạn', 'Time limit')}: ${timeLimitText(req, p.processingTime, p.processingTimeUnit)} · `
          : ''}
        {p.feeFrom !== null ? `${t(req, 'Phí, lệ phí từ', 'Fees from')} ${p.feeFrom === 0 ? t(req, 'miễn phí', 'free') : formatVnd(p.feeFrom)}` : ''}
      </p>
    </div>
  );
}

export interface CatalogueView {
  q: string;
  field?: string;
  agency?: string;
  page: number;
  pageSize: number;
  total: number;
  items: ProcedureSummary[];
  fields: Facet[];
  agencies: Facet[];
}

function href(v: CatalogueView, page: number) {
  const s = new URLSearchParams();
  if (v.q) s.set('q', v.q);
  if (v.field) s.set('field', v.field);
  if (v.agency) s.set('agency', v.agency);
  if (page > 1) s.set('page', String(page));
  return `/thu-tuc${s.size ? `?${s}` : ''}`;
}

export function Results({ req, v }: { req: FastifyRequest; v: CatalogueView }) {
  return (
    <div id="results" aria-live="polite">
      <p class="govuk-body" role="status">
        {v.total
          ? t(req, `Tìm thấy ${v.total} thủ tục`, `${v.total} procedures found`)
          : t(
              req,
              'Không tìm thấy thủ tục phù hợp. Hãy thử từ khóa khác, có dấu hoặc không dấu.',
              'No matching procedure. Try other words, with or without diacritics.',
            )}
      </p>
      {v.items.map((p) => (
        <ProcedureCard req={req} p={p} />
      ))}
      <Pagination req={req} page={v.page} total={v.total} pageSize={v.pageSize} href={(n) => href(v, n)} />
    </div>
  );
}

export function CataloguePage({ req, v }: { req: FastifyRequest; v: CatalogueView }) {
  return (
    <Layout req={req} area="portal" title={t(req, 'Thủ tục hành chính', 'Administrative procedures')}>
      <h1 class="govuk-heading-l">{t(req, 'Thủ tục hành chính', 'Administrative procedures')}</h1>
      <form
        method="get"
        action="/thu-tuc"
        role="search"
        hx-get="/thu-tuc"
        hx-trigger="input changed delay:300ms from:#q, change from:select"
        hx-target="#results"
        hx-select="#results"
        hx-swap="outerHTML"
        hx-push-url="true"
      >
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="q">
            {t(req, 'Tìm thủ tục (có dấu hoặc không dấu)', 'Search procedures (with or without diacritics)')}
          </label>
          <input
            class="govuk-input"
            id="q"
            name="q"
            type="search"
            value={v.q}
            autocomplete="off"
            placeholder={t(req, 'ví dụ: giấy phép bán lẻ rượu', 'e.g. retail alcohol licence')}
          />
        </div>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <div class="govuk-form-group">
              <label class="govuk-label" for="field">
                {t(req, 'Lĩnh vực', 'Field')}
              </label>
              <select class="govuk-select govuk-!-width-full" id="field" name="field">
                <option value="">{t(req, 'Tất cả lĩnh vực', 'All fields')}</option>
                {v.fields.map((f) => (
                  <option value={f.value} selected={f.value === v.field}>{`${f.label} (${f.count})`}</option>
                ))}
              </select>
            </div>
          </div>
          <div class="govuk-grid-column-one-half">
            <div class="govuk-form-group">
              <label class="govuk-label" for="agency">
                {t(req, 'Cơ quan thực hiện', 'Agency')}
              </label>
              <select class="govuk-select govuk-!-width-full" id="agency" name="agency">
                <option value="">{t(req, 'Tất cả cơ quan', 'All agencies')}</option>
                {v.agencies.map((f) => (
                  <option value={f.value} selected={f.value === v.agency}>{`${f.label} (${f.count})`}</option>
                ))}
              </select>
            </div>
          </div>
        </div>
        <button type="submit" class="govuk-button">
          {t(req, 'Tìm kiếm', 'Search')}
        </button>
      </form>
      <Results req={req} v={v} />
    </Layout>
  );
}
