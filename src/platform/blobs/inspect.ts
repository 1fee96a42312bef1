import { constants, crc32, inflateRawSync, inflateSync } from 'node:zlib';
import { AppError, type ErrorCode } from '../errors.ts';

/**
 * Upload checking. The type of a file is decided by its bytes and their structure, never by
 * its name or the content type a client claims; the name must then agree with the bytes.
 * Anything ambiguous (a file that is two formats at once), active (PDF scripts, Office
 * macros) or malformed is refused, so what we store is what a reviewer thinks it is.
 */
export type UploadKind = 'pdf' | 'jpeg' | 'png' | 'docx' | 'xlsx';

export interface Inspection {
  kind: UploadKind;
  contentType: string;
  /** The canonical extension of the kind, without the dot. */
  extension: string;
  /** The display name made safe to show and to send back in Content-Disposition. */
  safeName: string;
}

export const UPLOAD_TYPES: Record<UploadKind, { contentType: string; extension: string; accepted: readonly string[]; label: string }> = {
  pdf: { contentType: 'application/pdf', extension: 'pdf', accepted: ['pdf'], label: 'PDF' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg', accepted: ['jpg', 'jpeg'], label: 'JPEG' },
  png: { contentType: 'image/png', extension: 'png', accepted: ['png'], label: 'PNG' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx', accepted: ['docx'], label: 'Word (DOCX)' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx', accepted: ['xlsx'], label: 'Excel (XLSX)' },
};

export const UPLOAD_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  /** Office files: more entries, or more declared bytes once unzipped, is a zip bomb. */
  zipMaxEntries: 5000,
  zipMaxUncompressed: 200 * 1024 * 1024,
  /** Deflate cannot exceed ~1032:1; an honest large entry is far below this. */
  zipMaxRatio: 500,
  /** PDF object streams are inflated to look for active content; this caps the work. */
  pdfMaxInflated: 64 * 1024 * 1024,
  nameMaxLength: 120,
} as const;

const ACCEPTED = 'PDF, JPEG, PNG, DOCX, XLSX';

function fail(code: ErrorCode, vi: string, en: string, path = 'file'): AppError {
  return new AppError(code, { vi, en }, [{ path, message: vi, messageEn: en }]);
}
const malformed = (label: string, whyVi: string, whyEn: string) =>
  fail('VALIDATION_FAILED', `Tệp ${label} bị hỏng hoặc không đầy đủ: ${whyVi}`, `The ${label} file is damaged or incomplete: ${whyEn}`);
const refused = (whyVi: string, whyEn: string) => fail('UNSUPPORTED_MEDIA_TYPE', whyVi, whyEn);

export function inspectUpload(bytes: Uint8Array, fileName: string, opts: { maxBytes?: number } = {}): Inspection {
  const max = opts.maxBytes ?? UPLOAD_LIMITS.maxBytes;
  if (bytes.byteLength > max) {
    const mib = (max / 1024 / 1024).toLocaleString('en', { maximumFractionDigits: 1 });
    throw fail('PAYLOAD_TOO_LARGE', `Tệp quá lớn: tối đa ${mib.replace('.', ',')} MiB`, `File too large: at most ${mib} MiB`);
  }
  if (bytes.byteLength === 0) throw fail('VALIDATION_FAILED', 'Tệp rỗng', 'The file is empty');
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const kind = sniff(b);
  if (!kind) {
    throw refused(`Chỉ nhận tệp ${ACCEPTED}; nội dung tệp này không thuộc loại nào trong số đó`, `Only ${ACCEPTED} files are accepted; this file's content is none of them`);
  }
  refusePolyglots(b, kind);
  if (kind === 'pdf') checkPdf(b);
  else if (kind === 'jpeg') checkJpeg(b);
  else if (kind === 'png') checkPng(b);
  const finalKind = kind === 'zip' ? checkOffice(b) : kind;

  const type = UPLOAD_TYPES[finalKind];
  // Multipart parsers give no name at all for filename="": that is an empty name, refused below.
  const { stem, ext } = splitName(fileName ?? '');
  if (!ext || !type.accepted.includes(ext)) {
    const got = ext ? `.${ext}` : '(không có)';
    const gotEn = ext ? `.${ext}` : '(none)';
    throw fail(
      'VALIDATION_FAILED',
      `Tên tệp có phần mở rộng ${got} nhưng nội dung là ${type.label}; tên tệp phải kết thúc bằng .${type.extension}`,
      `The file name's extension is ${gotEn} but the content is ${type.label}; the name must end in .${type.extension}`,
      'fileName',
    );
  }
  return { kind: finalKind, contentType: type.contentType, extension: type.extension, safeName: joinName(stem, ext) };
}

