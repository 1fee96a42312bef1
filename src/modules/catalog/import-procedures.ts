import { storedFee } from './compute-fees.ts';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { ErrorDetail } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import { validationError, zodDetails } from '../../platform/http/validation.ts';
import { listUnits } from '../organisation/list-units.ts';
import { ImportDefaults, NationalRecord, type ProcedureData } from './national-format.ts';
import { mapProcessingTime, type MappedTime } from './processing-time.ts';
import { writeProcedureVersion, type VersionOutcome } from './write-procedure-version.ts';

export const ImportInput = z.union([
  z.object({ records: z.array(z.unknown()).min(1).max(20_000), defaults: ImportDefaults.optional() }),
  z.array(z.unknown()).min(1).max(20_000),
  z.record(z.string(), z.unknown()),
]);
export type ImportInput = z.infer<typeof ImportInput>;

export type ImportOutcome = VersionOutcome;

/**
 * Something imported as it came but that an administrator should look at: for now, a method
 * whose time limit could not be mapped onto congso's units (`TIME_LIMIT_UNMAPPED`).
 */
export interface ImportWarning {
  code: 'TIME_LIMIT_UNMAPPED';
  procedure: string;
  channel: 'ONLINE' | 'POSTAL' | 'DIRECT';
  /** The method's JSON path in the input. */
  path: string;
  message: string;
  messageEn: string;
}

export interface ImportResult {
  imported: number;
  created: number;
  newVersions: number;
  unchanged: number;
  procedures: ImportOutcome[];
  warnings: ImportWarning[];
}

/** Accepts one record, an array, or `{records, defaults}`; each record bare or wrapped as `{code:"OK", data}`. */
export function unpackImport(input: unknown): { items: { record: unknown; path: string }[]; defaults: ImportDefaults } {
  const isBatch = input && typeof input === 'object' && !Array.isArray(input) && 'records' in input;
  const defaults = isBatch ? ImportDefaults.parse((input as { defaults?: unknown }).defaults ?? {}) : {};
  const list: unknown[] = isBatch ? ((input as { records: unknown[] }).records ?? []) : Array.isArray(input) ? input : [input];
  const prefix = isBatch ? 'records' : Array.isArray(input) ? '' : '';
  const items = list.map((r, i) => {
    const base = Array.isArray(input) || isBatch ? `${prefix}[${i}]` : '';
    const wrapped =
      r &&
      typeof r === 'object' &&
      'data' in r &&
      (r as { data: unknown }).data &&
      typeof (r as { data: unknown }).data === 'object' &&
      !('executionMethods' in r);
    return wrapped ? { record: (r as { data: unknown }).data, path: base ? `${base}.data` : 'data' } : { record: r, path: base };
  });
  return { items, defaults };
}

const DEFAULT_FIELD = 'Khác';

const CHANNEL_NAME = {
  ONLINE: { vi: 'trực tuyến', en: 'online' },
  POSTAL: { vi: 'qua bưu chính', en: 'by post' },
  DIRECT: { vi: 'trực tiếp', en: 'in person' },
} as const;

function unmappedWarning(code: string, channel: ImportWarning['channel'], path: string, t: MappedTime, described: boolean): ImportWarning {
  const c = CHANNEL_NAME[channel];
  const why =
    t.problem === 'conflict'
      ? { vi: 'mô tả nêu nhiều thời hạn khác nhau', en: 'the description names different limits' }
      : described
        ? { vi: 'không đọc được thời hạn từ mô tả', en: 'the description names no limit' }
        : { vi: 'không có mô tả thời hạn', en: 'there is no description' };
  return {
    code: 'TIME_LIMIT_UNMAPPED',
    procedure: code,
    channel,
    path,
    message:
      `Thủ tục ${code}, cách thức ${c.vi}: chưa quy đổi được thời hạn "${t.processingTimeText}" (đơn vị ${t.processingTimeUnit}; ${why.vi}). ` +
      'Hồ sơ sẽ tính hạn theo tổng thời gian các bước của quy trình, bằng ngày làm việc, cho đến khi quản trị viên chọn đơn vị tính.',
    messageEn:
      `Procedure ${code}, ${c.en}: the time limit "${t.processingTimeText}" could not be converted (unit ${t.processingTimeUnit}; ${why.en}). ` +
      "Dossiers will count the workflow's step budgets in working days until an administrator sets the unit.",
  };
}

