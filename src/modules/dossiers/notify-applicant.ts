import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { notify } from '../notifications/notify.ts';
import type { NotificationEvent } from '../notifications/schemas.ts';
import type { Applicant, Delivery } from './schemas.ts';
import { countsHours } from '../calendar/time-limit.ts';
import { dueWhen } from './forms/common.ts';
import type { ActionName, DossierState } from './workflow.ts';

/** The dossier events the applicant is told about (forms 01–05 and the result being ready). */
const EVENTS: Partial<Record<ActionName | 'submit', NotificationEvent>> = {
  receive: 'dossier.received',
  request_supplement: 'dossier.supplement_requested',
  refuse: 'dossier.refused',
  apologise: 'dossier.apology',
  approve: 'dossier.result_ready',
  return: 'dossier.returned',
  stop: 'dossier.stopped',
  request_fee: 'dossier.fee_requested',
};

/** The return action's method as the applicant's delivery choice it fulfils. */
const DELIVERED_BY: Record<string, Delivery> = { online: 'online', counter: 'desk', post: 'post' };

/**
 * Tells the applicant, in the transaction of the change, what just happened to their dossier.
 * Counter filings are received at once, so 'submit' into 'received' counts as a receipt.
 * `units` are the dossier's receiving and handling units after the change: the officials who
 * see the dossier are those who may read the message in the outbox.
 */
export async function notifyApplicant(
  ctx: Ctx,
  tx: Tx,
  d: { code: string; procedureName: string; applicant: Applicant; units: string[]; citizenId: string | null; delivery: Delivery; seq: number },
  next: DossierState,
  action: ActionName | 'submit',
  data: Record<string, unknown>,
): Promise<void> {
  const event = action === 'submit' ? (next.status === 'received' ? EVENTS.receive : undefined) : EVENTS[action];
  if (!event) return;
  // A supplement request lists {component?, reason}: the applicant reads "component: reason".
  const items = Array.isArray(data.items)
    ? data.items
        .map((i) =>
          i && typeof i === 'object'
            ? [(i as { component?: unknown }).component, (i as { reason?: unknown }).reason].filter((x) => typeof x === 'string' && x.trim()).join(': ')
            : String(i),
        )
        .filter(Boolean)
    : null;
  // A fee request lists its lines: the applicant reads "Lệ phí cấp giấy phép: 1.200.000 đồng".
  const feeLines = Array.isArray(data.lines)
    ? (data.lines as { name: string; amount: number }[]).map((l) => `${l.name}: ${l.amount.toLocaleString('vi-VN')} đồng`)
    : null;
  // At return: how the result was handed over (the official's choice, by default the applicant's).
  const delivery = event === 'dossier.returned' ? (DELIVERED_BY[String(data.method)] ?? d.delivery) : null;
  // The apology tells the due moment it misses (the state already holds the extended one).
  const apology = event === 'dossier.apology';
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const dueDate = apology ? (str(data.previousDueDate) ?? null) : (next.dueDate ?? null);
  // The time of day is told where it means something (dueWhen): a limit in days ends with its day.
  const hours = countsHours(next.processingUnit);
  const moment = (at: string | null) => (at && dueWhen(at, null, hours) instanceof Date ? at : null);
  const dueAt = moment(apology ? str(data.previousDueAt) : (next.dueAt ?? null));
  const newDueAt = moment(str(data.newDueAt));
  await notify(ctx, tx, {
    recipient: { name: d.applicant.name, email: d.applicant.email ?? null, phone: d.applicant.phone ?? null },
    event,
    units: d.units,
    // The applicant's portal inbox too, when they have an account: one entry per action.
    citizenId: d.citizenId,
    key: `${d.code}#${d.seq}`,
    data: {
      dossierCode: d.code,
      procedureName: d.procedureName,
      applicantName: d.applicant.name,
      dueDate,
      newDueDate: str(data.newDueDate),
      dueAt: dueDate ? dueAt : null,
      newDueAt,
      reason: typeof data.reason === 'string' ? data.reason : typeof data.note === 'string' && event === 'dossier.fee_requested' ? data.note : null,
      items: feeLines ?? items,
      amount: typeof data.total === 'number' ? data.total : null,
      trackingUrl: `${ctx.config.publicUrl}/tra-cuu?ma=${encodeURIComponent(d.code)}`,
      delivery,
      resultUrl: delivery === 'online' ? `${ctx.config.publicUrl}/kho-du-lieu` : null,
      address: delivery === 'post' ? (d.applicant.address ?? null) : null,
    },
  });
}
