import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { deliveryOf, type Applicant, type Delivery } from './schemas.ts';
import { dueAtOf, STATUSES, type ActionName, type DossierState } from './workflow.ts';
import { dueAtOfRow } from './dossier-store.ts';
import { notifyApplicant } from './notify-applicant.ts';
import { rescopeNotifications } from '../notifications/rescope-notifications.ts';
import { hasDigitisedComponents } from '../digitisation/has-digitised-components.ts';
import { refreshDossierIndicators } from '../indicators/refresh-dossier-indicators.ts';
import { enqueueEmcEvent } from '../analytics/emc-jobs.ts';
import { enqueueNationalSync } from '../national-portal/enqueue-national-sync.ts';
import { postalAfterStateChange } from '../postal/postal-after-state-change.ts';

/**
 * What every state change causes, enqueued in its own transaction so it happens if and only
 * if the change commits: the dossier's record and step for the National Public Service Portal
 * (outbox messages its adapter delivers) and the applicant's notification. When the dossier moves to
 * another unit (received into the handling unit, transferred), the messages it was sent move
 * with it: the outbox shows them to the officials who see the dossier (visibility.ts).
 * `row` is the dossier before the change; a new dossier has no units yet (filed in its
 * receiving unit, which is `next.handlingUnit` then).
 */
export async function afterStateChange(
  ctx: Ctx,
  tx: Tx,
  row: {
    code: string;
    procedure_code: string;
    procedure_name: string;
    channel: number;
    applicant: unknown;
    owner_citizen_id: string | null;
    delivery: Delivery | null;
    receiving_unit?: string;
    handling_unit?: string;
    /** The National Public Service Portal's code (MaHoSo) of a dossier filed there. */
    national_code?: string | null;
    /** Before the change (absent for a new dossier): the national portal is told the due date a supplement moved. */
    status?: string;
    due_date?: string | null;
    due_at?: Date | string | null;
  },
  next: DossierState,
  action: ActionName | 'submit',
  data: Record<string, unknown>,
  /** The action's seq in the dossier's log: names the event, so the applicant's inbox holds it once. */
  seq: number,
) {
  // A dossier waiting for its fee at filing has not been sent: nobody, the national portal included, hears of it until it is paid.
  if (next.status === 'unpaid') return;
  // The National Public Service Portal hears of every step: the dossier's record and the step, through the outbox.
  await enqueueNationalSync(ctx, tx, {
    dossierCode: row.code,
    nationalCode: row.national_code ?? null,
    procedureCode: row.procedure_code,
    seq,
    action,
    status: next.status,
    nationalStatus: STATUSES[next.status].national,
    channel: row.channel,
    dueDate: next.dueDate,
    previousDueDate: row.due_date ?? null,
    // NgayHenTra carries the time where the limit counts hours (national-portal/contract.ts).
    dueAt: dueAtOf(next)?.toISOString() ?? null,
    previousDueAt: row.due_date !== undefined ? (dueAtOfRow({ due_at: row.due_at, due_date: row.due_date ?? null })?.toISOString() ?? null) : null,
    handlingUnit: next.handlingUnit,
    assignee: next.assignee,
    // HoSoCoThanhPhanSoHoa: online filings are electronic from the start, only paper is digitised.
    hasDigitisedComponents: row.channel !== 2 && (await hasDigitisedComponents(tx, row.code)),
    // DuocThanhToanTrucTuyen: "1" when a fee was paid through the national payment platform, "3" for a fee-bearing dossier that was not.
    paidOnline: next.feePaidOnline ?? false,
    feeBearing: (next.feePaid ?? 0) > 0 || Boolean(next.feeDue),
    // The portal first hears of a dossier when it is sent: filed, or (filed unpaid) once its fee is paid; one filed there it knows already.
    first: !row.national_code && (action === 'submit' || (action === 'fee_paid' && row.status === 'unpaid')),
    at: new Date().toISOString(),
  });
  // The national measuring system (EMC) hears of every action, through an outbox its job sends.
  await enqueueEmcEvent(ctx, tx, {
    dossierCode: row.code,
    procedureCode: row.procedure_code,
    procedureName: row.procedure_name,
    nationalStatus: STATUSES[next.status].national,
    action,
    channel: row.channel,
    paidOnline: next.feePaidOnline ?? false,
    feeBearing: (next.feePaid ?? 0) > 0 || Boolean(next.feeDue),
    seq,
    ownerCitizenId: row.owner_citizen_id,
    applicantIdentifier: (row.applicant as Applicant)?.identifier,
    applicantKind: (row.applicant as Applicant)?.kind,
    location: row.receiving_unit ?? next.handlingUnit,
    fromNationalPortal: Boolean(row.national_code),
  });
  // VNPost: a pickup ordered when the dossier is sent, a delivery when returned by post, open orders cancelled on withdrawal (outbox).
  await postalAfterStateChange(
    ctx,
    tx,
    { code: row.code, applicant: row.applicant as Applicant, receivingUnit: row.receiving_unit ?? next.handlingUnit },
    next,
    action,
    data,
  );
  const receiving = row.receiving_unit ?? next.handlingUnit;
  const units = next.handlingUnit === receiving ? [receiving] : [receiving, next.handlingUnit];
  if (row.handling_unit !== undefined && row.handling_unit !== next.handlingUnit) await rescopeNotifications(tx, row.code, units);
  await notifyApplicant(
    ctx,
    tx,
    {
      code: row.code,
      procedureName: row.procedure_name,
      applicant: row.applicant as Applicant,
      units,
      citizenId: row.owner_citizen_id,
      delivery: deliveryOf(row),
      seq,
    },
    next,
    action,
    data,
  );
  // The service index changes with the dossier, in its transaction (a filing not yet received counts nowhere). Last:
  // the index's rows are shared by a unit's dossiers, so they are held for the shortest time, and after the audit chain's lock.
  if (action !== 'submit' || next.status !== 'submitted') await refreshDossierIndicators(tx, [row.code]);
}
