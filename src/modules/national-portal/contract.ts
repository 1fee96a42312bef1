import { endsItsDay, localDate } from '../calendar/dates.ts';

/**
 * The National Public Service Portal's (Cổng Dịch vụ công quốc gia, DVCQG) contract, in one place
 * (INTEGRATIONS §1): endpoints, service names, every record's fields in their order, codes, the
 * date format and the status mapping. The adapter (portal-client.ts, national-portal-adapter.ts)
 * reads only these names; the simulator (src/simulators/dvcqg) has its own reading of the same
 * contract, so it checks ours.
 *
 * Transport (high confidence): every call is a JSON POST to the portal's base URL + an endpoint,
 * with the header `dstcode: <routing code>`. Sign-in posts {username, password} to the auth
 * endpoint and answers {error_code: 0, session}; later calls carry the session in the body with
 * the unit code: {session, madonvi, service: '<Name>', …fields}. Every answer is
 * {error_code, message, result}; error_code 0 is success.
 */

// ─── Transport ──────────────────────────────────────────────────────────────────────────────

/**
 * Paths under the configured base URL. The real portal's paths are given to each ministry with
 * its account (not public): the base URL is configuration, these are the simulator's and the
 * default deployment's.
 */
export const ENDPOINTS = { auth: '/auth', service: '/service' } as const;
/** The routing header every call carries. */
export const DSTCODE_HEADER = 'dstcode';
/** OpenCPS's read timeout; `NATIONAL_PORTAL_TIMEOUT_MS` overrides it. */
export const DEFAULT_TIMEOUT_MS = 6000;

/** Every service named by the portal (outbound and inbound); the adapter calls the first five. */
export const SERVICES = {
  /** Push a dossier (new, then updates: `isUpdating`). */
  syncDossier: 'DongBoHoSoMC',
  /** Push one processing step. */
  updateProgress: 'CapNhatTienDoHoSoMC',
  /** Look one dossier up. */
  lookUpDossier: 'TraCuuHoSo',
  /** Monthly satisfaction summary. */
  syncRatings: 'DongBoDanhGia',
  /** Procedures (inbound, helper B's pull). */
  getProcedure: 'LayThuTuc',
  listProcedures: 'LayDanhSachTTHC',
  listAgencies: 'LayDanhMucCoQuan',
  listFields: 'LayDanhMucLinhVuc',
  /** A national account by citizen ID or tax code. */
  lookUpTechId: 'TraCuuTechID',
} as const;
export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];

/** Sign-in body. */
export interface AuthRequest {
  username: string;
  password: string;
}
/** Sign-in answer: the session to put in later bodies. */
export interface AuthReply {
  error_code: number;
  message?: string;
  session?: string;
}

/** The envelope of every service call: the fields of the service go beside these. */
export interface ServiceEnvelope {
  session: string;
  madonvi: string;
  service: ServiceName;
}

/** Every answer. `result` is a list (the looked-up record, the accepted ones), often empty. */
export interface PortalReply {
  error_code: number;
  message: string;
  result?: unknown[];
}

/**
 * The answers' codes. Only 0 (success) is documented publicly; the others are the values the
 * simulator uses, and the predicates below also recognise the real portal's messages (the
 * implementations read them by text), so a different number does not break the adapter.
 */
export const REPLY_CODES = {
  ok: 0,
  /** A malformed record: the message names the field. Permanent: sending it again does not help. */
  invalid: 1,
  /** DongBoHoSoMC for a new dossier the portal already has: send it again as an update. */
  alreadyExists: 2,
  /** The session is unknown or expired: sign in again and resend. */
  sessionExpired: 3,
  /** An update (or a progress step, a look-up) for a dossier the portal does not have: push it as new first. */
  notFound: 4,
  /** The portal's own trouble: try later. */
  unavailable: 99,
} as const;

export const ALREADY_EXISTS_MESSAGE = 'Hồ sơ đã tồn tại trên Cổng DVCQG';
export const SESSION_EXPIRED_MESSAGE = 'Phiên làm việc không hợp lệ hoặc đã hết hạn';

const fold = (s: string | undefined) => (s ?? '').normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase();

/** A code other than ours: only then is the message read (a field named in a rejection must not pass for one of these). */
const KNOWN_CODES = new Set<number>(Object.values(REPLY_CODES));
const unknownCode = (r: Pick<PortalReply, 'error_code'>) => !KNOWN_CODES.has(r.error_code);

