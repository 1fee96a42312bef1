import type { FastifyRequest } from 'fastify';
import type { IncomingSummary } from '../../../modules/documents/incoming/schemas.ts';
import { INCOMING_STATUSES } from '../../../modules/documents/incoming/workflow.ts';
import type { IncomingStatus } from '../../../modules/documents/tables-incoming.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { Layout, Pagination, t, TableWrap } from '../../components/layout.tsx';
import { RegisterHeader, StatusFilter } from '../../components/documents.tsx';

export const INCOMING_URL = '/can-bo/van-ban-den';
export const AWAITING_URL = '/can-bo/van-ban-den/cho-chi-dao';
export const MINE_URL = '/can-bo/van-ban-den/cua-toi';
export const REGISTER_URL = '/can-bo/van-ban-den/so';
export const REGISTER_FILE_URL = '/can-bo/van-ban-den/so/tai-ve';
export const NEW_URL = '/can-bo/van-ban-den/moi';
export const docUrl = (id: string) => `${INCOMING_URL}/${encodeURIComponent(id)}`;

const STATUS_TAG: Record<IncomingStatus, string> = {
  arrived: 'govuk-tag--blue',
  refused: 'govuk-tag--grey',
  awaiting_direction: 'govuk-tag--purple',
  directed: 'govuk-tag--turquoise',
  in_progress: 'govuk-tag--yellow',
  done: 'govuk-tag--green',
  recalled: 'govuk-tag--grey',
};

export function IncomingStatusTag({ req, status }: { req: FastifyRequest; status: IncomingStatus }) {
  const s = INCOMING_STATUSES[status];
  return <strong class={`govuk-tag ${STATUS_TAG[status]}`}>{t(req, s.vi, s.en)}</strong>;
}

export function DeadlineTag({ req, state }: { req: FastifyRequest; state: IncomingSummary['deadlineState'] }) {
  if (state === 'overdue') return <strong class="govuk-tag govuk-tag--red">{t(req, 'Quá hạn', 'Overdue')}</strong>;
  if (state === 'due_soon') return <strong class="govuk-tag govuk-tag--orange">{t(req, 'Sắp đến hạn', 'Due soon')}</strong>;
  return null;
}

const day = (s: string | null) => (s ? formatDate('vi', s) : '');

type ListKind = 'all' | 'awaiting' | 'mine';

export interface IncomingListProps {
  req: FastifyRequest;
  kind: ListKind;
  items: IncomingSummary[];
  total: number;
  page: number;
  pageSize: number;
  status?: string;
  handlerNames: Map<string, string>;
  isClerk: boolean;
}

