import { crc32, inflateRawSync } from 'node:zlib';
import { AppError, type ErrorCode } from '../errors.ts';

/**
 * The one ZIP reader: Office uploads (DOCX, XLSX) and batches of scans are both read by it.
 * It is strict because every archive it sees comes from outside: no ZIP64, no encryption,
 * stored or deflated only, no `..`, absolute paths, backslashes, drive letters or NULs in
 * names, no name twice, the central directory exactly where its end record says and nothing
 * before the first entry, entries that do not overlap (the "better zip bomb"), and every
 * entry inflated under a cap one byte past the size it declares, the archive's total bounded.
 */
export interface ZipLimits {
  maxEntries: number;
  /** Declared bytes once unzipped, per entry and for the whole archive. */
  maxUncompressed: number;
  /** Deflate cannot exceed ~1032:1; an honest large entry is far below this. */
  maxRatio: number;
}

export interface ZipEntry {
  /** The entry's path in the archive, `/`-separated, as stored (keys and `readZipFiles` use its NFC form). */
  name: string;
  flags: number;
  method: number;
  crc: number;
  compSize: number;
  size: number;
  localOffset: number;
  /** Where the entry's compressed bytes start, once its local header has been read. */
  dataStart: number;
}

function fail(code: ErrorCode, vi: string, en: string): AppError {
  return new AppError(code, { vi, en }, [{ path: 'file', message: vi, messageEn: en }]);
}
const refused = (vi: string, en: string) => fail('UNSUPPORTED_MEDIA_TYPE', vi, en);
export const zipBomb = (
  whyVi = 'Tệp nén giải nén ra quá lớn hoặc có quá nhiều thành phần',
  whyEn = 'The archive expands to too much data or has too many entries',
) => fail('PAYLOAD_TOO_LARGE', whyVi, whyEn);

/** Offset of an end-of-central-directory record whose comment ends exactly at the end of the file, or -1. */
export function findEocd(b: Buffer): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06 && i + 22 + b.readUInt16LE(i + 20) === b.length) return i;
  }
  return -1;
}

/**
 * The archive's directory, checked, keyed by lower-case name. `label` names the file in errors
 * ("ZIP (DOCX/XLSX)", "ZIP"). Nothing is inflated yet: read entries with `inflateZipEntry`.
 */
export function readZipDirectory(bytes: Uint8Array, limits: ZipLimits, label: string): Map<string, ZipEntry> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (vi: string, en: string) =>
    fail('VALIDATION_FAILED', `Tệp ${label} bị hỏng hoặc không đầy đủ: ${vi}`, `The ${label} file is damaged or incomplete: ${en}`);
  const eocd = findEocd(b);
  if (eocd < 0) throw bad('không tìm thấy thư mục trung tâm (tệp bị cắt cụt?)', 'no end of central directory (truncated?)');
  const [disk, cdDisk, onDisk, total] = [b.readUInt16LE(eocd + 4), b.readUInt16LE(eocd + 6), b.readUInt16LE(eocd + 8), b.readUInt16LE(eocd + 10)];
  const cdSize = b.readUInt32LE(eocd + 12);
  const cdOffset = b.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw refused('Không hỗ trợ tệp nén ZIP64', 'ZIP64 archives are not supported');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== total) throw bad('tệp nén nhiều phần', 'multi-volume archive');
  if (total > limits.maxEntries) throw zipBomb();
  // The directory must sit right before its end record: data slipped in between, or an
  // archive shifted behind a prefix, is how polyglots and parser confusion start.
  if (cdOffset + cdSize !== eocd) throw bad('vị trí thư mục trung tâm không khớp', 'central directory is not where the end record says');

  const entries = new Map<string, ZipEntry>();
  let p = cdOffset;
  let declared = 0;
  for (let n = 0; n < total; n++) {
    if (p + 46 > eocd || b.readUInt32LE(p) !== 0x02014b50) throw bad('thư mục trung tâm hỏng', 'corrupt central directory');
    const e: ZipEntry = {
      flags: b.readUInt16LE(p + 8),
      method: b.readUInt16LE(p + 10),
      crc: b.readUInt32LE(p + 16),
      compSize: b.readUInt32LE(p + 20),
      size: b.readUInt32LE(p + 24),
      localOffset: b.readUInt32LE(p + 42),
      name: '',
      dataStart: -1,
    };
    const [nameLen, extraLen, commentLen] = [b.readUInt16LE(p + 28), b.readUInt16LE(p + 30), b.readUInt16LE(p + 32)];
    if (p + 46 + nameLen + extraLen + commentLen > eocd) throw bad('thư mục trung tâm hỏng', 'corrupt central directory');
    e.name = b.toString(e.flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (e.compSize === 0xffffffff || e.size === 0xffffffff || e.localOffset === 0xffffffff)
      throw refused('Không hỗ trợ tệp nén ZIP64', 'ZIP64 archives are not supported');
    if (e.flags & 0x1) throw refused('Không nhận tệp có mật khẩu hoặc mã hoá', 'Encrypted files are not accepted');
    if (e.method !== 0 && e.method !== 8) throw refused('Tệp nén dùng phương pháp nén không được hỗ trợ', 'The archive uses an unsupported compression method');
    if (!e.name || e.name.startsWith('/') || /(^|[/\\])\.\.([/\\]|$)|\\|:|\0/.test(e.name))
      throw bad(`tên thành phần không hợp lệ: ${e.name.slice(0, 80)}`, `invalid entry name: ${e.name.slice(0, 80)}`);
    const key = e.name.normalize('NFC').toLowerCase();
    if (entries.has(key)) throw bad(`thành phần ${e.name.slice(0, 80)} xuất hiện hai lần`, `entry ${e.name.slice(0, 80)} appears twice`);
    if (e.method === 0 && e.size !== e.compSize) throw bad('kích thước thành phần không khớp', 'entry sizes disagree');
    declared += e.size;
    if (e.size > limits.maxUncompressed || declared > limits.maxUncompressed) throw zipBomb();
    if (e.size > 1024 * 1024 && e.size > e.compSize * limits.maxRatio) throw zipBomb();
    entries.set(key, e);
  }
  if (p !== eocd) throw bad('thư mục trung tâm có dữ liệu thừa', 'trailing data in the central directory');

  // Each entry's local header must be real, carry the same name, and its data must not
  // overlap the next entry.
  const byOffset = [...entries.values()].sort((x, y) => x.localOffset - y.localOffset);
  if (byOffset.length && byOffset[0].localOffset !== 0) throw bad('có dữ liệu lạ trước thành phần đầu tiên', 'unexpected data before the first entry');
  for (const [i, e] of byOffset.entries()) {
    const o = e.localOffset;
    if (o + 30 > cdOffset || b.readUInt32LE(o) !== 0x04034b50) throw bad('tiêu đề thành phần hỏng', 'corrupt local header');
    const ln = b.readUInt16LE(o + 26);
    const lx = b.readUInt16LE(o + 28);
    if (b.toString(e.flags & 0x800 ? 'utf8' : 'latin1', o + 30, o + 30 + ln) !== e.name)
      throw bad('tên thành phần không khớp với thư mục trung tâm', 'a local name disagrees with the central directory');
    const dataEnd = o + 30 + ln + lx + e.compSize;
    const limit = i + 1 < byOffset.length ? byOffset[i + 1].localOffset : cdOffset;
    if (dataEnd > limit) throw bad('các thành phần chồng lên nhau', 'entries overlap');
    e.dataStart = o + 30 + ln + lx;
  }
  return entries;
}

