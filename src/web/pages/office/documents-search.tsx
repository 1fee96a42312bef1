import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { DocumentHit, DocumentSearchResult } from '../../../modules/documents/search/schemas.ts';
import { formatDate } from '../../../platform/i18n/index.ts';
import { Layout, Pagination, t } from '../../components/layout.tsx';

export const DOC_SEARCH_URL = '/can-bo/van-ban/tim-kiem';

/** Where a document's own page is: the incoming and outgoing documents' pages. */
export const documentHref = (d: { kind: 'incoming' | 'outgoing'; id: string }) =>
  `${d.kind === 'incoming' ? '/can-bo/van-ban-den' : '/can-bo/van-ban-di'}/${encodeURIComponent(d.id)}`;

export const KIND_LABEL = { incoming: ['Văn bản đến', 'Incoming'], outgoing: ['Văn bản đi', 'Outgoing'] } as const;

/** The snippet as written, each match wrapped in <mark>. */
export function HitSnippet({ snippet }: { snippet: NonNullable<DocumentHit['snippet']> }) {
  const parts: ComponentChildren[] = [];
  let at = 0;
  for (const h of snippet.highlights) {
    if (h.start < at || h.end <= h.start) continue;
    if (h.start > at) parts.push(snippet.text.slice(at, h.start));
    parts.push(<mark>{snippet.text.slice(h.start, h.end)}</mark>);
    at = h.end;
  }
  if (at < snippet.text.length) parts.push(snippet.text.slice(at));
  return <span>{parts}</span>;
}

/** One line under a hit's title: kind, number and notation, agency, date. */
export function HitMeta({ req, d }: { req: FastifyRequest; d: Pick<DocumentHit, 'kind' | 'numberNotation' | 'organ' | 'date'> }) {
  return (
    <p class="govuk-body-s cs-meta govuk-!-margin-bottom-1">
      {t(req, KIND_LABEL[d.kind][0], KIND_LABEL[d.kind][1])}
      {d.numberNotation ? (
        <>
          {' · '}
          <span class="cs-mono">{d.numberNotation}</span>
        </>
      ) : null}
      {d.organ ? ` · ${d.organ}` : ''}
      {d.date ? ` · ${formatDate(req.lang, d.date)}` : ''}
    </p>
  );
}

/**
 * The hits of a document search: subject (a link to the document), what it is, and the text
 * around the first match with every match marked. `action` adds a control under each hit (the
 * work file page's "add to the file" button).
 */
export function DocumentHits({
  req,
  result,
  q,
  level = 2,
  action,
}: {
  req: FastifyRequest;
  result: DocumentSearchResult;
  q: string;
  level?: 2 | 3;
  action?: (h: DocumentHit) => ComponentChildren;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  if (!result.items.length)
    return (
      <p class="govuk-body" role="status">
        {q.trim() ? t(req, `Không tìm thấy văn bản nào chứa “${q}”.`, `No document contains “${q}”.`) : t(req, 'Chưa có văn bản nào.', 'No documents yet.')}
      </p>
    );
  const count = `${result.total}${result.totalCapped ? '+' : ''}`;
  return (
    <>
      <p class="govuk-body" role="status">
        {q.trim()
          ? t(req, `${count} văn bản khớp “${q}”.`, `${count} documents match “${q}”.`)
          : t(req, `${count} văn bản, mới nhất trước.`, `${count} documents, newest first.`)}
      </p>
      <ol class="govuk-list cs-hits">
        {result.items.map((h) => (
          <li class="cs-card">
            <Heading class="govuk-heading-s govuk-!-margin-bottom-1">
              <a class="govuk-link" href={documentHref(h)}>
                {h.subject}
              </a>
            </Heading>
            <HitMeta req={req} d={h} />
            {h.snippet ? (
              <p class="govuk-body govuk-!-margin-bottom-1">
                <HitSnippet snippet={h.snippet} />
              </p>
            ) : null}
            {action ? action(h) : null}
          </li>
        ))}
      </ol>
    </>
  );
}

export interface SearchForm {
  q: string;
  kind?: 'incoming' | 'outgoing';
  year?: number;
}

/** "Tìm kiếm văn bản": full-text search over the documents of the official's units. */
export function DocumentSearchPage({ req, form, result }: { req: FastifyRequest; form: SearchForm; result: DocumentSearchResult }) {
  const title = t(req, 'Tìm kiếm văn bản', 'Search documents');
  const params = (page: number) =>
    new URLSearchParams({
      q: form.q,
      ...(form.kind ? { loai: form.kind } : {}),
      ...(form.year ? { nam: String(form.year) } : {}),
      ...(page > 1 ? { page: String(page) } : {}),
    });
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="get" action={DOC_SEARCH_URL} role="search" class="govuk-!-margin-bottom-6">
        <div class="govuk-form-group">
          <label class="govuk-label" for="q">
            {t(req, 'Từ cần tìm (không cần dấu)', 'Words to find (accents optional)')}
          </label>
          <div class="govuk-hint" id="q-hint">
            {t(
              req,
              'Tìm trong số, ký hiệu, trích yếu, cơ quan ban hành và nội dung văn bản (cả chữ nhận dạng từ bản quét); chữ hoa, dấu và đ/d không phân biệt.',
              'Searches the number and notation, subject, issuing agency and the text (including text read from scans); case, accents and đ/d do not matter.',
            )}
          </div>
          <input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value={form.q} aria-describedby="q-hint" />
        </div>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half govuk-form-group">
            <label class="govuk-label" for="loai">
              {t(req, 'Loại văn bản', 'Kind')}
            </label>
            <select class="govuk-select" id="loai" name="loai">
              <option value="">{t(req, 'Văn bản đến và văn bản đi', 'Incoming and outgoing')}</option>
              {(['incoming', 'outgoing'] as const).map((k) => (
                <option value={k} selected={form.kind === k}>
                  {t(req, KIND_LABEL[k][0], KIND_LABEL[k][1])}
                </option>
              ))}
            </select>
          </div>
          <div class="govuk-grid-column-one-half govuk-form-group">
            <label class="govuk-label" for="nam">
              {t(req, 'Năm ban hành', 'Year issued')}
            </label>
            <input class="govuk-input govuk-input--width-4" id="nam" name="nam" type="text" inputmode="numeric" value={form.year ? String(form.year) : ''} />
          </div>
        </div>
        <button type="submit" class="govuk-button govuk-!-margin-bottom-0">
          {t(req, 'Tìm', 'Search')}
        </button>
      </form>
      <div id="results">
        <DocumentHits req={req} result={result} q={form.q} />
      </div>
      <Pagination
        req={req}
        page={result.page}
        total={Math.min(result.total, 50 * result.pageSize)}
        pageSize={result.pageSize}
        href={(p) => `${DOC_SEARCH_URL}?${params(p)}`}
      />
    </Layout>
  );
}