/** "Already exists": the dossier is known, the new push must be sent again as an update. */
export function isAlreadyExists(r: Pick<PortalReply, 'error_code' | 'message'>): boolean {
  return r.error_code === REPLY_CODES.alreadyExists || (unknownCode(r) && /da ton tai|already exist/.test(fold(r.message)));
}

/** The session is no longer valid: sign in again. */
export function isSessionExpired(r: Pick<PortalReply, 'error_code' | 'message'>): boolean {
  return r.error_code === REPLY_CODES.sessionExpired || (unknownCode(r) && /phien|session/.test(fold(r.message)));
}

/** The portal does not have the dossier: an update must be sent again as a new dossier. */
export function isNotFound(r: Pick<PortalReply, 'error_code' | 'message'>): boolean {
  return r.error_code === REPLY_CODES.notFound || (unknownCode(r) && /khong ton tai|not found/.test(fold(r.message)));
}
export const NOT_FOUND_MESSAGE = 'Hồ sơ không tồn tại trên Cổng DVCQG';

/** The portal refused the record itself (a field it does not accept): resending it unchanged never helps. */
export function isRejection(r: Pick<PortalReply, 'error_code' | 'message'>): boolean {
  return r.error_code === REPLY_CODES.invalid;
}

// ─── Formats ────────────────────────────────────────────────────────────────────────────────

/** Vietnam has kept UTC+7 with no daylight saving since 1975: Asia/Ho_Chi_Minh is a fixed offset. */
const VN_OFFSET_MS = 7 * 3600_000;

/** A moment as the portal writes it: yyyyMMddHHmmss in Asia/Ho_Chi_Minh. */
export function portalDateTime(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('invalid date');
  const iso = new Date(at.getTime() + VN_OFFSET_MS).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ, shifted to Vietnam time
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
}

/**
 * A local day (YYYY-MM-DD, a due date) as the portal writes a moment. A due date is a day: the
 * result is due by the end of that working day, 17:00 Vietnam time (office hours of the one-stop desks).
 */
