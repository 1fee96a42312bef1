import { congsoUnitOf, formatTimeLimitShort, mapProcessingTime } from '../catalog/processing-time.ts';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError, type Bilingual } from '../../platform/errors.ts';
import { canonicalJson, recordAudit } from '../../platform/audit/index.ts';
import { recordCall } from '../../platform/outbox/index.ts';
import { getProcedure, type ProcedureDetail } from '../catalog/get-procedure.ts';
import { importProcedures } from '../catalog/import-procedures.ts';
import type { ProcedureData } from '../catalog/national-format.ts';
import { listUnits } from '../organisation/list-units.ts';
import { KENH_THUC_HIEN, LOAI_PHI_LE_PHI, SERVICES } from './contract.ts';
import { nationalPortalClient, type NationalPortalClient } from './portal-client.ts';
import { NATIONAL_PORTAL_ADAPTER } from './enqueue-national-sync.ts';

/** The newest version, even one scheduled for later: a pulled change must come after it. */
const END_OF_TIME = new Date(8.64e15);
/** LayThuTuc calls at once: the portal is shared by every ministry. */
const CONCURRENCY = 4;
const MAX_PROCEDURES = 2000;

const str = z.preprocess((v) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : v), z.string().max(20_000));
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => v ?? [], z.array(item).max(500));

/** LayDanhSachTTHC's summaries (contract.ts PROCEDURE_SUMMARY_FIELDS); only the code is needed to ask for the rest. */
const Summary = z.looseObject({ MaTTHC: z.string().trim().min(1).max(60) });
/** LayThuTuc's record (contract.ts PROCEDURE_FIELDS), read leniently: a missing list is empty, a number may come as a number. */
const PortalProcedure = z.looseObject({
  MaTTHC: z.string().trim().min(1).max(60),
  TenTTHC: z.string().trim().min(3).max(2000),
  TenLinhVuc: str,
  MaCoQuanThucHien: str,
  CachThucThucHien: list(
    z.looseObject({
      Kenh: str,
      ThoiGianGiaiQuyet: str,
      DonViThoiGian: str,
      MoTa: str,
      PhiLePhi: list(z.looseObject({ MaPhiLePhi: str, TenPhiLePhi: str, Gia: str, LoaiPhiLePhi: str })),
    }),
  ),
  ThanhPhanHoSo: list(
    z.looseObject({
      TruongHop: str,
      GiayTo: list(z.looseObject({ MaGiayTo: str, TenGiayTo: str, SoBanChinh: str, SoBanSao: str, BatBuoc: str, CoBieuMauDienTu: str })),
    }),
  ),
  TrinhTuThucHien: list(z.looseObject({ TenBuoc: str, MoTa: str })),
  CanCuPhapLy: list(z.looseObject({ SoVanBan: str, TenVanBan: str })),
  KetQuaThucHien: str,
});
type PortalProcedure = z.infer<typeof PortalProcedure>;

const CHANNEL_OF: Record<string, 'ONLINE' | 'POSTAL' | 'DIRECT'> = {
  [KENH_THUC_HIEN.online]: 'ONLINE',
  [KENH_THUC_HIEN.postal]: 'POSTAL',
  [KENH_THUC_HIEN.inPerson]: 'DIRECT',
};
/** LoaiPhiLePhi as the national format's fee type: "1" lệ phí (FEE), "2" phí (CHARGE). */
const FEE_TYPE_OF: Record<string, string> = { [LOAI_PHI_LE_PHI.fee]: 'FEE', [LOAI_PHI_LE_PHI.charge]: 'CHARGE' };

/** The part of a procedure the national catalogue speaks for; the rest (e-form, workflow, fee rules, level) is ours. */
interface NationalPart {
  name: string;
  field: string;
  methods: ProcedureData['methods'];
  cases: ProcedureData['cases'];
  steps: ProcedureData['steps'];
  legalBasis: string[];
  resultType: string | null;
}

/**
 * A method's limit in our units: the portal's unit codes as the catalogue import maps them (a
 * same-day limit takes its cut-off from the description); an unknown code is kept as sent.
 */
function portalTime(m: { ThoiGianGiaiQuyet: string; DonViThoiGian: string; MoTa: string }) {
  const unit = congsoUnitOf(m.DonViThoiGian);
  const t = mapProcessingTime({ processingTime: int(m.ThoiGianGiaiQuyet), processingTimeUnit: unit ?? m.DonViThoiGian, description: unit ? m.MoTa : null });
  return {
    processingTime: t.processingTime,
    processingTimeUnit: t.processingTimeUnit,
    ...(t.processingCutoff ? { processingCutoff: t.processingCutoff } : {}),
  };
}

