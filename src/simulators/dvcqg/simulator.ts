import { randomBytes } from 'node:crypto';

/**
 * The National Public Service Portal (Cổng DVCQG), simulated (INTEGRATIONS §1): the other side
 * of src/modules/national-portal. Its own reading of the contract, so it checks ours: a JSON POST
 * per call with the `dstcode` header; sign-in {username, password} → {error_code: 0, session};
 * every service call carries {session, madonvi, service, …}; answers {error_code, message,
 * result}. Services: DongBoHoSoMC (dossier records, new or update), CapNhatTienDoHoSoMC
 * (processing steps), TraCuuHoSo (look one up), DongBoDanhGia (monthly satisfaction summary);
 * more can be added (`addService`: the inbound and catalogue services live in inbound.ts and
 * catalogue.ts). Every field is checked as the portal would (all strings, dates yyyyMMddHHmmss,
 * codes, required fields, the field set and order), and a malformed record is refused with
 * error_code 1 naming the field. State is in memory, like a test bed.
 *
 * Faults for tests and the demo, with seeded randomness so a test is repeatable: a share of
 * calls fail (HTTP 503, not processed), a share time out (processed, then answered after
 * `timeoutMs`: the caller has given up and will send it again), a share are processed twice (a
 * duplicate delivery inside the portal), the next N fail, every answer waits `delayMs`.
 */

// ─── Its reading of the contract ────────────────────────────────────────────────────────────

export const CODES = { ok: 0, invalid: 1, alreadyExists: 2, sessionExpired: 3, notFound: 4 } as const;

const DATE = /^\d{14}$/;
type Spec =
  | { t: 'text'; required?: boolean; max?: number }
  | { t: 'date'; required?: boolean }
  | { t: 'code'; values: readonly string[]; required?: boolean }
  | { t: 'digits'; required?: boolean }
  | { t: 'list'; of: Record<string, Spec> };

const text = (required = false, max = 2000): Spec => ({ t: 'text', required, max });
const date = (required = false): Spec => ({ t: 'date', required });
const code = (values: readonly string[], required = true): Spec => ({ t: 'code', values, required });
const FLAG = ['0', '1'] as const;

const ATTACHMENT: Record<string, Spec> = {
  TepDinhKemId: text(true, 200),
  TenTepDinhKem: text(true, 500),
  MaThanhPhanHoSo: text(false, 200),
  DuongDanTaiTepTin: text(false, 2000),
  DuocSoHoa: code(FLAG),
  DuocTaiSuDung: code(FLAG),
  DuocLayTuKhoDMQG: code(FLAG),
  MaKetQuaThayThe: text(false, 200),
};
const FEE: Record<string, Spec> = {
  TenPhiLePhi: text(true, 1000),
  MaPhiLePhi: text(false, 100),
  HinhThucThu: code(['1', '2']),
  Gia: { t: 'digits', required: true },
  LoaiPhiLePhi: code(['1', '2']),
};
const SUPPLEMENT: Record<string, Spec> = {
  HoSoBoSungId: text(true, 200),
  NguoiYeuCauBoSung: text(true, 300),
  NoiDungBoSung: text(false, 2000),
  NgayBoSung: date(true),
  NgayTiepNhanBoSung: date(),
  NgayHenTraTruoc: date(),
  NgayHenTraMoi: date(),
};
const RESULT: Record<string, Spec> = {
  TenGiayTo: text(true, 1000),
  GiayToId: text(true, 200),
  DuongDanTepTinKetQua: text(false, 2000),
  MaGiayToKetQua: text(true, 200),
};
const IDENTIFICATION: Record<string, Spec> = { LoaiDinhDanh: code(['1', '2', '3']), SoDinhDanh: { t: 'digits', required: true } };

