import { crc32, inflateRawSync } from 'node:zlib';
import { AppError } from '../../platform/errors.ts';

/**
 * A small, strict ZIP reader for batches of old results (a scanner's folder zipped, with its CSV).
 * The platform's reader (blobs/inspect.ts) is private to its Office checks, so this one applies the
 * same rules: no ZIP64, no encryption, stored or deflated only, names without `..`, absolute paths,
 * backslashes or drive letters, the central directory where its end record says, entries that do
 * not overlap, and every entry inflated under a cap one byte past the size it declares (so a
 * "zip bomb" stops there), the archive's total bounded too.
 */
export const LEGACY_ZIP_LIMITS = { maxEntries: 1000, maxEntryBytes: 20 * 1024 * 1024, maxTotalBytes: 400 * 1024 * 1024, maxRatio: 500 } as const;

export interface ZipFile {
  /** The entry's path in the archive, `/`-separated. */
  name: string;
  bytes: Uint8Array;
}

const bad = (vi: string, en: string) =>
  new AppError('VALIDATION_FAILED', { vi: `Tệp ZIP không hợp lệ: ${vi}`, en: `Invalid ZIP file: ${en}` }, [{ path: 'file', message: vi, messageEn: en }]);
const bomb = () =>
  new AppError('PAYLOAD_TOO_LARGE', {
    vi: 'Tệp ZIP giải nén ra quá lớn hoặc có quá nhiều tệp: chia thành nhiều lô',
    en: 'The ZIP expands to too much data or holds too many files: split it into several batches',
  });

function findEocd(b: Buffer): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === 0x06054b50 && i + 22 + b.readUInt16LE(i + 20) === b.length) return i;
  }
  return -1;
}

/** Every file of the archive (folders and macOS metadata skipped), each checked and inflated under the caps. */
export function readZip(bytes: Uint8Array): ZipFile[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(b);
  if (eocd < 0) throw bad('không tìm thấy thư mục trung tâm (tệp bị cắt cụt?)', 'no end of central directory (truncated?)');
  const total = b.readUInt16LE(eocd + 10);
  const cdSize = b.readUInt32LE(eocd + 12);
  const cdOffset = b.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw bad('không hỗ trợ ZIP64', 'ZIP64 is not supported');
  if (b.readUInt16LE(eocd + 4) !== 0 || b.readUInt16LE(eocd + 6) !== 0 || b.readUInt16LE(eocd + 8) !== total)
    throw bad('tệp nén nhiều phần', 'multi-volume archive');
  if (total > LEGACY_ZIP_LIMITS.maxEntries) throw bomb();
  if (cdOffset + cdSize !== eocd) throw bad('vị trí thư mục trung tâm không khớp', 'the central directory is not where the end record says');

  type Entry = { name: string; flags: number; method: number; crc: number; compSize: number; size: number; offset: number; start: number };
  const entries: Entry[] = [];
  const names = new Set<string>();
  let p = cdOffset;
  let declared = 0;
  for (let n = 0; n < total; n++) {
    if (p + 46 > eocd || b.readUInt32LE(p) !== 0x02014b50) throw bad('thư mục trung tâm hỏng', 'corrupt central directory');
    const e: Entry = {
      flags: b.readUInt16LE(p + 8),
      method: b.readUInt16LE(p + 10),
      crc: b.readUInt32LE(p + 16),
      compSize: b.readUInt32LE(p + 20),
      size: b.readUInt32LE(p + 24),
      offset: b.readUInt32LE(p + 42),
      name: '',
      start: -1,
    };
    const [nl, xl, cl] = [b.readUInt16LE(p + 28), b.readUInt16LE(p + 30), b.readUInt16LE(p + 32)];
    if (p + 46 + nl + xl + cl > eocd) throw bad('thư mục trung tâm hỏng', 'corrupt central directory');
    e.name = b.toString(e.flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nl);
    p += 46 + nl + xl + cl;
    if (e.compSize === 0xffffffff || e.size === 0xffffffff || e.offset === 0xffffffff) throw bad('không hỗ trợ ZIP64', 'ZIP64 is not supported');
    if (e.flags & 0x1) throw bad('có tệp được mã hóa', 'an entry is encrypted');
    if (e.method !== 0 && e.method !== 8) throw bad('phương pháp nén không được hỗ trợ', 'unsupported compression method');
    if (!e.name || e.name.startsWith('/') || /(^|\/)\.\.(\/|$)|\\|:|\0/.test(e.name))
      throw bad(`tên tệp không hợp lệ: ${e.name.slice(0, 80)}`, `invalid entry name: ${e.name.slice(0, 80)}`);
    const key = e.name.normalize('NFC').toLowerCase();
    if (names.has(key)) throw bad(`tệp ${e.name.slice(0, 80)} có hai lần`, `${e.name.slice(0, 80)} appears twice`);
    names.add(key);
    if (e.method === 0 && e.size !== e.compSize) throw bad('kích thước không khớp', 'entry sizes disagree');
    declared += e.size;
    if (e.size > LEGACY_ZIP_LIMITS.maxEntryBytes || declared > LEGACY_ZIP_LIMITS.maxTotalBytes) throw bomb();
    if (e.size > 1024 * 1024 && e.size > e.compSize * LEGACY_ZIP_LIMITS.maxRatio) throw bomb();
    entries.push(e);
  }
  if (p !== eocd) throw bad('thư mục trung tâm có dữ liệu thừa', 'trailing data in the central directory');

  const byOffset = [...entries].sort((x, y) => x.offset - y.offset);
  for (const [i, e] of byOffset.entries()) {
    const o = e.offset;
    if (o + 30 > cdOffset || b.readUInt32LE(o) !== 0x04034b50) throw bad('tiêu đề tệp hỏng', 'corrupt local header');
    const [ln, lx] = [b.readUInt16LE(o + 26), b.readUInt16LE(o + 28)];
    if (b.toString(e.flags & 0x800 ? 'utf8' : 'latin1', o + 30, o + 30 + ln) !== e.name) throw bad('tên tệp không khớp', 'a local name disagrees');
    const end = o + 30 + ln + lx + e.compSize;
    if (end > (i + 1 < byOffset.length ? byOffset[i + 1].offset : cdOffset)) throw bad('các tệp chồng lên nhau', 'entries overlap');
    e.start = o + 30 + ln + lx;
  }

  const out: ZipFile[] = [];
  for (const e of entries) {
    if (e.name.endsWith('/') || /(^|\/)(__MACOSX|\.[^/]*)(\/|$)/.test(e.name)) continue;
    const raw = b.subarray(e.start, e.start + e.compSize);
    let data: Buffer;
    try {
      data = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: e.size + 1 });
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bomb();
      throw bad(`không giải nén được ${e.name.slice(0, 80)}`, `cannot decompress ${e.name.slice(0, 80)}`);
    }
    if (data.length > e.size) throw bomb();
    if (data.length !== e.size || crc32(data) !== e.crc) throw bad(`${e.name.slice(0, 80)} sai mã kiểm tra`, `${e.name.slice(0, 80)} fails its CRC`);
    out.push({ name: e.name.normalize('NFC'), bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }
  return out;
}

/** Stored (uncompressed) ZIP of the given files: what the campaign's XLSX export is written as, and what tests build batches with. */
export function writeZip(files: { name: string; bytes: Uint8Array }[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const data = Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}