function normalise(
  r: NationalRecord,
  d: ImportDefaults,
  unitName: (id: string) => string | null,
  path = '',
): { data: ProcedureData; warnings: ImportWarning[] } {
  const warnings: ImportWarning[] = [];
  const x = r.congso;
  const agencyCode = x?.agencyCode ?? d.agencyCode ?? null;
  const workflow =
    x?.workflow ??
    (agencyCode
      ? [
          { step: 'receive', name: 'Tiếp nhận hồ sơ', nameEn: 'Receive', role: 'receiving_officer' as const, unit: agencyCode, workingDays: 0.5 },
          { step: 'assign', name: 'Phân công xử lý', nameEn: 'Assign', role: 'unit_leader' as const, unit: agencyCode, workingDays: 0.5 },
          { step: 'examine', name: 'Thẩm định hồ sơ', nameEn: 'Examine', role: 'specialist' as const, unit: agencyCode, workingDays: 1 },
          { step: 'approve', name: 'Phê duyệt', nameEn: 'Approve', role: 'signing_leader' as const, unit: agencyCode, workingDays: 0.5 },
          { step: 'return', name: 'Trả kết quả', nameEn: 'Return result', role: 'receiving_officer' as const, unit: agencyCode, workingDays: 0 },
        ]
      : []);
  const data: ProcedureData = {
    code: r.code,
    name: r.name.normalize('NFC'),
    field: (x?.field ?? d.field ?? DEFAULT_FIELD).normalize('NFC'),
    fieldEn: x?.fieldEn ?? null,
    agencyCode,
    agencyName: agencyCode ? unitName(agencyCode) : null,
    level: x?.level ?? d.level ?? 'partial',
    legalBasis: x?.legalBasis ?? [],
    resultType: x?.resultType ?? null,
    resultKind: x?.resultKind ?? null,
    methods: r.executionMethods.map((m, i) => {
      const mapped = mapProcessingTime(m);
      if (mapped.from === 'none')
        warnings.push(unmappedWarning(r.code, m.submissionMethod, `${path ? `${path}.` : ''}executionMethods[${i}]`, mapped, Boolean(m.description?.trim())));
      const { from: _from, problem: _problem, ...time } = mapped;
      return { channel: m.submissionMethod, ...time, description: m.description || null, fees: m.fees.map(storedFee) };
    }),
    cases: r.executionCases.map((c) => ({
      name: c.name,
      components: c.profileComponents.map((p) => ({
        code: p.code ?? null,
        name: p.name,
        originalQty: p.originalQty,
        copyQty: p.copyQty,
        required: p.required,
        hasElectronicForm: p.hasElectronicForm,
      })),
    })),
    steps: r.executionSteps.map((s) => ({ name: s.name, description: s.description })),
    eForm: x?.eForm ?? null,
    workflow,
  };
  return { data, warnings };
}

/**
 * Imports procedures in the national format, all or nothing. An unchanged record is a no-op;
 * a changed one becomes a new version from its effective date, and the version before it
 * stops there, so dossiers filed earlier keep pointing at what they were filed under.
 */
export async function importProcedures(ctx: Ctx, input: unknown, actor: string, onProgress?: (done: number, total: number) => void): Promise<ImportResult> {
  const { items, defaults } = unpackImport(input);
  const units = new Map((await listUnits(ctx)).map((u) => [u.id, u.name]));
  const details: ErrorDetail[] = [];
  const parsed: { data: ProcedureData; raw: unknown; effectiveFrom: Date | null }[] = [];
  const warnings: ImportWarning[] = [];
  const seen = new Map<string, string>();
  items.forEach(({ record, path }) => {
    const r = NationalRecord.safeParse(record);
    if (!r.success) return void details.push(...zodDetails(r.error, path));
    const { data, warnings: found } = normalise(r.data, defaults, (id) => units.get(id) ?? null, path);
    warnings.push(...found);
    const at = (p: string) => (path ? `${path}.${p}` : p);
    if (data.agencyCode && !units.has(data.agencyCode)) {
      details.push({
        path: at(r.data.congso?.agencyCode ? 'congso.agencyCode' : 'defaults.agencyCode'),
        message: `Không có đơn vị ${data.agencyCode}`,
        messageEn: `Unknown unit ${data.agencyCode}`,
      });
    }
    // The default workflow runs in the agency, already checked above.
    r.data.congso?.workflow?.forEach((w, i) => {
      if (!units.has(w.unit))
        details.push({ path: at(`congso.workflow[${i}].unit`), message: `Không có đơn vị ${w.unit}`, messageEn: `Unknown unit ${w.unit}` });
    });
    if (seen.has(data.code))
      details.push({
        path: at('code'),
        message: `Mã thủ tục ${data.code} trùng với ${seen.get(data.code)}`,
        messageEn: `Code ${data.code} repeats ${seen.get(data.code)}`,
      });
    seen.set(data.code, at('code'));
    const eff = r.data.congso?.effectiveFrom ?? defaults.effectiveFrom;
    parsed.push({ data, raw: record, effectiveFrom: eff ? new Date(eff.length === 10 ? `${eff}T00:00:00+07:00` : eff) : null });
  });
  if (details.length) throw validationError(details.slice(0, 200));

  const result: ImportResult = { imported: parsed.length, created: 0, newVersions: 0, unchanged: 0, procedures: [], warnings };
  await ctx.database.db.transaction().execute(async (tx) => {
    let done = 0;
    for (const p of parsed) {
      const outcome = await writeProcedureVersion(tx, p.data, p.raw, p.effectiveFrom);
      result.procedures.push(outcome);
      if (outcome.status === 'created') result.created++;
      else if (outcome.status === 'new-version') result.newVersions++;
      else result.unchanged++;
      onProgress?.(++done, parsed.length);
    }
    const words = [
      ...new Set(parsed.flatMap((p) => foldVietnamese(`${p.data.name} ${p.data.field}`).split(' ')).filter((w) => w.length >= 2 && w.length <= 40)),
    ];
    if (words.length) await sql`insert into catalog_words (word) select unnest(${words}::text[]) on conflict do nothing`.execute(tx);
    await recordAudit(tx, {
      actor,
      action: 'catalog.import',
      data: {
        created: result.created,
        newVersions: result.newVersions,
        unchanged: result.unchanged,
        codes: result.procedures
          .filter((o) => o.status !== 'unchanged')
          .map((o) => `${o.code}@${o.version}`)
          .slice(0, 500),
        unmappedTimeLimits: [...new Set(warnings.map((w) => w.procedure))].slice(0, 500),
      },
    });
  });
  // A large import changes the table's statistics enough to mislead the planner until autovacuum catches up.
  if (result.created + result.newVersions >= 500) await sql`analyze procedure_versions`.execute(ctx.database.db);
  return result;
}