/** DongBoHoSoMC's record, in the portal's order. */
export const DOSSIER: Record<string, Spec> = {
  MaHoSo: text(true, 60),
  MaTTHC: text(true, 60),
  TenTTHC: text(true, 2000),
  MaLinhVuc: text(false, 60),
  TenLinhVuc: text(false, 500),
  KenhThucHien: code(['1', '2', '3']),
  ChuHoSo: text(true, 300),
  SoGiayToChuHoSo: text(false, 30),
  LoaiDoiTuong: code(['1', '2', '3', '4']),
  MaDoiTuong: text(false, 100),
  Email: text(false, 300),
  SoDienThoai: text(false, 30),
  TrichYeuHoSo: text(false, 2000),
  NgayTiepNhan: date(),
  NgayHenTra: date(),
  TrangThaiHoSo: code(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
  NgayTra: date(),
  HinhThuc: code(['0', '1', '2'], false),
  NgayKetThucXuLy: date(),
  DonViXuLy: text(false, 500),
  NgayNopHoSo: date(true),
  NgayTuChoi: date(),
  HoSoCoThanhPhanSoHoa: code(FLAG),
  TaiKhoanDuocXacThucVoiVNeID: code(FLAG),
  DuocThanhToanTrucTuyen: code(['0', '1', '3']),
  TaiLieuNop: { t: 'list', of: ATTACHMENT },
  DanhSachLePhi: { t: 'list', of: FEE },
  DanhSachHoSoBoSung: { t: 'list', of: SUPPLEMENT },
  DanhSachGiayToKetQua: { t: 'list', of: RESULT },
  DinhDanhCHS: { t: 'list', of: IDENTIFICATION },
};
/** CapNhatTienDoHoSoMC's step. */
export const PROGRESS: Record<string, Spec> = {
  MaHoSo: text(true, 60),
  NguoiXuLy: text(true, 300),
  ChucDanh: text(false, 300),
  ThoiDiemXuLy: date(true),
  PhongBanXuLy: text(false, 500),
  NoiDungXuLy: text(true, 2000),
  TrangThai: code(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
  NgayBatDau: date(),
  NgayKetThucTheoQuyDinh: date(),
};
/** DongBoDanhGia's monthly summary of a unit. */
export const RATING: Record<string, Spec> = {
  MaDonVi: text(true, 60),
  Nam: { t: 'digits', required: true },
  Thang: code(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']),
  TongSoDanhGia: { t: 'digits', required: true },
  SoRatHaiLong: { t: 'digits', required: true },
  SoHaiLong: { t: 'digits', required: true },
  SoBinhThuong: { t: 'digits', required: true },
  SoKhongHaiLong: { t: 'digits', required: true },
  SoRatKhongHaiLong: { t: 'digits', required: true },
  DiemTrungBinh: text(true, 10),
};

/** Whether a 14-digit date names a real moment (month 1–12, day of that month, hour < 24, …). */
export function isPortalDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const [y, mo, d, h, mi, se] = [s.slice(0, 4), s.slice(4, 6), s.slice(6, 8), s.slice(8, 10), s.slice(10, 12), s.slice(12, 14)].map(Number);
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** The first thing wrong with a record against its specification (field set, order, each value), or null. */
export function recordProblem(rec: unknown, spec: Record<string, Spec>, path = ''): string | null {
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return `${path.replace(/\.$/, '') || 'record'}: must be an object`;
  const o = rec as Record<string, unknown>;
  const keys = Object.keys(o);
  for (const k of keys) if (!(k in spec)) return `${path}${k}: unknown field`;
  const expected = Object.keys(spec);
  for (const k of expected) if (!(k in o)) return `${path}${k}: missing`;
  if (keys.join() !== expected.join()) return `${path.replace(/\.$/, '') || 'record'}: fields out of order (expected ${expected.join(', ')})`;
  for (const [k, s] of Object.entries(spec)) {
    const v = o[k];
    const at = `${path}${k}`;
    if (s.t === 'list') {
      if (!Array.isArray(v)) return `${at}: must be a list`;
      if (v.length > 500) return `${at}: too many items`;
      for (let i = 0; i < v.length; i++) {
        const p = recordProblem(v[i], s.of, `${at}[${i}].`);
        if (p) return p;
      }
      continue;
    }
    // Every value of the portal's records is a string, numbers and flags included.
    if (typeof v !== 'string') return `${at}: must be a string`;
    if (v === '') {
      if (s.required) return `${at}: required`;
      continue;
    }
    if (s.t === 'text' && v.length > (s.max ?? 2000)) return `${at}: longer than ${s.max}`;
    if (s.t === 'text' && s.required && !v.trim()) return `${at}: required`;
    if (s.t === 'date' && !isPortalDate(v)) return `${at}: must be a date yyyyMMddHHmmss`;
    if (s.t === 'code' && !s.values.includes(v)) return `${at}: must be one of ${s.values.join(', ')}`;
    if (s.t === 'digits' && !/^\d{1,20}$/.test(v)) return `${at}: must be digits`;
  }
  return null;
}

// ─── The simulator ──────────────────────────────────────────────────────────────────────────

export interface PortalAnswer {
  error_code: number;
  message: string;
  result?: unknown[];
  session?: string;
}

/** What a call is answered with: an HTTP status, and the portal's JSON unless the call failed below it. */
export interface SimResponse {
  status: number;
  body: PortalAnswer | { error: string };
}

export interface DvcqgSimulatorOptions {
  username: string;
  password: string;
  unitCode: string;
  dstcode: string;
  now?: () => Date;
}

export interface Faults {
  /** Share of calls answered 503 without being processed. */
  failRate: number;
  /** Share of calls processed and then answered only after `timeoutMs` (the caller has given up). */
  timeoutRate: number;
  timeoutMs: number;
  /** Share of calls processed twice (a duplicate delivery inside the portal); the caller gets the first answer. */
  duplicateRate: number;
  /** The next this many calls are answered 503. */
  failNext: number;
  /** Every answer waits this long first. */
  delayMs: number;
  /** The seed of the randomness deciding which calls fail: the same seed, the same faults. */
  seed: number;
}

export interface StoredDossier {
  record: Record<string, unknown>;
  /** Each different record accepted, oldest first (an identical update is not a new version). */
  versions: { at: string; isUpdating: string; record: Record<string, unknown> }[];
}

/** A service's handler: the call's body (envelope checked), answering as the portal does. */
export type ServiceHandler = (body: Record<string, unknown>) => PortalAnswer | Promise<PortalAnswer>;

const DEFAULT_FAULTS: Faults = { failRate: 0, timeoutRate: 0, timeoutMs: 10_000, duplicateRate: 0, failNext: 0, delayMs: 0, seed: 1 };

/** mulberry32: small, fast, and the same sequence for the same seed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ok = (result: unknown[] = [], message = 'Thành công'): PortalAnswer => ({ error_code: CODES.ok, message, result });
const invalid = (message: string): PortalAnswer => ({ error_code: CODES.invalid, message, result: [] });

export function createDvcqgSimulator(o: DvcqgSimulatorOptions) {
  const now = o.now ?? (() => new Date());
  let faults: Faults = { ...DEFAULT_FAULTS };
  let random = seeded(faults.seed);
  let sessions = new Set<string>();
  let dossiers = new Map<string, StoredDossier>();
  // One dossier's steps in the order they arrived, and the keys already stored.
  let progress = new Map<string, Record<string, unknown>[]>();
  let progressKeys = new Set<string>();
  let ratings = new Map<string, Record<string, unknown>>();
  let stats = { calls: 0, failed: 0, timedOut: 0, duplicated: 0, refused: 0 };
  const services = new Map<string, ServiceHandler>();

  const dataList = (body: Record<string, unknown>): unknown[] | string => {
    const d = body.data;
    if (!Array.isArray(d) || d.length === 0) return 'data: must be a non-empty list';
    if (d.length > 100) return 'data: at most 100 records a call';
    return d;
  };

  services.set('DongBoHoSoMC', (body) => {
    if (body.isUpdating !== 'True' && body.isUpdating !== 'False') return invalid('isUpdating: must be "True" or "False"');
    const list = dataList(body);
    if (typeof list === 'string') return invalid(list);
    for (const [i, r] of list.entries()) {
      const p = recordProblem(r, DOSSIER, `data[${i}].`);
      if (p) return invalid(p);
    }
    const updating = body.isUpdating === 'True';
    for (const r of list as Record<string, unknown>[]) {
      const code = r.MaHoSo as string;
      const known = dossiers.get(code);
      if (!updating && known) return { error_code: CODES.alreadyExists, message: `Hồ sơ ${code} đã tồn tại`, result: [] };
      if (updating && !known) return { error_code: CODES.notFound, message: `Hồ sơ ${code} không tồn tại`, result: [] };
    }
    for (const r of list as Record<string, unknown>[]) {
      const code = r.MaHoSo as string;
      const d = dossiers.get(code) ?? { record: r, versions: [] };
      if (JSON.stringify(d.versions.at(-1)?.record) !== JSON.stringify(r)) d.versions.push({ at: now().toISOString(), isUpdating: body.isUpdating, record: r });
      d.record = r;
      dossiers.set(code, d);
    }
    return ok(list.map((r) => ({ MaHoSo: (r as Record<string, unknown>).MaHoSo })));
  });

  services.set('CapNhatTienDoHoSoMC', (body) => {
    const list = dataList(body);
    if (typeof list === 'string') return invalid(list);
    for (const [i, r] of list.entries()) {
      const p = recordProblem(r, PROGRESS, `data[${i}].`);
      if (p) return invalid(p);
      const code = (r as Record<string, unknown>).MaHoSo as string;
      if (!dossiers.has(code)) return { error_code: CODES.notFound, message: `Hồ sơ ${code} không tồn tại`, result: [] };
    }
    for (const r of list as Record<string, unknown>[]) {
      // Our assumption of the portal: a step is named by its dossier, time, status and content, so
      // a step sent again (the answer to the first was lost to a timeout) is the same step, kept
      // once. The content is part of the name because two steps of one status can fall in the
      // same second (assigned, then proposed: both "processing").
      const key = JSON.stringify([r.MaHoSo, r.ThoiDiemXuLy, r.TrangThai, r.NoiDungXuLy]);
      if (progressKeys.has(key)) continue;
      progressKeys.add(key);
      const steps = progress.get(r.MaHoSo as string) ?? [];
      steps.push(r);
      progress.set(r.MaHoSo as string, steps);
    }
    return ok();
  });

  services.set('TraCuuHoSo', (body) => {
    if (typeof body.MaHoSo !== 'string' || !body.MaHoSo) return invalid('MaHoSo: required');
    const d = dossiers.get(body.MaHoSo);
    return d ? ok([d.record]) : { error_code: CODES.notFound, message: `Hồ sơ ${body.MaHoSo} không tồn tại`, result: [] };
  });

  services.set('DongBoDanhGia', (body) => {
    const list = dataList(body);
    if (typeof list === 'string') return invalid(list);
    for (const [i, r] of list.entries()) {
      const p = recordProblem(r, RATING, `data[${i}].`);
      if (p) return invalid(p);
    }
    // A month's summary of a unit sent again replaces the first.
    for (const r of list as Record<string, unknown>[]) ratings.set(`${r.MaDonVi}:${r.Nam}:${r.Thang}`, r);
    return ok();
  });

  /** Faults around processing: the caller's answer, or 503, or the answer after the caller gave up. */
  async function withFaults(process: () => Promise<PortalAnswer>): Promise<SimResponse> {
    stats.calls++;
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (faults.failNext > 0) {
      faults.failNext--;
      stats.failed++;
      return { status: 503, body: { error: 'fault injected' } };
    }
    // Three draws per call whatever the faults, so a seed gives the same faults to the same calls.
    const [f, t, d] = [random(), random(), random()];
    if (f < faults.failRate) {
      stats.failed++;
      return { status: 503, body: { error: 'fault injected' } };
    }
    const answer = await process();
    if (d < faults.duplicateRate) {
      stats.duplicated++;
      await process();
    }
    if (answer.error_code === CODES.invalid) stats.refused++;
    if (t < faults.timeoutRate) {
      stats.timedOut++;
      await new Promise((r) => setTimeout(r, faults.timeoutMs));
    }
    return { status: 200, body: answer };
  }

  return {
    /** POST {auth}: {username, password}. */
    async signIn(dstcode: string | undefined, body: unknown): Promise<SimResponse> {
      return withFaults(async () => {
        if (dstcode !== o.dstcode) return invalid('dstcode: unknown routing code');
        const b = (body ?? {}) as Record<string, unknown>;
        if (b.username !== o.username || b.password !== o.password) return invalid('Tên đăng nhập hoặc mật khẩu không đúng');
        const session = randomBytes(18).toString('base64url');
        sessions.add(session);
        return { error_code: CODES.ok, message: 'Thành công', session };
      });
    },
    /** POST {service}: {session, madonvi, service, …fields}. */
    async call(dstcode: string | undefined, body: unknown): Promise<SimResponse> {
      return withFaults(async () => {
        if (dstcode !== o.dstcode) return invalid('dstcode: unknown routing code');
        if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid('body: must be a JSON object');
        const b = body as Record<string, unknown>;
        if (typeof b.session !== 'string' || !sessions.has(b.session)) {
          return { error_code: CODES.sessionExpired, message: 'Phiên làm việc không hợp lệ hoặc đã hết hạn', result: [] };
        }
        if (b.madonvi !== o.unitCode) return invalid('madonvi: not this account’s unit');
        const handler = typeof b.service === 'string' ? services.get(b.service) : undefined;
        if (!handler) return invalid(`service: unknown service ${String(b.service)}`);
        return handler(b);
      });
    },
    /** Adds (or replaces) a service: the inbound and catalogue services are added this way. */
    addService(name: string, handler: ServiceHandler) {
      services.set(name, handler);
    },
    /** What the portal holds of one dossier (or null), and its steps in the order they arrived. */
    dossier(code: string): { record: Record<string, unknown> | null; versions: StoredDossier['versions']; progress: Record<string, unknown>[] } {
      const d = dossiers.get(code);
      return { record: d?.record ?? null, versions: d?.versions ?? [], progress: progress.get(code) ?? [] };
    },
    /** Every dossier's code, in the order they first arrived. */
    dossierCodes: () => [...dossiers.keys()],
    ratings: () => [...ratings.values()],
    setFaults(f: Partial<Faults>) {
      faults = { ...faults, ...f };
      if (f.seed !== undefined) random = seeded(f.seed);
    },
    faults: () => ({ ...faults, ...stats }),
    /** Forgets every session: the next call is told its session expired. */
    expireSessions() {
      sessions = new Set();
    },
    reset() {
      faults = { ...DEFAULT_FAULTS };
      random = seeded(faults.seed);
      sessions = new Set();
      dossiers = new Map();
      progress = new Map();
      progressKeys = new Set();
      ratings = new Map();
      stats = { calls: 0, failed: 0, timedOut: 0, duplicated: 0, refused: 0 };
    },
  };
}
export type DvcqgSimulator = ReturnType<typeof createDvcqgSimulator>;