// ---------------------------------------------------------------------------------------
// Type by content

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function sniff(b: Buffer): 'pdf' | 'jpeg' | 'png' | 'zip' | null {
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'pdf';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIG)) return 'png';
  if (b.length >= 4 && b.readUInt32LE(0) === 0x04034b50) return 'zip';
  return null;
}

// What browsers sniff as markup, and what PDF readers accept as a header anywhere in the
// first kilobyte: either inside another format makes the file mean two things.
const HTML_MARKERS = /<(?:html|script|body|iframe|svg|!doctype)[\s>/]/i;

function refusePolyglots(b: Buffer, kind: 'pdf' | 'jpeg' | 'png' | 'zip') {
  const head = b.toString('latin1', 0, Math.min(b.length, 1024));
  const pdfAt = head.indexOf('%PDF-', kind === 'pdf' ? 1 : 0);
  if (pdfAt >= 0) throw refused('Tệp chứa đồng thời nhiều định dạng (có dấu hiệu PDF ẩn bên trong)', 'The file is two formats at once (it hides a PDF header)');
  if (HTML_MARKERS.test(head)) throw refused('Tệp chứa mã HTML/script', 'The file contains HTML or script markup');
  if (kind !== 'zip' && findEocd(b) >= 0) throw refused('Tệp chứa đồng thời nhiều định dạng (có tệp nén ZIP ở cuối)', 'The file is two formats at once (a ZIP archive is appended)');
}

// ---------------------------------------------------------------------------------------
// PDF

const ACTIVE_PDF_NAMES = new Set(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia']);

const decodeName = (n: string) => n.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

function checkPdf(b: Buffer) {
  const s = b.toString('latin1');
  if (!/^%PDF-(?:1\.[0-7]|2\.0)[\r\n\t %]/.test(s.slice(0, 16))) throw malformed('PDF', 'phiên bản PDF không hợp lệ', 'invalid PDF version header');
  const tail = s.slice(-2048);
  const end = /startxref[\0\t\n\f\r ]+(\d{1,12})[\0\t\n\f\r ]+%%EOF[\0\t\n\f\r ]*$/.exec(tail);
  if (!end) throw malformed('PDF', 'thiếu phần kết thúc (startxref, %%EOF)', 'the end of the file (startxref, %%EOF) is missing');
  if (Number(end[1]) >= b.length) throw malformed('PDF', 'vị trí bảng tham chiếu nằm ngoài tệp', 'startxref points outside the file');
  if (!/(?:^|[\r\n])\s*trailer\b/.test(s) && !/\/Type\s*\/XRef\b/.test(s)) {
    throw malformed('PDF', 'không có trailer hoặc bảng tham chiếu chéo', 'there is no trailer or cross-reference stream');
  }
  let inflated = 0;
  const onName = (name: string) => {
    if (name === 'Encrypt') throw refused('Không nhận tệp PDF có mật khẩu hoặc mã hoá; vui lòng lưu lại không đặt mật khẩu', 'Encrypted or password-protected PDFs are not accepted; save it without a password');
    if (ACTIVE_PDF_NAMES.has(name)) throw refused(`Không nhận tệp PDF chứa nội dung chủ động (/${name}: mã script, lệnh chạy chương trình hoặc tệp đính kèm)`, `PDFs with active content are not accepted (/${name}: scripts, launch actions or embedded files)`);
  };
  let lengthObjects: Map<string, number> | undefined;
  // Only object text can hold action dictionaries: page, image and font streams are skipped
  // (their binary would match names by chance); object streams are inflated and read too.
  const onStream = (dictFrom: number, keywordAt: number, dataStart: number): number => {
    const dict = decodeName(s.slice(dictFrom, keywordAt));
    let dataEnd = -1;
    const direct = /\/Length\s+(\d{1,10})(?!\s+\d+\s+R)/.exec(dict);
    const indirect = /\/Length\s+(\d{1,10})\s+(\d{1,5})\s+R/.exec(dict);
    let declared = direct ? Number(direct[1]) : undefined;
    if (!direct && indirect) {
      // The length lives in another object; as readers do, take its last definition.
      lengthObjects ??= new Map([...s.matchAll(/(?<![0-9])(\d{1,10})\s+(\d{1,5})\s+obj\s*(\d{1,10})\s*endobj/g)].map((m) => [`${m[1]} ${m[2]}`, Number(m[3])]));
      declared = lengthObjects.get(`${indirect[1]} ${indirect[2]}`);
    }
    if (declared !== undefined && /^[\0\t\n\f\r ]*endstream/.test(s.slice(dataStart + declared, dataStart + declared + 40))) dataEnd = dataStart + declared;
    if (dataEnd < 0) dataEnd = s.indexOf('endstream', dataStart);
    if (dataEnd < 0) throw malformed('PDF', 'một luồng dữ liệu không có điểm kết thúc', 'a stream never ends');
    if (/\/Type\s*\/ObjStm\b/.test(dict)) {
      const filters = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dict)?.[1].match(/\/[A-Za-z0-9]+/g) ?? [];
      let body: string;
      if (filters.length === 0) body = s.slice(dataStart, dataEnd);
      else if (filters.length === 1 && filters[0] === '/FlateDecode') {
        let out: Buffer;
        try {
          out = inflateSync(b.subarray(dataStart, dataEnd), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: UPLOAD_LIMITS.pdfMaxInflated - inflated + 1 });
        } catch (e) {
          if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw fail('PAYLOAD_TOO_LARGE', 'Tệp PDF giải nén ra quá lớn', 'The PDF expands to too much data');
          throw malformed('PDF', 'luồng đối tượng nén bị hỏng', 'a compressed object stream is corrupt');
        }
        inflated += out.length;
        if (inflated > UPLOAD_LIMITS.pdfMaxInflated) throw fail('PAYLOAD_TOO_LARGE', 'Tệp PDF giải nén ra quá lớn', 'The PDF expands to too much data');
        body = out.toString('latin1');
      } else throw refused('Tệp PDF dùng kiểu nén không được hỗ trợ cho luồng đối tượng', 'The PDF compresses its object streams in an unsupported way');
      lexPdf(body, onName);
    }
    return dataEnd + 'endstream'.length;
  };
  lexPdf(s, onName, onStream);
}

