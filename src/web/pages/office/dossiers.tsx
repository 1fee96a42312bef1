import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { DossierSummary, ListQuery } from '../../../modules/dossiers/list-dossiers.ts';
import { DELIVERY, RETURN_METHOD, type DossierView } from '../../../modules/dossiers/schemas.ts';
import type { ActionLogEntry } from '../../../modules/dossiers/get-dossier.ts';
import type { Staff, Unit } from '../../../modules/organisation/schemas.ts';
import { ACTION_LABELS, STATUSES, type ActionName } from '../../../modules/dossiers/workflow.ts';
import { countsHours } from '../../../modules/calendar/time-limit.ts';
import { RATING_CRITERIA } from '../../../modules/dossiers/rate-dossier.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { officialLabel, type OfficialName } from '../../../modules/organisation/staff-names.ts';
import type { FormCode } from '../../../modules/dossiers/issue-form.ts';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import type { ResultDraft } from '../../../modules/results/draft-result.ts';
import type { DigitisationStatusView } from '../../../modules/digitisation/schemas-items.ts';
import type { PaymentView } from '../../../modules/payments/schemas.ts';
import { formatVnd, vndInWords } from '../../../platform/i18n/index.ts';
import { Csrf, DateFilter, ErrorSummary, Layout, Pagination, SelectFilter, t, TableWrap } from '../../components/layout.tsx';
import { ComponentLine, DueDate, EFormView, StatusTag, Timeline } from '../../components/dossier.tsx';
import { hasFees, PaymentStateTag, PaymentWhen, paymentMethodText, ReceiptCell, RefundDueTag } from '../../components/payments.tsx';
import { PostalOrders, postalTimelineEvents } from '../../components/postal.tsx';
import type { PostalOrderView } from '../../../modules/postal/list-postal-orders.ts';

export const QUEUES: [ListQuery['queue'], string, string][] = [
  ['mine', 'Việc của tôi', 'My tasks'],
  ['unit', 'Hồ sơ của đơn vị', "My unit's queue"],
  ['due_soon', 'Sắp đến hạn', 'Due soon'],
  ['overdue', 'Quá hạn', 'Overdue'],
  ['all', 'Tất cả', 'All'],
];

const CHANNELS: Record<number, [string, string]> = { 1: ['Trực tiếp', 'At the counter'], 2: ['Trực tuyến', 'Online'], 3: ['Bưu chính', 'By post'] };

/** The filters a queue link carries, in a fixed order (tabs and pages keep the dashboard's filters). */
const FILTERS = [
  'status',
  'procedure',
  'q',
  'field',
  'unit',
  'subunits',
  'receivedFrom',
  'receivedTo',
  'finishedFrom',
  'finishedTo',
  'openOn',
  'outcome',
  'channel',
] as const;

export function queueHref(q: Partial<ListQuery>, page = 1) {
  const u = new URLSearchParams();
  if (q.queue) u.set('queue', q.queue);
  for (const k of FILTERS) if (q[k] !== undefined && q[k] !== '') u.set(k, String(q[k]));
  if (page > 1) u.set('page', String(page));
  return `/can-bo/ho-so?${u}`;
}

const OUTCOMES: Record<NonNullable<ListQuery['outcome']>, [string, string]> = {
  on_time: ['Đã trả kết quả đúng hạn', 'Result returned on time'],
  late: ['Đã trả kết quả quá hạn', 'Result returned late'],
  open: ['Đang giải quyết (đã tiếp nhận, chưa kết thúc)', 'In progress (received, not finished)'],
};

/** The dashboard's filters in words, so a leader who followed a figure sees what the list holds. */
function filterSummary(req: FastifyRequest, q: ListQuery, units: QueueUnit[]): string[] {
  const day = (d: string) => (req.lang === 'en' ? d : d.split('-').reverse().join('/'));
  const unit = units.find((u) => u.id === q.unit);
  const out: string[] = [];
  if (q.unit) {
    const name = unit ? t(req, unit.name, unit.nameEn ?? unit.name) : q.unit;
    out.push(
      q.subunits === 'true'
        ? t(req, `Đơn vị tiếp nhận: ${name} và các đơn vị trực thuộc`, `Receiving unit: ${name} and the units beneath it`)
        : t(req, `Đơn vị tiếp nhận: ${name}`, `Receiving unit: ${name}`),
    );
  }
  if (q.field) out.push(t(req, `Lĩnh vực: ${q.field}`, `Field: ${q.field}`));
  const range = (from: string | undefined, to: string | undefined, vi: string, en: string) => {
    if (from && to) out.push(t(req, `${vi} từ ${day(from)} đến ${day(to)}`, `${en} from ${day(from)} to ${day(to)}`));
    else if (from) out.push(t(req, `${vi} từ ${day(from)}`, `${en} from ${day(from)}`));
    else if (to) out.push(t(req, `${vi} đến ${day(to)}`, `${en} up to ${day(to)}`));
  };
  range(q.receivedFrom, q.receivedTo, 'Tiếp nhận', 'Received');
  range(q.finishedFrom, q.finishedTo, 'Kết thúc', 'Finished');
  if (q.outcome) out.push(t(req, ...OUTCOMES[q.outcome]));
  if (q.openOn) out.push(t(req, `Đang giải quyết cuối ngày ${day(q.openOn)}`, `In progress at the end of ${day(q.openOn)}`));
  if (q.channel) out.push(t(req, `Hình thức nộp: ${CHANNELS[q.channel][0]}`, `Filed: ${CHANNELS[q.channel][1]}`));
  return out;
}

export interface QueueUnit {
  id: string;
  name: string;
  nameEn: string | null;
}

export interface QueueProps {
  req: FastifyRequest;
  query: ListQuery;
  result: { items: DossierSummary[]; total: number; totalCapped?: boolean; page: number; pageSize: number };
  /** Specialists the caller may assign to (unit leaders only); empty hides bulk assignment. */
  specialists: Staff[];
  /** The officials the listed dossiers name (their assignees), by username. */
  names?: Map<string, OfficialName>;
  notice?: { ok: string[]; failed: { code: string; why: string }[] };
  /** The units the official sees: the receiving-unit filter. */
  units?: QueueUnit[];
}

