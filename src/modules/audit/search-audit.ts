import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Bilingual } from '../../platform/errors.ts';
import { audit, listAudit, type AuditQuery, type AuditRow } from '../../platform/audit/index.ts';
import { bi } from '../../platform/http/validation.ts';
import { formatDateTime, pick, type Lang } from '../../platform/i18n/index.ts';
import { findStaffByName, unitNames } from '../organisation/names.ts';
import { staffDisplayNames } from '../organisation/staff-names.ts';
import { accountNames } from '../identity/current-principal.ts';
import { applicantNames } from '../dossiers/applicant-names.ts';
import { actionLabel } from './action-labels.ts';

const Day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, bi('Ngày phải có dạng năm-tháng-ngày, ví dụ 2026-01-31', 'must be a date such as 2026-01-31'))
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    bi('Ngày không tồn tại', 'no such date'),
  );
// A form sends empty strings for "any".
const blank = (v: unknown) => (v === '' ? undefined : v);

/**
 * The audit trail's filters. `actor`: a username, an official's name (or part of it), or an
 * actor as recorded (`citizen:<id>`, `service:<client>`, `system`, `anonymous`). `action`: a
 * code, or a prefix ending in `*` (`auth.*`). `target`: a dossier or result code, a username,
 * a unit code, or a target as recorded (`dossier:<code>`). `from`/`to`: days in Viet Nam
 * time, both included.
 */
export const AuditFilterFields = z.object({
  actor: z.preprocess(blank, z.string().trim().max(200).optional()),
  action: z.preprocess(
    blank,
    z
      .string()
      .trim()
      .max(100)
      .regex(/^[a-z_.]+\*?$/, bi('Mã hành động không hợp lệ', 'not an action code'))
      .optional(),
  ),
  target: z.preprocess(blank, z.string().trim().max(200).optional()),
  from: z.preprocess(blank, Day.optional()),
  to: z.preprocess(blank, Day.optional()),
});
/** The period's end may not come before its start. */
export const periodInOrder = <T extends { from?: string; to?: string }>(s: z.ZodType<T>) =>
  s.refine((f) => !f.from || !f.to || f.from <= f.to, {
    path: ['to'],
    message: bi('Đến ngày phải sau hoặc bằng từ ngày', 'must not be before the start date'),
  });
export const AuditFilter = periodInOrder(AuditFilterFields);
export type AuditFilter = z.infer<typeof AuditFilter>;

export interface AuditEntryView {
  id: number;
  at: Date;
  actor: string;
  actorName: string;
  action: string;
  actionLabel: Bilingual;
  target: string | null;
  targetName: string | null;
  data: Record<string, unknown>;
}

const VN_OFFSET = '+07:00';
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The filter as listAudit's query; null when it cannot match anything. */
async function toQuery(ctx: Ctx, f: AuditFilter): Promise<Omit<AuditQuery, 'limit' | 'before'> | null> {
  const q: Omit<AuditQuery, 'limit' | 'before'> = {};
  if (f.actor) {
    const a = f.actor;
    if (a.includes(':') || a === 'system' || a === 'anonymous') q.actor = a;
    else {
      const username = a.toLowerCase();
      const byName =
        /^[a-z0-9][a-z0-9._-]{1,63}$/.test(username) && (await staffDisplayNames(ctx, [username])).has(username) ? [username] : await findStaffByName(ctx, a);
      if (!byName.length) return null;
      q.actor = byName.map((u) => `staff:${u}`);
    }
  }
  if (f.action) {
    if (f.action.endsWith('*')) q.action = f.action.slice(0, -1);
    else q.actionIs = f.action;
  }
  if (f.target) {
    const v = f.target;
    q.target = v.includes(':')
      ? v
      : [...new Set([`dossier:${v.toUpperCase()}`, `result:${v.toUpperCase()}`, `unit:${v.toUpperCase()}`, `staff:${v.toLowerCase()}`, `calendar:${v}`, v])];
  }
  if (f.from) q.from = new Date(`${f.from}T00:00:00${VN_OFFSET}`);
  if (f.to) q.to = new Date(`${nextDay(f.to)}T00:00:00${VN_OFFSET}`);
  return q;
}

const after = (s: string, prefix: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : null);

/**
 * Names instead of ids, for a page of entries: officials' full names, citizens' and systems'
 * account names, unit names, and a dossier's applicant. One query per kind for the whole page.
 */