const isPdfRegular = (c: number) => !(c === 0 || c === 9 || c === 10 || c === 12 || c === 13 || c === 32 || c === 40 || c === 41 || c === 60 || c === 62 || c === 91 || c === 93 || c === 123 || c === 125 || c === 47 || c === 37);

/**
 * Walks PDF object syntax the way a reader tokenises it: comments and strings are skipped
 * (a name or a `stream` keyword inside a string is not one), every name is reported, and at
 * each real `stream` keyword `onStream` says where reading resumes after the stream data.
 */
function lexPdf(s: string, onName: (name: string) => void, onStream?: (dictFrom: number, keywordAt: number, dataStart: number) => number) {
  const n = s.length;
  let i = 0;
  let lastObj = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      while (i < n && s.charCodeAt(i) !== 10 && s.charCodeAt(i) !== 13) i++;
    } else if (c === 40) {
      let depth = 1;
      i++;
      while (i < n && depth > 0) {
        const d = s.charCodeAt(i);
        if (d === 92) i += 2;
        else {
          if (d === 40) depth++;
          else if (d === 41) depth--;
          i++;
        }
      }
      if (depth > 0) throw malformed('PDF', 'một chuỗi ký tự không được đóng', 'a string is never closed');
    } else if (c === 60 && s.charCodeAt(i + 1) === 60) {
      i += 2;
    } else if (c === 60) {
      const e = s.indexOf('>', i);
      if (e < 0) throw malformed('PDF', 'một chuỗi hex không được đóng', 'a hex string is never closed');
      i = e + 1;
    } else if (c === 47) {
      let j = i + 1;
      while (j < n && isPdfRegular(s.charCodeAt(j))) j++;
      onName(decodeName(s.slice(i + 1, j)));
      i = j;
    } else if (isPdfRegular(c)) {
      let j = i;
      while (j < n && isPdfRegular(s.charCodeAt(j))) j++;
      const token = j - i === 3 || j - i === 6 ? s.slice(i, j) : '';
      if (token === 'obj') lastObj = j;
      else if (token === 'stream' && onStream) {
        let k = j;
        if (s.charCodeAt(k) === 13) k++;
        if (s.charCodeAt(k) === 10) k++;
        j = onStream(lastObj, i, k);
      }
      i = j;
    } else i++;
  }
}

// ---------------------------------------------------------------------------------------
// JPEG