/** Officials' work queues: tabs for my tasks, the unit, due soon and overdue; filters; bulk assignment. */
export function DossierQueuePage({ req, query, result, specialists, names = new Map(), notice, units = [] }: QueueProps) {
  const title = t(req, 'Hồ sơ thủ tục hành chính', 'Dossiers');
  const bulk = specialists.length > 0;
  const filters = filterSummary(req, query, units);
  const more = Boolean(
    query.unit || query.receivedFrom || query.receivedTo || query.finishedFrom || query.finishedTo || query.outcome || query.openOn || query.channel,
  );
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      {notice ? (
        <div class={`govuk-notification-banner ${notice.failed.length ? '' : 'govuk-notification-banner--success'}`} role="alert" aria-labelledby="bulk-title">
          <div class="govuk-notification-banner__header">
            <h2 class="govuk-notification-banner__title" id="bulk-title">
              {t(req, 'Phân công', 'Assignment')}
            </h2>
          </div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-body">{t(req, `Đã phân công ${notice.ok.length} hồ sơ.`, `${notice.ok.length} dossiers assigned.`)}</p>
            {notice.failed.map((f) => (
              <p class="govuk-body">
                {f.code}: {f.why}
              </p>
            ))}
          </div>
        </div>
      ) : null}
      <nav class="cs-tabs" aria-label={t(req, 'Hàng đợi', 'Queues')}>
        <ul class="cs-tabs__list">
          {QUEUES.map(([q, vi, en]) => (
            <li class="cs-tabs__item">
              <a class="govuk-link" href={queueHref({ ...query, queue: q })} aria-current={query.queue === q ? 'page' : undefined}>
                {t(req, vi, en)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/can-bo/ho-so" class="govuk-!-margin-bottom-4">
        <input type="hidden" name="queue" value={query.queue} />
        {query.field ? <input type="hidden" name="field" value={query.field} /> : null}
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="q">
              {t(req, 'Mã hồ sơ hoặc tên người nộp', 'Code or applicant name')}
            </label>
            <input class="govuk-input" id="q" name="q" type="search" value={query.q ?? ''} />
          </div>
          <SelectFilter
            id="status"
            label={t(req, 'Trạng thái', 'Status')}
            column="one-third"
            all={t(req, 'Tất cả', 'All')}
            options={Object.entries(STATUSES).map(([k, s]) => ({ value: k, text: t(req, s.vi, s.en) }))}
            value={query.status}
          />
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="procedure">
              {t(req, 'Mã thủ tục', 'Procedure code')}
            </label>
            <input class="govuk-input" id="procedure" name="procedure" type="text" spellcheck={false} value={query.procedure ?? ''} />
          </div>
        </div>
        <details class="govuk-details" open={more}>
          <summary class="govuk-details__summary">
            <span class="govuk-details__summary-text">{t(req, 'Lọc theo đơn vị, thời gian, kết quả', 'Filter by unit, period, outcome')}</span>
          </summary>
          <div class="govuk-details__text">
            <div class="govuk-grid-row">
              <SelectFilter
                id="unit"
                label={t(req, 'Đơn vị tiếp nhận', 'Receiving unit')}
                all={t(req, 'Tất cả', 'All')}
                options={units.map((u) => ({ value: u.id, text: t(req, u.name, u.nameEn ?? u.name) }))}
                value={query.unit}
              />
              <div class="govuk-grid-column-one-half govuk-form-group">
                <div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-top-6">
                  <div class="govuk-checkboxes__item">
                    <input class="govuk-checkboxes__input" type="checkbox" id="subunits" name="subunits" value="true" checked={query.subunits === 'true'} />
                    <label class="govuk-label govuk-checkboxes__label" for="subunits">
                      {t(req, 'Gồm cả các đơn vị trực thuộc', 'Include the units beneath it')}
                    </label>
                  </div>
                </div>
              </div>
            </div>
            <div class="govuk-grid-row">
              <DateFilter id="receivedFrom" label={t(req, 'Tiếp nhận từ ngày', 'Received from')} value={query.receivedFrom ?? ''} />
              <DateFilter id="receivedTo" label={t(req, 'Tiếp nhận đến ngày', 'Received to')} value={query.receivedTo ?? ''} />
            </div>
            <div class="govuk-grid-row">
              <DateFilter id="finishedFrom" label={t(req, 'Kết thúc từ ngày', 'Finished from')} value={query.finishedFrom ?? ''} />
              <DateFilter id="finishedTo" label={t(req, 'Kết thúc đến ngày', 'Finished to')} value={query.finishedTo ?? ''} />
            </div>
            <div class="govuk-grid-row">
              <SelectFilter
                id="outcome"
                label={t(req, 'Kết quả giải quyết', 'Outcome')}
                all={t(req, 'Tất cả', 'All')}
                options={Object.entries(OUTCOMES).map(([k, [vi, en]]) => ({ value: k, text: t(req, vi, en) }))}
                value={query.outcome}
              />
              <SelectFilter
                id="channel"
                label={t(req, 'Hình thức nộp', 'Filed')}
                all={t(req, 'Tất cả', 'All')}
                options={Object.entries(CHANNELS).map(([k, [vi, en]]) => ({ value: k, text: t(req, vi, en) }))}
                value={String(query.channel ?? '')}
              />
            </div>
            <div class="govuk-grid-row">
              <DateFilter id="openOn" label={t(req, 'Đang giải quyết cuối ngày', 'In progress at the end of')} value={query.openOn ?? ''} />
            </div>
          </div>
        </details>
        <button type="submit" class="govuk-button govuk-button--secondary">
          {t(req, 'Lọc', 'Filter')}
        </button>
      </form>
      {filters.length ? (
        <div class="govuk-inset-text" id="queue-filters">
          <p class="govuk-body govuk-!-margin-bottom-1">{t(req, 'Đang lọc:', 'Filtered by:')}</p>
          <ul class="govuk-list govuk-list--bullet govuk-!-margin-bottom-0">
            {filters.map((f) => (
              <li>{f}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p class="govuk-body">
        {result.totalCapped
          ? t(req, `Ít nhất ${result.total.toLocaleString('vi-VN')} hồ sơ`, `At least ${result.total.toLocaleString('en')} dossiers`)
          : t(req, `${result.total} hồ sơ`, `${result.total} dossiers`)}
      </p>
      <form method="post" action="/can-bo/ho-so/phan-cong">
        <Csrf req={req} />
        <input type="hidden" name="back" value={queueHref(query, result.page)} />
        <TableWrap label={title}>
          <table class="govuk-table cs-table">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                {bulk ? (
                  <th scope="col" class="govuk-table__header">
                    <span class="govuk-visually-hidden">{t(req, 'Chọn', 'Select')}</span>
                  </th>
                ) : null}
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Mã hồ sơ', 'Code')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Thủ tục', 'Procedure')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Người nộp', 'Applicant')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Chuyên viên xử lý', 'Specialist')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Trạng thái', 'Status')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Hạn trả', 'Due')}
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {result.items.map((d, i) => (
                <tr class="govuk-table__row">
                  {bulk ? (
                    <td class="govuk-table__cell">
                      {d.status === 'received' ? (
                        <div class="govuk-checkboxes govuk-checkboxes--small">
                          <div class="govuk-checkboxes__item">
                            <input class="govuk-checkboxes__input" type="checkbox" id={`pick-${i}`} name="codes" value={d.code} />
                            <input type="hidden" name={`version.${d.code}`} value={String(d.version)} />
                            <label class="govuk-label govuk-checkboxes__label" for={`pick-${i}`}>
                              <span class="govuk-visually-hidden">{d.code}</span>
                            </label>
                          </div>
                        </div>
                      ) : null}
                    </td>
                  ) : null}
                  <td class="govuk-table__cell cs-mono">
                    <a class="govuk-link" href={`/can-bo/ho-so/${encodeURIComponent(d.code)}`}>
                      {d.code}
                    </a>
                  </td>
                  <td class="govuk-table__cell">{d.procedureName}</td>
                  <td class="govuk-table__cell">{d.applicantName}</td>
                  <td class="govuk-table__cell">{d.assignee ? officialLabel(req.lang, names, d.assignee, { role: false }) : '—'}</td>
                  <td class="govuk-table__cell">
                    <StatusTag req={req} status={d.status} />
                  </td>
                  <td class="govuk-table__cell">
                    <DueDate req={req} dueDate={d.dueDate} dueAt={d.dueAt} processingUnit={d.processingUnit} overdue={d.overdue} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {bulk ? (
          <div class="govuk-form-group">
            <label class="govuk-label" for="bulk-assignee">
              {t(req, 'Phân công các hồ sơ đã chọn cho', 'Assign the selected dossiers to')}
            </label>
            <select class="govuk-select" id="bulk-assignee" name="assignee">
              {specialists.map((s) => (
                <option value={s.username}>{s.fullName}</option>
              ))}
            </select>
            <button type="submit" class="govuk-button govuk-!-margin-left-2">
              {t(req, 'Phân công', 'Assign')}
            </button>
          </div>
        ) : null}
      </form>
      <Pagination req={req} page={result.page} total={result.total} pageSize={result.pageSize} href={(p) => queueHref(query, p)} />
    </Layout>
  );
}

const field = (req: FastifyRequest, id: string, vi: string, en: string, input: unknown) => (
  <div class="govuk-form-group">
    <label class="govuk-label" for={id}>
      {t(req, vi, en)}
    </label>
    {input}
  </div>
);

/** The inputs an action needs, beside its button. */
function ActionForm({
  req,
  d,
  action,
  specialists,
  units,
  fee,
}: {
  req: FastifyRequest;
  d: DossierView;
  action: ActionName;
  specialists: Staff[];
  units: Unit[];
  fee?: FeeRequestDraft;
}) {
  const id = (f: string) => `${action}-${f}`;
  const label = ACTION_LABELS[action];
  const warning = ['refuse', 'stop'].includes(action);
  return (
    <form method="post" action={`/can-bo/ho-so/${encodeURIComponent(d.code)}/thao-tac`} class="cs-action" novalidate>
      <Csrf req={req} />
      <input type="hidden" name="action" value={action} />
      {/* The state this page shows: an action chosen on it is refused once someone else has acted. */}
      <input type="hidden" name="version" value={String(d.version)} />
      <details class="govuk-details" open={action === 'receive' || action === 'approve' || action === 'propose' || (action === 'request_fee' && fee?.posted)}>
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">{t(req, label.vi, label.en)}</span>
        </summary>
        <div class="govuk-details__text">
          {action === 'request_supplement'
            ? field(
                req,
                id('items'),
                'Nội dung cần bổ sung (mỗi dòng một nội dung)',
                'What is missing (one item per line)',
                <textarea class="govuk-textarea" id={id('items')} name="items" rows={4} />,
              )
            : null}
          {['refuse', 'stop', 'send_back', 'apologise'].includes(action)
            ? field(req, id('reason'), 'Lý do', 'Reason', <textarea class="govuk-textarea" id={id('reason')} name="reason" rows={3} />)
            : null}
          {action === 'apologise'
            ? field(
                req,
                id('date'),
                'Ngày hẹn trả mới',
                'New date',
                <input class="govuk-input govuk-input--width-10" type="date" id={id('date')} name="newDueDate" />,
              )
            : null}
          {/* A limit in working hours or within the day is due at a time: the new appointment names one too. */}
          {action === 'apologise' && countsHours(d.processingUnit)
            ? field(
                req,
                id('time'),
                'Giờ hẹn trả mới',
                'New time',
                <input class="govuk-input govuk-input--width-5" type="time" id={id('time')} name="newDueTime" />,
              )
            : null}
          {action === 'assign' || action === 'reassign'
            ? field(
                req,
                id('assignee'),
                'Chuyên viên xử lý',
                'Specialist',
                <select class="govuk-select" id={id('assignee')} name="assignee">
                  {specialists.map((s) => (
                    <option value={s.username}>{s.fullName}</option>
                  ))}
                </select>,
              )
            : null}
          {action === 'transfer'
            ? field(
                req,
                id('unit'),
                'Chuyển đến đơn vị',
                'Transfer to',
                <select class="govuk-select" id={id('unit')} name="toUnit">
                  {units
                    .filter((u) => u.id !== d.handlingUnit)
                    .map((u) => (
                      <option value={u.id}>{t(req, u.name, u.nameEn ?? u.name)}</option>
                    ))}
                </select>,
              )
            : null}
          {action === 'return' ? (
            <p class="govuk-hint" id={id('method-hint')}>
              {t(req, `Người nộp đã chọn: ${DELIVERY[d.delivery].vi}`, `The applicant chose: ${DELIVERY[d.delivery].en}`)}
              {d.delivery === 'post' && d.applicant.address ? ` — ${d.applicant.address}` : ''}
            </p>
          ) : null}
          {action === 'return'
            ? field(
                req,
                id('method'),
                'Hình thức trả kết quả',
                'How the result is returned',
                <select class="govuk-select" id={id('method')} name="method" aria-describedby={id('method-hint')}>
                  {/* The applicant's choice at filing is selected. */}
                  <option value="counter" selected={RETURN_METHOD[d.delivery] === 'counter'}>
                    {t(req, 'Tại bộ phận một cửa', 'At the counter')}
                  </option>
                  <option value="online" selected={RETURN_METHOD[d.delivery] === 'online'}>
                    {t(req, 'Trực tuyến', 'Online')}
                  </option>
                  <option value="post" selected={RETURN_METHOD[d.delivery] === 'post'}>
                    {t(req, 'Qua bưu chính', 'By post')}
                  </option>
                </select>,
              )
            : null}
          {['propose', 'approve'].includes(action)
            ? field(req, id('note'), 'Ý kiến (không bắt buộc)', 'Note (optional)', <textarea class="govuk-textarea" id={id('note')} name="note" rows={2} />)
            : null}
          {action === 'request_fee' ? <FeeRequestFields req={req} fee={fee ?? { lines: [], note: '' }} /> : null}
          <button type="submit" class={`govuk-button ${warning ? 'govuk-button--warning' : ''}`}>
            {t(req, label.vi, label.en)}
          </button>
        </div>
      </details>
    </form>
  );
}

/** One line of the fee-request form as typed: every value as text, so a refused form comes back exactly as entered. */
export interface FeeLineDraft {
  code: string;
  name: string;
  kind: string;
  quantity: string;
  amount: string;
}

/**
 * The request-fee form's values: the procedure version's fees due on request as worked out for
 * this dossier (or what the officer posted, when it was refused), and the note.
 */
export interface FeeRequestDraft {
  lines: FeeLineDraft[];
  note: string;
  /** The officer's own post came back with an error: the form opens on it. */
  posted?: boolean;
  /** Fees of the schedule that could not be worked out (a per-unit fee whose e-form field is empty): to be entered by hand. */
  problems?: string[];
}

/** Blank rows the request-fee form offers beyond the suggested lines: more lines need no script. */
export const BLANK_FEE_ROWS = 2;
export const MAX_FEE_ROWS = 20;

const FEE_KINDS: [string, string, string][] = [
  ['2', 'Lệ phí', 'Fee (lệ phí)'],
  ['1', 'Phí', 'Charge (phí)'],
];

/** The lines and note of a financial-obligation request (national status 6), pre-filled and editable. */
function FeeRequestFields({ req, fee }: { req: FastifyRequest; fee: FeeRequestDraft }) {
  const rows = [...fee.lines];
  const blanks = fee.posted ? 0 : BLANK_FEE_ROWS;
  for (let i = 0; i < blanks && rows.length < MAX_FEE_ROWS; i++) rows.push({ code: '', name: '', kind: '2', quantity: '1', amount: '' });
  if (!rows.length) rows.push({ code: '', name: '', kind: '2', quantity: '1', amount: '' });
  return (
    <>
      <p class="govuk-hint">
        {t(
          req,
          'Các khoản thu khi có yêu cầu theo biểu phí của thủ tục đã được điền sẵn; sửa nếu cần. Dòng để trống tên và số tiền được bỏ qua.',
          "The procedure's fees due on request are filled in; change them if needed. Lines with no name and no amount are left out.",
        )}
      </p>
      {fee.problems?.length ? (
        <div class="govuk-inset-text">
          {t(req, 'Chưa tính được, cần nhập tay:', 'Not worked out, enter by hand:')}
          <ul class="govuk-list govuk-list--bullet">
            {fee.problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {rows.map((l, i) => {
        const id = (f: string) => `fee-${i}-${f}`;
        const n = (f: string) => `lines.${i}.${f}`;
        return (
          <fieldset class="govuk-fieldset cs-card">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, `Khoản ${i + 1}`, `Line ${i + 1}`)}</legend>
            <div class="govuk-form-group">
              <label class="govuk-label" for={id('name')}>
                {t(req, 'Tên khoản phí, lệ phí', 'Name of the fee')}
              </label>
              <input class="govuk-input" id={id('name')} name={n('name')} type="text" value={l.name} />
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label" for={id('code')}>
                {t(req, 'Mã khoản thu', 'Fee code')}
              </label>
              <input class="govuk-input govuk-input--width-10" id={id('code')} name={n('code')} type="text" spellcheck={false} value={l.code} />
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label" for={id('kind')}>
                {t(req, 'Loại', 'Kind')}
              </label>
              <select class="govuk-select" id={id('kind')} name={n('kind')}>
                {FEE_KINDS.map(([v, vi, en]) => (
                  <option value={v} selected={l.kind === v}>
                    {t(req, vi, en)}
                  </option>
                ))}
              </select>
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label" for={id('quantity')}>
                {t(req, 'Số lượng', 'Quantity')}
              </label>
              <input class="govuk-input govuk-input--width-4" id={id('quantity')} name={n('quantity')} type="text" inputMode="numeric" value={l.quantity} />
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label" for={id('amount')}>
                {t(req, 'Thành tiền (đồng)', 'Amount (VND)')}
              </label>
              <div class="govuk-hint" id={id('amount-hint')}>
                {t(req, 'Số phải nộp của khoản này, sau miễn giảm', 'What is owed for this line, after any reduction')}
              </div>
              <input
                class="govuk-input govuk-input--width-10"
                id={id('amount')}
                name={n('amount')}
                type="text"
                inputMode="numeric"
                value={l.amount}
                aria-describedby={id('amount-hint')}
              />
            </div>
          </fieldset>
        );
      })}
      {field(
        req,
        'request_fee-note',
        'Căn cứ, ghi chú gửi người nộp',
        'Legal basis, note to the applicant',
        <textarea class="govuk-textarea" id="request_fee-note" name="note" rows={3}>
          {fee.note}
        </textarea>,
      )}
    </>
  );
}

/**
 * What the dossier owes and what was paid for it: the lines due with the total in figures and
 * words; the desk's counter-payment form (receiving officers of the receiving unit, while
 * something is owed); the payments with their receipts; a refund form per settled payment for
 * finance officers.
 */
function FeesPanel({
  req,
  d,
  payments,
  counter,
  refunds,
}: {
  req: FastifyRequest;
  d: DossierView;
  payments: PaymentView[];
  counter: boolean;
  refunds: boolean;
}) {
  const due = d.fees.due;
  const base = `/can-bo/ho-so/${encodeURIComponent(d.code)}`;
  const refundable = refunds ? payments.filter((x) => x.state === 'success' && x.refunded < x.amount) : [];
  if (!hasFees(d.fees, payments)) return null;
  return (
    <section aria-labelledby="phi-le-phi">
      <h2 class="govuk-heading-m" id="phi-le-phi">
        {t(req, 'Phí, lệ phí', 'Fees and charges')}
      </h2>
      {due ? (
        <>
          <p class="govuk-body">
            {due.purpose === 'filing'
              ? t(req, 'Phải nộp khi nộp hồ sơ; hồ sơ chưa được gửi đến khi nộp đủ.', 'Due at filing; the dossier is not sent until it is paid.')
              : t(
                  req,
                  'Đã yêu cầu người nộp thực hiện nghĩa vụ tài chính; thời hạn giải quyết tạm dừng.',
                  'The applicant was asked to pay; the time limit is paused.',
                )}
          </p>
          <TableWrap label={t(req, 'Các khoản phải nộp', 'What is owed')}>
            <table class="govuk-table cs-table">
              <caption class="govuk-table__caption govuk-table__caption--s">{t(req, 'Các khoản phải nộp', 'What is owed')}</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Khoản', 'Fee')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Số lượng', 'Quantity')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Thành tiền', 'Amount')}
                  </th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {due.lines.map((l) => (
                  <tr class="govuk-table__row">
                    <td class="govuk-table__cell">
                      {l.name} <span class="cs-meta govuk-body-s">({l.kind === 1 ? t(req, 'phí', 'charge') : t(req, 'lệ phí', 'fee')})</span>
                      {l.reductionPercent ? (
                        <span class="cs-meta govuk-body-s">{t(req, ` — giảm ${l.reductionPercent}%`, ` — ${l.reductionPercent}% off`)}</span>
                      ) : null}
                    </td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{l.quantity}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{formatVnd(l.amount)}</td>
                  </tr>
                ))}
                <tr class="govuk-table__row">
                  <th scope="row" class="govuk-table__header" colspan={2}>
                    {t(req, 'Tổng cộng', 'Total')}
                  </th>
                  <td class="govuk-table__cell govuk-table__cell--numeric">
                    <strong>{formatVnd(due.total)}</strong>
                  </td>
                </tr>
              </tbody>
            </table>
          </TableWrap>
          <p class="govuk-body">
            {t(req, 'Bằng chữ', 'In words')}: <span lang="vi">{vndInWords(due.total)}</span>
          </p>
          {counter ? (
            <form method="post" action={`${base}/thu-phi`} novalidate class="cs-card">
              <Csrf req={req} />
              {/* The due this page shows: a fee asked for again since is not collected on an old page. */}
              <input type="hidden" name="dueSeq" value={String(due.n)} />
              <input type="hidden" name="amount" value={String(due.total)} />
              <div class="govuk-form-group">
                <fieldset class="govuk-fieldset">
                  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
                    <h3 class="govuk-fieldset__heading">{t(req, 'Thu phí tại quầy', 'Collect at the desk')}</h3>
                  </legend>
                  <div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
                    <div class="govuk-radios__item">
                      <input class="govuk-radios__input" id="counter-cash" name="method" type="radio" value="cash" checked />
                      <label class="govuk-label govuk-radios__label" for="counter-cash">
                        {t(req, 'Tiền mặt', 'Cash')}
                      </label>
                    </div>
                    <div class="govuk-radios__item">
                      <input class="govuk-radios__input" id="counter-card" name="method" type="radio" value="card" />
                      <label class="govuk-label govuk-radios__label" for="counter-card">
                        {t(req, 'Thẻ ngân hàng', 'Bank card')}
                      </label>
                    </div>
                  </div>
                </fieldset>
              </div>
              <button type="submit" class="govuk-button">
                {t(req, `Xác nhận đã thu ${formatVnd(due.total)} và cấp biên lai`, `Confirm ${formatVnd(due.total)} collected and issue the receipt`)}
              </button>
            </form>
          ) : null}
        </>
      ) : (
        <p class="govuk-body">{t(req, 'Hiện không có khoản phí, lệ phí nào phải nộp.', 'Nothing is owed now.')}</p>
      )}
      {d.fees.paid ? (
        <p class="govuk-body">
          {t(req, 'Đã nộp', 'Paid so far')}: <strong>{formatVnd(d.fees.paid)}</strong>
          {d.fees.paidOnline ? t(req, ' (có khoản nộp trực tuyến)', ' (some of it online)') : ''}
        </p>
      ) : null}
      {payments.length ? (
        <TableWrap label={t(req, 'Các lần thanh toán', 'Payments')}>
          <table class="govuk-table cs-table" id="payments">
            <caption class="govuk-table__caption govuk-table__caption--s">{t(req, 'Các lần thanh toán', 'Payments')}</caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Thời điểm', 'When')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Hình thức', 'Method')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Trạng thái', 'State')}
                </th>
                <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                  {t(req, 'Số tiền', 'Amount')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Biên lai', 'Receipt')}
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {payments.map((x) => (
                <tr class="govuk-table__row">
                  <PaymentWhen req={req} p={x} />
                  <td class="govuk-table__cell">{paymentMethodText(req, x.method)}</td>
                  <td class="govuk-table__cell">
                    <PaymentStateTag req={req} state={x.state} />
                    {x.refunded ? <span class="govuk-body-s">{t(req, ` Đã hoàn ${formatVnd(x.refunded)}`, ` ${formatVnd(x.refunded)} refunded`)}</span> : null}
                    {x.refundDue ? (
                      <>
                        {' '}
                        <RefundDueTag req={req} />
                      </>
                    ) : null}
                  </td>
                  <td class="govuk-table__cell govuk-table__cell--numeric">{formatVnd(x.amount)}</td>
                  <ReceiptCell req={req} receipt={x.receipt} />
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {refundable.map((x) => (
        <details class="govuk-details" open={x.refundDue}>
          <summary class="govuk-details__summary">
            <span class="govuk-details__summary-text">{t(req, `Hoàn trả khoản ${x.reference}`, `Refund ${x.reference}`)}</span>
          </summary>
          <div class="govuk-details__text">
            <form method="post" action={`${base}/hoan-tra`} novalidate>
              <Csrf req={req} />
              <input type="hidden" name="payment" value={x.id} />
              <div class="govuk-form-group">
                <label class="govuk-label" for={`refund-${x.id}-amount`}>
                  {t(req, 'Số tiền hoàn trả (đồng)', 'Amount refunded (VND)')}
                </label>
                <div class="govuk-hint" id={`refund-${x.id}-amount-hint`}>
                  {t(req, `Tối đa ${formatVnd(x.amount - x.refunded)}`, `At most ${formatVnd(x.amount - x.refunded)}`)}
                </div>
                <input
                  class="govuk-input govuk-input--width-10"
                  id={`refund-${x.id}-amount`}
                  name="amount"
                  type="text"
                  inputMode="numeric"
                  value={String(x.amount - x.refunded)}
                  aria-describedby={`refund-${x.id}-amount-hint`}
                />
              </div>
              <div class="govuk-form-group">
                <label class="govuk-label" for={`refund-${x.id}-note`}>
                  {t(req, 'Lý do, chứng từ chuyển trả', 'Reason and transfer reference')}
                </label>
                <textarea class="govuk-textarea" id={`refund-${x.id}-note`} name="note" rows={2} />
              </div>
              <button type="submit" class="govuk-button govuk-button--warning">
                {t(req, 'Ghi nhận hoàn trả', 'Record the refund')}
              </button>
            </form>
          </div>
        </details>
      ))}
    </section>
  );
}

/** The forms' names; which of them a dossier has is `formsAvailable`'s answer (the rule the form endpoint applies). */
const FORMS: [FormCode, string, string][] = [
  ['01', 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', 'Receipt and appointment slip'],
  ['02', 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', 'Supplement request'],
  ['03', 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', 'Refusal slip'],
  ['04', 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết', 'Apology and extension letter'],
  ['05', 'Thông báo dừng giải quyết hồ sơ', 'Notice of stopping'],
  ['06', 'Phiếu kiểm soát quá trình giải quyết hồ sơ', 'Processing-control slip'],
  ['07', 'Sổ theo dõi hồ sơ', 'Dossier register'],
  ['08', 'Biên bản giao nhận kết quả qua bưu chính', 'Postal hand-over record'],
];

const DRAFT_KINDS: Record<string, [string, string]> = {
  certificate: ['Giấy chứng nhận', 'Certificate'],
  licence: ['Giấy phép', 'Licence'],
  written_reply: ['Văn bản trả lời', 'Written reply'],
};

/** The specialist's proposal as the approver reads it before deciding: who, when, the note, and the result proposed. */
function Proposal({
  req,
  d,
  entry,
  draft,
  who,
}: {
  req: FastifyRequest;
  d: DossierView;
  entry: ActionLogEntry;
  draft: ResultDraft | null;
  who: (u: string, fallback?: string) => string;
}) {
  const opinion = typeof entry.data.opinion === 'string' && entry.data.opinion.trim() ? entry.data.opinion : null;
  return (
    <section class="govuk-notification-banner" aria-labelledby="proposal-title">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="proposal-title">
          {t(req, 'Đề xuất của chuyên viên', "The specialist's proposal")}
        </h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-body">
          {who(entry.actor, entry.actorName)} — <time datetime={entry.at}>{formatDateTime(req.lang, entry.at)}</time>
        </p>
        <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{t(req, 'Ý kiến đề xuất', 'Note')}</h3>
        <p class="govuk-body cs-proposal-note">{opinion ?? t(req, '(Chuyên viên không ghi ý kiến.)', '(The specialist wrote no note.)')}</p>
        <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{t(req, 'Kết quả đề xuất', 'Proposed result')}</h3>
        <p class="govuk-body">
          {draft
            ? `${t(req, ...(DRAFT_KINDS[draft.kind] ?? [draft.kind, draft.kind]))}: ${draft.documentName}`
            : t(
                req,
                'Chưa có dự thảo: kết quả sẽ là giấy chứng nhận theo nội dung tờ khai.',
                'No draft: the result will be a certificate listing the e-form.',
              )}{' '}
          <a class="govuk-link" href={`/api/v1/dossiers/${encodeURIComponent(d.code)}/result-preview`}>
            {t(req, 'Xem bản in thử (PDF)', 'Preview (PDF)')}
          </a>
        </p>
      </div>
    </section>
  );
}

export interface DetailProps {
  req: FastifyRequest;
  d: DossierView;
  log: ActionLogEntry[];
  specialists: Staff[];
  units: Unit[];
  /** The officials the page names (assignee, actors), by username. */
  names?: Map<string, OfficialName>;
  /** The forms the dossier's history calls for (formsAvailable). */
  forms?: FormCode[];
  /** The procedure version the dossier was filed under: its field and step names in both languages. */
  proc?: ProcedureDetail;
  /** Whether each paper component (and the result) is digitised (issue 13). */
  digitisation?: DigitisationStatusView;
  /** While the dossier waits for approval: the specialist's proposal and the draft result. */
  proposal?: { entry: ActionLogEntry; draft: ResultDraft | null };
  /** The dossier's payments, oldest first, with their receipts (issue 14). */
  payments?: PaymentView[];
  /** The request-fee form's lines and note (pre-filled from the fee schedule, or as posted). */
  fee?: FeeRequestDraft;
  /** The official may collect the fee at the desk (a receiving officer of the receiving unit). */
  counter?: boolean;
  /** The official may record refunds (a finance officer). */
  refunds?: boolean;
  /** The dossier's VNPost orders with their tracking (issue 16). */
  postal?: PostalOrderView[];
  error?: string;
  /** Where the error links: the actions by default; a fresh copy of the page when it was stale. */
  errorHref?: string;
  done?: string;
}

/** What the fee forms' `done` says (they are not workflow actions). */
const FEE_DONE: Record<string, [string, string]> = {
  'thu-phi': ['Thu phí tại quầy, cấp biên lai', 'Fee collected at the desk, receipt issued'],
  'hoan-tra': ['Ghi nhận hoàn trả', 'Refund recorded'],
};

/** One dossier for an official: what it is, what happened, the forms, and the actions open to them now. */
export function DossierDetailPage({
  req,
  d,
  log,
  specialists,
  units,
  names = new Map(),
  forms = [],
  proc,
  digitisation,
  proposal,
  payments = [],
  fee,
  counter = false,
  refunds = false,
  postal = [],
  error,
  errorHref,
  done,
}: DetailProps) {
  const unitName = (id: string) => {
    const u = units.find((x) => x.id === id);
    return u ? t(req, u.name, u.nameEn ?? u.name) : id;
  };
  const who = (username: string, fallback?: string) => officialLabel(req.lang, names, username, { fallback });
  const step = proc?.workflow[d.step];
  const stepName = step ? t(req, step.name, step.nameEn ?? step.name) : (d.stepName ?? '—');
  const row = (k: string, v: ComponentChildren) => (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{k}</dt>
      <dd class="govuk-summary-list__value">{v}</dd>
    </div>
  );
  // A finance officer (and nothing else) reads the dossier for its fees: no queue, forms or result pages are theirs.
  const financeOnly = req.principal?.kind === 'staff' && req.principal.roles.length > 0 && req.principal.roles.every((r) => r.role === 'finance_officer');
  const doneLabel = done && (ACTION_LABELS[done as ActionName] ?? (FEE_DONE[done] ? { vi: FEE_DONE[done][0], en: FEE_DONE[done][1] } : undefined));
  return (
    <Layout req={req} area="office" title={`${t(req, 'Hồ sơ', 'Dossier')} ${d.code}`}>
      {/* A finance officer has no dossier queue: they come from the ledger and go back to it. */}
      {financeOnly ? (
        <a href="/can-bo/thanh-toan" class="govuk-back-link">
          {t(req, 'Sổ thu phí, lệ phí', 'Fees ledger')}
        </a>
      ) : (
        <a href="/can-bo/ho-so" class="govuk-back-link">
          {t(req, 'Danh sách hồ sơ', 'All dossiers')}
        </a>
      )}
      <ErrorSummary req={req} errors={error ? [{ text: error, href: errorHref ?? '#actions' }] : []} />
      {doneLabel ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, `Đã thực hiện: ${doneLabel.vi}`, `Done: ${doneLabel.en}`)}</p>
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-l">{d.procedureName}</span>
      <h1 class="govuk-heading-l cs-mono">{d.code}</h1>
      {proposal ? <Proposal req={req} d={d} entry={proposal.entry} draft={proposal.draft} who={who} /> : null}
      <dl class="govuk-summary-list">
        {row(
          t(req, 'Trạng thái', 'Status'),
          <span>
            <StatusTag req={req} status={d.status} /> {t(req, `(mã quốc gia ${d.nationalStatus})`, `(national code ${d.nationalStatus})`)}
          </span>,
        )}
        {proc ? row(t(req, 'Lĩnh vực', 'Field'), t(req, proc.field, proc.fieldEn ?? proc.field)) : null}
        {row(t(req, 'Bước hiện tại', 'Current step'), stepName)}
        {row(t(req, 'Người nộp', 'Applicant'), `${d.applicant.name} — ${d.applicant.identifier}`)}
        {row(t(req, 'Kênh nộp', 'Channel'), t(req, ...(CHANNELS[d.channel] ?? ['?', '?'])))}
        {d.nationalCode ? row(t(req, 'Nộp trên Cổng DVCQG, mã hồ sơ', 'Filed on the national portal, its code'), d.nationalCode) : null}
        {row(
          t(req, 'Nhận kết quả', 'Result delivery'),
          `${t(req, DELIVERY[d.delivery].vi, DELIVERY[d.delivery].en)}${d.delivery === 'post' && d.applicant.address ? ` — ${d.applicant.address}` : ''}`,
        )}
        {row(t(req, 'Nộp lúc', 'Submitted'), formatDateTime(req.lang, d.submittedAt))}
        {row(
          t(req, 'Hạn trả kết quả', 'Due date'),
          <DueDate req={req} dueDate={d.dueDate} dueAt={d.dueAt} processingUnit={d.processingUnit} overdue={d.overdue} />,
        )}
        {row(t(req, 'Đơn vị xử lý', 'Handling unit'), unitName(d.handlingUnit))}
        {row(t(req, 'Chuyên viên', 'Specialist'), d.assignee ? who(d.assignee) : '—')}
      </dl>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h2 class="govuk-heading-m">{t(req, 'Thành phần hồ sơ', 'Dossier components')}</h2>
          <ul class="govuk-list govuk-list--bullet">
            {d.components.map((c) => (
              <li>
                <ComponentLine req={req} proc={proc} c={c} />
              </li>
            ))}
          </ul>
          {digitisation ? <DigitisationPanel req={req} d={d} status={digitisation} /> : null}
          <FeesPanel req={req} d={d} payments={payments} counter={counter} refunds={refunds} />
          <h2 class="govuk-heading-m">{t(req, 'Tờ khai điện tử', 'E-form')}</h2>
          <EFormView req={req} schema={proc?.eForm} form={d.form} />
          <h2 class="govuk-heading-m">{t(req, 'Quá trình xử lý', 'Processing history')}</h2>
          <Timeline req={req} log={log} showActor who={who} events={postalTimelineEvents(req, postal)} />
          <PostalOrders req={req} orders={postal} />
        </div>
        <div class="govuk-grid-column-one-third">
          <h2 class="govuk-heading-m" id="actions">
            {t(req, 'Thao tác', 'Actions')}
          </h2>
          {d.allowedActions.length === 0 ? (
            <p class="govuk-body">{t(req, 'Không có thao tác nào dành cho bạn ở bước này.', 'Nothing for you to do at this step.')}</p>
          ) : null}
          {d.allowedActions.map((a) => (
            <ActionForm req={req} d={d} action={a} specialists={specialists} units={units} fee={fee} />
          ))}
          {financeOnly ? null : (
            <>
              <h2 class="govuk-heading-m">{t(req, 'Biểu mẫu', 'Forms')}</h2>
              <ul class="govuk-list">
                <li>
                  <a class="govuk-link" href={`/can-bo/ho-so/${encodeURIComponent(d.code)}/ket-qua`}>
                    {t(req, 'Kết quả giải quyết (dự thảo, bản đã ký)', 'Result (draft, signed copies)')}
                  </a>
                </li>
                {FORMS.filter(([n]) => forms.includes(n)).map(([n, vi, en]) => (
                  <li>
                    <a class="govuk-link" href={`/can-bo/ho-so/${encodeURIComponent(d.code)}/bieu-mau/${n}`}>{`${n} — ${t(req, vi, en)}`}</a>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
    </Layout>
  );
}

const DIGITISED: Record<DigitisationStatusView['components'][number]['state'], [string, string, string]> = {
  digitised: ['Đã số hóa', 'Digitised', 'govuk-tag--green'],
  pending: ['Chưa số hóa', 'Not digitised yet', 'govuk-tag--yellow'],
  not_required: ['Không cần số hóa', 'Not required', 'govuk-tag--grey'],
  electronic: ['Bản điện tử', 'Electronic', 'govuk-tag--blue'],
};
const RESULT_DIGITISED: Record<DigitisationStatusView['result'], [string, string]> = {
  electronic: ['Kết quả điện tử (đã ký số)', 'Electronic result (digitally signed)'],
  digitised: ['Kết quả giấy đã số hóa', 'Paper result digitised'],
  pending: ['Kết quả giấy chưa xác nhận số hóa', 'Paper result not yet confirmed'],
  none: ['Chưa có kết quả', 'No result yet'],
};

/**
 * Digitisation of the dossier (Circular 01/2023, issue 13): each paper component digitised,
 * pending or not required (with the reason); for a dossier received on paper, the desk scans
 * from here and may mark a component not required.
 */
function DigitisationPanel({ req, d, status }: { req: FastifyRequest; d: DossierView; status: DigitisationStatusView }) {
  const p = req.principal;
  const scans = p?.kind === 'staff' && p.roles.some((r) => r.role === 'receiving_officer' || r.role === 'clerk');
  const pending = status.components.filter((c) => c.state === 'pending');
  const scanHref = (component?: string) => `/can-bo/so-hoa/quet?${new URLSearchParams({ hoSo: d.code, ...(component ? { thanhPhan: component } : {}) })}`;
  return (
    <section aria-labelledby="so-hoa">
      <h2 class="govuk-heading-m" id="so-hoa">
        {t(req, 'Số hóa', 'Digitisation')}
      </h2>
      {!status.paper ? (
        <p class="govuk-body">{t(req, 'Hồ sơ nộp trực tuyến: các thành phần đã là bản điện tử.', 'Filed online: the components are electronic already.')}</p>
      ) : null}
      <dl class="govuk-summary-list">
        {status.components.map((c) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{c.name}</dt>
            <dd class="govuk-summary-list__value">
              <strong class={`govuk-tag ${DIGITISED[c.state][2]}`}>{t(req, DIGITISED[c.state][0], DIGITISED[c.state][1])}</strong>
              {c.reason ? <span class="cs-meta">{` ${t(req, 'Lý do', 'Reason')}: ${c.reason}`}</span> : null}
              {c.itemCode ? (
                <>
                  {' '}
                  <a class="govuk-link cs-mono" href={`/can-bo/so-hoa/tai-lieu/${encodeURIComponent(c.itemCode)}`}>
                    {c.itemCode}
                  </a>
                </>
              ) : null}
            </dd>
            {status.paper && scans && c.state !== 'electronic' ? (
              <dd class="govuk-summary-list__actions">
                <a class="govuk-link" href={scanHref(c.code)}>
                  {t(req, 'Số hóa', 'Digitise')}
                  <span class="govuk-visually-hidden"> {c.name}</span>
                </a>
              </dd>
            ) : status.paper && scans ? (
              <dd class="govuk-summary-list__actions" />
            ) : null}
          </div>
        ))}
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Kết quả', 'Result')}</dt>
          <dd class="govuk-summary-list__value">{t(req, ...RESULT_DIGITISED[status.result])}</dd>
          {status.paper && scans ? <dd class="govuk-summary-list__actions" /> : null}
        </div>
      </dl>
      {status.paper && scans ? (
        <>
          <p class="govuk-body">
            <a class="govuk-link" href={scanHref()}>
              {t(req, 'Quét giấy tờ của hồ sơ (nhiều trang, nhiều thành phần)', "Scan the dossier's papers (many pages, many components)")}
            </a>
          </p>
          {pending.length ? (
            <details class="govuk-details">
              <summary class="govuk-details__summary">
                <span class="govuk-details__summary-text">{t(req, 'Đánh dấu thành phần không cần số hóa', 'Mark a component not required')}</span>
              </summary>
              <div class="govuk-details__text">
                <form method="post" action={`/can-bo/ho-so/${encodeURIComponent(d.code)}/khong-can-so-hoa`} novalidate>
                  <Csrf req={req} />
                  <div class="govuk-form-group">
                    <label class="govuk-label" for="exempt-component">
                      {t(req, 'Thành phần', 'Component')}
                    </label>
                    <select class="govuk-select" id="exempt-component" name="componentCode">
                      {pending.map((c) => (
                        <option value={c.code}>{c.name}</option>
                      ))}
                    </select>
                  </div>
                  <div class="govuk-form-group">
                    <label class="govuk-label" for="exempt-reason">
                      {t(req, 'Lý do', 'Reason')}
                    </label>
                    <div class="govuk-hint" id="exempt-reason-hint">
                      {t(
                        req,
                        'Ví dụ: bản chính chỉ xuất trình để đối chiếu và đã trả lại',
                        'For example: the original was only shown for checking and handed back',
                      )}
                    </div>
                    <textarea class="govuk-textarea" id="exempt-reason" name="reason" rows={2} aria-describedby="exempt-reason-hint" />
                  </div>
                  <button type="submit" class="govuk-button govuk-button--secondary">
                    {t(req, 'Đánh dấu không cần số hóa', 'Mark not required')}
                  </button>
                </form>
              </div>
            </details>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

type Ratings = {
  ratings: { code: string; procedureName: string; scores: Record<string, number>; comment: string | null; ratedAt: string }[];
  averages: Record<string, number | null>;
};

/** What applicants said about the unit's service: averages per criterion as bars, then each rating. */
export function RatingsPage({ req, data }: { req: FastifyRequest; data: Ratings }) {
  const title = t(req, 'Đánh giá của người dân, doanh nghiệp', 'Ratings by applicants');
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">{t(req, `${data.ratings.length} lượt đánh giá (thang điểm 1–5).`, `${data.ratings.length} ratings (scale 1–5).`)}</p>
      <dl class="cs-bars">
        {Object.entries(RATING_CRITERIA).map(([k, c]) => {
          const v = data.averages[k];
          return (
            <div class="cs-bars__row">
              <dt class="cs-bars__label">{t(req, c.vi, c.en)}</dt>
              <dd class="cs-bars__value">
                <meter class="cs-bars__meter" min={0} max={5} low={3} high={4} optimum={5} value={v ?? 0} aria-hidden="true" />
                <span>{v === null ? '—' : v.toFixed(2)}</span>
              </dd>
            </div>
          );
        })}
      </dl>
      <TableWrap label={title}>
        <table class="govuk-table cs-table">
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                {t(req, 'Mã hồ sơ', 'Code')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Thủ tục', 'Procedure')}
              </th>
              {Object.values(RATING_CRITERIA).map((c) => (
                <th scope="col" class="govuk-table__header">
                  {t(req, c.vi, c.en)}
                </th>
              ))}
              <th scope="col" class="govuk-table__header">
                {t(req, 'Ý kiến', 'Comment')}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {data.ratings.map((r) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell cs-mono">{r.code}</td>
                <td class="govuk-table__cell">{r.procedureName}</td>
                {Object.keys(RATING_CRITERIA).map((k) => (
                  <td class="govuk-table__cell">{r.scores[k]}</td>
                ))}
                <td class="govuk-table__cell">{r.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Layout>
  );
}
