import type { Bilingual } from '../../platform/errors.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import { isIsoDate } from '../calendar/dates.ts';
import { COMMON_FIELDS, DOCUMENT_TYPE_KEYS, DOCUMENT_TYPES, metadataSchema, fieldsFor, normaliseIdentifier, type DocumentType } from './metadata-fields.ts';

/**
 * The metadata CSV of a batch of old results (issue 13, item 5). UTF-8, with or without a BOM;
 * comma- or semicolon-separated (Excel in a Vietnamese locale writes semicolons), RFC 4180 quotes.
 * The first row names the columns, in Vietnamese or English (or both, "Tệp / File"), in any
 * order, case and diacritics ignored:
 *
 * | column            | Vietnamese headers                              | English headers                  | required |
 * |-------------------|-------------------------------------------------|----------------------------------|----------|
 * | file              | tệp, tên tệp                                    | file, file name                  | yes      |
 * | holderIdentifier  | số định danh, cccd, mst, mã số thuế, cccd/mst   | holder identifier, identifier    | yes      |
 * | holderName        | người được cấp, tên người được cấp, họ tên      | holder name, holder              | no       |
 * | documentName      | tên giấy tờ                                     | document name                    | yes      |
 * | documentType      | loại giấy tờ                                    | document type                    | no       |
 * | number            | số                                              | number                           | no       |
 * | notation          | ký hiệu                                         | notation                         | no       |
 * | issuingAgency     | cơ quan ban hành, cơ quan cấp                   | issuing agency                   | no       |
 * | issueDate         | ngày ban hành, ngày cấp                         | issue date                       | yes      |
 * | validUntil        | có giá trị đến, hiệu lực đến                    | valid until                      | no       |
 *
 * `file` names a scan of the batch (its path in the ZIP, or just its name). The holder's
 * identifier is a CCCD (12 digits, beginning with a province code) or a tax code (10 or 13
 * digits, or 10-3). Dates are dd/mm/yyyy or yyyy-mm-dd; an empty `validUntil` means no limit.
 * `documentType` is a key (decision, certificate, licence, …) or its Vietnamese name.
 */
export const LEGACY_COLUMNS = [
  'file',
  'holderIdentifier',
  'holderName',
  'documentName',
  'documentType',
  'number',
  'notation',
  'issuingAgency',
  'issueDate',
  'validUntil',
] as const;
export type LegacyColumn = (typeof LEGACY_COLUMNS)[number];

const HEADERS: Record<LegacyColumn, string[]> = {
  file: ['tep', 'ten tep', 'tep quet', 'file', 'file name', 'filename'],
  holderIdentifier: ['so dinh danh', 'so dinh danh nguoi duoc cap', 'cccd', 'mst', 'ma so thue', 'cccd mst', 'holder identifier', 'identifier', 'holder id'],
  holderName: ['nguoi duoc cap', 'ten nguoi duoc cap', 'ho ten', 'ho va ten', 'holder name', 'holder'],
  documentName: ['ten giay to', 'ten van ban', 'document name'],
  documentType: ['loai giay to', 'loai van ban', 'document type'],
  number: ['so', 'so van ban', 'number'],
  notation: ['ky hieu', 'notation'],
  issuingAgency: ['co quan ban hanh', 'co quan cap', 'issuing agency', 'issuer'],
  issueDate: ['ngay ban hanh', 'ngay cap', 'issue date', 'date of issue'],
  validUntil: ['co gia tri den', 'hieu luc den', 'co gia tri den ngay', 'valid until'],
};
const REQUIRED: readonly LegacyColumn[] = ['file', 'holderIdentifier', 'documentName', 'issueDate'];

/** Column labels in messages, as the officer reads them. */
const LABELS: Record<LegacyColumn, Bilingual> = {
  file: { vi: 'Tệp', en: 'File' },
  holderIdentifier: { vi: 'Số định danh người được cấp', en: 'Holder identifier' },
  holderName: { vi: 'Người được cấp', en: 'Holder name' },
  documentName: COMMON_FIELDS[0].label,
  documentType: COMMON_FIELDS[1].label,
  number: COMMON_FIELDS[2].label,
  notation: COMMON_FIELDS[3].label,
  issuingAgency: COMMON_FIELDS[4].label,
  issueDate: COMMON_FIELDS[5].label,
  validUntil: COMMON_FIELDS[6].label,
};

export const LEGACY_CSV_LIMITS = { maxRows: 500, maxBytes: 2 * 1024 * 1024, maxCellChars: 2000 } as const;

export interface CsvProblem extends Bilingual {
  field: LegacyColumn | 'row';
}