export const DUE_TIME = '170000';
export function portalDay(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day: ${day}`);
  return day.replaceAll('-', '') + DUE_TIME;
}

/**
 * A due moment as the portal writes it. A limit in days ends with its day (23:59:59.999 in
 * congso): written as that day at DUE_TIME, as a due date always was. A limit in working hours or
 * within the day ends at a time of day, which is written as it is.
 */
export function portalDue(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('invalid date');
  return endsItsDay(at) ? portalDay(localDate(at)) : portalDateTime(at);
}

/** The moment a portal date names, or null when it is not one (the simulator has its own reading). */
export function parsePortalDateTime(s: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, se) - VN_OFFSET_MS;
  const back = new Date(t);
  return portalDateTime(back) === s ? back : null;
}

/** Every value of the portal's records is a string; booleans are "True" / "False" in `isUpdating`, "1" / "0" in flags. */
export const flag = (b: boolean) => (b ? '1' : '0');
export const isUpdatingValue = (b: boolean) => (b ? 'True' : 'False');

/** KenhThucHien: how the dossier was filed. */
export const KENH_THUC_HIEN = { inPerson: '1', online: '2', postal: '3' } as const;
/** Our channel (1 counter, 2 online, 3 post) as KenhThucHien. */
export function channelCode(channel: number): string {
  return channel === 2 ? KENH_THUC_HIEN.online : channel === 3 ? KENH_THUC_HIEN.postal : KENH_THUC_HIEN.inPerson;
}

/** LoaiDoiTuong: who the applicant is (medium confidence: one implementation). */
export const LOAI_DOI_TUONG = { citizen: '1', enterprise: '2', stateAgency: '3', other: '4' } as const;
export function applicantKindCode(kind: string | null | undefined): string {
  return kind === 'business' ? LOAI_DOI_TUONG.enterprise : kind === 'citizen' || !kind ? LOAI_DOI_TUONG.citizen : LOAI_DOI_TUONG.other;
}

/** DinhDanhCHS[].LoaiDinhDanh: "1" the 12-digit citizen ID; a tax code is sent as "2" (medium). */
export const LOAI_DINH_DANH = { citizenId: '1', taxCode: '2' } as const;

/** DuocThanhToanTrucTuyen: "1" paid online, "3" a fee not paid online; "0" nothing to pay (medium). */
export const DUOC_THANH_TOAN_TRUC_TUYEN = { paidOnline: '1', none: '0', notOnline: '3' } as const;

/** HinhThuc: how the result is returned (medium): at the desk, by post, online. */
export const HINH_THUC_TRA = { desk: '0', post: '1', online: '2' } as const;

/** DanhSachLePhi[].LoaiPhiLePhi: phí or lệ phí. HinhThucThu: online or at the desk (medium). */
export const LOAI_PHI_LE_PHI = { fee: '1', charge: '2' } as const;
export const HINH_THUC_THU = { desk: '1', online: '2' } as const;

// ─── Status mapping (data, not code) ────────────────────────────────────────────────────────

/** TrangThaiHoSo. */
export const TRANG_THAI_HO_SO = {
  new: 1,
  received: 2,
  notReceived: 3,
  processing: 4,
  supplementRequested: 5,
  financialObligation: 6,
  withdrawn: 7,
  stopped: 8,
  processed: 9,
  returned: 10,
} as const;

/**
 * Our workflow's statuses (dossiers/workflow.ts) as TrangThaiHoSo. Implementations differ (one
 * sends 5, 6 and 8 as 9), so this is data: a deployment whose portal counts otherwise changes
 * a line here. `contract.unit.test.ts` checks every internal status has one.
 */
export const STATUS_MAPPING: Readonly<Record<string, number>> = {
  unpaid: TRANG_THAI_HO_SO.new,
  submitted: TRANG_THAI_HO_SO.new,
  received: TRANG_THAI_HO_SO.received,
  refused: TRANG_THAI_HO_SO.notReceived,
  processing: TRANG_THAI_HO_SO.processing,
  proposed: TRANG_THAI_HO_SO.processing,
  awaiting_supplement: TRANG_THAI_HO_SO.supplementRequested,
  awaiting_fee: TRANG_THAI_HO_SO.financialObligation,
  withdrawn: TRANG_THAI_HO_SO.withdrawn,
  stopped: TRANG_THAI_HO_SO.stopped,
  approved: TRANG_THAI_HO_SO.processed,
  returned: TRANG_THAI_HO_SO.returned,
};

export function trangThaiHoSo(status: string): number {
  const n = STATUS_MAPPING[status];
  if (n === undefined) throw new RangeError(`no TrangThaiHoSo for status ${status}`);
  return n;
}

// ─── Records (field sets in their order) ────────────────────────────────────────────────────

/** DongBoHoSoMC's dossier record: the fields in the portal's order. */
export const DOSSIER_FIELDS = [
  'MaHoSo',
  'MaTTHC',
  'TenTTHC',
  'MaLinhVuc',
  'TenLinhVuc',
  'KenhThucHien',
  'ChuHoSo',
  'SoGiayToChuHoSo',
  'LoaiDoiTuong',
  'MaDoiTuong',
  'Email',
  'SoDienThoai',
  'TrichYeuHoSo',
  'NgayTiepNhan',
  'NgayHenTra',
  'TrangThaiHoSo',
  'NgayTra',
  'HinhThuc',
  'NgayKetThucXuLy',
  'DonViXuLy',
  'NgayNopHoSo',
  'NgayTuChoi',
  'HoSoCoThanhPhanSoHoa',
  'TaiKhoanDuocXacThucVoiVNeID',
  'DuocThanhToanTrucTuyen',
  'TaiLieuNop',
  'DanhSachLePhi',
  'DanhSachHoSoBoSung',
  'DanhSachGiayToKetQua',
  'DinhDanhCHS',
] as const;
export const ATTACHMENT_FIELDS = [
  'TepDinhKemId',
  'TenTepDinhKem',
  'MaThanhPhanHoSo',
  'DuongDanTaiTepTin',
  'DuocSoHoa',
  'DuocTaiSuDung',
  'DuocLayTuKhoDMQG',
  'MaKetQuaThayThe',
] as const;
export const FEE_FIELDS = ['TenPhiLePhi', 'MaPhiLePhi', 'HinhThucThu', 'Gia', 'LoaiPhiLePhi'] as const;
/** A supplement: what was asked, when, and the due date before and after it (the clock stopped meanwhile). */
export const SUPPLEMENT_FIELDS = [
  'HoSoBoSungId',
  'NguoiYeuCauBoSung',
  'NoiDungBoSung',
  'NgayBoSung',
  'NgayTiepNhanBoSung',
  'NgayHenTraTruoc',
  'NgayHenTraMoi',
] as const;
export const RESULT_FIELDS = ['TenGiayTo', 'GiayToId', 'DuongDanTepTinKetQua', 'MaGiayToKetQua'] as const;
export const IDENTIFICATION_FIELDS = ['LoaiDinhDanh', 'SoDinhDanh'] as const;

type Rec<K extends readonly string[]> = { [k in K[number]]: string };
export type AttachmentRecord = Rec<typeof ATTACHMENT_FIELDS>;
export type FeeRecord = Rec<typeof FEE_FIELDS>;
export type SupplementRecord = Rec<typeof SUPPLEMENT_FIELDS>;
export type ResultRecord = Rec<typeof RESULT_FIELDS>;
export type IdentificationRecord = Rec<typeof IDENTIFICATION_FIELDS>;
type ListFields = 'TaiLieuNop' | 'DanhSachLePhi' | 'DanhSachHoSoBoSung' | 'DanhSachGiayToKetQua' | 'DinhDanhCHS';
export type DossierRecord = { [k in Exclude<(typeof DOSSIER_FIELDS)[number], ListFields>]: string } & {
  TaiLieuNop: AttachmentRecord[];
  DanhSachLePhi: FeeRecord[];
  DanhSachHoSoBoSung: SupplementRecord[];
  DanhSachGiayToKetQua: ResultRecord[];
  DinhDanhCHS: IdentificationRecord[];
};

/** CapNhatTienDoHoSoMC's step: the fields in the portal's order. */
export const PROGRESS_FIELDS = [
  'MaHoSo',
  'NguoiXuLy',
  'ChucDanh',
  'ThoiDiemXuLy',
  'PhongBanXuLy',
  'NoiDungXuLy',
  'TrangThai',
  'NgayBatDau',
  'NgayKetThucTheoQuyDinh',
] as const;
export type ProgressRecord = Rec<typeof PROGRESS_FIELDS>;

/**
 * DongBoDanhGia's monthly summary per unit (low confidence: the service is named publicly, its
 * fields are not). Counts of ratings by level (5 very satisfied … 1 very dissatisfied) in the month.
 */
export const RATING_SUMMARY_FIELDS = [
  'MaDonVi',
  'Nam',
  'Thang',
  'TongSoDanhGia',
  'SoRatHaiLong',
  'SoHaiLong',
  'SoBinhThuong',
  'SoKhongHaiLong',
  'SoRatKhongHaiLong',
  'DiemTrungBinh',
] as const;
export type RatingSummaryRecord = Rec<typeof RATING_SUMMARY_FIELDS>;

/** An object with exactly `fields`, in that order (JSON keeps insertion order: the portal's field order is kept on the wire). */
export function inOrder<K extends readonly string[], T extends { [k in K[number]]: unknown }>(fields: K, o: T): T {
  const out: Record<string, unknown> = {};
  for (const k of fields) out[k] = o[k as K[number]] ?? '';
  return out as T;
}

/** Bodies of the four outbound services (beside the envelope). */
export interface SyncDossierBody {
  isUpdating: 'True' | 'False';
  data: DossierRecord[];
}
export interface UpdateProgressBody {
  data: ProgressRecord[];
}
export interface LookUpDossierBody {
  MaHoSo: string;
}
export interface SyncRatingsBody {
  data: RatingSummaryRecord[];
}

// ─── Inbound: what the portal pushes to us, and the catalogue we pull (issue 16 item 2) ─────

/**
 * A dossier filed on the portal for one of our procedures, pushed to our
 * `POST /api/v1/national-portal/dossiers` with a service token (scope `national-portal:push`):
 * DongBoHoSoMC's record (values strings, `TrangThaiHoSo` 1), with three fields beside it that the
 * portal gives a ministry's system: the applicant's national account (`TechID`), the applicant's
 * address (`DiaChiChuHoSo`), and the e-form's data (`DuLieuBieuMau`: an object keyed by our e-form's
 * fields, or its JSON text). TaiLieuNop's `DuongDanTaiTepTin` is the file's address on the
 * portal, fetched when the dossier arrives; `MaThanhPhanHoSo` is our component code (the portal
 * publishes our procedures with our codes). Fields we do not read are accepted and ignored.
 * Checked by receive-national-dossier.ts (InboundDossier); the catalogue by pull-national-catalogue.ts.
 */
export const INBOUND_DOSSIER_FIELDS = [
  'MaHoSo',
  'MaTTHC',
  'TenTTHC',
  'KenhThucHien',
  'ChuHoSo',
  'SoGiayToChuHoSo',
  'LoaiDoiTuong',
  'Email',
  'SoDienThoai',
  'DiaChiChuHoSo',
  'TrichYeuHoSo',
  'NgayNopHoSo',
  'DinhDanhCHS',
  'TechID',
  'DuLieuBieuMau',
  'TaiLieuNop',
] as const;
export type InboundDossierField = (typeof INBOUND_DOSSIER_FIELDS)[number];

/** LoaiDoiTuong as our applicant's kind: a person, or an organisation (enterprise, state agency, other). */
export const INBOUND_APPLICANT_KIND = { '1': 'citizen', '2': 'business', '3': 'business', '4': 'business' } as const;

/** What we answer a push: our code for the portal's, and whether this delivery filed it (a repeated delivery does not). */
export interface InboundAnswer {
  code: string;
  nationalCode: string;
  created: boolean;
}

/**
 * LayDanhSachTTHC (body `{MaCoQuan?}`): the procedures the portal publishes for a ministry, one
 * summary each (low confidence: the service is named publicly, its fields are not; these are the
 * names the national procedures database uses).
 */
export const PROCEDURE_SUMMARY_FIELDS = ['MaTTHC', 'TenTTHC', 'MaLinhVuc', 'TenLinhVuc', 'MaCoQuanThucHien', 'TenCoQuanThucHien', 'NgayCapNhat'] as const;
export type ProcedureSummaryRecord = Rec<typeof PROCEDURE_SUMMARY_FIELDS>;

/** LayThuTuc (body `{MaTTHC}`): one procedure's national catalogue data; `result[0]`. */
export const PROCEDURE_FIELDS = [...PROCEDURE_SUMMARY_FIELDS, 'CachThucThucHien', 'ThanhPhanHoSo', 'TrinhTuThucHien', 'CanCuPhapLy', 'KetQuaThucHien'] as const;
/** CachThucThucHien[]: a way to file (Kenh as KenhThucHien), its time limit and fees. */
export const PROCEDURE_METHOD_FIELDS = ['Kenh', 'ThoiGianGiaiQuyet', 'DonViThoiGian', 'MoTa', 'PhiLePhi'] as const;
/** PhiLePhi[]: Gia in đồng; LoaiPhiLePhi as LOAI_PHI_LE_PHI. */
export const PROCEDURE_FEE_FIELDS = ['MaPhiLePhi', 'TenPhiLePhi', 'Gia', 'LoaiPhiLePhi'] as const;
/** ThanhPhanHoSo[]: a case (TruongHop) and its documents (GiayTo[]); BatBuoc "1" required. */
export const PROCEDURE_CASE_FIELDS = ['TruongHop', 'GiayTo'] as const;
export const PROCEDURE_DOCUMENT_FIELDS = ['MaGiayTo', 'TenGiayTo', 'SoBanChinh', 'SoBanSao', 'BatBuoc', 'CoBieuMauDienTu'] as const;
export const PROCEDURE_STEP_FIELDS = ['TenBuoc', 'MoTa'] as const;
export const LEGAL_BASIS_FIELDS = ['SoVanBan', 'TenVanBan'] as const;
/**
 * DonViThoiGian: working days, calendar days, working hours, or within the working day (its cut-off,
 * if any, is in the method's MoTa). The catalogue import reads every spelling (catalog/processing-time.ts).
 */
export const DON_VI_THOI_GIAN = { workingDay: 'NGAY_LAM_VIEC', day: 'NGAY', workingHour: 'GIO_LAM_VIEC', sameDay: 'TRONG_NGAY' } as const;

export type ProcedureRecord = ProcedureSummaryRecord & {
  CachThucThucHien: (Omit<Rec<typeof PROCEDURE_METHOD_FIELDS>, 'PhiLePhi'> & { PhiLePhi: Rec<typeof PROCEDURE_FEE_FIELDS>[] })[];
  ThanhPhanHoSo: { TruongHop: string; GiayTo: Rec<typeof PROCEDURE_DOCUMENT_FIELDS>[] }[];
  TrinhTuThucHien: Rec<typeof PROCEDURE_STEP_FIELDS>[];
  CanCuPhapLy: Rec<typeof LEGAL_BASIS_FIELDS>[];
  KetQuaThucHien: string;
};
