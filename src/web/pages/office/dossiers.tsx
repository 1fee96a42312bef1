import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { DossierSummary, ListQuery } from '../../../modules/dossiers/list-dossiers.ts';
import { DELIVERY, RETURN_METHOD, type DossierView } from '../../../modules/dossiers/schemas.ts';
import type { ActionLogEntry } from '../../../modules/dossiers/get-dossier.ts';
import type { Staff, Unit } from '../../../modules/organisation/schemas.ts';
import { ACTION_LABELS, STATUSES, type ActionName } from '../../../modules/dossiers/workflow.ts';
import { RATING_CRITERIA } from '../../../modules/dossiers/rate-dossier.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { officialLabel, type OfficialName } from '../../../modules/organisation/staff-names.ts';
import type { FormCode } from '../../../modules/dossiers/issue-form.ts';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import type { ResultDraft } from '../../../modules/results/draft-result.ts';
import type { DigitisationStatusView } from '../../../modules/digitisation/schemas-items.ts';
import { Csrf, ErrorSummary, Layout, Pagination, t, TableWrap } from '../../components/layout.tsx';
import { ComponentLine, DueDate, EFormView, StatusTag, Timeline } from '../../components/dossier.tsx';

export const QUEUES: [ListQuery['queue'], string, string][] = [
  ['mine', 'Việc của tôi', 'My tasks'],
  ['unit', 'Hồ sơ của đơn vị', "My unit's queue"],
  ['due_soon', 'Sắp đến hạn', 'Due soon'],
  ['overdue', 'Quá hạn', 'Overdue'],
  ['all', 'Tất cả', 'All'],
];

const CHANNELS: Record<number, [string, string]> = { 1: ['Trực tiếp', 'At the counter'], 2: ['Trực tuyến', 'Online'], 3: ['Bưu chính', 'By post'] };

function queueHref(q: Partial<ListQuery>, page = 1) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries({ queue: q.queue, status: q.status, procedure: q.procedure, q: q.q })) if (v) u.set(k, String(v));
  if (page > 1) u.set('page', String(page));
  return `/can-bo/ho-so?${u}`;
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
}

/** Officials' work queues: tabs for my tasks, the unit, due soon and overdue; filters; bulk assignment. */
export function DossierQueuePage({ req, query, result, specialists, names = new Map(), notice }: QueueProps) {
  const title = t(req, 'Hồ sơ thủ tục hành chính', 'Dossiers');
  const bulk = specialists.length > 0;
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
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="q">
              {t(req, 'Mã hồ sơ hoặc tên người nộp', 'Code or applicant name')}
            </label>
            <input class="govuk-input" id="q" name="q" type="search" value={query.q ?? ''} />
          </div>
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="status">
              {t(req, 'Trạng thái', 'Status')}
            </label>
            <select class="govuk-select" id="status" name="status">
              <option value="">{t(req, 'Tất cả', 'All')}</option>
              {Object.entries(STATUSES).map(([k, s]) => (
                <option value={k} selected={query.status === k}>
                  {t(req, s.vi, s.en)}
                </option>
              ))}
            </select>
          </div>
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="procedure">
              {t(req, 'Mã thủ tục', 'Procedure code')}
            </label>
            <input class="govuk-input" id="procedure" name="procedure" type="text" spellcheck={false} value={query.procedure ?? ''} />
          </div>
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary">
          {t(req, 'Lọc', 'Filter')}
        </button>
      </form>
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
                    <DueDate req={req} dueDate={d.dueDate} overdue={d.overdue} />
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
function ActionForm({ req, d, action, specialists, units }: { req: FastifyRequest; d: DossierView; action: ActionName; specialists: Staff[]; units: Unit[] }) {
  const id = (f: string) => `${action}-${f}`;
  const label = ACTION_LABELS[action];
  const warning = ['refuse', 'stop'].includes(action);
  return (
    <form method="post" action={`/can-bo/ho-so/${encodeURIComponent(d.code)}/thao-tac`} class="cs-action" novalidate>
      <Csrf req={req} />
      <input type="hidden" name="action" value={action} />
      {/* The state this page shows: an action chosen on it is refused once someone else has acted. */}
      <input type="hidden" name="version" value={String(d.version)} />
      <details class="govuk-details" open={action === 'receive' || action === 'approve' || action === 'propose'}>
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
          <button type="submit" class={`govuk-button ${warning ? 'govuk-button--warning' : ''}`}>
            {t(req, label.vi, label.en)}
          </button>
        </div>
      </details>
    </form>
  );
}

/** The forms' names; which of them a dossier has is `formsAvailable`'s answer (the rule the form endpoint applies). */
const FORMS: [FormCode, string, string][] = [
  ['01', 'Giấy tiếp nhận và hẹn trả kết quả', 'Receipt and appointment slip'],
  ['02', 'Phiếu yêu cầu bổ sung', 'Supplement request'],
  ['03', 'Phiếu từ chối', 'Refusal'],
  ['04', 'Phiếu xin lỗi và hẹn lại', 'Apology and new date'],
  ['05', 'Thông báo dừng xử lý', 'Notice of stopping'],
  ['06', 'Phiếu kiểm soát quá trình', 'Processing-control slip'],
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
  error?: string;
  /** Where the error links: the actions by default; a fresh copy of the page when it was stale. */
  errorHref?: string;
  done?: string;
}

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
  const doneLabel = done && ACTION_LABELS[done as ActionName];
  return (
    <Layout req={req} area="office" title={`${t(req, 'Hồ sơ', 'Dossier')} ${d.code}`}>
      <a href="/can-bo/ho-so" class="govuk-back-link">
        {t(req, 'Danh sách hồ sơ', 'All dossiers')}
      </a>
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
        {row(
          t(req, 'Nhận kết quả', 'Result delivery'),
          `${t(req, DELIVERY[d.delivery].vi, DELIVERY[d.delivery].en)}${d.delivery === 'post' && d.applicant.address ? ` — ${d.applicant.address}` : ''}`,
        )}
        {row(t(req, 'Nộp lúc', 'Submitted'), formatDateTime(req.lang, d.submittedAt))}
        {row(t(req, 'Hạn trả kết quả', 'Due date'), <DueDate req={req} dueDate={d.dueDate} overdue={d.overdue} />)}
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
          <h2 class="govuk-heading-m">{t(req, 'Tờ khai điện tử', 'E-form')}</h2>
          <EFormView req={req} schema={proc?.eForm} form={d.form} />
          <h2 class="govuk-heading-m">{t(req, 'Quá trình xử lý', 'Processing history')}</h2>
          <Timeline req={req} log={log} showActor who={who} />
        </div>
        <div class="govuk-grid-column-one-third">
          <h2 class="govuk-heading-m" id="actions">
            {t(req, 'Thao tác', 'Actions')}
          </h2>
          {d.allowedActions.length === 0 ? (
            <p class="govuk-body">{t(req, 'Không có thao tác nào dành cho bạn ở bước này.', 'Nothing for you to do at this step.')}</p>
          ) : null}
          {d.allowedActions.map((a) => (
            <ActionForm req={req} d={d} action={a} specialists={specialists} units={units} />
          ))}
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