/** One row as the import keeps it: the values, normalised, and what is wrong with them. */
export interface LegacyRow {
  /** Line of the file where the row starts (the header is line 1). */
  line: number;
  file: string;
  holderIdentifier: string;
  holderName: string | null;
  metadata: {
    documentName: string | null;
    documentType: DocumentType | null;
    number: string | null;
    notation: string | null;
    issuingAgency: string | null;
    issueDate: string | null;
    validUntil: string | null;
  };
  /** Every field a confirmation needs is there and right: the importer's metadata is confirmed as it is. */
  complete: boolean;
  problems: CsvProblem[];
}

export class CsvFormatError extends Error {
  constructor(readonly text: Bilingual) {
    super(text.en);
  }
}

const fold = (s: string) =>
  foldVietnamese(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** RFC 4180 records with the line each starts on; quotes may hold separators and line breaks. */
export function parseCsvRecords(text: string): { line: number; cells: string[] }[] {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0].trim() !== '') records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  while (i < body.length) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === sep) {
      cells.push(cell);
      cell = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      i++;
      continue;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      line++;
      start = line;
    } else cell += c;
    i++;
  }
  if (quoted) throw new CsvFormatError({ vi: `Dấu ngoặc kép mở ở dòng ${start} không được đóng`, en: `A quote opened on line ${start} is never closed` });
  if (cell !== '' || cells.length) endRecord();
  return records;
}

/** Which column each header cell names; unknown headers are an error (a typo would silently drop a field). */
function mapHeader(cells: string[]): Map<LegacyColumn, number> {
  const found = new Map<LegacyColumn, number>();
  cells.forEach((raw, idx) => {
    if (!raw.trim()) return;
    const parts = [raw, ...raw.split(/[/|()]/)].map(fold).filter(Boolean);
    const col = LEGACY_COLUMNS.find((c) => parts.some((p) => HEADERS[c].includes(p)));
    if (!col)
      throw new CsvFormatError({
        vi: `Tiêu đề cột “${raw.trim().slice(0, 60)}” không phải cột nào đã biết (xem định dạng tệp CSV)`,
        en: `The column header “${raw.trim().slice(0, 60)}” is not a known column (see the CSV format)`,
      });
    if (found.has(col)) throw new CsvFormatError({ vi: `Cột ${LABELS[col].vi} có hai lần`, en: `The column ${LABELS[col].en} appears twice` });
    found.set(col, idx);
  });
  const missing = REQUIRED.filter((c) => !found.has(c));
  if (missing.length)
    throw new CsvFormatError({
      vi: `Tệp CSV thiếu cột bắt buộc: ${missing.map((c) => LABELS[c].vi).join(', ')}`,
      en: `The CSV lacks required columns: ${missing.map((c) => LABELS[c].en).join(', ')}`,
    });
  return found;
}

/** dd/mm/yyyy (or d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd, as YYYY-MM-DD if it is a real date. */
export function parseDate(raw: string): string | null {
  const s = raw.trim();
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  const iso = ymd ? `${ymd[1]}-${ymd[2]}-${ymd[3]}` : dmy ? `${dmy[3]}-${dmy[2].padStart(2, '0')}-${dmy[1].padStart(2, '0')}` : null;
  return iso && isIsoDate(iso) ? iso : null;
}

/**
 * The province codes a CCCD number begins with (Circular 59/2021/TT-BCA, appendix): a 12-digit
 * number that begins otherwise names no one.
 */
const PROVINCE_CODES = new Set(
  (
    '001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 040 042 044 045 046 048 049 ' +
    '051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096'
  ).split(' '),
);

/**
 * The holder's identifier normalised, or why it names no holder: a CCCD (12 digits, a province
 * code first) or a tax code (10 digits, or 13 = 10 + a branch's 3, written 10-3 or run together).
 */
export function checkHolderIdentifier(raw: string): { identifier: string } | { problem: Bilingual } {
  const v = normaliseIdentifier(raw);
  if (/^\d{12}$/.test(v)) {
    if (PROVINCE_CODES.has(v.slice(0, 3))) return { identifier: v };
    return {
      problem: {
        vi: `Không có người được cấp với số định danh ${v}: số CCCD phải bắt đầu bằng mã tỉnh (001–096)`,
        en: `Unknown holder ${v}: a citizen ID number begins with a province code (001–096)`,
      },
    };
  }
  if (/^\d{10}$/.test(v) || /^\d{13}$/.test(v)) return { identifier: v };
  if (/^\d{10}-\d{3}$/.test(v)) return { identifier: v.replace('-', '') };
  return {
    problem: {
      vi: `Không xác định được người được cấp: “${raw.trim().slice(0, 30)}” không phải số CCCD (12 số) hay mã số thuế (10 hoặc 13 số)`,
      en: `Unknown holder: “${raw.trim().slice(0, 30)}” is neither a citizen ID number (12 digits) nor a tax code (10 or 13 digits)`,
    },
  };
}

/** A document type by its key or its Vietnamese or English name. */
function parseDocumentType(raw: string): DocumentType | null | undefined {
  const f = fold(raw);
  if (!f) return null;
  return DOCUMENT_TYPE_KEYS.find((k) => fold(k.replace(/_/g, ' ')) === f || fold(DOCUMENT_TYPES[k].label.vi) === f || fold(DOCUMENT_TYPES[k].label.en) === f);
}

