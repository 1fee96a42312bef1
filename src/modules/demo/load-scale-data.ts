import { PDFDocument, StandardFonts } from 'pdf-lib';
import { rebuildIndicators } from '../indicators/rebuild-indicators.ts';
import type { Ctx } from '../../platform/context.ts';
import { withConstraintsDeferred } from '../../platform/db/copy.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { listUnits } from '../organisation/list-units.ts';
import { listStaff } from '../organisation/list-staff.ts';
import { createUnit } from '../organisation/create-unit.ts';
import { createStaff } from '../organisation/create-staff.ts';
import { importProcedures } from '../catalog/import-procedures.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { loadCalendar, localDate } from '../calendar/compute-due-date.ts';
import { DOSSIER_IMPORT_TABLES, importDossiers, lastDossierNumbers, type ImportedDossier } from '../dossiers/import-dossiers.ts';
import { UPLOAD_IMPORT_TABLES, importUploads, type ImportedUpload } from '../uploads/import-uploads.ts';
import { RESULT_IMPORT_TABLES, importResults, lastResultNumbers, type ImportedResult } from '../results/import-results.ts';
import { importCitizens, type ImportedCitizen } from '../identity/import-citizens.ts';
import type { Applicant } from '../dossiers/schemas.ts';
import { endOfVnDay } from '../calendar/dates.ts';
import type { DossierState, Status } from '../dossiers/workflow.ts';
import { DEMO_PASSWORD } from './load-demo-data.ts';
import { prng } from './random.ts';

/**
 * Realistic data at scale for load tests: regional offices with their staff, procedures with
 * e-forms, applicants, and dossiers spread over 20 units, procedures, channels and years with
 * their whole action logs, attachments and results — bulk-loaded with COPY through each
 * module's import operation. Deterministic for a given seed. The dossiers' attachments and
 * results point at a few sample PDFs in the blob store (content-addressed, so shared).
 */

/** The e-form every load procedure asks for; bench/ files against the same schema. */
export const LOAD_EFORM = {
  type: 'object',
  required: ['tenDoanhNghiep', 'maSoThue', 'diaChi', 'ngayDeNghi', 'soLuong'],
  additionalProperties: false,
  properties: {
    tenDoanhNghiep: { type: 'string', minLength: 2, maxLength: 200 },
    maSoThue: { type: 'string', pattern: '^[0-9]{10}$' },
    diaChi: { type: 'string', minLength: 5, maxLength: 300 },
    soDienThoai: { type: 'string', pattern: '^0[0-9]{9}$' },
    ngayDeNghi: { type: 'string', format: 'date' },
    soLuong: { type: 'integer', minimum: 1, maximum: 100000 },
    ghiChu: { type: 'string', maxLength: 1000 },
  },
} as const;

