import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { batchLookup } from '../../platform/db/batch.ts';
import { isOverdue } from './dossier-store.ts';
import { DOSSIER_CODE } from './dossier-code.ts';
import { toVnIso } from '../calendar/working-time.ts';
import { STATUSES, type Status } from './workflow.ts';

export const PublicDossier = z.object({
  code: z.string(),
  procedureCode: z.string(),
  procedureName: z.string(),
  status: z.string(),
  statusText: z.string(),
  statusTextEn: z.string(),
  nationalStatus: z.number(),
  submittedAt: z.string(),
  receivedAt: z.string().nullable(),
  dueDate: z.string().nullable(),
  /** The due moment in Viet Nam time (2026-12-07T10:00:00+07:00); a limit in days ends at 23:59:59.999 of dueDate. */
  dueAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  overdue: z.boolean(),
});
export type PublicDossier = z.infer<typeof PublicDossier>;

const COLUMNS = [
  'code',
  'procedure_code',
  'procedure_name',
  'status',
  'national_status',
  'submitted_at',
  'received_at',
  'due_date',
  'due_at',
  'finished_at',
] as const;
const lookups = new WeakMap<object, (code: string) => Promise<TrackedRow | undefined>>();
type TrackedRow = Awaited<ReturnType<typeof fetchRows>>[number];
const fetchRows = (db: Ctx['database']['db'], codes: string[]) => db.selectFrom('dossiers').select(COLUMNS).where('code', 'in', codes).execute();

// Public tracking is the hottest read: concurrent requests share one query (see batchLookup).
function lookupFor(ctx: Ctx) {
  const root = ctx.database.root ?? ctx.database;
  let f = lookups.get(root);
  if (!f) {
    f = batchLookup(async (codes: string[]) => new Map((await fetchRows(root.db, codes)).map((r) => [r.code, r])));
    lookups.set(root, f);
  }
  return f;
}

/** What anyone holding the code may see: the procedure, status and dates; nothing personal. */
export async function trackDossier(ctx: Ctx, code: string): Promise<PublicDossier> {
  const c = code.trim().toUpperCase();
  if (!DOSSIER_CODE.test(c)) throw notFound({ vi: `hồ sơ ${code}`, en: `Dossier ${code}` });
  const r = await lookupFor(ctx)(c);
  if (!r) throw notFound({ vi: `hồ sơ ${c}`, en: `Dossier ${c}` });
  const st = STATUSES[r.status as Status];
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    code: r.code,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    status: r.status,
    statusText: st.vi,
    statusTextEn: st.en,
    nationalStatus: r.national_status,
    submittedAt: iso(r.submitted_at)!,
    receivedAt: iso(r.received_at),
    dueDate: r.due_date,
    dueAt: r.due_at ? toVnIso(new Date(r.due_at)) : null,
    finishedAt: iso(r.finished_at),
    overdue: isOverdue(r, new Date(Date.now() + ctx.config.clockOffsetMs)),
  };
}