function checkJpeg(b: Buffer) {
  const bad = (vi: string, en: string) => malformed('JPEG', vi, en);
  if (b.length < 4 || b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) throw bad('thiếu dấu kết thúc ảnh', 'the end-of-image marker is missing');
  let i = 2;
  let sawFrame = false;
  for (;;) {
    if (i >= b.length || b[i] !== 0xff) throw bad('cấu trúc phân đoạn sai', 'bad segment structure');
    while (i < b.length && b[i] === 0xff) i++;
    const marker = b[i++];
    if (marker === undefined || marker === 0xd9 || marker === 0x00) throw bad('ảnh kết thúc trước dữ liệu điểm ảnh', 'the image ends before its pixel data');
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (i + 2 > b.length) throw bad('phân đoạn bị cắt cụt', 'a segment is truncated');
    const len = b.readUInt16BE(i);
    if (len < 2 || i + len > b.length) throw bad('phân đoạn bị cắt cụt', 'a segment is truncated');
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (len < 8 || b.readUInt16BE(i + 3) === 0 || b.readUInt16BE(i + 5) === 0) throw bad('kích thước ảnh không hợp lệ', 'invalid image dimensions');
      sawFrame = true;
    }
    if (marker === 0xda) {
      if (!sawFrame) throw bad('không có phần mô tả khung ảnh', 'no frame header before the scan');
      if (i + len >= b.length - 2) throw bad('không có dữ liệu điểm ảnh', 'there is no pixel data');
      return;
    }
    i += len;
  }
}

// ---------------------------------------------------------------------------------------
// PNG

