import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { SearchHit } from '../../../modules/digitisation/schemas-items.ts';
import { Layout, Pagination, t } from '../../components/layout.tsx';
import { itemUrl } from './digitisation-item.tsx';

export const SEARCH_URL = '/can-bo/so-hoa/tim-kiem';

export interface HitsPage {
  items: SearchHit[];
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
}

/** The snippet as written, each match wrapped in <mark> (the offsets the search gives, UTF-16, into the text). */
export function Snippet({ snippet }: { snippet: NonNullable<SearchHit['snippet']> }) {
  const parts: ComponentChildren[] = [];
  let at = 0;
  for (const h of [...snippet.highlights].sort((a, b) => a.start - b.start)) {
    if (h.start < at || h.end <= h.start) continue;
    if (h.start > at) parts.push(snippet.text.slice(at, h.start));
    parts.push(<mark>{snippet.text.slice(h.start, h.end)}</mark>);
    at = h.end;
  }
  if (at < snippet.text.length) parts.push(snippet.text.slice(at));
  return <span>{parts}</span>;
}

const KIND: Record<SearchHit['kind'], [string, string]> = {
  component: ['Thành phần hồ sơ', 'Dossier component'],
  result: ['Kết quả', 'Result'],
  legacy_result: ['Kết quả cũ (số hóa)', 'Old result (digitised)'],
};

/**
 * The hits of a search over digitised documents: name, code, what it belongs to, and the text
 * around the first match with every match marked. `href` says where a hit leads (the officials'
 * metadata page, or the citizen's PDF).
 */
export function DigitisedHits({
  req,
  result,
  q,
  href,
  dossierHref,
  level = 2,
}: {
  req: FastifyRequest;
  result: HitsPage;
  q: string;
  href: (h: SearchHit) => string;
  dossierHref: (code: string) => string;
  /** The heading level of each hit: under the page's h1, or under a section's h2. */
  level?: 2 | 3;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  if (!result.items.length)
    return (
      <p class="govuk-body" role="status">
        {q.trim() ? t(req, `Không tìm thấy tài liệu nào chứa “${q}”.`, `No document contains “${q}”.`) : t(req, 'Chưa có tài liệu nào.', 'No documents yet.')}
      </p>
    );
  const count = `${result.total}${result.totalCapped ? '+' : ''}`;
  return (
    <>
      <p class="govuk-body" role="status">
        {q.trim()
          ? t(req, `${count} tài liệu khớp “${q}”.`, `${count} documents match “${q}”.`)
          : t(req, `${count} tài liệu, mới nhất trước.`, `${count} documents, newest first.`)}
      </p>
      <ol class="govuk-list cs-hits">
        {result.items.map((h) => (
          <li class="cs-card">
            <Heading class="govuk-heading-s govuk-!-margin-bottom-1">
              <a class="govuk-link" href={href(h)}>
                {h.documentName ?? t(req, KIND[h.kind][0], KIND[h.kind][1])}
              </a>
            </Heading>
            <p class="govuk-body-s cs-meta govuk-!-margin-bottom-1">
              <span class="cs-mono">{h.code}</span> · {t(req, KIND[h.kind][0], KIND[h.kind][1])}
              {h.dossierCode ? (
                <>
                  {' · '}
                  {t(req, 'Hồ sơ', 'Dossier')}{' '}
                  <a class="govuk-link cs-mono" href={dossierHref(h.dossierCode)}>
                    {h.dossierCode}
                  </a>
                </>
              ) : null}
              {h.holderName ? ` · ${h.holderName}` : ''}
              {h.issueDate ? ` · ${h.issueDate}` : ''}
              {h.confirmed ? '' : ` · ${t(req, 'chưa xác nhận siêu dữ liệu', 'metadata not confirmed')}`}
            </p>
            {h.snippet ? (
              <p class="govuk-body govuk-!-margin-bottom-0">
                {'… '}
                <Snippet snippet={h.snippet} />
                {' …'}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}

/** Search over what was read: the OCR text and metadata of the documents the official's units digitised. */
export function DigitisedSearchPage({ req, q, result }: { req: FastifyRequest; q: string; result: HitsPage }) {
  const title = t(req, 'Tìm trong tài liệu số hóa', 'Search digitised documents');
  const link = (page: number) => `${SEARCH_URL}?${new URLSearchParams({ q, ...(page > 1 ? { page: String(page) } : {}) })}`;
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="get" action={SEARCH_URL} role="search" class="govuk-!-margin-bottom-6">
        <div class="govuk-form-group">
          <label class="govuk-label" for="q">
            {t(req, 'Từ cần tìm (không cần dấu)', 'Words to find (accents optional)')}
          </label>
          <div class="govuk-hint" id="q-hint">
            {t(
              req,
              'Tìm trong chữ đọc được từ bản quét và siêu dữ liệu; chữ hoa, dấu và đ/d không phân biệt.',
              'Searches the text read from scans and the metadata; case, accents and đ/d do not matter.',
            )}
          </div>
          <input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value={q} aria-describedby="q-hint" />
        </div>
        <button type="submit" class="govuk-button govuk-!-margin-bottom-0">
          {t(req, 'Tìm', 'Search')}
        </button>
      </form>
      <div id="results">
        <DigitisedHits req={req} result={result} q={q} href={(h) => itemUrl(h.code)} dossierHref={(c) => `/can-bo/ho-so/${encodeURIComponent(c)}`} />
      </div>
      <Pagination req={req} page={result.page} total={Math.min(result.total, 50 * result.pageSize)} pageSize={result.pageSize} href={link} />
    </Layout>
  );
}
