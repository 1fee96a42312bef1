import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { ActionLogEntry } from '../../modules/dossiers/get-dossier.ts';
import { ACTION_LABELS, STATUSES, type ActionName } from '../../modules/dossiers/workflow.ts';
import { formatDate, formatDateTime, vietnamDay, type Lang } from '../../platform/i18n/index.ts';
import { countsHours } from '../../modules/calendar/time-limit.ts';
import { endsItsDay } from '../../modules/calendar/dates.ts';
import { toVnIso } from '../../modules/calendar/working-time.ts';
import { componentName, fileNameIfDifferent, viewEForm, type EFormEntry } from '../eform-view.ts';
import { t } from './layout.tsx';

type Status = keyof typeof STATUSES;

const TAG: Partial<Record<Status, string>> = {
  submitted: 'govuk-tag--light-blue',
  received: 'govuk-tag--blue',
  processing: 'govuk-tag--purple',
  proposed: 'govuk-tag--pink',
  awaiting_supplement: 'govuk-tag--yellow',
  awaiting_fee: 'govuk-tag--orange',
  unpaid: 'govuk-tag--grey',
  approved: 'govuk-tag--turquoise',
  returned: 'govuk-tag--green',
  refused: 'govuk-tag--red',
  stopped: 'govuk-tag--red',
  withdrawn: 'govuk-tag--grey',
};

/** A dossier's status as a coloured tag, in the page's language. */
export function StatusTag({ req, status }: { req: FastifyRequest; status: string }) {
  const s = STATUSES[status as Status];
  return <strong class={`govuk-tag ${TAG[status as Status] ?? ''}`}>{s ? t(req, s.vi, s.en) : status}</strong>;
}

/** What a page knows of a dossier's due: the day, and the moment and the limit's unit where the API gives them. */
export interface Due {
  dueDate: string | null;
  /** The due moment (ISO instant); a limit in days ends at 23:59:59.999 of its day in Viet Nam. */
  dueAt?: string | null;
  /** The limit's unit (state.processingUnit): WORKING_DAY, DAY, WORKING_HOUR or SAME_DAY. */
  processingUnit?: string | null;
}

/**
 * Whether a due is shown with its time: a limit counted in hours or by the same working day
 * ends at a time that matters; one in days ends with its day, and is shown as the date. A moment
 * set inside a day for another reason (an extension to a given time) also keeps its time, since
 * the on-time test is against the moment.
 */
export function dueHasTime(d: Due): boolean {
  if (!d.dueAt || Number.isNaN(Date.parse(d.dueAt))) return false;
  return countsHours(d.processingUnit) || !endsItsDay(d.dueAt);
}

/** A due as the pages write it, in the one date style: "07/12/2026", or "10:00 07/12/2026" when its time matters. */
export function dueText(lang: Lang, d: Due): string | null {
  if (dueHasTime(d)) return formatDateTime(lang, d.dueAt!);
  const day = d.dueDate ?? (d.dueAt ? vietnamDay(d.dueAt) : null);
  return day ? formatDate(lang, day) : null;
}

/** A due date (or moment), flagged when it has passed while the dossier is still open. */
export function DueDate({ req, overdue, ...due }: Due & { req: FastifyRequest; overdue: boolean }) {
  const text = dueText(req.lang, due);
  if (!text) return <span>—</span>;
  return (
    <span>
      <time datetime={dueHasTime(due) ? toVnIso(new Date(due.dueAt!)) : (due.dueDate ?? vietnamDay(due.dueAt!))}>{text}</time>
      {overdue ? <strong class="govuk-tag govuk-tag--red govuk-!-margin-left-1">{t(req, 'Quá hạn', 'Overdue')}</strong> : null}
    </span>
  );
}

const actionLabel = (req: FastifyRequest, a: string) =>
  a === 'submit'
    ? t(req, 'Nộp hồ sơ', 'Submitted')
    : ACTION_LABELS[a as ActionName]
      ? t(req, ACTION_LABELS[a as ActionName].vi, ACTION_LABELS[a as ActionName].en)
      : a;

/** What the action's data says to a reader: reasons, missing items, the new date. */
function details(req: FastifyRequest, e: ActionLogEntry, who?: (username: string) => string): string[] {
  const d = e.data ?? {};
  const out: string[] = [];
  if (typeof d.reason === 'string') out.push(`${t(req, 'Lý do', 'Reason')}: ${d.reason}`);
  if (Array.isArray(d.items))
    for (const i of d.items as { component?: string; reason: string }[]) out.push(`${i.component ? `${i.component}: ` : ''}${i.reason}`);
  const newDue = dueText(req.lang, {
    dueDate: typeof d.newDueDate === 'string' ? d.newDueDate : null,
    dueAt: typeof d.newDueAt === 'string' ? d.newDueAt : null,
  });
  if (newDue) out.push(`${t(req, 'Hẹn trả mới', 'New date')}: ${newDue}`);
  if (e.assignee && (e.action === 'assign' || e.action === 'reassign'))
    out.push(`${t(req, 'Chuyên viên', 'Specialist')}: ${who ? who(e.assignee) : (e.assigneeName ?? t(req, 'đã phân công', 'assigned'))}`);
  if (e.action === 'transfer' && e.toUnit) out.push(`${t(req, 'Đơn vị nhận', 'To unit')}: ${e.toUnit}`);
  return out;
}

/** Something that happened to a dossier outside its action log (a VNPost tracking event), placed in the timeline by its time. */
export interface TimelineEvent {
  at: string;
  title: string;
  lines: string[];
}