function SubNav({ req, kind, isClerk }: { req: FastifyRequest; kind: ListKind; isClerk: boolean }) {
  const items: [ListKind | 'register' | 'new', string, string, string][] = [
    ['all', INCOMING_URL, 'Tất cả văn bản đến', 'All incoming'],
    ['awaiting', AWAITING_URL, 'Chờ cho ý kiến chỉ đạo', 'Awaiting direction'],
    ['mine', MINE_URL, 'Văn bản của tôi', 'My documents'],
    ['register', REGISTER_URL, 'Sổ văn bản đến', 'Incoming register'],
    ...(isClerk ? ([['new', NEW_URL, 'Vào sổ văn bản giấy, thư điện tử', 'Record paper or e-mail']] as [ListKind | 'new', string, string, string][]) : []),
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

/** The clerk's list (all incoming documents of their units), the leader's "awaiting my direction" and the handler's "my documents". */
export function IncomingListPage(p: IncomingListProps) {
  const { req, kind, items } = p;
  const title =
    kind === 'awaiting'
      ? t(req, 'Văn bản chờ cho ý kiến chỉ đạo', 'Documents awaiting my direction')
      : kind === 'mine'
        ? t(req, 'Văn bản của tôi', 'My documents')
        : t(req, 'Văn bản đến', 'Incoming documents');
  const base = kind === 'awaiting' ? AWAITING_URL : kind === 'mine' ? MINE_URL : INCOMING_URL;
  const href = (page: number) => {
    const u = new URLSearchParams();
    if (p.status) u.set('status', p.status);
    if (page > 1) u.set('page', String(page));
    const s = u.toString();
    return `${base}${s ? `?${s}` : ''}`;
  };
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <SubNav req={req} kind={kind} isClerk={p.isClerk} />
      {kind === 'all' ? <StatusFilter req={req} action={INCOMING_URL} statuses={INCOMING_STATUSES} selected={p.status} /> : null}
      {items.length ? (
        <ul class="govuk-list cs-doc-list">
          {items.map((d) => (
            <li class="govuk-!-margin-bottom-4">
              <h2 class="govuk-heading-s govuk-!-margin-bottom-1">
                <a class="govuk-link" href={docUrl(d.id)}>
                  {d.numberNotation ? `${d.numberNotation} — ` : ''}
                  {d.subject}
                </a>
              </h2>
              <p class="govuk-body-s govuk-!-margin-bottom-1">
                {d.sender.organName}
                {d.incomingNumber ? ` · ${t(req, 'Số đến', 'Incoming no.')} ${String(d.incomingNumber).padStart(2, '0')}` : ''}
                {` · ${t(req, 'Ngày đến', 'Received')} ${formatDateTime(req.lang, d.receivedAt)}`}
              </p>
              <p class="govuk-body-s govuk-!-margin-bottom-0">
                <IncomingStatusTag req={req} status={d.status} />{' '}
                {d.recallPending ? <strong class="govuk-tag govuk-tag--red">{t(req, 'Nơi gửi yêu cầu thu hồi', 'Recall requested')}</strong> : null}{' '}
                {d.deadline ? (
                  <span>
                    {t(req, 'Hạn xử lý', 'Deadline')} {day(d.deadline)} <DeadlineTag req={req} state={d.deadlineState} />
                  </span>
                ) : null}
                {d.handlerId && kind !== 'mine' ? ` · ${t(req, 'Xử lý', 'Handler')}: ${p.handlerNames.get(d.handlerId) ?? ''}` : ''}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">{t(req, 'Không có văn bản nào.', 'No documents.')}</p>
      )}
      <Pagination req={req} page={p.page} total={p.total} pageSize={p.pageSize} href={href} />
    </Layout>
  );
}

export interface RegisterPageProps {
  req: FastifyRequest;
  year: number;
  lines: {
    number: number;
    receivedOn: string;
    sender: string;
    numberNotation: string;
    documentDate: string;
    subject: string;
    handler: string;
    deadline: string;
    done: string;
  }[];
}

/** The incoming register of a year, with its PDF and XLSX. */
export function IncomingRegisterPage({ req, year, lines }: RegisterPageProps) {
  const title = t(req, `Sổ đăng ký văn bản đến năm ${year}`, `Incoming register ${year}`);
  return (
    <Layout req={req} area="office" title={title}>
      <RegisterHeader
        req={req}
        title={title}
        year={year}
        back={{ href: INCOMING_URL, vi: 'Văn bản đến', en: 'Incoming documents' }}
        pageUrl={REGISTER_URL}
        fileUrl={REGISTER_FILE_URL}
      />
      <TableWrap label={title}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden">{title}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              {[
                ['Số đến', 'No.'],
                ['Ngày đến', 'Received'],
                ['Nơi gửi', 'Sender'],
                ['Số, ký hiệu', 'Number'],
                ['Ngày văn bản', 'Dated'],
                ['Trích yếu', 'Subject'],
                ['Người xử lý', 'Handler'],
                ['Hạn', 'Deadline'],
                ['Hoàn thành', 'Done'],
              ].map(([vi, en]) => (
                <th scope="col" class="govuk-table__header">
                  {t(req, vi, en)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {lines.map((l) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">{String(l.number).padStart(2, '0')}</td>
                <td class="govuk-table__cell">{l.receivedOn}</td>
                <td class="govuk-table__cell">{l.sender}</td>
                <td class="govuk-table__cell">{l.numberNotation}</td>
                <td class="govuk-table__cell">{l.documentDate}</td>
                <td class="govuk-table__cell">{l.subject}</td>
                <td class="govuk-table__cell">{l.handler}</td>
                <td class="govuk-table__cell">{l.deadline}</td>
                <td class="govuk-table__cell">{l.done}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {lines.length ? null : <p class="govuk-body">{t(req, 'Chưa có văn bản nào được vào sổ trong năm.', 'Nothing registered this year.')}</p>}
    </Layout>
  );
}
