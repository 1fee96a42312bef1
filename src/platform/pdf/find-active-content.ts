import type { AppError } from '../errors.ts';
import { parsePdf, type ParsedPdf, type ParsePdfOptions } from './parse-pdf.ts';
import { PdfDict, PdfName, PdfRef, PdfStream, pdfRefusal, type PdfValue } from './pdf-objects.ts';

/**
 * Active content in a PDF: anything a reader may run, send, fetch or open by itself or at
 * one click (scripts, actions other than moving inside the document, XFA forms, embedded
 * files, rich media). Every parsed object is examined, every version of it, the members of
 * every object stream and every trailer, so an action cannot hide in an older revision, an
 * object stream or a dictionary no page refers to.
 */
export interface ActiveContent {
  /** The PDF construct, e.g. `/S /URI`. */
  what: string;
  vi: string;
  en: string;
}

const ACTIONS: Record<string, [string, string]> = {
  JavaScript: ['hành động chạy mã JavaScript', 'a JavaScript action'],
  Launch: ['hành động chạy chương trình hoặc mở tệp', 'a launch action, which runs a program or opens a file'],
  SubmitForm: ['hành động gửi dữ liệu biểu mẫu đi nơi khác', 'a form submission action'],
  ImportData: ['hành động nhập dữ liệu từ tệp khác', 'a data import action'],
  ResetForm: ['hành động xoá dữ liệu biểu mẫu', 'a form reset action'],
  URI: ['hành động mở liên kết', 'a link-opening action'],
  GoToR: ['hành động mở tệp khác', 'an action opening another file'],
  GoToE: ['hành động mở tệp nhúng', 'an action opening an embedded file'],
  GoTo3DView: ['hành động điều khiển nội dung 3D', 'a 3D view action'],
  Rendition: ['hành động phát đa phương tiện', 'a media rendition action'],
  Sound: ['hành động phát âm thanh', 'a sound action'],
  Movie: ['hành động phát phim', 'a movie action'],
  Hide: ['hành động ẩn, hiện thành phần', 'a hide action'],
  Named: ['hành động ra lệnh cho trình đọc', 'a named reader-command action'],
  SetOCGState: ['hành động đổi lớp hiển thị', 'a layer-switching action'],
  Trans: ['hành động chuyển cảnh', 'a transition action'],
  RichMediaExecute: ['hành động điều khiển nội dung đa phương tiện', 'a rich media command action'],
  Thread: ['hành động mở mạch bài', 'an article thread action'],
};

/** Keys whose mere presence is active content. */
const KEYS: Record<string, [string, string, string]> = {
  JS: ['/JS', 'mã JavaScript (/JS)', 'JavaScript code (/JS)'],
  JavaScript: ['/JavaScript', 'mã JavaScript cấp tài liệu (/JavaScript)', 'document-level JavaScript (/JavaScript)'],
  AA: ['/AA', 'hành động tự chạy khi mở trang, trường hoặc tài liệu (/AA)', 'additional actions run on opening a page, a field or the document (/AA)'],
  XFA: ['/XFA', 'biểu mẫu XFA (/XFA)', 'an XFA form (/XFA)'],
  EmbeddedFiles: ['/EmbeddedFile', 'tệp đính kèm nhúng (/EmbeddedFile)', 'an embedded file (/EmbeddedFile)'],
  EF: ['/EmbeddedFile', 'tệp đính kèm nhúng (/EmbeddedFile)', 'an embedded file (/EmbeddedFile)'],
  RichMediaContent: ['/RichMedia', 'nội dung đa phương tiện (/RichMedia)', 'rich media content (/RichMedia)'],
  RichMediaSettings: ['/RichMedia', 'nội dung đa phương tiện (/RichMedia)', 'rich media content (/RichMedia)'],
  OnInstantiate: ['/OnInstantiate', 'mã JavaScript của nội dung 3D (/OnInstantiate)', '3D JavaScript (/OnInstantiate)'],
};

/** Values of /Type or /Subtype that are active content. */
const TYPES: Record<string, [string, string, string]> = {
  EmbeddedFile: KEYS.EF,
  FileAttachment: ['/FileAttachment', 'chú thích đính kèm tệp (/FileAttachment)', 'a file attachment annotation (/FileAttachment)'],
  RichMedia: KEYS.RichMediaContent,
};