const REGIONS = ['Hải Phòng', 'Cần Thơ', 'Đồng Nai', 'Bình Dương', 'Quảng Ninh', 'Lạng Sơn', 'Lào Cai', 'Nghệ An'];
const PROC_NAMES = [
  'Cấp Giấy chứng nhận xuất xứ hàng hóa ưu đãi',
  'Cấp Giấy phép nhập khẩu tự động',
  'Cấp Giấy phép kinh doanh tạm nhập tái xuất',
  'Xác nhận đăng ký thực hiện khuyến mại',
  'Cấp Giấy chứng nhận đủ điều kiện kinh doanh',
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thanh', 'Ngọc', 'Quang', 'Thu', 'Xuân'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Hà',
  'Hải',
  'Hạnh',
  'Hoa',
  'Hùng',
  'Hương',
  'Khánh',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Nam',
  'Nga',
  'Phong',
  'Phương',
  'Quân',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trang',
  'Tuấn',
  'Việt',
  'Yến',
];
const TRADE = ['Thương mại', 'Sản xuất', 'Xuất nhập khẩu', 'Dịch vụ', 'Đầu tư', 'Công nghệ'];
const BRAND = [
  'Hòa Phát',
  'Sao Mai',
  'Trường Sơn',
  'Phú Thịnh',
  'Đông Á',
  'Hưng Long',
  'Minh Khang',
  'Bảo Ngọc',
  'Việt Tiến',
  'An Phú',
  'Thành Đạt',
  'Kim Cương',
];
const STREETS = ['Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Huệ', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Điện Biên Phủ', 'Phan Chu Trinh', 'Quang Trung'];
const CITIES = ['Hà Nội', 'TP. Hồ Chí Minh', 'Đà Nẵng', 'Hải Phòng', 'Cần Thơ', 'Bắc Ninh', 'Đồng Nai', 'Bình Dương'];

type Rng = ReturnType<typeof prng>;

/**
 * A UUIDv7-shaped id (RFC 9562: time first) from the generator: rows made in time order land
 * at the right end of their B-tree indexes, as they do in production, and a seed gives the same data.
 */
function uuidAt(r: Rng, at: Date): string {
  const ms = at.getTime().toString(16).padStart(12, '0');
  const h = Array.from({ length: 3 }, () =>
    Math.floor(r.next() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${h.slice(0, 3)}-${'89ab'[r.below(4)]}${h.slice(3, 6)}-${h.slice(6, 18)}`;
}

interface Unit {
  id: string;
  name: string;
  staff: Record<'receiving_officer' | 'unit_leader' | 'specialist' | 'signing_leader', { username: string; fullName: string }[]>;
}
interface Proc {
  code: string;
  version: number;
  name: string;
  unit: Unit;
  days: number;
  k: number;
}

export interface ScaleOptions {
  dossiers: number;
  /** First year of the history (default: two years before this one). */
  fromYear?: number;
  /** Last year of the history (default: this year, up to today). Earlier years add history without adding to today's workload. */
  toYear?: number;
  seed?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  log?: (msg: string) => void;
}

export interface ScaleReport {
  dossiers: number;
  actions: number;
  uploads: number;
  results: number;
  citizens: number;
  units: string[];
  procedures: string[];
  seconds: number;
}

const ROLES = ['receiving_officer', 'unit_leader', 'specialist', 'signing_leader'] as const;

/** The 20 units the load spreads over: the demo ministry's working units, and regional offices made up to 20. */
async function ensureUnits(ctx: Ctx, r: Rng): Promise<Unit[]> {
  const units = await listUnits(ctx);
  const ids = new Set(units.map((u) => u.id));
  for (const [i, region] of REGIONS.entries()) {
    const id = `000.05.${10 + i}.G12`;
    if (!ids.has(id))
      await createUnit(
        ctx,
        {
          id,
          parentId: '000.05.00.G12',
          kind: 'unit',
          name: `Phòng Quản lý Xuất nhập khẩu khu vực ${region}`,
          nameEn: `Regional Import-Export Office, ${region}`,
        },
        'system',
      );
  }
  const all = await listUnits(ctx);
  const working = all
    .filter((u) => u.kind !== 'ministry')
    .sort((x, y) => x.id.localeCompare(y.id))
    .slice(0, 20);
  if (working.length < 20) throw new Error(`load: only ${working.length} working units`);
  let staff = await listStaff(ctx);
  for (const [ui, u] of working.entries()) {
    for (const role of ROLES) {
      if (staff.some((s) => s.active && s.roles.some((x) => x.role === role && x.unitId === u.id))) continue;
      const username = `tai.${role.split('_')[0]}.${ui + 1}`;
      await createStaff(
        ctx,
        { username, fullName: personName(r), email: null, password: DEMO_PASSWORD, roles: [{ role: role as StaffRole, unitId: u.id }] },
        'system',
      );
    }
  }
  staff = await listStaff(ctx);
  return working.map((u) => ({
    id: u.id,
    name: u.name,
    staff: Object.fromEntries(
      ROLES.map((role) => [
        role,
        staff.filter((s) => s.active && s.roles.some((x) => x.role === role && x.unitId === u.id)).map((s) => ({ username: s.username, fullName: s.fullName })),
      ]),
    ) as Unit['staff'],
  }));
}

/** Five procedures per unit, each with the load e-form and the default workflow in that unit. */
export function loadProcedureCode(unitIndex: number, k: number): string {
  return `2.${String(200000 + unitIndex * 10 + k)}`;
}

async function ensureProcedures(ctx: Ctx, units: Unit[]): Promise<Proc[]> {
  const records = units.flatMap((u, ui) =>
    PROC_NAMES.map((name, k) => ({
      code: loadProcedureCode(ui, k),
      name: `${name} (${u.name.replace(/^Phòng /, '')})`,
      executionMethods: ['ONLINE', 'DIRECT', 'POSTAL'].map((m) => ({
        submissionMethod: m,
        processingTime: [3, 5, 7, 10, 15][k],
        processingTimeUnit: 'WORKING_DAY',
        fees: [{ type: 'FEE', value: [0, 50000, 100000, 200000, 300000][k] }],
      })),
      executionCases: [
        {
          name: '',
          profileComponents: [
            { code: `L${k}-01`, name: 'Đơn đề nghị theo mẫu', originalQty: 1, copyQty: 0, required: true, hasElectronicForm: true },
            { code: `L${k}-02`, name: 'Hóa đơn thương mại', originalQty: 0, copyQty: 1, required: false, hasElectronicForm: false },
          ],
        },
      ],
      executionSteps: [],
      congso: {
        field: 'Xuất nhập khẩu',
        agencyCode: u.id,
        level: 'full',
        effectiveFrom: '2020-01-01',
        legalBasis: ['Nghị định số 31/2018/NĐ-CP'],
        eForm: LOAD_EFORM,
        resultKind: 'certificate',
      },
    })),
  );
  const exists = await getProcedure(ctx, records[0].code).then(
    () => true,
    () => false,
  );
  if (!exists) await importProcedures(ctx, records, 'system');
  const out: Proc[] = [];
  for (const [ui, u] of units.entries()) {
    for (let k = 0; k < PROC_NAMES.length; k++) {
      const p = await getProcedure(ctx, loadProcedureCode(ui, k));
      out.push({ code: p.code, version: p.version, name: p.name, unit: u, days: [3, 5, 7, 10, 15][k], k });
    }
  }
  return out;
}

function personName(r: Rng) {
  return `${r.pick(FAMILY)} ${r.pick(MIDDLE)} ${r.pick(GIVEN)}`;
}

async function samplePdf(title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(title, { x: 60, y: 760, size: 16, font });
  page.drawText('Tai lieu mau cho du lieu thu tai (congso load data)', { x: 60, y: 730, size: 11, font });
  doc.setCreationDate(new Date('2024-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2024-01-01T00:00:00Z'));
  return doc.save();
}

const STEP = { receive: 0, assign: 1, examine: 2, approve: 3, return: 4 } as const;

export async function loadScaleData(ctx: Ctx, opts: ScaleOptions): Promise<ScaleReport> {
  const t0 = performance.now();
  const r = prng(opts.seed ?? 20261129);
  const log = opts.log ?? (() => {});
  const units = await ensureUnits(ctx, r);
  const procs = await ensureProcedures(ctx, units);
  const procsByUnit = units.map((_, ui) => procs.slice(ui * PROC_NAMES.length, (ui + 1) * PROC_NAMES.length));
  log(`load: ${units.length} units, ${procs.length} procedures`);

  const files = await Promise.all(['Don de nghi', 'Hoa don thuong mai', 'Giay chung nhan (ban mau)'].map(async (t) => ({ t, bytes: await samplePdf(t) })));
  const blobs = await Promise.all(files.map(async (f) => ({ ...(await ctx.blobs.put(f.bytes)), title: f.t })));

  const now = new Date();
  const today = localDate(now);
  const fromYear = opts.fromYear ?? now.getUTCFullYear() - 2;
  const cal = await loadCalendar(ctx, fromYear, now.getUTCFullYear() + 1);
  const days: string[] = [];
  const lastDay = opts.toYear !== undefined && `${opts.toYear}-12-31` < today ? `${opts.toYear}-12-31` : today;
  for (let d = new Date(`${fromYear}-01-01T00:00:00Z`); localDate(d) <= lastDay; d = new Date(d.getTime() + 86_400_000)) {
    const s = localDate(d);
    if (cal.isWorkingDay(s)) days.push(s);
  }
  if (!days.length) throw new Error(`load: no working day between ${fromYear}-01-01 and ${lastDay}`);
  const lastIdx = days.length - 1;
  // Where today falls on the same count of working days: actions planned after it have not happened.
  const todayIdx = lastIdx + cal.workingDaysBetween(days[lastIdx], today);
  const later = (idx: number) => (idx <= lastIdx ? days[idx] : cal.addWorkingDays(days[lastIdx], idx - lastIdx));
  const at = (idx: number, minutes: number) => new Date(Date.parse(`${later(idx)}T01:00:00Z`) + minutes * 60_000); // 08:00 in Vietnam + minutes

  const N = opts.dossiers;
  const citizens: ImportedCitizen[] = [];
  const citizenCount = Math.max(200, Math.round(N / 5));
  for (let i = 0; i < citizenCount; i++) {
    const name = personName(r);
    citizens.push({
      id: uuidAt(r, new Date(Date.UTC(fromYear, 0, 1))),
      issuer: 'congso-load',
      subject: `load-${opts.seed ?? 20261129}-${i}`,
      kind: 'citizen',
      fullName: name,
      identifier: `0${String(1_000_000_000 + i * 7).padStart(11, '0')}`,
      email: null,
      phone: `09${String(10_000_000 + i).slice(-8)}`,
    });
  }
  await importCitizens(ctx, citizens);

  // Loading again adds to what is there: numbering goes on from the counters.
  const counters = await lastDossierNumbers(ctx);
  const resultCounters = await lastResultNumbers(ctx);
  const batchSize = opts.batchSize ?? 20_000;
  let batch: ImportedDossier[] = [];
  let uploads: ImportedUpload[] = [];
  let results: ImportedResult[] = [];
  const totals = { dossiers: 0, actions: 0, uploads: 0, results: 0 };
  const timing = { generate: 0, waiting: 0, indexes: 0, indicators: 0 };
  let mark = performance.now();
  const lap = (k: keyof typeof timing) => {
    const t = performance.now();
    timing[k] += (t - mark) / 1000;
    mark = t;
  };
  // The database takes one batch while the next is generated: two cores, both busy.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (!batch.length) return;
    const [b, u, res] = [batch, uploads, results];
    batch = [];
    uploads = [];
    results = [];
    lap('generate');
    await writing;
    lap('waiting');
    writing = (async () => {
      // Independent tables, separate connections: the server uses both cores.
      await Promise.all([importUploads(ctx, u), importDossiers(ctx, b), importResults(ctx, res)]);
      totals.dossiers += b.length;
      totals.uploads += u.length;
      totals.results += res.length;
      opts.onProgress?.(totals.dossiers, N);
    })();
  };

  const generateAll = async () => {
    for (let di = 0; di < days.length; di++) {
      const count = Math.floor(((di + 1) * N) / days.length) - Math.floor((di * N) / days.length);
      for (let j = 0; j < count; j++) {
        const ui = r.below(units.length);
        const unit = units[ui];
        const proc = r.pick(procsByUnit[ui]);
        const day = days[di];
        const key = `${unit.id}|${day}`;
        const n = (counters.get(key) ?? 0) + 1;
        counters.set(key, n);
        const code = `${unit.id}-${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-${String(n).padStart(4, '0')}`;
        const d = makeDossier(r, { code, unit, proc, di, todayIdx, at, cal, citizens, blobs });
        totals.actions += d.dossier.actions.length;
        batch.push(d.dossier);
        uploads.push(...d.uploads);
        if (d.result) {
          const yy = d.result.issuedAt.getUTCFullYear();
          const rk = `${unit.id}|${yy}`;
          const rn = (resultCounters.get(rk) ?? 0) + 1;
          resultCounters.set(rk, rn);
          d.result.resultCode = `${unit.id}-KQ${String(yy).slice(2)}-${String(rn).padStart(6, '0')}`;
          d.result.number = `${rn}/GCN-${unit.id.split('.')[1]}`;
          results.push(d.result);
        }
        if (batch.length >= batchSize) await flush();
        // Let the pending COPY's socket writes go out between slices of generation.
        else if (batch.length % 1000 === 0) await new Promise((res) => setImmediate(res));
      }
    }
    await flush();
    await writing;
    lap('waiting');
  };
  await withConstraintsDeferred(ctx.database, [...DOSSIER_IMPORT_TABLES, ...UPLOAD_IMPORT_TABLES, ...RESULT_IMPORT_TABLES], generateAll, log);
  lap('indexes');
  // The bulk import bypasses the workflow, and with it the service index's counts: recomputed from the logs.
  await rebuildIndicators(ctx);
  lap('indicators');
  await ctx.database.db
    .transaction()
    .execute((tx) =>
      recordAudit(tx, { actor: 'system', action: 'dossier.bulk_load', data: { ...totals, citizens: citizens.length, seed: opts.seed ?? 20261129 } }),
    );
  log(
    `load: seconds spent ${Object.entries(timing)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
  return {
    ...totals,
    citizens: citizens.length,
    units: units.map((u) => u.id),
    procedures: procs.map((p) => p.code),
    seconds: (performance.now() - t0) / 1000,
  };
}

interface MakeArgs {
  code: string;
  unit: Unit;
  proc: Proc;
  di: number;
  todayIdx: number;
  at: (idx: number, minutes: number) => Date;
  cal: { addWorkingDays(from: string, n: number): string; workingDaysBetween(a: string, b: string): number };
  citizens: ImportedCitizen[];
  blobs: { sha256: string; size: number; title: string }[];
}

/** One dossier's whole planned life, cut at today: what happened so far is its log and its state. */
function makeDossier(r: Rng, a: MakeArgs): { dossier: ImportedDossier; uploads: ImportedUpload[]; result: ImportedResult | null } {
  const { unit, proc } = a;
  const channel = (r.next() < 0.7 ? 2 : r.next() < 0.83 ? 1 : 3) as 1 | 2 | 3;
  const business = r.next() < 0.6;
  const citizen = channel === 2 && !business ? r.pick(a.citizens) : null;
  const company = `Công ty TNHH ${r.pick(TRADE)} ${r.pick(BRAND)} ${r.pick(CITIES)}`;
  const taxCode = `0${String(100_000_000 + r.below(899_999_999))}`;
  const applicant: Applicant = business
    ? {
        kind: 'business',
        name: company,
        identifier: taxCode,
        email: null,
        phone: `09${String(r.below(1e8)).padStart(8, '0')}`,
        address: `${1 + r.below(300)} ${r.pick(STREETS)}, ${r.pick(CITIES)}`,
      }
    : citizen
      ? {
          kind: 'citizen',
          name: citizen.fullName,
          identifier: citizen.identifier,
          email: null,
          phone: citizen.phone,
          address: `${1 + r.below(300)} ${r.pick(STREETS)}, ${r.pick(CITIES)}`,
        }
      : {
          kind: 'citizen',
          name: personName(r),
          identifier: `0${String(r.below(1e11)).padStart(11, '0')}`,
          email: null,
          phone: null,
          address: `${1 + r.below(300)} ${r.pick(STREETS)}, ${r.pick(CITIES)}`,
        };
  const receiving = r.pick(unit.staff.receiving_officer);
  const leader = r.pick(unit.staff.unit_leader);
  const specialist = r.pick(unit.staff.specialist);
  const signer = r.pick(unit.staff.signing_leader);
  const filedBy = channel === 2 ? (citizen ? `citizen:${citizen.id}` : 'service:dvcqg') : `staff:${receiving.username}`;
  const applicantActor = { actor: filedBy, name: channel === 2 ? applicant.name : receiving.fullName };

  const submittedAt = a.at(a.di, r.below(9 * 60));
  const id = uuidAt(r, submittedAt);
  const uploads: ImportedUpload[] = [];
  const components: ImportedDossier['components'] = [];
  const nFiles = r.next() < 0.4 ? 2 : 1;
  for (let k = 0; k < nFiles; k++) {
    const b = a.blobs[k];
    const up: ImportedUpload = {
      id: uuidAt(r, submittedAt),
      sha256: b.sha256,
      size: b.size,
      contentType: 'application/pdf',
      kind: 'pdf',
      fileName: k ? 'hoa-don-thuong-mai.pdf' : 'don-de-nghi.pdf',
      owner: filedBy,
      createdAt: new Date(submittedAt.getTime() - 10 * 60_000),
    };
    uploads.push(up);
    components.push({
      code: `L${proc.k}-0${k + 1}`,
      name: k ? 'Hóa đơn thương mại' : 'Đơn đề nghị theo mẫu',
      uploadId: up.id,
      sha256: b.sha256,
      fileName: up.fileName,
      contentType: up.contentType,
      size: b.size,
    });
  }

  // The plan: which path this dossier takes, on which working day each action falls.
  const fate = r.next();
  const path: { action: string; idx: number; by: { actor: string; name: string }; to: Status; data?: Record<string, unknown> }[] = [];
  const staff = (s: { username: string; fullName: string }) => ({ actor: `staff:${s.username}`, name: s.fullName });
  let idx = a.di;
  path.push({ action: 'submit', idx, by: applicantActor, to: 'submitted', data: { channel, components: nFiles } });
  if (channel === 2 && fate < 0.03) {
    path.push({ action: 'refuse', idx: idx + r.below(2), by: staff(receiving), to: 'refused', data: { reason: 'Hồ sơ không thuộc thẩm quyền giải quyết' } });
  } else {
    if (channel === 2) idx += r.below(2);
    path.push({ action: 'receive', idx, by: staff(receiving), to: 'received' });
    const receivedIdx = idx;
    idx += r.below(2);
    path.push({ action: 'assign', idx, by: staff(leader), to: 'processing', data: { assignee: specialist.username } });
    if (fate < 0.05)
      path.push({
        action: 'withdraw',
        idx: idx + 1 + r.below(2),
        by: applicantActor,
        to: 'withdrawn',
        data: { reason: 'Doanh nghiệp rút hồ sơ để hoàn thiện' },
      });
    else if (fate < 0.065)
      path.push({ action: 'stop', idx: idx + 1 + r.below(2), by: staff(signer), to: 'stopped', data: { reason: 'Doanh nghiệp đề nghị dừng' } });
    else {
      if (fate > 0.88) {
        idx += 1;
        path.push({ action: 'request_supplement', idx, by: staff(specialist), to: 'awaiting_supplement', data: { items: ['Bản sao hợp đồng thương mại'] } });
        idx += 1 + r.below(5);
        path.push({ action: 'supplement', idx, by: applicantActor, to: 'processing' });
      }
      const late = r.next() < 0.07;
      idx = Math.max(idx + 1, receivedIdx + (late ? proc.days + 1 + r.below(4) : 1 + r.below(Math.max(1, proc.days - 1))));
      path.push({ action: 'propose', idx, by: staff(specialist), to: 'proposed' });
      path.push({ action: 'approve', idx: idx + (r.next() < 0.5 ? 0 : 1), by: staff(signer), to: 'approved' });
      // A few results wait weeks for their holder; within a quarter every one is handed over or posted.
      const uncollected = r.next() < 0.02;
      const approvedIdx = path.at(-1)!.idx;
      path.push({ action: 'return', idx: uncollected ? approvedIdx + 20 + r.below(40) : approvedIdx + r.below(3), by: staff(receiving), to: 'returned' });
    }
  }

  const done = path.filter((p) => p.idx <= a.todayIdx);
  const actions: ImportedDossier['actions'] = [];
  let status: Status = 'submitted';
  let assignee: string | null = null;
  let receivedAt: Date | null = null;
  let dueDate: string | null = null;
  let pausedOn: string | null = null;
  let supplementRequested = false;
  let prevAt = submittedAt;
  for (const [i, p] of done.entries()) {
    const when = i === 0 ? submittedAt : new Date(Math.max(a.at(p.idx, 30 * i + r.below(30)).getTime(), prevAt.getTime() + 60_000));
    prevAt = when;
    if (p.action === 'receive') {
      receivedAt = when;
      dueDate = a.cal.addWorkingDays(localDate(when), proc.days);
    }
    if (p.action === 'assign') assignee = specialist.username;
    if (p.action === 'request_supplement') {
      supplementRequested = true;
      pausedOn = localDate(when);
    }
    if (p.action === 'supplement' && pausedOn && dueDate) {
      dueDate = a.cal.addWorkingDays(dueDate, a.cal.workingDaysBetween(pausedOn, localDate(when)));
      pausedOn = null;
    }
    actions.push({
      action: p.action,
      actor: p.by.actor,
      actorName: p.by.name,
      at: when,
      fromStatus: i ? status : null,
      toStatus: p.to,
      fromUnit: i ? unit.id : null,
      toUnit: unit.id,
      assignee,
      stepDue: null,
      data: p.data ?? {},
    });
    status = p.to;
  }
  const step =
    {
      submitted: STEP.receive,
      refused: STEP.receive,
      received: STEP.assign,
      processing: STEP.examine,
      awaiting_supplement: STEP.examine,
      withdrawn: STEP.examine,
      stopped: STEP.examine,
      proposed: STEP.approve,
      approved: STEP.return,
      returned: STEP.return,
    }[status as string] ?? 0;
  const stepRole =
    { submitted: 'receiving_officer', received: 'unit_leader', processing: 'specialist', proposed: 'signing_leader', approved: 'receiving_officer' }[
      status as string
    ] ?? null;
  const state: DossierState = {
    status,
    step,
    handlingUnit: unit.id,
    assignee,
    dueDate,
    // A limit in days ends with its last day: the queues and the index compare this moment.
    dueAt: dueDate ? endOfVnDay(dueDate).toISOString() : null,
    supplementRequested,
    apologised: false,
    resumeStatus: status === 'awaiting_supplement' ? 'processing' : null,
    pausedOn: status === 'awaiting_supplement' ? pausedOn : null,
    usedDays: status === 'awaiting_supplement' && receivedAt && pausedOn ? a.cal.workingDaysBetween(localDate(receivedAt), pausedOn) : 0,
    processingDays: proc.days,
    processingUnit: 'WORKING_DAY',
  };
  const approvedAt = actions.find((x) => x.action === 'approve')?.at;
  const result: ImportedResult | null = approvedAt
    ? {
        id: uuidAt(r, approvedAt),
        resultCode: '',
        dossierCode: a.code,
        procedureCode: proc.code,
        documentName: 'Giấy chứng nhận',
        kind: 'certificate',
        number: '',
        issuerUnit: unit.id,
        issuerName: unit.name,
        holderName: applicant.name,
        holderIdentifier: applicant.identifier,
        ownerCitizenId: citizen?.id ?? null,
        sha256: a.blobs[2].sha256,
        size: a.blobs[2].size,
        issuedAt: new Date(approvedAt.getTime() + 5 * 60_000),
        issuedBy: `staff:${signer.username}`,
      }
    : null;
  return {
    dossier: {
      id,
      code: a.code,
      receivingUnit: unit.id,
      procedureCode: proc.code,
      procedureVersion: proc.version,
      procedureName: proc.name,
      channel,
      applicant,
      ownerCitizenId: citizen?.id ?? null,
      filedBy,
      form: {
        tenDoanhNghiep: business ? company : `Hộ kinh doanh ${applicant.name}`,
        maSoThue: business ? taxCode : `0${String(r.below(1e9)).padStart(9, '0')}`,
        diaChi: applicant.address ?? 'Hà Nội',
        ngayDeNghi: localDate(submittedAt),
        soLuong: 1 + r.below(5000),
      },
      state,
      stepRole,
      stepUnit: stepRole ? unit.id : null,
      submittedAt,
      receivedAt,
      stepDueDate: null,
      finishedAt: ['returned', 'refused', 'withdrawn', 'stopped'].includes(status) ? prevAt : null,
      components,
      actions,
    },
    uploads,
    result,
  };
}
