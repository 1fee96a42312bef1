import { sql, type SqlBool } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { forbidden } from '../../platform/errors.ts';
import { validationError } from '../../platform/http/validation.ts';
import { isIsoDate, localDate } from '../calendar/dates.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import { unitNames } from '../organisation/names.ts';
import { countResultsInForce } from '../results/count-results-in-force.ts';
import { formatDate } from '../../platform/i18n/index.ts';
import { tableWorkbook } from '../../platform/xlsx/table-workbook.ts';
import type {} from './legacy-tables.ts';

/**
 * The digitisation campaign ("100% of valid results digitised by the deadline", issue 13): per
 * unit the official covers,
 * - known: results in force the unit answers for: electronic results still valid, legacy results
 *   registered and still in force (not past the paper's own limit), and old results accepted for
 *   import but not registered yet (waiting for OCR, or whose scan could not be read);
 * - digitised: electronic results (born digital) and registered legacy results in force;
 * - confirmed: of those, the ones whose metadata an officer confirmed. An electronic result's
 *   metadata was entered and signed by the issuing officials, so it counts as confirmed; a legacy
 *   one counts once its digitised item is confirmed (by the import when the CSV was complete).
 * The deadline is one date for the campaign, set by an administrator (digitisation_campaign);
 * without it, 31 December of the current year (Vietnam's).
 */
export interface CampaignUnit {
  unitId: string;
  name: string;
  nameEn: string | null;
  known: number;
  digitised: number;
  confirmed: number;
  /** digitised / known (1 when nothing is known): the progress bar. */
  progress: number;
  confirmedProgress: number;
}

export interface CampaignView {
  deadline: string;
  /** Whether an administrator set it (else the default, 31 December). */
  deadlineSet: boolean;
  today: string;
  daysLeft: number;
  units: CampaignUnit[];
  totals: { known: number; digitised: number; confirmed: number; progress: number };
}

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : 1);

export async function campaignDeadline(ctx: Ctx, today: string): Promise<{ deadline: string; set: boolean }> {
  const row = await ctx.database.db.selectFrom('digitisation_campaign').select(sql<string>`to_char(deadline, 'YYYY-MM-DD')`.as('deadline')).executeTakeFirst();
  return row ? { deadline: row.deadline, set: true } : { deadline: `${today.slice(0, 4)}-12-31`, set: false };
}

