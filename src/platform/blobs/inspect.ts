import { crc32 } from 'node:zlib';
import { AppError, type ErrorCode } from '../errors.ts';
import { assertNoActiveContent } from '../pdf/find-active-content.ts';
import { scanXml, xmlText, XmlProblem, type XmlHandlers } from './scan-xml.ts';
import { findEocd, inflateZipEntry, readZipDirectory, type ZipEntry, zipBomb } from './zip.ts';

/**
 * Upload checking. The type of a file is decided by its bytes and their structure, never by
 * its name or the content type a client claims; the name must then agree with the bytes.
 * Anything ambiguous (a file that is two formats at once), active (PDF scripts and actions,
 * Office macros, OLE objects, DDE fields, content fetched from outside) or malformed is
 * refused, so what we store is what a reviewer thinks it is.
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
  /** PDF object and cross-reference streams are decoded to look for active content; this caps the work. */
  pdfMaxInflated: 64 * 1024 * 1024,
  /** Embedded Office documents (a chart's workbook) are checked too, this deep. */
  zipMaxNesting: 1,
  nameMaxLength: 120,
} as const;

const ACCEPTED = 'PDF, JPEG, PNG, DOCX, XLSX';

function fail(code: ErrorCode, vi: string, en: string, path = 'file'): AppError {
  return new AppError(code, { vi, en }, [{ path, message: vi, messageEn: en }]);
}
const malformed = (label: string, whyVi: string, whyEn: string) =>
  fail('VALIDATION_FAILED', `Tệp ${label} bị hỏng hoặc không đầy đủ: ${whyVi}`, `The ${label} file is damaged or incomplete: ${whyEn}`);
const refused = (whyVi: string, whyEn: string) => fail('UNSUPPORTED_MEDIA_TYPE', whyVi, whyEn);
/** An accepted type carrying something that runs: a client can offer "save a clean copy" rather than "wrong file". */
const active = (whyVi: string, whyEn: string) => fail('ACTIVE_CONTENT_REFUSED', whyVi, whyEn);

export interface InspectOptions {
  maxBytes?: number;
  /**
   * Bytes the check may decompress (PDF streams, Office entries), for callers that must
   * bound anonymous work more tightly; UPLOAD_LIMITS.pdfMaxInflated and zipMaxUncompressed by default.
   */
  maxInflated?: number;
}

export function inspectUpload(bytes: Uint8Array, fileName: string, opts: InspectOptions = {}): Inspection {
  const max = opts.maxBytes ?? UPLOAD_LIMITS.maxBytes;
  if (bytes.byteLength > max) {
    const mib = (max / 1024 / 1024).toLocaleString('en', { maximumFractionDigits: 1 });
    throw fail('PAYLOAD_TOO_LARGE', `Tệp quá lớn: tối đa ${mib.replace('.', ',')} MiB`, `File too large: at most ${mib} MiB`);
  }
  if (bytes.byteLength === 0) throw fail('VALIDATION_FAILED', 'Tệp rỗng', 'The file is empty');
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const kind = sniff(b);
  if (!kind) {
    throw refused(
      `Chỉ nhận tệp ${ACCEPTED}; nội dung tệp này không thuộc loại nào trong số đó`,
      `Only ${ACCEPTED} files are accepted; this file's content is none of them`,
    );
  }
  refusePolyglots(b, kind);
  if (kind === 'pdf') checkPdf(b, opts.maxInflated ?? UPLOAD_LIMITS.pdfMaxInflated);
  else if (kind === 'jpeg') checkJpeg(b);
  else if (kind === 'png') checkPng(b);
  const finalKind = kind === 'zip' ? checkOffice(b, { left: Math.min(UPLOAD_LIMITS.zipMaxUncompressed, opts.maxInflated ?? Infinity) }) : kind;

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
  if (kind !== 'zip' && findEocd(b) >= 0)
    throw refused('Tệp chứa đồng thời nhiều định dạng (có tệp nén ZIP ở cuối)', 'The file is two formats at once (a ZIP archive is appended)');
}

// ---------------------------------------------------------------------------------------
// PDF

/**
 * The envelope is checked here (version, a proper end); the body by a real parser
 * (platform/pdf): every object, every version, every object stream decoded, examined for
 * scripts, actions, XFA and embedded files.
 */