/**
 * Reads the CSV into rows, each checked on its own: a bad row says what is wrong, by field, in
 * both languages, and the others are kept. `today` (YYYY-MM-DD) bounds the date of issue.
 * Throws CsvFormatError when the file itself cannot be read (no header, unknown or missing columns).
 */
export function readLegacyCsv(text: string, today: string): LegacyRow[] {
  const records = parseCsvRecords(text);
  if (!records.length) throw new CsvFormatError({ vi: 'Tệp CSV trống', en: 'The CSV is empty' });
  const header = mapHeader(records[0].cells);
  const rows = records.slice(1);
  if (rows.length > LEGACY_CSV_LIMITS.maxRows)
    throw new CsvFormatError({
      vi: `Tối đa ${LEGACY_CSV_LIMITS.maxRows} dòng mỗi lô (có ${rows.length}): chia thành nhiều lô`,
      en: `At most ${LEGACY_CSV_LIMITS.maxRows} rows per batch (got ${rows.length}): split it into several batches`,
    });
  return rows.map((r) => {
    const get = (c: LegacyColumn) => {
      const i = header.get(c);
      return i === undefined ? '' : (r.cells[i] ?? '').trim().slice(0, LEGACY_CSV_LIMITS.maxCellChars);
    };
    return checkLegacyRow(r.line, Object.fromEntries(LEGACY_COLUMNS.map((c) => [c, get(c)])) as Record<LegacyColumn, string>, today);
  });
}

/** One row's values checked (a CSV row, or the fields of a single file's form). */
export function checkLegacyRow(line: number, v: Record<LegacyColumn, string>, today: string): LegacyRow {
  const problems: CsvProblem[] = [];
  const need = (c: LegacyColumn) => {
    if (!v[c]) problems.push({ field: c, vi: `${LABELS[c].vi}: bắt buộc phải có`, en: `${LABELS[c].en}: required` });
  };
  REQUIRED.forEach(need);
  let identifier = '';
  if (v.holderIdentifier) {
    const h = checkHolderIdentifier(v.holderIdentifier);
    if ('problem' in h) problems.push({ field: 'holderIdentifier', ...h.problem });
    else identifier = h.identifier;
  }
  const date = (c: 'issueDate' | 'validUntil') => {
    if (!v[c]) return null;
    const d = parseDate(v[c]);
    if (!d)
      problems.push({
        field: c,
        vi: `${LABELS[c].vi}: “${v[c].slice(0, 30)}” không phải ngày có thật (dd/mm/yyyy hoặc yyyy-mm-dd)`,
        en: `${LABELS[c].en}: “${v[c].slice(0, 30)}” is not a real date (dd/mm/yyyy or yyyy-mm-dd)`,
      });
    return d;
  };
  const issueDate = date('issueDate');
  const validUntil = date('validUntil');
  if (issueDate && issueDate > today)
    problems.push({ field: 'issueDate', vi: `${LABELS.issueDate.vi}: không được sau hôm nay`, en: `${LABELS.issueDate.en}: cannot be after today` });
  if (issueDate && validUntil && validUntil < issueDate)
    problems.push({
      field: 'validUntil',
      vi: `${LABELS.validUntil.vi}: không được trước ngày ban hành`,
      en: `${LABELS.validUntil.en}: cannot be before the date of issue`,
    });
  const documentType = parseDocumentType(v.documentType);
  if (documentType === undefined)
    problems.push({
      field: 'documentType',
      vi: `${LABELS.documentType.vi}: chọn một trong ${DOCUMENT_TYPE_KEYS.map((k) => DOCUMENT_TYPES[k].label.vi).join(', ')}`,
      en: `${LABELS.documentType.en}: choose one of ${DOCUMENT_TYPE_KEYS.join(', ')}`,
    });
  for (const c of ['issuingAgency', 'holderName'] as const)
    if (v[c].length > 300) problems.push({ field: c, vi: `${LABELS[c].vi}: không quá 300 ký tự`, en: `${LABELS[c].en}: at most 300 characters` });
  const metadata = {
    documentName: v.documentName || null,
    documentType: documentType ?? null,
    number: v.number || null,
    notation: v.notation || null,
    issuingAgency: v.issuingAgency || null,
    issueDate,
    validUntil,
  };
  // What the officer's own confirmation would ask for (confirm-metadata.ts): then the CSV is that confirmation.
  const complete =
    !problems.length &&
    metadataSchema(fieldsFor({ documentType: metadata.documentType }), today).safeParse({
      ...metadata,
      subjectName: v.holderName || null,
      subjectIdentifier: identifier,
    }).success;
  return { line, file: v.file, holderIdentifier: identifier, holderName: v.holderName || null, metadata, complete, problems };
}