/** The campaign for the official's units (administrators and auditors: the units their role covers). 403 for anyone else. */
export async function getCampaign(ctx: Ctx, p: Principal): Promise<CampaignView> {
  if (p.kind !== 'staff') throw forbidden();
  const today = localDate(new Date());
  const units = (await coveredUnits(ctx, p)).slice(0, 500);
  const [{ deadline, set }, inForce, legacy, names] = await Promise.all([
    campaignDeadline(ctx, today),
    countResultsInForce(ctx, units, today),
    legacyCounts(ctx, units, today),
    unitNames(ctx, units),
  ]);
  const rows: CampaignUnit[] = units.map((u) => {
    const e = inForce.get(u) ?? { electronic: 0, legacy: 0 };
    const l = legacy.get(u) ?? { pending: 0, confirmed: 0 };
    const known = e.electronic + e.legacy + l.pending;
    const digitised = e.electronic + e.legacy;
    const confirmed = e.electronic + Math.min(l.confirmed, e.legacy);
    const n = names.get(u);
    return {
      unitId: u,
      name: n?.name ?? u,
      nameEn: n?.nameEn ?? null,
      known,
      digitised,
      confirmed,
      progress: ratio(digitised, known),
      confirmedProgress: ratio(confirmed, known),
    };
  });
  rows.sort((a, b) => a.unitId.localeCompare(b.unitId));
  const sum = (k: 'known' | 'digitised' | 'confirmed') => rows.reduce((s, r) => s + r[k], 0);
  const totals = { known: sum('known'), digitised: sum('digitised'), confirmed: sum('confirmed'), progress: ratio(sum('digitised'), sum('known')) };
  const daysLeft = Math.round((Date.parse(`${deadline}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  return { deadline, deadlineSet: set, today, daysLeft, units: rows, totals };
}

/**
 * Per unit: old results accepted for import and not registered yet (rows waiting for OCR or
 * whose scan failed, not past their own limit), and registered legacy items in force whose
 * metadata is confirmed.
 */
async function legacyCounts(ctx: Ctx, units: string[], today: string): Promise<Map<string, { pending: number; confirmed: number }>> {
  const out = new Map<string, { pending: number; confirmed: number }>();
  if (!units.length) return out;
  const inForce = (col: string) => sql<SqlBool>`(${sql.ref(col)}->>'validUntil' is null or ${sql.ref(col)}->>'validUntil' >= ${today})`;
  const [pending, confirmed] = await Promise.all([
    ctx.database.db
      .selectFrom('legacy_batch_rows as r')
      .innerJoin('legacy_batches as b', 'b.id', 'r.batch_id')
      .select(['b.unit_id', sql<number>`count(*)::int`.as('n')])
      .where('b.unit_id', 'in', units)
      .where('r.status', 'in', ['ocr', 'failed'])
      .where(inForce('r.metadata'))
      .groupBy('b.unit_id')
      .execute(),
    ctx.database.db
      .selectFrom('digitised_items')
      .select(['unit_id', sql<number>`count(*)::int`.as('n')])
      .where('unit_id', 'in', units)
      .where('kind', '=', 'legacy_result')
      .where('result_code', 'is not', null)
      .where('confirmed_at', 'is not', null)
      .where(inForce('metadata'))
      .groupBy('unit_id')
      .execute(),
  ]);
  for (const u of units) out.set(u, { pending: 0, confirmed: 0 });
  for (const r of pending) out.get(r.unit_id)!.pending = Number(r.n);
  for (const r of confirmed) out.get(r.unit_id)!.confirmed = Number(r.n);
  return out;
}

/** An administrator sets the campaign's deadline (YYYY-MM-DD, not in the past). */
export async function setCampaignDeadline(ctx: Ctx, p: Principal, deadline: string): Promise<{ deadline: string }> {
  if (p.kind !== 'staff' || !p.roles.some((r) => r.role === 'administrator')) throw forbidden();
  const d = deadline.trim();
  if (!isIsoDate(d) || d < localDate(new Date()))
    throw validationError([
      { path: 'deadline', message: 'Thời hạn: ngày có thật, dạng YYYY-MM-DD, từ hôm nay', messageEn: 'Deadline: a real date, YYYY-MM-DD, today or later' },
    ]);
  await ctx.database.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('digitisation_campaign')
      .values({ id: true, deadline: d, set_by: actorOf(p), set_at: new Date() })
      .onConflict((oc) => oc.column('id').doUpdateSet({ deadline: d, set_by: actorOf(p), set_at: new Date() }))
      .execute();
    await recordAudit(tx, { actor: actorOf(p), action: 'digitisation.campaign.deadline', target: 'digitisation:campaign', data: { deadline: d } });
  });
  return { deadline: d };
}

// ── Export ───────────────────────────────────────────────────────────────────────────────────

/** The campaign table as an XLSX workbook: one row per unit, then the total; counts as numbers, the share as a percentage. */
export function campaignXlsx(view: CampaignView, lang: 'vi' | 'en'): Promise<Uint8Array> {
  const vi = lang === 'vi';
  const pct = (p: number) => Math.round(p * 1000) / 10;
  return tableWorkbook({
    sheetName: vi ? 'Chiến dịch số hóa' : 'Digitisation campaign',
    title: vi
      ? `Số hóa kết quả còn hiệu lực — thời hạn ${formatDate(lang, view.deadline)}`
      : `Digitising valid results — deadline ${formatDate(lang, view.deadline)}`,
    columns: [
      { header: vi ? 'Mã đơn vị' : 'Unit code' },
      { header: vi ? 'Đơn vị' : 'Unit' },
      { header: vi ? 'Kết quả còn hiệu lực' : 'Valid results', numFmt: '#,##0' },
      { header: vi ? 'Đã số hóa' : 'Digitised', numFmt: '#,##0' },
      { header: vi ? 'Đã xác nhận' : 'Confirmed', numFmt: '#,##0' },
      { header: vi ? 'Tỷ lệ số hóa (%)' : 'Digitised (%)', numFmt: '0.0' },
    ],
    rows: view.units.map((u) => [u.unitId, !vi && u.nameEn ? u.nameEn : u.name, u.known, u.digitised, u.confirmed, pct(u.progress)]),
    total: [vi ? 'Tổng' : 'Total', '', view.totals.known, view.totals.digitised, view.totals.confirmed, pct(view.totals.progress)],
  });
}
