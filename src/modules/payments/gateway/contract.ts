import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * THE one place for the national payment platform's contract (the National Public Service
 * Portal's payment platform, formerly PayGov), as `/work/shared/INTEGRATIONS.md` §2 gives it.
 * §2 is rated high confidence: two public implementations agree on the message types, the
 * version, the fields, the hash (plain SHA-256, lowercase hex, values joined by "|" with the
 * secret last) and the three field orders below. Everything else here (answer hashes, paths,
 * the statement file, the reply codes we send) is not public: each is marked with its
 * confidence and kept as data, so correcting it is an edit of this file, not of the code.
 *
 * The simulator (src/simulators/payment) keeps its own copy of these facts on purpose: an
 * independent peer catches a mistake made here.
 */

/** PhienBan (§2, high). */
export const VERSION = '1.0.6';

/** LoaiBanTin values (§2, high; STATEMENT is ours, medium: see STATEMENT_FORMAT). */
export const MESSAGE = { INIT: 'INIT', CONFIRM: 'CONFIRM', QUERY: 'QUERY', GET_BILL: 'GET_BILL', STATEMENT: 'STATEMENT' } as const;
export type MessageType = (typeof MESSAGE)[keyof typeof MESSAGE];

/** The fixed values of an INIT (§2, high). */
export const INIT_CONSTANTS = {
  LoaiHinhThanhToan: 'PAY',
  MaKenhThanhToan: '1',
  MaThietBi: '1',
  NgonNgu: 'vi-VN',
  MaTienTe: 'VND',
} as const;

/**
 * The fields each MaXacThuc covers, in hash order; the secret follows the last one.
 * INIT, CONFIRM, QUERY and GET_BILL are §2 (high): note ThoiGianGD BEFORE ThongTinGiaoDich in
 * CONFIRM, but ThongTinGiaoDich before ThoiGianGD in INIT.
 * The rest are not public:
 * - CONFIRM_REPLY (our answer `{MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, ThoiGianGD, MaXacThuc}`,
 *   §2 lists the fields but not the order): the signed fields in the listed order, without the
 *   free-text MoTaLoi. Low confidence.
 * - QUERY_REPLY / GET_BILL_REPLY ("QUERY answers add TrangThaiGD", §2): the CONFIRM fields in
 *   CONFIRM's order, then TrangThaiGD. Medium confidence.
 * - STATEMENT: see STATEMENT_FORMAT. Medium confidence.
 */
export const HASH_FIELDS = {
  INIT: [
    'LoaiBanTin',
    'PhienBan',
    'MaDoiTac',
    'MaThamChieu',
    'SoTien',
    'LoaiHinhThanhToan',
    'MaKenhThanhToan',
    'MaThietBi',
    'NgonNgu',
    'MaTienTe',
    'MaNganHang',
    'ThongTinGiaoDich',
    'ThoiGianGD',
    'Ip',
  ],
  CONFIRM: ['LoaiBanTin', 'MaLoi', 'MaDoiTac', 'MaThamChieu', 'SoTien', 'MaTienTe', 'MaGiaoDich', 'MaNganHang', 'ThoiGianGD', 'ThongTinGiaoDich'],
  QUERY: ['LoaiBanTin', 'PhienBan', 'MaDoiTac', 'MaThamChieu', 'ThoiGianGD'],
  GET_BILL: ['LoaiBanTin', 'PhienBan', 'MaDoiTac', 'MaThamChieu', 'ThoiGianGD'],
  CONFIRM_REPLY: ['MaLoi', 'MaDoiTac', 'MaThamChieu', 'ThoiGianGD'],
  QUERY_REPLY: [
    'LoaiBanTin',
    'MaLoi',
    'MaDoiTac',
    'MaThamChieu',
    'SoTien',
    'MaTienTe',
    'MaGiaoDich',
    'MaNganHang',
    'ThoiGianGD',
    'ThongTinGiaoDich',
    'TrangThaiGD',
  ],
  GET_BILL_REPLY: [
    'LoaiBanTin',
    'MaLoi',
    'MaDoiTac',
    'MaThamChieu',
    'SoTien',
    'MaTienTe',
    'MaGiaoDich',
    'MaNganHang',
    'ThoiGianGD',
    'ThongTinGiaoDich',
    'TrangThaiGD',
  ],
  STATEMENT: ['LoaiBanTin', 'PhienBan', 'MaDoiTac', 'NgayGiaoDich', 'ThoiGianGD'],
} as const satisfies Record<string, readonly string[]>;
export type HashedMessage = keyof typeof HASH_FIELDS;

/**
 * Where each message is POSTed, under the configured platform URL. Low confidence: the public
 * implementations read the address from their configuration, so the paths are data here and
 * the simulator serves the same ones.
 */
export const PATHS = { INIT: '/init', QUERY: '/query', GET_BILL: '/get-bill', STATEMENT: '/statement' } as const;

/** OpenCPS's read timeout for the national portal's services (§1), used for every payment call too. */
export const TIMEOUT_MS = 6000;

/**
 * MaLoi: "00" is success (§2, high). The platform's other codes are not public; any other
 * value is a failed payment. The texts below are for people only (low confidence).
 */
