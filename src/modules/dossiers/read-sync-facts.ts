import type { Ctx } from '../../platform/context.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import type { FeeLine } from '../catalog/compute-fees.ts';
import { hasDigitisedComponents } from '../digitisation/has-digitised-components.ts';
import { resultsForSync } from '../results/results-for-sync.ts';
import { AppError } from '../../platform/errors.ts';
import type { Applicant } from './schemas.ts';
import type { DossierState } from './workflow.ts';

/**
 * What the National Public Service Portal's record of a dossier needs beyond the step being
 * sent: the dossier's stable facts (applicant and identification, procedure and field, channel,
 * files with their digitised and reuse flags, fees, supplements with the due dates before and
 * after, results with their codes) and its action log. Read when the record is delivered, not in
 * the action's transaction (filing stays cheap); the log is append-only, so a step's facts read
 * later are the facts it had. Internal, with no principal: the adapter delivers what an
 * authorised action already enqueued.
 */
export interface SyncFacts {
  code: string;
  procedureCode: string;
  procedureName: string;
  fieldCode: string;
  fieldName: string;
  channel: number;
  applicant: { kind: string; name: string; identifier: string; email: string | null; phone: string | null; address: string | null };
  /** Filed by a citizen signed in with VNeID (every citizen account on the portal is), not by an official for them. */
  vneidAuthenticated: boolean;
  submittedAt: Date;
  receivedAt: Date | null;
  finishedAt: Date | null;
  receivingUnit: string;
  handlingUnit: string;
  delivery: 'online' | 'desk' | 'post' | null;
  /** A confirmed digitised paper component exists (Circular 01/2023): paper channels only. */
  hasDigitisedComponents: boolean;
  paidOnline: boolean;
  feeBearing: boolean;
  components: {
    idx: number;
    code: string | null;
    name: string;
    uploadId: string | null;
    fileName: string | null;
    reused: boolean;
    supplemented: boolean;
    addedAt: Date | null;
  }[];
  /** Fee lines made due, with the seq of the action that made them due (null: due now, not yet in the log as lines). */
  fees: (Pick<FeeLine, 'code' | 'name' | 'kind' | 'amount'> & { seq: number | null })[];
  actions: SyncAction[];
  results: { resultCode: string; documentName: string; issuedAt: Date }[];
}

export interface SyncAction {
  seq: number;
  action: string;
  actor: string;
  actorName: string;
  at: Date;
  fromStatus: string | null;
  toStatus: string;
  toUnit: string | null;
  stepDue: string | null;
  data: Record<string, unknown>;
}

/** The facts of one dossier, or null when it does not exist. */
export async function readSyncFacts(ctx: Ctx, code: string): Promise<SyncFacts | null> {
  const db = ctx.database.db;
  const d = await db
    .selectFrom('dossiers')
    .select([
      'id',
      'code',
      'procedure_code',
      'procedure_version',
      'procedure_name',
      'channel',
      'applicant',
      'owner_citizen_id',
      'filed_by',
      'submitted_at',
      'received_at',
      'finished_at',
      'receiving_unit',
      'handling_unit',
      'delivery',
      'state',
    ])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!d) return null;
  const [components, actions, results, digitised, proc] = await Promise.all([
    db
      .selectFrom('dossier_components')
      .select(['idx', 'component_code', 'name', 'upload_id', 'file_name', 'reused', 'supplemented', 'added_at'])
      .where('dossier_id', '=', d.id)
      .orderBy('idx')
      .execute(),
    db
      .selectFrom('dossier_actions')
      .select(['seq', 'action', 'actor', 'actor_name', 'at', 'from_status', 'to_status', 'to_unit', 'step_due', 'data'])
      .where('dossier_id', '=', d.id)
      .orderBy('seq')
      .execute(),
    resultsForSync(db, code),
    d.channel !== 2 ? hasDigitisedComponents(db, code) : Promise.resolve(false),
    getProcedure(ctx, d.procedure_code, { version: d.procedure_version }).catch((e) => {
      // A procedure withdrawn from the catalogue since: the dossier keeps its name, the field is unknown.
      if (e instanceof AppError && e.status === 404) return null;
      throw e;
    }),
  ]);
  const s = d.state as DossierState;
  const a = d.applicant as Applicant;
  const log: SyncAction[] = actions.map((r) => ({
    seq: r.seq,
    action: r.action,
    actor: r.actor,
    actorName: r.actor_name,
    at: new Date(r.at),
    fromStatus: r.from_status,
    toStatus: r.to_status,
    toUnit: r.to_unit,
    stepDue: r.step_due ? String(r.step_due).slice(0, 10) : null,
    data: (r.data ?? {}) as Record<string, unknown>,
  }));
  const paidOnline = log.some((x) => x.action === 'fee_paid' && x.data.online === true);
  const fees: SyncFacts['fees'] = [];
  const line = (l: FeeLine, seq: number | null) => ({ code: l.code, name: l.name, kind: l.kind, amount: l.amount, seq });
  for (const x of log) {
    if (x.action === 'request_fee' && Array.isArray(x.data.lines)) fees.push(...(x.data.lines as FeeLine[]).map((l) => line(l, x.seq)));
    // A fee paid at filing: its lines were the filing's due; the log keeps what was paid.
    if (x.action === 'fee_paid' && x.data.purpose === 'filing' && typeof x.data.amount === 'number') {
      fees.push({ code: '', name: 'Phí, lệ phí nộp khi nộp hồ sơ', kind: 1, amount: x.data.amount, seq: x.seq });
    }
  }
  if (s.feeDue?.purpose === 'filing') fees.push(...s.feeDue.lines.map((l) => line(l, null)));
  return {
    code: d.code,
    procedureCode: d.procedure_code,
    procedureName: d.procedure_name,
    // The catalogue keeps the field's name, not the portal's code for it: MaLinhVuc goes empty until the catalogue pull (LayThuTuc) records it.
    fieldCode: '',
    fieldName: proc?.field ?? '',
    channel: d.channel,
    applicant: {
      kind: a?.kind ?? 'citizen',
      name: a?.name ?? '',
      identifier: a?.identifier ?? '',
      email: a?.email ?? null,
      phone: a?.phone ?? null,
      address: a?.address ?? null,
    },
    vneidAuthenticated: d.owner_citizen_id !== null && d.filed_by.startsWith('citizen:'),
    submittedAt: new Date(d.submitted_at),
    receivedAt: d.received_at ? new Date(d.received_at) : null,
    finishedAt: d.finished_at ? new Date(d.finished_at) : null,
    receivingUnit: d.receiving_unit,
    handlingUnit: d.handling_unit,
    delivery: d.delivery,
    hasDigitisedComponents: digitised,
    paidOnline: paidOnline || (s.feePaidOnline ?? false),
    feeBearing: (s.feePaid ?? 0) > 0 || Boolean(s.feeDue) || fees.length > 0,
    components: components.map((c) => ({
      idx: c.idx,
      code: c.component_code,
      name: c.name,
      uploadId: c.upload_id,
      fileName: c.file_name,
      reused: c.reused,
      supplemented: c.supplemented,
      addedAt: c.added_at ? new Date(c.added_at) : null,
    })),
    fees,
    actions: log,
    results,
  };
}