const int = (v: string) => (/^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : Number.NaN);

function fromPortal(p: PortalProcedure): NationalPart {
  return {
    name: p.TenTTHC.normalize('NFC'),
    field: (p.TenLinhVuc.trim() || 'Khác').normalize('NFC'),
    methods: p.CachThucThucHien.filter((m) => CHANNEL_OF[m.Kenh]).map((m) => ({
      channel: CHANNEL_OF[m.Kenh],
      ...portalTime(m),
      description: m.MoTa || null,
      fees: m.PhiLePhi.map((f) => ({
        type: FEE_TYPE_OF[f.LoaiPhiLePhi] ?? 'FEE',
        value: int(f.Gia),
        description: f.TenPhiLePhi || null,
        ...(f.MaPhiLePhi ? { code: f.MaPhiLePhi } : {}),
      })),
    })),
    cases: p.ThanhPhanHoSo.map((c) => ({
      name: c.TruongHop,
      components: c.GiayTo.map((g) => ({
        code: g.MaGiayTo || null,
        name: g.TenGiayTo,
        originalQty: int(g.SoBanChinh || '0'),
        copyQty: int(g.SoBanSao || '0'),
        required: g.BatBuoc === '1',
        hasElectronicForm: g.CoBieuMauDienTu === '1',
      })),
    })),
    steps: p.TrinhTuThucHien.map((x) => ({ name: x.TenBuoc, description: x.MoTa })),
    legalBasis: p.CanCuPhapLy.map((b) => b.TenVanBan || b.SoVanBan).filter(Boolean),
    resultType: p.KetQuaThucHien || null,
  };
}

/** Our procedure's national part, with the fee rules we add (per unit, reductions, when due) left out: the portal does not know them. */
function ours(p: ProcedureData): NationalPart {
  return {
    name: p.name,
    field: p.field,
    methods: p.methods.map((m) => ({
      ...m,
      fees: m.fees.map((f) => ({ type: f.type, value: f.value, description: f.description, ...(f.code ? { code: f.code } : {}) })),
    })),
    cases: p.cases,
    steps: p.steps,
    legalBasis: p.legalBasis,
    resultType: p.resultType,
  };
}

export interface CatalogueChange {
  /** What changed, for a page: `name`, `field`, `time:ONLINE`, `fees:DIRECT`, `channels`, `components`, `steps`, `legalBasis`, `resultType`. */
  field: string;
  label: Bilingual;
  ours: string;
  theirs: string;
}
export interface CatalogueEntry {
  code: string;
  name: string;
  status: 'new' | 'changed' | 'unchanged';
  changes: CatalogueChange[];
  /** A new procedure's agency when it is one of our units (it then gets the default workflow there); null: none, an administrator completes it. */
  agencyCode: string | null;
}
export interface CataloguePreview {
  entries: CatalogueEntry[];
  counts: { new: number; changed: number; unchanged: number };
  /** Names exactly these differences: applying checks the portal still says the same. */
  fingerprint: string;
}