export const MA_LOI_SUCCESS = '00';
export const MA_LOI_TEXT: Record<string, { vi: string; en: string }> = {
  '00': { vi: 'Giao dịch thành công', en: 'Payment succeeded' },
  '24': { vi: 'Người nộp huỷ giao dịch', en: 'The payer cancelled' },
  '51': { vi: 'Tài khoản không đủ số dư', en: 'Insufficient funds' },
  '99': { vi: 'Lỗi khác', en: 'Other error' },
};

/** The MaLoi we answer a CONFIRM with (low confidence: only "00" is public). */
export const CONFIRM_REPLY_CODE = { accepted: '00', refused: '01' } as const;

/** TrangThaiGD in QUERY answers (§2, high): 1 paid, 3 pending or unknown, 4 failed. */
export const TRANG_THAI_GD = { PAID: '1', PENDING: '3', FAILED: '4' } as const;

/** LoaiPhiLePhi (§2, high): 1 phí (charge), 2 lệ phí (fee). */
export const LOAI_PHI_LE_PHI = { PHI: 1, LE_PHI: 2 } as const;

/** The INIT answer: `{error_code: "0", message: "<JSON with UrlThanhToan>"}` (§2, high). */
export const INIT_OK = '0';

/** Amounts are whole đồng, 1 … 999 999 999 999 online (SoTien is sent as its decimal digits). */
export const MAX_AMOUNT = 999_999_999_999;

/**
 * MaThamChieu, unique per attempt (§2). Its allowed characters and length are not public
 * (medium): letters, digits, "-", "_" and "." up to 50 characters are what both
 * implementations send.
 */
export const REFERENCE_PATTERN = /^[A-Za-z0-9_.-]{1,50}$/;

/**
 * The statement file of one day (not public: medium confidence, our choice). Asked for with a
 * signed POST like QUERY (LoaiBanTin "STATEMENT", NgayGiaoDich yyyyMMdd, HASH_FIELDS.STATEMENT);
 * the answer is UTF-8 CSV (RFC 4180 quoting) with a header row of `columns`, one line per
 * transaction whose ThoiGianGD falls on that Vietnam day, and the header `signatureHeader` =
 * maXacThuc([body], secret), so a changed file is refused.
 */
export const STATEMENT_FORMAT = {
  confidence: 'medium',
  columns: ['MaDoiTac', 'MaThamChieu', 'MaGiaoDich', 'SoTien', 'MaTienTe', 'TrangThaiGD', 'ThoiGianGD', 'MaNganHang'],
  delimiter: ',',
  signatureHeader: 'x-maxacthuc',
} as const;

/**
 * MaXacThuc: lowercase hex SHA-256 (plain, not HMAC) of the values joined by "|" with the
 * secret last (§2, high).
 */
export function maXacThuc(values: readonly string[], secret: string): string {
  return createHash('sha256')
    .update([...values, secret].join('|'), 'utf8')
    .digest('hex');
}

/** The values of `message`'s hashed fields, in order; a missing field counts as "". */
export function hashValues(kind: HashedMessage, message: Record<string, unknown>): string[] {
  const fields: readonly string[] = HASH_FIELDS[kind];
  return fields.map((f) => {
    const v = message[f];
    return v === undefined || v === null ? '' : String(v);
  });
}

export const sign = (kind: HashedMessage, message: Record<string, unknown>, secret: string) => maXacThuc(hashValues(kind, message), secret);

/** Whether `given` is the MaXacThuc of `message` (compared in constant time; hex case ignored). */
export function hashMatches(kind: HashedMessage, message: Record<string, unknown>, given: unknown, secret: string): boolean {
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(sign(kind, message, secret), 'hex'), Buffer.from(given.toLowerCase(), 'hex'));
}

/**
 * ThoiGianGD is yyyyMMddHHmmss, 24-hour, Asia/Ho_Chi_Minh (§1, §2, high). Vietnam has kept
 * UTC+7 without daylight saving since 1975, so a fixed offset is exact for every date we send.
 */
const VN_OFFSET_MS = 7 * 3600 * 1000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatTime(at: Date): string {
  const d = new Date(at.getTime() + VN_OFFSET_MS);
  return pad(d.getUTCFullYear(), 4) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds());
}

/** The instant a ThoiGianGD names, or null when it is not a real yyyyMMddHHmmss time. */
export function parseTime(s: unknown): Date | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, se) - VN_OFFSET_MS);
  return formatTime(at) === s ? at : null; // 20260230… or 24:00 do not round-trip
}

/** The Vietnam calendar day of an instant, YYYY-MM-DD. */
export function vietnamDay(at: Date): string {
  const t = formatTime(at);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
}

/** SoTien as sent: whole đồng, decimal digits without sign, separators or leading zeros. */
export function parseAmount(s: unknown): number | null {
  if (typeof s !== 'string' || !/^(0|[1-9]\d{0,11})$/.test(s)) return null;
  return Number(s);
}

/** RFC 4180 CSV: fields quoted where they must be, CRLF line ends. */
export function writeCsv(rows: readonly (readonly string[])[]): string {
  const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(field).join(STATEMENT_FORMAT.delimiter)).join('\r\n') + '\r\n';
}

/** Reads RFC 4180 CSV; null when it is malformed (an unclosed quote, text after a closing quote). */
export function readCsv(text: string): string[][] | null {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) return null;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      if (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') return null;
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') value += text[i++];
    }
    row.push(value);
    if (text[i] === ',') {
      i++;
      if (i >= n) row.push('');
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    rows.push(row);
    row = [];
  }
  if (row.length) rows.push(row);
  return rows;
}