/** The status timeline, from the action log: what happened, who did it, when; other events (`events`) interleaved by time. */
export function Timeline({
  req,
  log,
  showActor,
  who,
  events = [],
}: {
  req: FastifyRequest;
  log: ActionLogEntry[];
  showActor: boolean /** An official's name and role from a username or `staff:` actor: pages never show usernames. */;
  who?: (username: string, fallback?: string) => string;
  events?: TimelineEvent[];
}) {
  // Events outside the log go before the first action that came after them; the rest at the end. Compared to the
  // second: VNPost's times have no milliseconds, and an event in the action's own second came after it.
  const later = [...events].sort((a, b) => a.at.localeCompare(b.at));
  const until = (at: string | null) => {
    const n = at === null ? later.length : later.findIndex((x) => x.at.slice(0, 19) >= at.slice(0, 19));
    return later.splice(0, n === -1 ? later.length : n).map((x) => (
      <li class="cs-timeline__item cs-timeline__item--event">
        <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{x.title}</h3>
        <p class="govuk-body-s govuk-!-margin-bottom-1">
          <time datetime={x.at}>{formatDateTime(req.lang, x.at)}</time>
        </p>
        {x.lines.map((line) => (
          <p class="govuk-body-s govuk-!-margin-bottom-1">{line}</p>
        ))}
      </li>
    ));
  };
  return (
    <ol class="cs-timeline">
      {log.map((e) => (
        <>
          {until(new Date(e.at).toISOString())}
          <li class="cs-timeline__item">
            <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{actionLabel(req, e.action)}</h3>
            <p class="govuk-body-s govuk-!-margin-bottom-1">
              <time datetime={e.at}>{formatDateTime(req.lang, e.at)}</time>
              {showActor ? ` · ${who && e.actor.startsWith('staff:') ? who(e.actor, e.actorName) : e.actorName}` : ''} ·{' '}
              <StatusTag req={req} status={e.toStatus} />
            </p>
            {details(req, e, who).map((line) => (
              <p class="govuk-body-s govuk-!-margin-bottom-1">{line}</p>
            ))}
          </li>
        </>
      ))}
      {until(null)}
    </ol>
  );
}

// ── The e-form and the components, as people read them (issue 11) ──────────────────────────

/**
 * The e-form's answers in the form's order: labelled values, codes by their names, dates as
 * dd/mm/yyyy, tables as tables (stacked on a phone). Shared by the officials' dossier page
 * and the applicant's review and dossier pages; form 01 prints the same through eformLines.
 */
export function EFormView({
  req,
  schema,
  form,
}: {
  req: FastifyRequest;
  schema: Record<string, unknown> | null | undefined;
  form: Record<string, unknown> | null | undefined;
}) {
  const entries = viewEForm(schema, form, req.lang);
  if (!entries.length) return <p class="govuk-body">{t(req, 'Không có tờ khai điện tử.', 'No e-form.')}</p>;
  return <>{blocks(req, entries, '')}</>;
}

/** Values go in summary lists; a table breaks the list and takes the full width. */
function blocks(req: FastifyRequest, entries: EFormEntry[], prefix: string) {
  const out: VNode[] = [];
  let run: Extract<EFormEntry, { kind: 'value' }>[] = [];
  const flush = () => {
    if (!run.length) return;
    out.push(
      <dl class="govuk-summary-list cs-eform-view">
        {run.map((e) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{e.label}</dt>
            <dd class="govuk-summary-list__value">{e.value}</dd>
          </div>
        ))}
      </dl>,
    );
    run = [];
  };
  for (const e of entries) {
    const label = prefix ? `${prefix} — ${e.label}` : e.label;
    if (e.kind === 'value') run.push({ ...e, label });
    else if (e.kind === 'group') {
      flush();
      out.push(...blocks(req, e.entries, label));
    } else {
      flush();
      out.push(<EFormTable req={req} label={label} columns={e.columns} rows={e.rows} />);
    }
  }
  flush();
  return out;
}

function EFormTable({ req, label, columns, rows }: { req: FastifyRequest; label: string; columns: { key: string; label: string }[]; rows: string[][] }) {
  if (!rows.length) {
    return (
      <dl class="govuk-summary-list cs-eform-view">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{label}</dt>
          <dd class="govuk-summary-list__value">—</dd>
        </div>
      </dl>
    );
  }
  return (
    <table class="govuk-table cs-stack-table">
      <caption class="govuk-table__caption govuk-table__caption--s">{label}</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">
            {t(req, 'Dòng', 'Row')}
          </th>
          {columns.map((c) => (
            <th scope="col" class="govuk-table__header">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows.map((r, i) => (
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header" data-label={t(req, 'Dòng', 'Row')}>
              {i + 1}
            </th>
            {r.map((v, j) => (
              <td class="govuk-table__cell" data-label={columns[j].label}>
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A filed component: the document's name from the procedure first ("Hóa đơn thương mại"),
 * then its file when the file's name says something else, linked to the file.
 */
export function ComponentLine({
  req,
  proc,
  c,
}: {
  req: FastifyRequest;
  proc: Parameters<typeof componentName>[0];
  c: { code: string | null; name: string; fileName: string | null; uploadId: string | null; supplemented: boolean };
}) {
  const name = componentName(proc, c);
  const file = fileNameIfDifferent(name, c.fileName);
  const href = c.uploadId ? `/api/v1/uploads/${encodeURIComponent(c.uploadId)}` : null;
  return (
    <>
      {href && !file ? (
        <a class="govuk-link" href={href}>
          {name}
        </a>
      ) : (
        name
      )}
      {file ? (
        <>
          {' '}
          —{' '}
          {href ? (
            <a class="govuk-link" href={href}>
              {file}
            </a>
          ) : (
            file
          )}
        </>
      ) : null}
      {c.supplemented ? <span class="cs-meta"> ({t(req, 'bổ sung', 'supplement')})</span> : null}
    </>
  );
}
