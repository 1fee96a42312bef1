import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { notify } from '../notifications/notify.ts';
import type { NotificationEvent } from '../notifications/schemas.ts';
import type { Applicant } from './schemas.ts';
import type { ActionName, DossierState } from './workflow.ts';

/** The dossier events the applicant is told about (forms 01–05 and the result being ready). */
const EVENTS: Partial<Record<ActionName | 'submit', NotificationEvent>> = {
  receive: 'dossier.received',
  request_supplement: 'dossier.supplement_requested',
  refuse: 'dossier.refused',
  apologise: 'dossier.apology',
  approve: 'dossier.result_ready',
  stop: 'dossier.stopped',
};

/**
 * Tells the applicant, in the transaction of the change, what just happened to their dossier.
 * Counter filings are received at once, so 'submit' into 'received' counts as a receipt.
 * `units` are the dossier's receiving and handling units after the change: the officials who
 * see the dossier are those who may read the message in the outbox.
 */
export async function notifyApplicant(
  ctx: Ctx,
  tx: Tx,
  d: { code: string; procedureName: string; applicant: Applicant; units: string[] },
  next: DossierState,
  action: ActionName | 'submit',
  data: Record<string, unknown>,
): Promise<void> {
  const event = action === 'submit' ? (next.status === 'received' ? EVENTS.receive : undefined) : EVENTS[action];
  if (!event) return;
  const items = Array.isArray(data.items) ? data.items.map(String) : null;
  await notify(ctx, tx, {
    recipient: { name: d.applicant.name, email: d.applicant.email ?? null, phone: d.applicant.phone ?? null },
    event,
    units: d.units,
    data: {
      dossierCode: d.code,
      procedureName: d.procedureName,
      applicantName: d.applicant.name,
      dueDate: next.dueDate ?? null,
      newDueDate: typeof data.newDueDate === 'string' ? data.newDueDate : null,
      reason: typeof data.reason === 'string' ? data.reason : null,
      items,
      trackingUrl: `${ctx.config.publicUrl}/tra-cuu?ma=${encodeURIComponent(d.code)}`,
    },
  });
}
