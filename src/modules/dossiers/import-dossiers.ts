import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { copyRows, copyRow } from '../../platform/db/copy.ts';
import type { Applicant } from './schemas.ts';
import type { DossierState } from './workflow.ts';
import { endOfVnDay } from '../calendar/dates.ts';
import { dueAtOf, STATUSES, FINAL } from './workflow.ts';
import { nameNorm } from './dossier-store.ts';

/** A dossier with its whole history, as a legacy one-stop system or the load generator hands it over. */
export interface ImportedDossier {
  id: string;
  code: string;
  receivingUnit: string;
  procedureCode: string;
  procedureVersion: number;
  procedureName: string;
  channel: 1 | 2 | 3;
  applicant: Applicant;
  ownerCitizenId: string | null;
  filedBy: string;
  form: Record<string, unknown>;
  /** Its dueAt may be left out by older files: the limit then ends at the end of state.dueDate. */
  state: DossierState;
  stepRole: string | null;
  stepUnit: string | null;
  submittedAt: Date;
  receivedAt: Date | null;
  stepDueDate: string | null;
  /** When the current step is due; older files give only stepDueDate, which then ends with its day. */
  stepDueAt?: Date | null;
  finishedAt: Date | null;
  components: { code: string | null; name: string; uploadId: string; sha256: string; fileName: string; contentType: string; size: number }[];
  actions: {
    action: string;
    actor: string;
    actorName: string;
    at: Date;
    fromStatus: string | null;
    toStatus: string;
    fromUnit: string | null;
    toUnit: string;
    assignee: string | null;
    stepDue: string | null;
    data: Record<string, unknown>;
  }[];
}

/** The tables `importDossiers` writes, for a loader that defers their indexes. */
export const DOSSIER_IMPORT_TABLES = ['dossiers', 'dossier_components', 'dossier_actions'] as const;

const DOSSIER_COLUMNS = [
  'id',
  'code',
  'receiving_unit',
  'handling_unit',
  'procedure_code',
  'procedure_version',
  'procedure_name',
  'channel',
  'applicant',
  'applicant_name_norm',
  'owner_citizen_id',
  'filed_by',
  'form',
  'status',
  'national_status',
  'step',
  'step_role',
  'step_unit',
  'assignee',
  'submitted_at',
  'received_at',
  'due_date',
  'step_due_date',
  'due_at',
  'step_due_at',
  'finished_at',
  'state',
  'updated_at',
  'version',
] as const;
const COMPONENT_COLUMNS = ['dossier_id', 'idx', 'component_code', 'name', 'upload_id', 'sha256', 'file_name', 'content_type', 'size', 'added_at'] as const;
const ACTION_COLUMNS = [
  'dossier_id',
  'seq',
  'action',
  'actor',
  'actor_name',
  'at',
  'from_status',
  'to_status',
  'from_unit',
  'to_unit',
  'assignee',
  'step_due',
  'data',
] as const;

/**
 * Bulk-imports finished and running dossiers with their action logs and components (COPY),
 * for migrations from another one-stop system and for load tests. The rows are the same
 * projection `take-action` writes; the day counters are raised so new codes never collide.
 * The caller checks the records; this writes them as given, in one pass per table.
 */
export async function importDossiers(ctx: Ctx, batch: readonly ImportedDossier[]): Promise<void> {
  let dossiers = '';
  let components = '';
  let actions = '';
  const counters = new Map<string, number>();
  for (const d of batch) {
    const dueAt = dueAtOf(d.state);
    // The projection's state carries its due moment, as take-action writes it.
    const s: DossierState = { ...d.state, dueAt: dueAt?.toISOString() ?? null };
    const last = d.actions.at(-1);
    dossiers += copyRow([
      d.id,
      d.code,
      d.receivingUnit,
      s.handlingUnit,
      d.procedureCode,
      d.procedureVersion,
      d.procedureName,
      d.channel,
      JSON.stringify(d.applicant),
      nameNorm(d.applicant),
      d.ownerCitizenId,
      d.filedBy,
      JSON.stringify(d.form),
      s.status,
      STATUSES[s.status].national,
      s.step,
      d.stepRole,
      d.stepUnit,
      s.assignee,
      d.submittedAt,
      d.receivedAt,
      s.dueDate,
      d.stepDueDate,
      dueAt,
      d.stepDueAt ?? (d.stepDueDate ? endOfVnDay(d.stepDueDate) : null),
      FINAL.includes(s.status) ? (d.finishedAt ?? last?.at ?? d.submittedAt) : null,
      JSON.stringify(s),
      last?.at ?? d.submittedAt,
      d.actions.length, // the version: seq of the last action, as take-action keeps it
    ]);
    d.components.forEach((c, i) => {
      components += copyRow([d.id, i, c.code, c.name, c.uploadId, c.sha256, c.fileName, c.contentType, c.size, d.submittedAt]);
    });
    d.actions.forEach((a, i) => {
      actions += copyRow([
        d.id,
        i + 1,
        a.action,
        a.actor,
        a.actorName,
        a.at,
        a.fromStatus,
        a.toStatus,
        a.fromUnit,
        a.toUnit,
        a.assignee,
        a.stepDue,
        JSON.stringify(a.data),
      ]);
    });
    const m = /^(.+)-(\d{2})(\d{2})(\d{2})-(\d+)$/.exec(d.code);
    if (m) {
      const key = `${m[1]}|20${m[2]}-${m[3]}-${m[4]}`;
      counters.set(key, Math.max(counters.get(key) ?? 0, Number(m[5])));
    }
  }
  await copyRows(ctx.database, 'dossiers', DOSSIER_COLUMNS, [dossiers]);
  // Both refer to the dossiers only: on a server they load side by side, on two connections.
  await Promise.all([
    copyRows(ctx.database, 'dossier_components', COMPONENT_COLUMNS, [components]),
    copyRows(ctx.database, 'dossier_actions', ACTION_COLUMNS, [actions]),
  ]);
  const rows = [...counters].map(([k, last]) => {
    const [unit, day] = k.split('|');
    return { unit_id: unit, day, last };
  });
  for (let i = 0; i < rows.length; i += 1000) {
    await ctx.database.db
      .insertInto('dossier_counters')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['unit_id', 'day']).doUpdateSet({ last: sql`greatest(dossier_counters.last, excluded.last)` }))
      .execute();
  }
}

/** The last number used per unit and day (`unit|YYYY-MM-DD`), for importers that make up codes. */
export async function lastDossierNumbers(ctx: Ctx): Promise<Map<string, number>> {
  const rows = await ctx.database.db.selectFrom('dossier_counters').select(['unit_id', 'day', 'last']).execute();
  return new Map(rows.map((r) => [`${r.unit_id}|${String(r.day)}`, r.last]));
}