export async function nameEntries(ctx: Ctx, rows: AuditRow[], lang: Lang): Promise<AuditEntryView[]> {
  const refs = rows.flatMap((r) => (r.target ? [r.actor, r.target] : [r.actor]));
  const pick1 = (prefix: string) => refs.map((x) => after(x, prefix)).filter((x): x is string => x !== null);
  const [staff, accounts, units, applicants] = await Promise.all([
    staffDisplayNames(ctx, pick1('staff:')),
    accountNames(ctx, refs),
    unitNames(ctx, pick1('unit:')),
    applicantNames(ctx, pick1('dossier:')),
  ]);
  const nameOf = (ref: string): string => {
    const username = after(ref, 'staff:');
    if (username !== null) return staff.has(username) ? `${staff.get(username)!.fullName} (${username})` : username;
    if (ref === 'system') return pick(lang, 'Hệ thống', 'System');
    if (ref === 'anonymous') return pick(lang, 'Không xác định (chưa đăng nhập)', 'Anonymous (not signed in)');
    const unit = after(ref, 'unit:');
    if (unit !== null) {
      const u = units.get(unit);
      return u ? `${lang === 'en' && u.nameEn ? u.nameEn : u.name} (${unit})` : unit;
    }
    const dossier = after(ref, 'dossier:');
    if (dossier !== null) return applicants.get(dossier) ? `${dossier} — ${applicants.get(dossier)}` : dossier;
    const account = accounts.get(ref);
    if (account) return account;
    const i = ref.indexOf(':');
    return i > 0 ? ref.slice(i + 1) : ref;
  };
  return rows.map((r) => ({ ...r, actorName: nameOf(r.actor), actionLabel: actionLabel(r.action), targetName: r.target ? nameOf(r.target) : null }));
}

export const AUDIT_PAGE_SIZE = 50;

/** One page of the audit trail, newest first, named; `next` is the cursor for the older page. */
export async function searchAudit(
  ctx: Ctx,
  f: AuditFilter,
  page: { before?: number; limit?: number; lang: Lang },
): Promise<{ items: AuditEntryView[]; next: number | null }> {
  const limit = page.limit ?? AUDIT_PAGE_SIZE;
  const q = await toQuery(ctx, f);
  if (!q) return { items: [], next: null };
  const rows = await listAudit(ctx.database.db, { ...q, before: page.before, limit });
  return { items: await nameEntries(ctx, rows, page.lang), next: rows.length === limit ? rows[rows.length - 1].id : null };
}

/** At most this many rows in one export: a period longer than that is exported in parts. */
export const CSV_MAX_ROWS = 100_000;
const CSV_BATCH = 1000;

/**
 * A cell as RFC 4180 wants it (quoted when it holds a comma, quote or line break; quotes
 * doubled), and defused for spreadsheets: text starting with = + - @ or a control character
 * would run as a formula in Excel, and audit data holds what users typed.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The filtered trail as CSV, streamed in batches, for Excel: UTF-8 with a byte-order mark (so
 * Vietnamese shows right), CRLF line ends, readable names next to the recorded ids. The export
 * itself is audited, with its filter, before the first row is read.
 */
export async function* exportAuditCsv(ctx: Ctx, f: AuditFilter, opts: { lang: Lang; actor: string }): AsyncGenerator<string> {
  await audit(ctx.database.db, {
    actor: opts.actor,
    action: 'audit.export',
    data: { filter: Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) },
  });
  const L = (vi: string, en: string) => pick(opts.lang, vi, en);
  const header = [
    '#',
    L('Thời điểm', 'When'),
    L('Người thực hiện', 'Actor'),
    L('Mã người thực hiện', 'Actor id'),
    L('Hành động', 'Action'),
    L('Mã hành động', 'Action code'),
    L('Đối tượng', 'Target'),
    L('Mã đối tượng', 'Target id'),
    L('Chi tiết', 'Details'),
  ];
  yield `\uFEFF${header.map(csvCell).join(',')}\r\n`;
  const q = await toQuery(ctx, f);
  if (!q) return;
  let before: number | undefined;
  let sent = 0;
  while (sent < CSV_MAX_ROWS) {
    const rows = await listAudit(ctx.database.db, { ...q, before, limit: Math.min(CSV_BATCH, CSV_MAX_ROWS - sent) });
    if (!rows.length) return;
    const named = await nameEntries(ctx, rows, opts.lang);
    yield named
      .map(
        (r) =>
          [
            r.id,
            formatDateTime(opts.lang, r.at),
            r.actorName,
            r.actor,
            pick(opts.lang, r.actionLabel.vi, r.actionLabel.en),
            r.action,
            r.targetName ?? '',
            r.target ?? '',
            Object.keys(r.data).length ? r.data : '',
          ]
            .map(csvCell)
            .join(',') + '\r\n',
      )
      .join('');
    sent += rows.length;
    if (rows.length < CSV_BATCH) return;
    before = rows[rows.length - 1].id;
  }
}