function checkPng(b: Buffer) {
  const bad = (vi: string, en: string) => malformed('PNG', vi, en);
  let pos = 8;
  let first = true;
  let sawData = false;
  for (;;) {
    if (pos + 12 > b.length) throw bad('tệp bị cắt cụt (thiếu IEND)', 'the file is truncated (no IEND)');
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (len > 0x7fffffff || pos + 12 + len > b.length) throw bad(`khối ${type} bị cắt cụt`, `chunk ${type} is truncated`);
    if (!/^[A-Za-z]{4}$/.test(type)) throw bad('tên khối không hợp lệ', 'invalid chunk type');
    if (crc32(b.subarray(pos + 4, pos + 8 + len)) !== b.readUInt32BE(pos + 8 + len)) throw bad(`mã kiểm tra (CRC) của khối ${type} sai`, `chunk ${type} fails its CRC`);
    if (first) {
      if (type !== 'IHDR' || len !== 13) throw bad('khối đầu tiên phải là IHDR', 'the first chunk must be IHDR');
      if (b.readUInt32BE(pos + 8) === 0 || b.readUInt32BE(pos + 12) === 0) throw bad('kích thước ảnh bằng 0', 'zero image dimensions');
      first = false;
    } else if (type === 'IHDR') throw bad('có nhiều khối IHDR', 'more than one IHDR chunk');
    if (type === 'IDAT') sawData = true;
    pos += 12 + len;
    if (type === 'IEND') {
      if (len !== 0) throw bad('khối IEND không hợp lệ', 'invalid IEND chunk');
      if (pos !== b.length) throw bad('có dữ liệu thừa sau khối IEND', 'there is data after the IEND chunk');
      if (!sawData) throw bad('không có dữ liệu điểm ảnh', 'there is no pixel data');
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------
// ZIP container of DOCX and XLSX

interface ZipEntry {
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

/** Offset of an end-of-central-directory record whose comment ends exactly at the end of the file, or -1. */
function findEocd(b: Buffer): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06 && i + 22 + b.readUInt16LE(i + 20) === b.length) return i;
  }
  return -1;
}

function readZip(b: Buffer): Map<string, ZipEntry> {
  const bad = (vi: string, en: string) => malformed('ZIP (DOCX/XLSX)', vi, en);
  const bomb = () => fail('PAYLOAD_TOO_LARGE', 'Tệp nén giải nén ra quá lớn hoặc có quá nhiều thành phần', 'The archive expands to too much data or has too many entries');
  const eocd = findEocd(b);
  if (eocd < 0) throw bad('không tìm thấy thư mục trung tâm (tệp bị cắt cụt?)', 'no end of central directory (truncated?)');
  const [disk, cdDisk, onDisk, total] = [b.readUInt16LE(eocd + 4), b.readUInt16LE(eocd + 6), b.readUInt16LE(eocd + 8), b.readUInt16LE(eocd + 10)];
  const cdSize = b.readUInt32LE(eocd + 12);
  const cdOffset = b.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw refused('Không hỗ trợ tệp nén ZIP64', 'ZIP64 archives are not supported');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== total) throw bad('tệp nén nhiều phần', 'multi-volume archive');
  if (total > UPLOAD_LIMITS.zipMaxEntries) throw bomb();
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
    if (e.compSize === 0xffffffff || e.size === 0xffffffff || e.localOffset === 0xffffffff) throw refused('Không hỗ trợ tệp nén ZIP64', 'ZIP64 archives are not supported');
    if (e.flags & 0x1) throw refused('Không nhận tệp có mật khẩu hoặc mã hoá', 'Encrypted files are not accepted');
    if (e.method !== 0 && e.method !== 8) throw refused('Tệp nén dùng phương pháp nén không được hỗ trợ', 'The archive uses an unsupported compression method');
    if (!e.name || e.name.startsWith('/') || /(^|[/\\])\.\.([/\\]|$)|\\|:|\0/.test(e.name)) throw bad(`tên thành phần không hợp lệ: ${e.name.slice(0, 80)}`, `invalid entry name: ${e.name.slice(0, 80)}`);
    const key = e.name.toLowerCase();
    if (entries.has(key)) throw bad(`thành phần ${e.name.slice(0, 80)} xuất hiện hai lần`, `entry ${e.name.slice(0, 80)} appears twice`);
    if (e.method === 0 && e.size !== e.compSize) throw bad('kích thước thành phần không khớp', 'entry sizes disagree');
    declared += e.size;
    if (e.size > UPLOAD_LIMITS.zipMaxUncompressed || declared > UPLOAD_LIMITS.zipMaxUncompressed) throw bomb();
    if (e.size > 1024 * 1024 && e.size > e.compSize * UPLOAD_LIMITS.zipMaxRatio) throw bomb();
    entries.set(key, e);
  }
  if (p !== eocd) throw bad('thư mục trung tâm có dữ liệu thừa', 'trailing data in the central directory');

  // Each entry's local header must be real, carry the same name, and its data must not
  // overlap the next entry (overlapping entries are the "better zip bomb").
  const byOffset = [...entries.values()].sort((x, y) => x.localOffset - y.localOffset);
  if (byOffset.length && byOffset[0].localOffset !== 0) throw bad('có dữ liệu lạ trước thành phần đầu tiên', 'unexpected data before the first entry');
  for (const [i, e] of byOffset.entries()) {
    const o = e.localOffset;
    if (o + 30 > cdOffset || b.readUInt32LE(o) !== 0x04034b50) throw bad('tiêu đề thành phần hỏng', 'corrupt local header');
    const ln = b.readUInt16LE(o + 26);
    const lx = b.readUInt16LE(o + 28);
    if (b.toString(e.flags & 0x800 ? 'utf8' : 'latin1', o + 30, o + 30 + ln) !== e.name) throw bad('tên thành phần không khớp với thư mục trung tâm', 'a local name disagrees with the central directory');
    const dataEnd = o + 30 + ln + lx + e.compSize;
    const limit = i + 1 < byOffset.length ? byOffset[i + 1].localOffset : cdOffset;
    if (dataEnd > limit) throw bad('các thành phần chồng lên nhau', 'entries overlap');
    e.dataStart = o + 30 + ln + lx;
  }
  return entries;
}

function unzipEntry(b: Buffer, e: ZipEntry): Buffer {
  const raw = b.subarray(e.dataStart, e.dataStart + e.compSize);
  let out: Buffer;
  try {
    out = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
  } catch {
    throw malformed('ZIP (DOCX/XLSX)', `không giải nén được ${e.name}`, `cannot decompress ${e.name}`);
  }
  if (out.length !== e.size || crc32(out) !== e.crc) throw malformed('ZIP (DOCX/XLSX)', `${e.name} sai mã kiểm tra`, `${e.name} fails its CRC`);
  return out;
}

