import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { enqueueOutbox } from '../../platform/outbox/index.ts';
import { SERVICES } from './contract.ts';

/** The outbox adapter that delivers to the National Public Service Portal. */
export const NATIONAL_PORTAL_ADAPTER = 'national-portal';

/**
 * What the action's transaction knows of a step, kept with its two messages: the step's own facts
 * (status, national status, due dates, who handles it now). The dossier's stable facts
 * (applicant, files, fees, results) and the step's log entry (time, actor) are read when the
 * record is delivered (dossiers/read-sync-facts.ts): the filing path stays a few inserts.
 */
export interface SyncStep {
  dossierCode: string;
  /** The portal's own code (MaHoSo) of a dossier filed there and pushed to us; null for ours, whose MaHoSo is our code. */
  nationalCode: string | null;
  procedureCode: string;
  /** The action's seq in the dossier's log: names the step. */
  seq: number;
  /** The action taken ('submit' for a filing). */
  action: string;
  /** Our status after the step, and its national status (workflow.ts; the contract's STATUS_MAPPING decides what is sent). */
  status: string;
  nationalStatus: number;
  channel: number;
  /** The dossier's due date after the step, and before it (a supplement moves it: NgayHenTraTruoc / NgayHenTraMoi). */
  dueDate: string | null;
  previousDueDate: string | null;
  /**
   * The same as moments (ISO instants): a limit in working hours or within the day is due at a
   * time, which NgayHenTra then carries. Absent from messages written before moments existed.
   */
  dueAt?: string | null;
  previousDueAt?: string | null;
  handlingUnit: string;
  assignee: string | null;
  /** HoSoCoThanhPhanSoHoa as the step found it (paper channels only). */
  hasDigitisedComponents: boolean;
  paidOnline: boolean;
  feeBearing: boolean;
  /** The dossier's first push: DongBoHoSoMC with isUpdating "False" (the filing, or the payment that sent an unpaid filing). */
  first: boolean;
  /** When the message was written (the log's time of the step is what is sent). */
  at: string;
}

/**
 * In the action's transaction (dossiers/side-effects.ts): the dossier's record and its progress
 * step, two messages keyed by the dossier code, so the outbox delivers a dossier's pushes in
 * order, once each (`dedupe` names the step: a retried action enqueues nothing more). Without the
 * portal configured (production without NATIONAL_PORTAL_URL) nothing is written.
 */
export async function enqueueNationalSync(ctx: Ctx, tx: Tx, step: SyncStep): Promise<void> {
  if (!ctx.config.nationalPortal) return;
  const base = { adapter: NATIONAL_PORTAL_ADAPTER, key: step.dossierCode, payload: step };
  await enqueueOutbox(ctx, tx, { ...base, dedupe: `${step.dossierCode}:${step.seq}:hs`, kind: SERVICES.syncDossier });
  await enqueueOutbox(ctx, tx, { ...base, dedupe: `${step.dossierCode}:${step.seq}:td`, kind: SERVICES.updateProgress });
}
