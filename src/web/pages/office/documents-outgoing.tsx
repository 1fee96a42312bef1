import type { FastifyRequest } from 'fastify';
import type { OutgoingSummary, RegisterEntry } from '../../../modules/documents/outgoing/schemas.ts';
import { OUTGOING_STATUSES, type OutgoingStatus } from '../../../modules/documents/outgoing/lifecycle.ts';
import { DOCUMENT_SERIES } from '../../../modules/documents/series.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { Layout, t, TableWrap } from '../../components/layout.tsx';
import { RegisterHeader, StatusFilter } from '../../components/documents.tsx';

export const OUTGOING_URL = '/can-bo/van-ban-di';
export const OUTGOING_RECEIVED_URL = '/can-bo/van-ban-di/noi-bo';
export const OUTGOING_REGISTER_URL = '/can-bo/van-ban-di/so';
export const OUTGOING_REGISTER_FILE_URL = '/can-bo/van-ban-di/so/tai-ve';
export const OUTGOING_NEW_URL = '/can-bo/van-ban-di/moi';
export const outgoingUrl = (id: string) => `${OUTGOING_URL}/${encodeURIComponent(id)}`;

const STATUS_TAG: Record<OutgoingStatus, string> = {
  draft: 'govuk-tag--grey',
  review: 'govuk-tag--purple',
  forwarded: 'govuk-tag--purple',
  approved: 'govuk-tag--turquoise',
  signed: 'govuk-tag--blue',
  sealed: 'govuk-tag--blue',
  released: 'govuk-tag--green',
  recalled: 'govuk-tag--red',
  replaced: 'govuk-tag--orange',
  archived: 'govuk-tag--grey',
};

export function OutgoingStatusTag({ req, status }: { req: FastifyRequest; status: OutgoingStatus }) {
  const s = OUTGOING_STATUSES[status];
  return <strong class={`govuk-tag ${STATUS_TAG[status]}`}>{t(req, s.vi, s.en)}</strong>;
}

type ListKind = 'all' | 'received';

function SubNav({ req, kind, canDraft, canRegister }: { req: FastifyRequest; kind: ListKind | 'register'; canDraft: boolean; canRegister: boolean }) {
  const items: [string, string, string, string][] = [
    ['all', OUTGOING_URL, 'Văn bản đi', 'Outgoing documents'],
    ['received', OUTGOING_RECEIVED_URL, 'Văn bản phát hành đến đơn vị tôi', 'Released to my units'],
    ...(canRegister ? ([['register', OUTGOING_REGISTER_URL, 'Sổ văn bản đi', 'Outgoing register']] as [string, string, string, string][]) : []),
    ...(canDraft ? ([['new', OUTGOING_NEW_URL, 'Soạn văn bản mới', 'Draft a document']] as [string, string, string, string][]) : []),
  ];
  return (
    <ul class="govuk-list cs-inline-list">
      {items.map(([k, href, vi, en]) => (
        <li>
          <a class="govuk-link" href={href} aria-current={k === kind ? 'page' : undefined}>
            {t(req, vi, en)}
          </a>
        </li>
      ))}
    </ul>
  );
}

export interface OutgoingListProps {
  req: FastifyRequest;
  kind: ListKind;
  items: OutgoingSummary[];
  status?: string;
  canDraft: boolean;
  canRegister: boolean;
  unitName: (id: string) => string;
}

/** The outgoing documents of the official's units (or those released to them), newest first, with their status. */
export function OutgoingListPage(p: OutgoingListProps) {
  const { req, kind, items } = p;
  const title = kind === 'received' ? t(req, 'Văn bản phát hành đến đơn vị tôi', 'Documents released to my units') : t(req, 'Văn bản đi', 'Outgoing documents');
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <SubNav req={req} kind={kind} canDraft={p.canDraft} canRegister={p.canRegister} />
      {kind === 'all' ? <StatusFilter req={req} action={OUTGOING_URL} statuses={OUTGOING_STATUSES} selected={p.status} /> : null}
      {items.length ? (
        <ul class="govuk-list cs-doc-list">
          {items.map((d) => {
            const series = DOCUMENT_SERIES.find((s) => s.code === d.seriesCode);
            return (
              <li class="govuk-!-margin-bottom-4">
                <h2 class="govuk-heading-s govuk-!-margin-bottom-1">
                  <a class="govuk-link" href={outgoingUrl(d.id)}>
                    {d.notation ? `${d.notation} — ` : ''}
                    {d.subject}
                  </a>
                </h2>
                <p class="govuk-body-s govuk-!-margin-bottom-1">
                  {series ? t(req, series.vi, series.en) : d.seriesCode}
                  {` · ${p.unitName(d.draftingUnit)} · ${t(req, 'Người ký', 'Signer')}: ${d.signerName}`}
                  {d.releasedAt ? ` · ${t(req, 'Phát hành', 'Released')} ${formatDateTime(req.lang, d.releasedAt)}` : ''}
                </p>
                <p class="govuk-body-s govuk-!-margin-bottom-0">
                  <OutgoingStatusTag req={req} status={d.status} />
                </p>
              </li>
            );
          })}
        </ul>
      ) : (
        <p class="govuk-body">{t(req, 'Không có văn bản nào.', 'No documents.')}</p>
      )}
    </Layout>
  );
}

/** The outgoing register of a year, with its PDF and XLSX. */
export function OutgoingRegisterPage({ req, year, entries }: { req: FastifyRequest; year: number; entries: RegisterEntry[] }) {
  const title = t(req, `Sổ đăng ký văn bản đi năm ${year}`, `Outgoing register ${year}`);
  return (
    <Layout req={req} area="office" title={title}>
      <RegisterHeader
        req={req}
        title={title}
        year={year}
        back={{ href: OUTGOING_URL, vi: 'Văn bản đi', en: 'Outgoing documents' }}
        pageUrl={OUTGOING_REGISTER_URL}
        fileUrl={OUTGOING_REGISTER_FILE_URL}
      />
      <TableWrap label={title}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden">{title}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              {[
                ['Số, ký hiệu', 'Number'],
                ['Ngày', 'Date'],
                ['Trích yếu', 'Subject'],
                ['Người ký', 'Signer'],
                ['Nơi nhận', 'Recipients'],
                ['Số bản', 'Copies'],
              ].map(([vi, en]) => (
                <th scope="col" class="govuk-table__header">
                  {t(req, vi, en)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {entries.map((e) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">
                  <a class="govuk-link" href={outgoingUrl(e.id)}>
                    {e.notation}
                  </a>
                </td>
                <td class="govuk-table__cell">{formatDate('vi', e.date)}</td>
                <td class="govuk-table__cell">{e.subject}</td>
                <td class="govuk-table__cell">{e.signer}</td>
                <td class="govuk-table__cell">{e.recipients.join('; ')}</td>
                <td class="govuk-table__cell govuk-table__cell--numeric">{String(e.copies)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {entries.length ? null : <p class="govuk-body">{t(req, 'Chưa có văn bản nào được vào sổ trong năm.', 'Nothing registered this year.')}</p>}
    </Layout>
  );
}
