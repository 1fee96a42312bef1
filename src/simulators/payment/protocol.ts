import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The payment platform's side of the contract (INTEGRATIONS §2), written again here from the
 * text and NOT imported from src/modules/payments/gateway/contract.ts: the simulator is the
 * independent peer that catches a mistake in our adapter's field orders, date format or hash.
 * Where §2 says nothing (answer hashes, paths, the statement file) it follows the choices
 * recorded in contract.ts, which say so and rate them.
 */

export const PHIEN_BAN = '1.0.6';

/** §2: "MaXacThuc = lowercase hex SHA-256 of the fields joined by | with the secret key last". */
const ORDER = {
  // LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|MaKenhThanhToan|MaThietBi|NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|ThoiGianGD|Ip|Secret
  INIT: 'LoaiBanTin PhienBan MaDoiTac MaThamChieu SoTien LoaiHinhThanhToan MaKenhThanhToan MaThietBi NgonNgu MaTienTe MaNganHang ThongTinGiaoDich ThoiGianGD Ip',
  // LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|MaTienTe|MaGiaoDich|MaNganHang|ThoiGianGD|ThongTinGiaoDich|Secret
  CONFIRM: 'LoaiBanTin MaLoi MaDoiTac MaThamChieu SoTien MaTienTe MaGiaoDich MaNganHang ThoiGianGD ThongTinGiaoDich',
  // LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD|Secret, for QUERY and GET_BILL alike
  QUERY: 'LoaiBanTin PhienBan MaDoiTac MaThamChieu ThoiGianGD',
  // Not in §2 (see contract.ts): the partner's CONFIRM answer, the QUERY/GET_BILL answers, the statement request.
  REPLY: 'MaLoi MaDoiTac MaThamChieu ThoiGianGD',
  ANSWER: 'LoaiBanTin MaLoi MaDoiTac MaThamChieu SoTien MaTienTe MaGiaoDich MaNganHang ThoiGianGD ThongTinGiaoDich TrangThaiGD',
  STATEMENT: 'LoaiBanTin PhienBan MaDoiTac NgayGiaoDich ThoiGianGD',
} as const;
export type Signed = keyof typeof ORDER;

function digest(text: string): string {
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

export function hashOf(kind: Signed, m: Record<string, unknown>, secret: string): string {
  let text = '';
  for (const name of ORDER[kind].split(' ')) {
    const v = m[name];
    text += (typeof v === 'string' || typeof v === 'number' ? String(v) : '') + '|';
  }
  return digest(text + secret);
}

/** The statement file's signature: the hash of its bytes then the secret. */
export const fileHash = (body: string, secret: string) => digest(body + '|' + secret);

export function hashOk(kind: Signed, m: Record<string, unknown>, secret: string): boolean {
  const given = m.MaXacThuc;
  if (typeof given !== 'string' || given.length !== 64) return false;
  const a = Buffer.from(hashOf(kind, m, secret));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** yyyyMMddHHmmss in Asia/Ho_Chi_Minh, through the time-zone database (the adapter uses a fixed offset). */
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
export function thoiGian(at: Date): string {
  const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}`;
}

/** A ThoiGianGD the platform accepts: 14 digits that name a real time. */
export function validThoiGian(s: unknown): boolean {
  if (typeof s !== 'string' || !/^\d{14}$/.test(s)) return false;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}+07:00`;
  const t = Date.parse(iso);
  return Number.isFinite(t) && thoiGian(new Date(t)) === s;
}