/** What a found name means when it turns up in an object that does not parse. */
const SUSPECT_NAMES = new Set([...Object.keys(KEYS), ...Object.keys(TYPES), ...Object.keys(ACTIONS)]);

export function findActiveContent(pdf: ParsedPdf): ActiveContent[] {
  const found = new Map<string, ActiveContent>();
  const add = (what: string, vi: string, en: string) => {
    if (!found.has(what)) found.set(what, { what, vi, en });
  };
  // A name given by reference may have several versions: each of them counts.
  const names = (v: PdfValue): string[] => {
    if (v instanceof PdfName) return [v.name];
    if (!(v instanceof PdfRef)) return [];
    return (pdf.versions.get(v.num) ?? []).flatMap((o) => (o.value instanceof PdfName ? [o.value.name] : []));
  };
  const dict = (d: PdfDict) => {
    const types = d.all('Type').flatMap(names);
    const subtypes = d.all('Subtype').flatMap(names);
    for (const t of [...types, ...subtypes]) {
      const hit = TYPES[t];
      if (hit) add(...hit);
    }
    for (const [key] of d.entries) {
      const hit = KEYS[key];
      if (hit) add(...hit);
    }
    // /S also names structure types, border styles, page label styles: there it is no action.
    if (types.includes('StructElem')) return;
    const isAction = types.includes('Action');
    for (const s of d.all('S').flatMap(names)) {
      const action = ACTIONS[s];
      if (action) add(`/S /${s}`, `${action[0]} (/S /${s})`, `${action[1]} (/S /${s})`);
      else if (isAction && s !== 'GoTo') add(`/S /${s}`, `hành động /S /${s}`, `an action /S /${s}`);
    }
  };
  const stack: PdfValue[] = [];
  for (const o of pdf.objects) stack.push(o.value);
  for (const v of pdf.loose) stack.push(v);
  for (const t of pdf.trailers) stack.push(t);
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
    } else if (v instanceof PdfStream) stack.push(v.dict);
    else if (v instanceof PdfDict) {
      dict(v);
      for (const [, x] of v.entries) if (typeof x === 'object' && x !== null && !(x instanceof PdfName) && !(x instanceof PdfRef)) stack.push(x);
    }
  }
  for (const s of pdf.suspects) {
    const hit = s.names.find((n) => SUSPECT_NAMES.has(n));
    if (hit)
      add(
        `/${hit}?`,
        `đối tượng hỏng chứa /${hit} (trình đọc dễ dãi vẫn có thể chạy)`,
        `a damaged object holding /${hit} (a forgiving reader may still run it)`,
      );
  }
  return [...found.values()];
}

export function activeContentRefusal(found: ActiveContent[]): AppError {
  const shown = found.slice(0, 6);
  const more = found.length > shown.length ? found.length - shown.length : 0;
  const vi = shown.map((f) => f.vi).join('; ') + (more ? `; và ${more} thứ khác` : '');
  const en = shown.map((f) => f.en).join('; ') + (more ? `; and ${more} more` : '');
  return pdfRefusal(
    'ACTIVE_CONTENT_REFUSED',
    `Không nhận tệp PDF có nội dung chủ động: ${vi}. Để có bản sạch, hãy mở tệp và in ra PDF (chọn máy in “Microsoft Print to PDF” hoặc “Lưu dưới dạng PDF”), rồi dùng bản in đó.`,
    `PDFs with active content are not accepted: ${en}. To get a clean copy, open the file and print it to PDF (the “Microsoft Print to PDF” or “Save as PDF” printer), then use that copy.`,
  );
}

/**
 * Parses a PDF and refuses it (415, naming what was found) when it holds active content;
 * damaged or encrypted files are refused too (400, 415), an oversized one with 413.
 * For the paths that sign or seal a document, and for uploads. Returns the parse.
 */
export function assertNoActiveContent(pdf: Uint8Array, opts: ParsePdfOptions = {}): ParsedPdf {
  const parsed = parsePdf(pdf, opts);
  const found = findActiveContent(parsed);
  if (found.length) throw activeContentRefusal(found);
  return parsed;
}
