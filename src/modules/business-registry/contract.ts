import type { Bilingual } from '../../platform/errors.ts';

/**
 * The national business registry (Hệ thống thông tin quốc gia về đăng ký doanh nghiệp) as a
 * service behind the data-sharing platform (src/platform/gateway). Its exchange format is not
 * public; what is below is our configuration of it, agreed when connecting, in one place: the
 * path, the answer's fields and formats, the status codes. The simulator
 * (src/simulators/registry) has its own reading of it.
 *
 * GET `${gateway}/dkkd/v1/doanh-nghiep/{maSoDoanhNghiep}` (signed, Bearer):
 * - 200: one business, the fields of `RegistryRecord`;
 * - 404: no business has this code (`{ maLoi: 'KHONG_TIM_THAY' }`);
 * - 400: the code is malformed (`{ maLoi: 'MA_SO_KHONG_HOP_LE' }`): never sent by us, we check first.
 */
export const LOOKUP_PATH = (taxCode: string) => `/dkkd/v1/doanh-nghiep/${encodeURIComponent(taxCode)}`;

/** The adapter's name: its calls on the operations page and in the metrics, its circuit in the gateway. */
export const REGISTRY_ADAPTER = 'business-registry';

/** Per attempt: the registry is read while a person waits at the form. */
export const LOOKUP_TIMEOUT_MS = 4_000;

/** A record as the registry answers it. */
export interface RegistryRecord {
  /** The enterprise code, which is its tax code: 10 digits, a branch `NNNNNNNNNN-NNN`. */
  maSoDoanhNghiep: string;
  tenDoanhNghiep: string;
  diaChiTruSo: string;
  nguoiDaiDienPhapLuat: string;
  /** First registration, `dd/MM/yyyy`. */
  ngayDangKyLanDau: string;
  /** `TINH_TRANG` below. */
  tinhTrang: string;
}

export type BusinessStatus = 'active' | 'suspended' | 'ceased';

/** The registry's status codes (tinhTrang) and what each is to us. */
export const TINH_TRANG: Record<string, BusinessStatus> = {
  /** Đang hoạt động */
  '01': 'active',
  /** Tạm ngừng kinh doanh có thời hạn */
  '02': 'suspended',
  /** Đã giải thể, phá sản, chấm dứt tồn tại hoặc bị thu hồi Giấy chứng nhận */
  '03': 'ceased',
};

export const STATUS_LABELS: Record<BusinessStatus, Bilingual> = {
  active: { vi: 'Đang hoạt động', en: 'Active' },
  suspended: { vi: 'Tạm ngừng kinh doanh', en: 'Suspended' },
  ceased: { vi: 'Đã chấm dứt hoạt động', en: 'Ceased' },
};

/** Weights of the check digit of a 10-digit tax code: digit 10 = 10 − (Σ dᵢ·wᵢ mod 11), a remainder of 0 giving no valid code. */
const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/** Whether the 10-digit code's last digit is its check digit. */
export function taxCodeChecks(ten: string): boolean {
  if (!/^[0-9]{10}$/.test(ten)) return false;
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(ten[i]), 0);
  const check = 10 - (sum % 11);
  return check < 10 && check === Number(ten[9]);
}

/**
 * A tax code as people write it (spaces, a branch as `NNNNNNNNNN-NNN` or 13 digits) in the
 * registry's form, or why not. The check digit of the first ten is checked; a branch is 001–999.
 */
export function normaliseTaxCode(raw: string): { ok: true; code: string } | { ok: false; problem: Bilingual } {
  const s = raw.replace(/[\s.]/g, '');
  const m = /^([0-9]{10})(?:-?([0-9]{3}))?$/.exec(s);
  if (!m)
    return {
      ok: false,
      problem: {
        vi: 'Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, gạch ngang và 3 chữ số đối với chi nhánh (ví dụ 0100109106 hoặc 0100109106-001)',
        en: 'A tax code is 10 digits, or for a branch 10 digits, a dash and 3 digits (e.g. 0100109106 or 0100109106-001)',
      },
    };
  if (!taxCodeChecks(m[1]))
    return {
      ok: false,
      problem: {
        vi: 'Mã số thuế không đúng: chữ số kiểm tra không khớp; hãy xem lại từng chữ số',
        en: 'This tax code is not valid: its check digit does not match; check each digit',
      },
    };
  if (m[2] === '000') return { ok: false, problem: { vi: 'Số chi nhánh từ 001 đến 999', en: 'A branch number is 001 to 999' } };
  return { ok: true, code: m[2] ? `${m[1]}-${m[2]}` : m[1] };
}

/** `dd/MM/yyyy` → `YYYY-MM-DD`, or null when it is not a real date. */
export function isoDate(dmy: string): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(dmy);
  if (!m) return null;
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** What we keep and show of a business. */
export interface Business {
  taxCode: string;
  name: string;
  address: string;
  representative: string;
  /** YYYY-MM-DD */
  registrationDate: string;
  status: BusinessStatus;
}

/** A record as answered → ours; null when a field is missing or malformed (the registry's answer is then refused as a failure). */
export function businessOf(r: unknown): Business | null {
  if (!r || typeof r !== 'object') return null;
  const o = r as Partial<Record<keyof RegistryRecord, unknown>>;
  const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() && v.length <= max ? v.trim() : null);
  const taxCode = text(o.maSoDoanhNghiep, 14);
  const name = text(o.tenDoanhNghiep, 500);
  const address = text(o.diaChiTruSo, 1000);
  const representative = text(o.nguoiDaiDienPhapLuat, 300);
  const date = typeof o.ngayDangKyLanDau === 'string' ? isoDate(o.ngayDangKyLanDau) : null;
  const status = typeof o.tinhTrang === 'string' ? TINH_TRANG[o.tinhTrang] : undefined;
  if (!taxCode || !name || !address || !representative || !date || !status) return null;
  return { taxCode, name, address, representative, registrationDate: date, status };
}