const MAIN_PARTS = {
  docx: { part: 'word/document.xml', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml' },
  xlsx: { part: 'xl/workbook.xml', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml' },
} as const;

function checkOffice(b: Buffer): 'docx' | 'xlsx' {
  const entries = readZip(b);
  for (const name of entries.keys()) {
    if (name.endsWith('vbaproject.bin') || name.endsWith('vbadata.xml') || name.includes('/macrosheets/')) {
      throw refused('Không nhận tài liệu có macro (VBA); vui lòng lưu thành .docx hoặc .xlsx thông thường', 'Documents with macros (VBA) are not accepted; save as a plain .docx or .xlsx');
    }
  }
  const ct = entries.get('[content_types].xml');
  const notOffice = () => refused(`Tệp nén này không phải tài liệu Word (DOCX) hay Excel (XLSX); chỉ nhận ${ACCEPTED}`, `This archive is not a Word (DOCX) or Excel (XLSX) document; only ${ACCEPTED} are accepted`);
  if (!ct) throw notOffice();
  const hasDoc = entries.has(MAIN_PARTS.docx.part);
  const hasBook = entries.has(MAIN_PARTS.xlsx.part);
  if (hasDoc === hasBook) throw notOffice();
  const kind = hasDoc ? 'docx' : 'xlsx';
  if (ct.size > 1024 * 1024) throw fail('PAYLOAD_TOO_LARGE', 'Tệp nén giải nén ra quá lớn hoặc có quá nhiều thành phần', 'The archive expands to too much data or has too many entries');
  const types = unzipEntry(b, ct).toString('utf8');
  if (/macroEnabled|vbaProject/i.test(types)) throw refused('Không nhận tài liệu có macro (VBA); vui lòng lưu thành .docx hoặc .xlsx thông thường', 'Documents with macros (VBA) are not accepted; save as a plain .docx or .xlsx');
  const main = MAIN_PARTS[kind];
  const override = [...types.matchAll(/<Override\b[^>]*>/gi)].map((m) => m[0]).find((tag) => /PartName\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1].toLowerCase() === `/${main.part}`);
  if (/ContentType\s*=\s*["']([^"']*)["']/i.exec(override ?? '')?.[1] !== main.type) throw notOffice();
  // The main part is what a reader opens first: check it really decompresses to what it claims.
  unzipEntry(b, entries.get(main.part)!);
  return kind;
}

// ---------------------------------------------------------------------------------------
// Names

// Look-alike letters from other scripts that would make an extension read as another one.
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', с: 'c', ԁ: 'd', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', о: 'o', р: 'p', ԛ: 'q', ѕ: 's', т: 't', ц: 'u', ԝ: 'w', х: 'x', у: 'y',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ɡ: 'g', ı: 'i',
};
const DOTS = /[.\uFF0E\uFE52\u2024\u3002\uFF61]/;
const SLASHES = /[/\\\uFF0F\uFF3C\u2215\u2044\u29F8\u29F9]/;
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

function foldExtension(ext: string): string {
  return [...ext.normalize('NFKC').toLowerCase()].map((c) => CONFUSABLES[c] ?? c).join('');
}

/**
 * Splits a client's file name into a safe stem and a plain ASCII extension (or null):
 * directories, control and invisible characters (bidi overrides included) are removed,
 * the text is NFC (Vietnamese letters kept), and the extension is folded from look-alike
 * characters (full-width, Cyrillic) so that what is shown is what is checked.
 */
export function splitName(raw: string): { stem: string; ext: string | null } {
  let s = raw.normalize('NFC').replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/gu, '');
  const parts = s.split(SLASHES);
  s = parts[parts.length - 1];
  s = s
    .replace(/[<>:"|?*]/g, '_')
    .replace(/[\s\p{Z}]+/gu, ' ')
    .normalize('NFC')
    .trim()
    .replace(/^[.\s\uFF0E\uFE52\u2024\u3002\uFF61]+/, '')
    .replace(/[.\s]+$/, '');
  let stem = s;
  let ext: string | null = null;
  const chars = [...s];
  for (let i = chars.length - 1; i > 0; i--) {
    if (DOTS.test(chars[i])) {
      const folded = foldExtension(chars.slice(i + 1).join(''));
      if (/^[a-z0-9]{1,10}$/.test(folded)) {
        ext = folded;
        stem = chars.slice(0, i).join('').replace(/[.\s]+$/, '');
      }
      break;
    }
  }
  if (WINDOWS_DEVICES.test(stem)) stem = `_${stem}`;
  return { stem, ext };
}

function joinName(stem: string, ext: string): string {
  const room = UPLOAD_LIMITS.nameMaxLength - ext.length - 1;
  const cut = [...(stem || 'tep')].slice(0, room).join('').trimEnd();
  return `${cut || 'tep'}.${ext}`;
}

/** The display name made safe, keeping its extension (as folded); for names of files we produce. */
export function safeFileName(raw: string): string {
  const { stem, ext } = splitName(raw);
  if (!ext) return [...(stem || 'tep')].slice(0, UPLOAD_LIMITS.nameMaxLength).join('');
  return joinName(stem, ext);
}
