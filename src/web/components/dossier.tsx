import type { FastifyRequest } from 'fastify';
import type { ActionLogEntry } from '../../modules/dossiers/get-dossier.ts';
import { ACTION_LABELS, STATUSES, type ActionName } from '../../modules/dossiers/workflow.ts';
import { formatDateTime } from '../../platform/i18n/index.ts';
import { t } from './layout.tsx';

type Status = keyof typeof STATUSES;

const TAG: Partial<Record<Status, string>> = {
  submitted: 'govuk-tag--light-blue',
  received: 'govuk-tag--blue',
  processing: 'govuk-tag--purple',
  proposed: 'govuk-tag--pink',
  awaiting_supplement: 'govuk-tag--yellow',
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

/** A due date, flagged when it has passed while the dossier is still open. */
export function DueDate({ req, dueDate, overdue }: { req: FastifyRequest; dueDate: string | null; overdue: boolean }) {
  if (!dueDate) return <span>—</span>;
  return (
    <span>
      {dueDate.split('-').reverse().join('/')}
      {overdue ? <strong class="govuk-tag govuk-tag--red govuk-!-margin-left-1">{t(req, 'Quá hạn', 'Overdue')}</strong> : null}
    </span>
  );
}

const actionLabel = (req: FastifyRequest, a: string) => (a === 'submit' ? t(req, 'Nộp hồ sơ', 'Submitted') : ACTION_LABELS[a as ActionName] ? t(req, ACTION_LABELS[a as ActionName].vi, ACTION_LABELS[a as ActionName].en) : a);

/** What the action's data says to a reader: reasons, missing items, the new date. */
function details(req: FastifyRequest, e: ActionLogEntry): string[] {
  const d = e.data ?? {};
  const out: string[] = [];
  if (typeof d.reason === 'string') out.push(`${t(req, 'Lý do', 'Reason')}: ${d.reason}`);
  if (Array.isArray(d.items)) for (const i of d.items as { component?: string; reason: string }[]) out.push(`${i.component ? `${i.component}: ` : ''}${i.reason}`);
  if (typeof d.newDueDate === 'string') out.push(`${t(req, 'Hẹn trả mới', 'New date')}: ${d.newDueDate.split('-').reverse().join('/')}`);
  if (e.assignee && (e.action === 'assign' || e.action === 'reassign')) out.push(`${t(req, 'Chuyên viên', 'Specialist')}: ${e.assignee}`);
  if (e.action === 'transfer' && e.toUnit) out.push(`${t(req, 'Đơn vị nhận', 'To unit')}: ${e.toUnit}`);
  return out;
}

/** The status timeline, from the action log: what happened, who did it, when. */
export function Timeline({ req, log, showActor }: { req: FastifyRequest; log: ActionLogEntry[]; showActor: boolean }) {
  return (
    <ol class="cs-timeline">
      {log.map((e) => (
        <li class="cs-timeline__item">
          <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{actionLabel(req, e.action)}</h3>
          <p class="govuk-body-s govuk-!-margin-bottom-1">
            <time datetime={e.at}>{formatDateTime(req.lang, e.at)}</time>
            {showActor ? ` · ${e.actorName}` : ''} · <StatusTag req={req} status={e.toStatus} />
          </p>
          {details(req, e).map((line) => <p class="govuk-body-s govuk-!-margin-bottom-1">{line}</p>)}
        </li>
      ))}
    </ol>
  );
}