const CHANNEL_LABEL: Record<string, Bilingual> = {
  ONLINE: { vi: 'trực tuyến', en: 'online' },
  DIRECT: { vi: 'trực tiếp', en: 'in person' },
  POSTAL: { vi: 'bưu chính', en: 'by post' },
};
const money = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} đ`;
const timeText = (m: NationalPart['methods'][number]) =>
  m.processingTimeUnit === 'DAY' || m.processingTimeUnit === 'WORKING_DAY'
    ? `${m.processingTime} ${m.processingTimeUnit === 'DAY' ? 'ngày' : 'ngày làm việc'}`
    : (formatTimeLimitShort('vi', m.processingTime, m.processingTimeUnit) ?? `${m.processingTime} ${m.processingTimeUnit}`) +
      (m.processingCutoff ? ` (sau ${m.processingCutoff}: ngày làm việc tiếp theo)` : '');
const feesText = (m: NationalPart['methods'][number]) =>
  !m.fees.length ? '—' : m.fees.map((f) => `${f.type === 'CHARGE' ? 'Phí' : 'Lệ phí'} ${money(f.value)}`).join('; ');
const componentText = (c: NationalPart['cases'][number]['components'][number]) =>
  `${c.code ? `${c.code}: ` : ''}${c.name} (${c.originalQty} bản chính, ${c.copyQty} bản sao${c.required ? ', bắt buộc' : ''})`;

/** Items on one side only, as text: what a reader needs to see of a long list. */
function listChange(a: string[], b: string[]): { ours: string; theirs: string } | null {
  const onlyA = a.filter((x) => !b.includes(x));
  const onlyB = b.filter((x) => !a.includes(x));
  if (!onlyA.length && !onlyB.length) return a.join('\n') === b.join('\n') ? null : { ours: a.join('\n'), theirs: b.join('\n') };
  return { ours: onlyA.map((x) => `− ${x}`).join('\n') || '—', theirs: onlyB.map((x) => `+ ${x}`).join('\n') || '—' };
}

/** The differences between our procedure and the portal's, field by field, as a person reads them. */
export function catalogueChanges(a: NationalPart, b: NationalPart): CatalogueChange[] {
  const out: CatalogueChange[] = [];
  const add = (field: string, label: Bilingual, ours: string, theirs: string) => out.push({ field, label, ours, theirs });
  if (a.name !== b.name) add('name', { vi: 'Tên thủ tục', en: 'Name' }, a.name, b.name);
  if (a.field !== b.field) add('field', { vi: 'Lĩnh vực', en: 'Field' }, a.field, b.field);
  const channels = (p: NationalPart) => p.methods.map((m) => m.channel);
  const ch = listChange(
    channels(a).map((c) => CHANNEL_LABEL[c].vi),
    channels(b).map((c) => CHANNEL_LABEL[c].vi),
  );
  if (ch && (channels(a).some((c) => !channels(b).includes(c)) || channels(b).some((c) => !channels(a).includes(c))))
    add('channels', { vi: 'Cách thức thực hiện', en: 'Ways to file' }, ch.ours, ch.theirs);
  for (const m of b.methods) {
    const o = a.methods.find((x) => x.channel === m.channel);
    if (!o) continue;
    const l = CHANNEL_LABEL[m.channel];
    if (
      o.processingTime !== m.processingTime ||
      o.processingTimeUnit !== m.processingTimeUnit ||
      (o.processingCutoff ?? null) !== (m.processingCutoff ?? null) ||
      o.description !== m.description
    )
      add(`time:${m.channel}`, { vi: `Thời hạn giải quyết (${l.vi})`, en: `Time limit (${l.en})` }, timeText(o), timeText(m));
    if (canonicalJson(o.fees) !== canonicalJson(m.fees)) {
      const same = feesText(o) === feesText(m);
      add(
        `fees:${m.channel}`,
        { vi: `Phí, lệ phí (${l.vi})`, en: `Fees (${l.en})` },
        same ? o.fees.map((f) => f.description ?? '').join('; ') : feesText(o),
        same ? m.fees.map((f) => f.description ?? '').join('; ') : feesText(m),
      );
    }
  }
  const comps = (p: NationalPart) => p.cases.flatMap((c) => c.components.map((x) => (p.cases.length > 1 && c.name ? `[${c.name}] ` : '') + componentText(x)));
  const cc = canonicalJson(a.cases) !== canonicalJson(b.cases) ? listChange(comps(a), comps(b)) : null;
  if (canonicalJson(a.cases) !== canonicalJson(b.cases))
    add('components', { vi: 'Thành phần hồ sơ', en: 'Documents to file' }, cc?.ours ?? `${comps(a).length}`, cc?.theirs ?? `${comps(b).length}`);
  if (canonicalJson(a.steps) !== canonicalJson(b.steps)) {
    const s = listChange(
      a.steps.map((x) => x.name),
      b.steps.map((x) => x.name),
    );
    add('steps', { vi: 'Trình tự thực hiện', en: 'Steps' }, s?.ours ?? `${a.steps.length} bước`, s?.theirs ?? `${b.steps.length} bước (nội dung khác)`);
  }
  const lb = listChange(a.legalBasis, b.legalBasis);
  if (lb) add('legalBasis', { vi: 'Căn cứ pháp lý', en: 'Legal basis' }, lb.ours, lb.theirs);
  if ((a.resultType ?? '') !== (b.resultType ?? '')) add('resultType', { vi: 'Kết quả thực hiện', en: 'Result' }, a.resultType ?? '—', b.resultType ?? '—');
  return out;
}

interface Pulled {
  /** The portal's MaTTHC: our code too (our procedures are the national catalogue's). */
  code: string;
  portal: NationalPart;
  agencyCode: string;
  existing: ProcedureDetail | null;
}

async function callPortal(
  ctx: Ctx,
  client: NationalPortalClient,
  service: (typeof SERVICES)['listProcedures' | 'getProcedure'],
  fields: Record<string, unknown>,
) {
  const started = Date.now();
  const r = await client.call(service, fields);
  const ok = r.answered && r.reply.error_code === 0;
  const error = !r.answered ? r.error : `${service}: ${r.reply.error_code} ${r.reply.message}`;
  await recordCall(ctx, NATIONAL_PORTAL_ADAPTER, { ok, ...(ok ? {} : { error }), ms: Date.now() - started });
  if (!ok) {
    throw new AppError('NATIONAL_PORTAL_UNAVAILABLE', {
      vi: `Cổng Dịch vụ công quốc gia không trả lời được (${error.slice(0, 200)}); chưa có gì thay đổi`,
      en: `The National Public Service Portal could not answer (${error.slice(0, 200)}); nothing changed`,
    });
  }
  return r.reply.result ?? [];
}

const malformed = (what: string) =>
  new AppError('NATIONAL_PORTAL_UNAVAILABLE', {
    vi: `Cổng Dịch vụ công quốc gia trả về dữ liệu không đọc được (${what}); chưa có gì thay đổi`,
    en: `The National Public Service Portal answered with data that cannot be read (${what}); nothing changed`,
  });

/** Every procedure the portal publishes for us, with our copy of each (null: new to us). */
async function pull(ctx: Ctx): Promise<Pulled[]> {
  const client = nationalPortalClient(ctx);
  if (!client) {
    throw new AppError('NATIONAL_PORTAL_UNAVAILABLE', {
      vi: 'Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia (NATIONAL_PORTAL_URL)',
      en: 'The National Public Service Portal is not configured (NATIONAL_PORTAL_URL)',
    });
  }
  const summaries = z
    .array(Summary)
    .max(MAX_PROCEDURES)
    .safeParse(await callPortal(ctx, client, SERVICES.listProcedures, {}));
  if (!summaries.success) throw malformed(SERVICES.listProcedures);
  const codes = [...new Set(summaries.data.map((s) => s.MaTTHC))];
  const out: Pulled[] = new Array(codes.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < codes.length; i = next++) {
      const one = PortalProcedure.safeParse((await callPortal(ctx, client, SERVICES.getProcedure, { MaTTHC: codes[i] }))[0]);
      if (!one.success) throw malformed(`${SERVICES.getProcedure} ${codes[i]}`);
      const existing = await getProcedure(ctx, codes[i], { at: END_OF_TIME }).catch((e: unknown) => {
        if (e instanceof AppError && e.code === 'NOT_FOUND') return null;
        throw e;
      });
      out[i] = { code: codes[i], portal: fromPortal(one.data), agencyCode: one.data.MaCoQuanThucHien.trim(), existing };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, codes.length) }, worker));
  return out;
}

function previewOf(pulled: Pulled[], units: Set<string>): CataloguePreview {
  const entries: CatalogueEntry[] = pulled.map((p) => {
    const code = p.code;
    if (!p.existing) return { code, name: p.portal.name, status: 'new', changes: [], agencyCode: units.has(p.agencyCode) ? p.agencyCode : null };
    const changes = catalogueChanges(ours(p.existing), p.portal);
    return { code, name: p.existing.name, status: changes.length ? 'changed' : 'unchanged', changes, agencyCode: p.existing.agencyCode };
  });
  entries.sort((a, b) => ['new', 'changed', 'unchanged'].indexOf(a.status) - ['new', 'changed', 'unchanged'].indexOf(b.status) || a.code.localeCompare(b.code));
  const count = (s: CatalogueEntry['status']) => entries.filter((e) => e.status === s).length;
  const fingerprint = createHash('sha256')
    .update(canonicalJson(pulled.map((p) => ({ code: p.code, version: p.existing?.version ?? 0, portal: p.portal }))))
    .digest('base64url')
    .slice(0, 32);
  return { entries, counts: { new: count('new'), changed: count('changed'), unchanged: count('unchanged') }, fingerprint };
}

/**
 * LayDanhSachTTHC then LayThuTuc for each procedure, compared with our catalogue: what is new,
 * what changed (field by field, as a person reads it), what is unchanged. Nothing is written.
 */
export async function previewNationalCatalogue(ctx: Ctx): Promise<CataloguePreview> {
  const units = new Set((await listUnits(ctx)).map((u) => u.id));
  return previewOf(await pull(ctx), units);
}

/** Our procedure with the portal's national part: the e-form, workflow, level and fee rules we add are kept. */
function merged(existing: ProcedureData, portal: NationalPart): ProcedureData {
  return {
    ...existing,
    name: portal.name,
    field: portal.field,
    methods: portal.methods.map((m) => {
      const before = existing.methods.find((x) => x.channel === m.channel);
      return {
        ...m,
        // A fee keeps our rules (per unit, reductions, when due) when it is the same fee: the same code, else the same place.
        fees: m.fees.map((f, i) => {
          const o = before?.fees.find((x) => f.code && x.code === f.code) ?? (f.code ? undefined : before?.fees[i]);
          return { ...(o ?? {}), ...f };
        }),
      };
    }),
    cases: portal.cases,
    steps: portal.steps,
    legalBasis: portal.legalBasis,
    resultType: portal.resultType,
  };
}

/** ProcedureData as a record of the national import format, with our extension. */
function asImportRecord(p: ProcedureData, agencyCode: string | null): Record<string, unknown> {
  return {
    code: p.code,
    name: p.name,
    executionMethods: p.methods.map((m) => ({
      submissionMethod: m.channel,
      processingTime: m.processingTime,
      processingTimeUnit: m.processingTimeUnit,
      ...(m.processingCutoff ? { processingCutoff: m.processingCutoff } : {}),
      description: m.description,
      fees: m.fees,
    })),
    executionCases: p.cases.map((c) => ({ name: c.name, profileComponents: c.components })),
    executionSteps: p.steps,
    congso: {
      field: p.field,
      ...(p.fieldEn ? { fieldEn: p.fieldEn } : {}),
      ...(agencyCode ? { agencyCode } : {}),
      level: p.level,
      legalBasis: p.legalBasis,
      ...(p.resultType ? { resultType: p.resultType } : {}),
      ...(p.resultKind ? { resultKind: p.resultKind } : {}),
      ...(p.eForm ? { eForm: p.eForm } : {}),
      ...(p.workflow.length ? { workflow: p.workflow } : {}),
    },
  };
}

export interface CatalogueApplied {
  created: number;
  newVersions: number;
  codes: string[];
}

/**
 * Applies what a preview showed, through the catalogue's import: new procedures are created
 * (their agency's default workflow when the agency is one of our units; otherwise without one,
 * taking no dossiers until an administrator adds it), changed ones get a new version from now on
 * (dossiers filed earlier keep theirs). The portal is asked again first: if it no longer says
 * what the preview showed (`fingerprint`), nothing is applied. Audited.
 */
export async function applyNationalCatalogue(ctx: Ctx, actor: string, fingerprint: string): Promise<CatalogueApplied> {
  const units = new Set((await listUnits(ctx)).map((u) => u.id));
  const pulled = await pull(ctx);
  const preview = previewOf(pulled, units);
  if (preview.fingerprint !== fingerprint) {
    throw new AppError('NATIONAL_CATALOGUE_CHANGED', {
      vi: 'Dữ liệu trên Cổng DVCQG hoặc danh mục thủ tục đã thay đổi từ khi xem; chưa áp dụng gì, hãy xem lại các khác biệt',
      en: 'The portal or our catalogue changed since the differences were shown; nothing was applied, review them again',
    });
  }
  const records: Record<string, unknown>[] = [];
  for (const p of pulled) {
    if (p.existing) {
      if (!catalogueChanges(ours(p.existing), p.portal).length) continue;
      records.push(asImportRecord(merged(p.existing, p.portal), p.existing.agencyCode));
    } else {
      const base: ProcedureData = {
        code: p.code,
        ...p.portal,
        fieldEn: null,
        agencyCode: null,
        agencyName: null,
        level: 'partial',
        resultKind: null,
        eForm: null,
        workflow: [],
      };
      records.push(asImportRecord(base, units.has(p.agencyCode) ? p.agencyCode : null));
    }
  }
  if (!records.length) return { created: 0, newVersions: 0, codes: [] };
  const r = await importProcedures(ctx, { records }, actor);
  const codes = r.procedures.filter((o) => o.status !== 'unchanged').map((o) => `${o.code}@${o.version}`);
  await ctx.database.db.transaction().execute((tx) =>
    recordAudit(tx, {
      actor,
      action: 'catalog.national-pull',
      data: { created: r.created, newVersions: r.newVersions, unchanged: preview.counts.unchanged, codes: codes.slice(0, 500) },
    }),
  );
  return { created: r.created, newVersions: r.newVersions, codes };
}