const lyingEntry = (e: ZipEntry) =>
  zipBomb(
    `Tệp nén có thành phần ${e.name.slice(0, 80)} giải nén ra lớn hơn kích thước nó khai báo (dấu hiệu “bom nén”)`,
    `The archive's entry ${e.name.slice(0, 80)} expands beyond the size it declares (a zip bomb)`,
  );

/**
 * An entry's bytes, decompressed under a cap: the size an entry declares is only a claim (a
 * bomb declares a few bytes and expands to gigabytes), so inflation stops one byte past the
 * declared size and past what the archive's budget has left, whichever comes first.
 */
export function inflateZipEntry(bytes: Uint8Array, e: ZipEntry, budget: { left: number }, label: string): Buffer {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (vi: string, en: string) =>
    fail('VALIDATION_FAILED', `Tệp ${label} bị hỏng hoặc không đầy đủ: ${vi}`, `The ${label} file is damaged or incomplete: ${en}`);
  if (e.size > budget.left) throw zipBomb();
  const raw = b.subarray(e.dataStart, e.dataStart + e.compSize);
  let out: Buffer;
  try {
    out = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: e.size + 1 });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw lyingEntry(e);
    throw bad(`không giải nén được ${e.name.slice(0, 80)}`, `cannot decompress ${e.name.slice(0, 80)}`);
  }
  if (out.length > e.size) throw lyingEntry(e);
  if (out.length !== e.size || crc32(out) !== e.crc) throw bad(`${e.name.slice(0, 80)} sai mã kiểm tra`, `${e.name.slice(0, 80)} fails its CRC`);
  budget.left -= out.length;
  return out;
}

/**
 * Every file of an archive a person made (folders, macOS `__MACOSX` and hidden files skipped),
 * each checked and inflated under the limits, in the archive's order.
 */
export function readZipFiles(bytes: Uint8Array, limits: ZipLimits, label = 'ZIP'): { name: string; bytes: Uint8Array }[] {
  const entries = readZipDirectory(bytes, limits, label);
  const budget = { left: limits.maxUncompressed };
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const e of [...entries.values()].sort((x, y) => x.localOffset - y.localOffset)) {
    if (e.name.endsWith('/') || /(^|\/)(__MACOSX|\.[^/]*)(\/|$)/.test(e.name)) continue;
    const data = inflateZipEntry(bytes, e, budget, label);
    out.push({ name: e.name.normalize('NFC'), bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }
  return out;
}