function checkPdf(b: Buffer, maxInflated: number) {
  const head = b.toString('latin1', 0, 16);
  if (!/^%PDF-(?:1\.[0-7]|2\.0)[\r\n\t %]/.test(head)) throw malformed('PDF', 'phiên bản PDF không hợp lệ', 'invalid PDF version header');
  const tail = b.toString('latin1', Math.max(0, b.length - 2048));
  const end = /startxref[\0\t\n\f\r ]+(\d{1,12})[\0\t\n\f\r ]+%%EOF[\0\t\n\f\r ]*$/.exec(tail);
  if (!end) throw malformed('PDF', 'thiếu phần kết thúc (startxref, %%EOF)', 'the end of the file (startxref, %%EOF) is missing');
  if (Number(end[1]) >= b.length) throw malformed('PDF', 'vị trí bảng tham chiếu nằm ngoài tệp', 'startxref points outside the file');
  assertNoActiveContent(b, { maxInflated });
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
    if (crc32(b.subarray(pos + 4, pos + 8 + len)) !== b.readUInt32BE(pos + 8 + len))
      throw bad(`mã kiểm tra (CRC) của khối ${type} sai`, `chunk ${type} fails its CRC`);
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

const OFFICE_ZIP = 'ZIP (DOCX/XLSX)';
const officeZipLimits = { maxEntries: UPLOAD_LIMITS.zipMaxEntries, maxUncompressed: UPLOAD_LIMITS.zipMaxUncompressed, maxRatio: UPLOAD_LIMITS.zipMaxRatio };
const unzipEntry = (b: Buffer, e: ZipEntry, budget: { left: number }) => inflateZipEntry(b, e, budget, OFFICE_ZIP);

const MAIN_PARTS = {
  docx: { part: 'word/document.xml', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml' },
  xlsx: { part: 'xl/workbook.xml', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml' },
} as const;

const CLEAN_COPY_VI = 'Hãy lưu tài liệu thành PDF (Tệp → Lưu thành → PDF) rồi tải bản PDF lên.';
const CLEAN_COPY_EN = 'Save the document as PDF (File → Save as → PDF) and upload the PDF.';
const macros = () =>
  active(
    'Không nhận tài liệu có macro (VBA); vui lòng lưu thành .docx hoặc .xlsx thông thường',
    'Documents with macros (VBA) are not accepted; save as a plain .docx or .xlsx',
  );
const oleObject = (where: string) =>
  active(
    `Không nhận tài liệu Office có đối tượng nhúng OLE hoặc ActiveX (${where.slice(0, 100)}): chúng có thể chứa chương trình. ${CLEAN_COPY_VI}`,
    `Office documents with embedded OLE or ActiveX objects are not accepted (${where.slice(0, 100)}): they can carry programs. ${CLEAN_COPY_EN}`,
  );

/** Relationship types that embed or link a program-bearing object, wherever their target is. */
const OLE_RELATIONSHIPS = /^(oleObject|activeXControl|activeXControlBinary|control|aFChunk)$/i;
/** Word fields that run a command (DDE) or fetch content from outside the file when updated. */
const OUTSIDE_FIELDS = /^\s*(DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE|LINK|IMPORT)\b/i;
const OLE_ELEMENTS = new Set(['OLEObject', 'oleObject', 'oleObj', 'objectEmbed', 'objectLink', 'control', 'oleLink']);
const ddeLink = (part: string) =>
  active(
    `Không nhận tài liệu có liên kết DDE (${part.slice(0, 100)}): nó chạy lệnh của chương trình khác. ${CLEAN_COPY_VI}`,
    `Documents with a DDE link are not accepted (${part.slice(0, 100)}): it runs another program's commands. ${CLEAN_COPY_EN}`,
  );

/**
 * Relationships: a hyperlink may point outside (a reader must click it, and only web and
 * mail addresses are let through); anything else that points outside (a remote template,
 * a linked object or picture, a frame, a sub-document) is fetched by Word or Excel by
 * itself when the file is opened, and is refused; OLE and ActiveX relationships are refused
 * wherever they point.
 */
function checkRelationships(part: string, xml: string): Set<string> {
  const links = new Set<string>();
  readXml(part, xml, {
    start(name, attrs) {
      if (name !== 'Relationship') return;
      const type = (attrs.get('Type') ?? '').trim();
      const kind = type.slice(type.lastIndexOf('/') + 1);
      const target = (attrs.get('Target') ?? '').trim();
      const external = (attrs.get('TargetMode') ?? '').trim().toLowerCase() === 'external' || /^([a-z][a-z0-9+.-]*:|\\\\|\/\/)/i.test(target);
      if (OLE_RELATIONSHIPS.test(kind)) throw oleObject(`${part}: ${kind}`);
      if (!external) return;
      if (kind === 'hyperlink') {
        if (/^(https?:\/\/|mailto:)/i.test(target)) {
          links.add(attrs.get('Id') ?? '');
          return;
        }
        throw active(
          `Không nhận tài liệu có liên kết tới địa chỉ không phải trang web (${target.slice(0, 80)}): liên kết tới tệp, thư mục mạng hay chương trình có thể chạy lệnh. ${CLEAN_COPY_VI}`,
          `Documents with a link to a non-web address (${target.slice(0, 80)}) are not accepted: links to files, network shares or programs can run commands. ${CLEAN_COPY_EN}`,
        );
      }
      throw active(
        `Không nhận tài liệu Office tải nội dung từ bên ngoài (${kind || 'quan hệ'} tới ${target.slice(0, 80)}): mẫu, đối tượng liên kết, khung hay ảnh liên kết được tải tự động khi mở tệp. ${CLEAN_COPY_VI}`,
        `Office documents that load content from outside are not accepted (${kind || 'a relationship'} to ${target.slice(0, 80)}): remote templates, linked objects, frames and linked pictures are fetched automatically when the file is opened. ${CLEAN_COPY_EN}`,
      );
    },
  });
  return links;
}

/** Where a click leads; any other element naming an outside link's id would make it something fetched. */
const LINK_ELEMENTS = new Set(['hyperlink', 'hlinkClick', 'hlinkHover', 'hlinkMouseOver']);

function checkLinkUse(part: string, xml: string, links: Set<string>) {
  readXml(part, xml, {
    start(name, attrs) {
      if (LINK_ELEMENTS.has(name)) return;
      for (const v of attrs.values()) {
        if (links.has(v)) {
          throw active(
            `Không nhận tài liệu dùng một liên kết ra ngoài (${v.slice(0, 40)}) cho ${name.slice(0, 40)} trong ${part.slice(0, 80)}: nội dung đó sẽ được tải tự động. ${CLEAN_COPY_VI}`,
            `Documents that use an outside link (${v.slice(0, 40)}) for ${name.slice(0, 40)} in ${part.slice(0, 80)} are not accepted: it would be fetched automatically. ${CLEAN_COPY_EN}`,
          );
        }
      }
    },
  });
}

/** Word's field codes (w:fldSimple, or w:instrText runs between w:fldChar begin and separate), OLE and ActiveX elements. */
function checkWordPart(part: string, xml: string) {
  const fields: { code: string; done: boolean }[] = [];
  let inInstr = false;
  const field = (code: string) => {
    const m = OUTSIDE_FIELDS.exec(code);
    if (!m) return;
    const name = m[1].toUpperCase();
    throw active(
      `Không nhận tài liệu có trường ${name} (${part}): trường này ${name.startsWith('DDE') ? 'chạy lệnh của chương trình khác (DDE)' : 'tải nội dung từ bên ngoài tệp'}. ${CLEAN_COPY_VI}`,
      `Documents with a ${name} field are not accepted (${part}): it ${name.startsWith('DDE') ? "runs another program's commands (DDE)" : 'fetches content from outside the file'}. ${CLEAN_COPY_EN}`,
    );
  };
  readXml(part, xml, {
    start(name, attrs) {
      if (OLE_ELEMENTS.has(name)) throw oleObject(`${part}: ${name}`);
      if (name === 'fldSimple') field(attrs.get('instr') ?? '');
      else if (name === 'instrText' || name === 'delInstrText') inInstr = true;
      else if (name === 'fldChar') {
        const type = attrs.get('fldCharType');
        if (type === 'begin') fields.push({ code: '', done: false });
        else if (type === 'separate' || type === 'end') {
          const top = type === 'end' ? fields.pop() : fields.at(-1);
          if (top && !top.done) {
            top.done = true;
            field(top.code);
          }
        }
      }
    },
    end(name) {
      if (name === 'instrText' || name === 'delInstrText') inInstr = false;
    },
    text(t) {
      if (!inInstr) return;
      const top = fields.at(-1);
      if (top && !top.done) top.code += t;
      else field(t);
    },
  });
  for (const f of fields) if (!f.done) field(f.code);
}

function checkOleElements(part: string, xml: string) {
  readXml(part, xml, {
    start(name) {
      if (name === 'ddeLink') throw ddeLink(part);
      if (OLE_ELEMENTS.has(name)) throw oleObject(`${part}: ${name}`);
    },
  });
}

function readXml(part: string, xml: string, h: XmlHandlers) {
  try {
    scanXml(xml, h);
  } catch (e) {
    if (!(e instanceof XmlProblem)) throw e;
    throw xmlProblem(part, e);
  }
}

function xmlProblem(part: string, e: XmlProblem): AppError {
  if (e.kind === 'declaration') {
    return refused(
      `Phần ${part.slice(0, 80)} của tài liệu có khai báo DOCTYPE/ENTITY, điều tài liệu Office không bao giờ có`,
      `The part ${part.slice(0, 80)} declares a DOCTYPE or entities, which Office documents never do`,
    );
  }
  return malformed(
    'ZIP (DOCX/XLSX)',
    `phần ${part.slice(0, 80)} không phải XML hợp lệ (${e.message})`,
    `the part ${part.slice(0, 80)} is not well-formed XML (${e.message})`,
  );
}

function checkOffice(b: Buffer, budget: { left: number }, depth = 0): 'docx' | 'xlsx' {
  const entries = readZipDirectory(b, officeZipLimits, OFFICE_ZIP);
  for (const name of entries.keys()) {
    if (name.endsWith('vbaproject.bin') || name.endsWith('vbadata.xml') || name.includes('/macrosheets/')) throw macros();
    if (name.includes('/activex/')) throw oleObject(name);
    // A chart keeps its data as an embedded workbook (checked below as a document of its own); anything else embedded is an OLE object or an unchecked format.
    if (/(^|\/)embeddings\/[^/]/.test(name) && !/\.(docx|xlsx)$/.test(name)) throw oleObject(name);
  }
  const ct = entries.get('[content_types].xml');
  const notOffice = () =>
    refused(
      `Tệp nén này không phải tài liệu Word (DOCX) hay Excel (XLSX); chỉ nhận ${ACCEPTED}`,
      `This archive is not a Word (DOCX) or Excel (XLSX) document; only ${ACCEPTED} are accepted`,
    );
  if (!ct) throw notOffice();
  const hasDoc = entries.has(MAIN_PARTS.docx.part);
  const hasBook = entries.has(MAIN_PARTS.xlsx.part);
  if (hasDoc === hasBook) throw notOffice();
  const kind = hasDoc ? 'docx' : 'xlsx';
  if (ct.size > 1024 * 1024) throw zipBomb();
  const types = xmlText(unzipEntry(b, ct, budget));
  const overrides = new Map<string, string>();
  readXml(ct.name, types, {
    start(name, attrs) {
      if (name === 'Override') overrides.set((attrs.get('PartName') ?? '').toLowerCase(), attrs.get('ContentType') ?? '');
      if (name === 'Default' || name === 'Override') {
        if (/macroEnabled|vbaProject/i.test(attrs.get('ContentType') ?? '')) throw macros();
      }
    },
  });
  if (/macroEnabled|vbaProject/i.test(types)) throw macros();
  const main = MAIN_PARTS[kind];
  if (overrides.get(`/${main.part}`) !== main.type) throw notOffice();

  // Every entry is decompressed, under the cap, and its CRC checked: an entry never read here
  // would be read by Word, Excel, an indexer or a virus scanner.
  const ordered = [...entries.values()].sort((x, y) => x.localOffset - y.localOffset);
  // Relationships first: a part whose relationships hold outside links is then read for how it uses them.
  const linksOf = new Map<string, Set<string>>();
  for (const e of ordered) {
    const name = e.name.toLowerCase();
    if (!name.endsWith('.rels')) continue;
    const links = checkRelationships(e.name, xmlText(unzipEntry(b, e, budget)));
    if (links.size) linksOf.set(name.replace(/(^|\/)_rels\/([^/]*)\.rels$/, '$1$2'), links);
  }
  for (const e of ordered) {
    const name = e.name.toLowerCase();
    if (e === ct || name.endsWith('.rels')) continue;
    const data = unzipEntry(b, e, budget);
    if (/(^|\/)embeddings\/[^/]/.test(name)) {
      if (depth >= UPLOAD_LIMITS.zipMaxNesting || data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) throw oleObject(e.name);
      checkOffice(data, budget, depth + 1);
    } else if (name.endsWith('.xml') || name.endsWith('.vml')) {
      const xml = xmlText(data);
      const links = linksOf.get(name);
      if (links) checkLinkUse(e.name, xml, links);
      if (name.startsWith('word/')) checkWordPart(e.name, xml);
      else if (name.endsWith('.vml') || name.includes('externallinks/') || name === MAIN_PARTS.xlsx.part) checkOleElements(e.name, xml);
      // Worksheets and shared strings can be large: only what would make a parser expand entities is looked for.
      else if (/<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i.test(xml)) throw xmlProblem(e.name, new XmlProblem('declaration', 'a DOCTYPE'));
    }
  }
  return kind;
}

// ---------------------------------------------------------------------------------------
// Names

// Look-alike letters from other scripts that would make an extension read as another one.
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  һ: 'h',
  і: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  т: 't',
  ц: 'u',
  ԝ: 'w',
  х: 'x',
  у: 'y',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ɡ: 'g',
  ı: 'i',
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
        stem = chars
          .slice(0, i)
          .join('')
          .replace(/[.\s]+$/, '');
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
