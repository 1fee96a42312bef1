import { isIsoDate } from '../calendar/dates.ts';
import { foldWithMap, originalOf, type FoldedText } from './fold-map.ts';
import { DOCUMENT_TYPES, emptyMetadata, normaliseIdentifier, type DocumentType, type Metadata } from './metadata-fields.ts';

/**
 * Suggested metadata from a page's OCR text: rules that read what a Vietnamese administrative
 * document puts in fixed places (Decree 30/2020 on the form of documents): the issuing agency
 * in capitals at the top left, beside the national motto; `Số: 123/2024/QĐ-UBND`; the place
 * and date line `Hà Nội, ngày 05 tháng 3 năm 2024`; the title in capitals (QUYẾT ĐỊNH, GIẤY
 * CHỨNG NHẬN …); identity numbers and tax codes after their labels; `Có giá trị đến ngày …`.
 *
 * The rules match on folded text (case and diacritics ignored), because OCR drops or confuses
 * diacritics and adds spaces, but take each value from the text as written. Pure: no I/O, never
 * throws, and a date it returns is a real day (YYYY-MM-DD). The officer confirms or corrects
 * every value; a rule that finds nothing leaves the field empty rather than guessing.
 */
export interface Suggestion {
  metadata: Metadata;
  /** For each field found, the text it was read from (shown beside the field on the form). */
  evidence: Record<string, string>;
}

/** OCR text beyond this is not read for suggestions (the first pages say what the document is). */
const MAX_CHARS = 200_000;
/** Lines read for the header: agency, number, title. */
const HEAD_LINES = 60;

export function suggestMetadata(text: unknown, hints: { documentType?: string | null; componentName?: string | null } = {}): Suggestion {
  const metadata = emptyMetadata();
  const evidence: Record<string, string> = {};
  const source = typeof text === 'string' ? text.slice(0, MAX_CHARS) : '';
  const lines = source
    .normalize('NFC')
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    // Runs of spaces become one: OCR pads columns, and no rule needs more than one.
    .map((l) => l.replace(/[\s\u00a0]+/gu, ' ').trim())
    .map((l) => ({ text: l, f: foldWithMap(l) }));

  const head = headerOf(lines.slice(0, HEAD_LINES));
  if (head.agency) {
    metadata.issuingAgency = head.agency;
    evidence.issuingAgency = head.agencyLines.join(' / ');
  }
  if (head.title) {
    metadata.documentName = head.title;
    evidence.documentName = head.title;
  }

  const num = numberOf(lines.slice(0, HEAD_LINES));
  if (num) {
    metadata.number = num.number;
    metadata.notation = num.notation;
    evidence.number = num.evidence;
    if (num.notation) evidence.notation = num.evidence;
  }

  const dates = datesOf(lines);
  const issue =
    dates.find((d) => d.role === 'place') ?? dates.find((d) => d.role === 'issued') ?? dates.find((d) => d.role === 'plain' && d.line < 30 && !d.legalBasis);
  if (issue) {
    metadata.issueDate = issue.iso;
    evidence.issueDate = issue.evidence;
  }
  const until = dates.find((d) => d.role === 'until');
  if (until) {
    metadata.validUntil = until.iso;
    evidence.validUntil = until.evidence;
  }
  const birth = dates.find((d) => d.role === 'birth');
  if (birth) {
    metadata.extra.dateOfBirth = birth.iso;
    evidence['extra.dateOfBirth'] = birth.evidence;
  }

  const ids = identifiersOf(lines);
  if (ids.subject) {
    metadata.subjectIdentifier = ids.subject.value;
    evidence.subjectIdentifier = ids.subject.evidence;
  }
  if (ids.enterprise) {
    metadata.extra.enterpriseCode = ids.enterprise.value;
    evidence['extra.enterpriseCode'] = ids.enterprise.evidence;
  }

  for (const l of lines) {
    if (!metadata.subjectName) {
      const v = labelled(l.f, SUBJECT_LABEL);
      if (v) {
        metadata.subjectName = v;
        evidence.subjectName = l.text;
      }
    }
    if (metadata.extra.address === undefined) {
      const v = labelled(l.f, ADDRESS_LABEL);
      if (v) {
        metadata.extra.address = v;
        evidence['extra.address'] = l.text;
      }
    }
  }

  if (!metadata.documentName && hints.componentName?.trim()) metadata.documentName = hints.componentName.trim().slice(0, 500);
  const hinted = hints.documentType && hints.documentType in DOCUMENT_TYPES ? (hints.documentType as DocumentType) : null;
  metadata.documentType = documentTypeOf(head.title ?? '') ?? hinted ?? documentTypeOf(hints.componentName ?? '');
  return { metadata, evidence };
}

type Line = { text: string; f: FoldedText };

const fold = (s: string) => foldWithMap(s).folded;

/** Document types by the words a title (or a component's name) starts with; the first that fits wins. */
const TYPE_BY_TITLE: [RegExp, DocumentType][] = [
  [/^(ban sao )?quyet dinh\b/, 'decision'],
  [/^(ban sao )?giay phep\b/, 'licence'],
  [/^(ban sao )?(giay chung nhan|chung nhan|chung chi|giay xac nhan)\b/, 'certificate'],
  [/^(ban sao )?(the )?(can cuoc|chung minh nhan dan|cmnd|cccd|ho chieu)\b/, 'identity_card'],
  [/^(don|to khai|van ban de nghi|giay de nghi|phieu de nghi)\b/, 'application'],
  [/^(ban sao )?hop dong\b/, 'contract'],
];

/** The document type a title or a component's name suggests, or null. */
export function documentTypeOf(name: string): DocumentType | null {
  const f = fold(name).replace(/\s+/g, ' ').trim();
  for (const [re, type] of TYPE_BY_TITLE) if (re.test(f)) return type;
  return null;
}

/** Titles of administrative documents, folded: a capitalised line starting with one of these is the document's name. */
const TITLE =
  /^(quyet dinh|giay chung nhan|chung nhan|giay phep|chung chi|giay xac nhan|thong bao|can cuoc cong dan|can cuoc|chung minh nhan dan|to khai|don de nghi|don dang ky|don xin|hop dong|bien ban|giay khai sinh|trich luc|van ban|bao cao|giay uy quyen|hoa don|giay de nghi|phieu)\b/;
const MOTTO = /cong ?hoa ?xa ?hoi ?chu ?nghia|doc ?lap ?[-–—]? ?tu ?do|tu ?do ?[-–—]? ?hanh ?phuc/;
const SEPARATOR = /^[\s\-_–—=*.~]+$/;
const NUMBER_LINE = /^so\b ?[:.]? ?\d/;
/** Words a subordinate issuing body's name starts with (the line under its parent's in the header). */
const AGENCY_WORD =
  /^(so|phong|cuc|chi cuc|vu|ban|trung tam|tong cuc|uy ban|ubnd|cong an|toa an|vien|van phong|thanh tra|hoi dong|bo|truong|benh vien|kho bac|chi nhanh|doi)\b/;
/** A continuation of the title never starts with the signing authority's title. */
const AUTHORITY = /^(chu tich|giam doc|bo truong|cuc truong|truong phong|truong ban|thu truong|pho )/;

function isCapitalised(s: string): boolean {
  let letters = 0;
  let upper = 0;
  for (const ch of s) {
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    if (ch !== ch.toLowerCase()) upper++;
  }
  return letters >= 3 && upper / letters >= 0.85;
}

/** The header: the issuing agency (the capitalised lines at the top, without the motto beside them) and the title. */
function headerOf(lines: Line[]): { agency: string | null; agencyLines: string[]; title: string | null } {
  const agencyLines: string[] = [];
  let agencyDone = false;
  let title: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const { text, f } = lines[i];
    const folded = f.folded;
    if (!text) {
      if (agencyLines.length) agencyDone = true;
      continue;
    }
    if (!title && isCapitalised(text) && TITLE.test(folded) && !MOTTO.test(folded)) {
      const parts = [text];
      for (let k = i + 1; k < lines.length && parts.length < 3; k++) {
        const next = lines[k];
        const nf = next.f.folded;
        if (
          !next.text ||
          next.text.includes(':') ||
          !isCapitalised(next.text) ||
          AUTHORITY.test(nf) ||
          NUMBER_LINE.test(nf) ||
          MOTTO.test(nf) ||
          SEPARATOR.test(next.text)
        )
          break;
        parts.push(next.text);
      }
      title = parts.join(' ').slice(0, 500);
      agencyDone = true;
      continue;
    }
    if (agencyDone) continue;
    // The left column: what comes before the motto on the same line (two-column headers).
    const m = MOTTO.exec(folded);
    let left = m ? (m.index > 0 ? originalOf(f, 0, m.index) : '') : text;
    left = left.replace(/[\s\-_–—=*.~]+$/u, '').trim();
    if (!left) {
      if (m) continue; // a motto line with nothing beside it
      agencyDone = agencyLines.length > 0;
      continue;
    }
    if (SEPARATOR.test(left) || NUMBER_LINE.test(fold(left))) {
      agencyDone = agencyLines.length > 0;
      continue;
    }
    if (isCapitalised(left) && !/,\s*ngay\b/.test(fold(left))) agencyLines.push(left);
    else if (agencyLines.length) agencyDone = true;
    if (agencyLines.length >= 4) agencyDone = true;
  }
  if (!agencyLines.length) return { agency: null, agencyLines, title };
  // "UBND TỈNH X / SỞ Y": the lower line names the issuing body, the upper its parent. "ỦY BAN
  // NHÂN DÂN / TỈNH X": one name wrapped over two lines.
  let from = 0;
  for (let k = agencyLines.length - 1; k > 0; k--) {
    if (AGENCY_WORD.test(fold(agencyLines[k]))) {
      from = k;
      break;
    }
  }
  const agency = agencyLines.slice(from).join(' ').slice(0, 300);
  return { agency, agencyLines, title };
}

/** `Số: 123/2024/QĐ-UBND` → number 123/2024, notation QĐ-UBND; `Số 45/GCN-SCT` → 45, GCN-SCT. */
function numberOf(lines: Line[]): { number: string; notation: string | null; evidence: string } | null {
  const RE =
    /(?:^|[^\p{L}\p{N}])so ?([:.]?) ?(\d{1,7}(?: ?\/ ?(?:19|20)\d{2})?)(?!\d)(?: ?\/ ?([\p{L}\p{N}]*\p{L}[\p{L}\p{N}]*(?: ?[-–] ?[\p{L}\p{N}]+){0,4}))?/gu;
  let weak: { number: string; notation: null; evidence: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const { f, text } = lines[i];
    for (const m of f.folded.matchAll(RE)) {
      const number = m[2].replace(/ /g, '');
      if (m[3]) {
        const start = m.index + m[0].length - m[3].length;
        const notation = originalOf(f, start, start + m[3].length)
          .replace(/ ?[-–] ?/g, '-')
          .toUpperCase();
        return { number, notation, evidence: text };
      }
      // Without a notation only `Số: 12` near the top is taken: `số 12 đường …` is an address.
      if (!weak && m[1] === ':' && i < 20) weak = { number, notation: null, evidence: text };
    }
  }
  return weak;
}

type DateRole = 'place' | 'issued' | 'until' | 'birth' | 'plain' | 'other';
interface FoundDate {
  iso: string;
  role: DateRole;
  line: number;
  legalBasis: boolean;
  evidence: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A real day, or null: OCR misreads digits, so 31 tháng 2 is dropped rather than moved. */
export function isoDay(d: number, m: number, y: number): string | null {
  if (!(y >= 1900 && y <= 2199)) return null;
  const s = `${y}-${pad(m)}-${pad(d)}`;
  return isIsoDate(s) ? s : null;
}

/** Every date in the text (`ngày 05 tháng 3 năm 2024`, `05/03/2024`), with what the words before it say it is. */
function datesOf(lines: Line[]): FoundDate[] {
  const out: FoundDate[] = [];
  const LONG = /(?<!\d)(\d{1,2}) ?thang ?(\d{1,2}) ?nam ?(\d{4})(?!\d)/g;
  const SHORT = /(?<!\d)(\d{1,2}) ?[/.-] ?(\d{1,2}) ?[/.-] ?(\d{4})(?!\d)/g;
  for (let i = 0; i < lines.length && out.length < 200; i++) {
    const { f, text } = lines[i];
    if (!/\d/.test(text)) continue;
    const legalBasis = /^can cu\b/.test(f.folded);
    const found: { at: number; iso: string | null }[] = [];
    for (const re of [LONG, SHORT]) for (const m of f.folded.matchAll(re)) found.push({ at: m.index, iso: isoDay(Number(m[1]), Number(m[2]), Number(m[3])) });
    found.sort((a, b) => a.at - b.at);
    for (const d of found) {
      if (!d.iso) continue;
      const before = f.folded.slice(Math.max(0, d.at - 60), d.at);
      out.push({ iso: d.iso, role: roleOf(before), line: i, legalBasis, evidence: text.slice(0, 300) });
    }
  }
  return out;
}

function roleOf(before: string): DateRole {
  if (/(gia ?tri|hieu ?luc|thoi ?han|han ?dung)[^,;]*(den|toi)( het)?( ngay)? ?[:,]? ?$/.test(before) || /het ?han( ngay)? ?[:,]? ?$/.test(before))
    return 'until';
  if (/sinh( ngay)? ?[:,]? ?$/.test(before)) return 'birth';
  if (/\p{L}+ ?, ?ngay ?$/u.test(before)) return 'place';
  if (/(ngay ?cap|ngay ?ban ?hanh|cap ?ngay|ngay ?ky|ban ?hanh ?ngay)( ngay)? ?[:,]? ?$/.test(before)) return 'issued';
  if (/ngay ?[:,]? ?$/.test(before)) return 'plain';
  return 'other';
}

/** Identity numbers and tax codes after their labels; else the first 12-digit number (a CCCD). */
function identifiersOf(lines: Line[]): { subject?: { value: string; evidence: string }; enterprise?: { value: string; evidence: string } } {
  const PERSON = /(can ?cuoc(?: cong dan)?|cccd|cmnd|chung minh nhan dan|(?:so )?dinh danh(?: ca nhan)?|ho chieu)(?: so)? ?[:.]? ?(\d[\d .]{7,18}\d)/g;
  const TAX = /(ma so thue|mst|ma so doanh nghiep|ma doanh nghiep)(?: so)? ?[:.]? ?(\d[\d .]{8,14}\d(?: ?- ?\d{3})?)/g;
  let subject: { value: string; evidence: string; at: number } | undefined;
  let enterprise: { value: string; evidence: string } | undefined;
  let bare: { value: string; evidence: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const { f, text } = lines[i];
    if (!/\d{3}/.test(text.replace(/[ .]/g, ''))) continue;
    for (const m of f.folded.matchAll(PERSON)) {
      const v = normaliseIdentifier(m[2]);
      if ((v.length === 12 || v.length === 9) && /^\d+$/.test(v) && !subject) subject = { value: v, evidence: text, at: i };
    }
    for (const m of f.folded.matchAll(TAX)) {
      const v = normaliseIdentifier(m[2]).replace(/ ?- ?/, '-');
      if (!/^(\d{10}|\d{13}|\d{10}-\d{3})$/.test(v)) continue;
      if (!enterprise && /doanh nghiep/.test(m[1])) enterprise = { value: v, evidence: text };
      if (!subject) subject = { value: v, evidence: text, at: i };
    }
    if (!bare) {
      const m = /(?<![\d.])(\d{12})(?![\d.])/.exec(f.folded);
      if (m) bare = { value: m[1], evidence: text };
    }
  }
  const chosen = subject ?? bare;
  return { ...(chosen ? { subject: { value: chosen.value, evidence: chosen.evidence } } : {}), ...(enterprise ? { enterprise } : {}) };
}

const SUBJECT_LABEL =
  /^(?:[-•*+] ?)?(ho,? chu dem va ten|ho va ten|ho ten|ten doanh nghiep(?: viet bang tieng viet)?|ten cong ty|ten to chuc|ten co so|cap cho|ong ?\( ?ba ?\)|ong ?\/ ?ba|chu ho)(?: nguoi de nghi)? ?: ?/;
const ADDRESS_LABEL = /^(?:[-•*+] ?)?(dia chi tru so chinh|dia chi tru so|dia chi|noi thuong tru|noi cu tru|dia diem) ?: ?/;
/** Where a value on a labelled line ends: the next label on the same line. */
const NEXT_LABEL = / (gioi tinh|ngay sinh|sinh ngay|quoc tich|dien thoai|so dien thoai|email|fax|ma so)\b/;

/** The value after a label at the start of a line, as written, up to the next label. */
function labelled(f: FoldedText, label: RegExp): string | null {
  const m = label.exec(f.folded);
  if (!m) return null;
  const from = m[0].length;
  const rest = f.folded.slice(from);
  const stop = NEXT_LABEL.exec(rest);
  const to = from + (stop ? stop.index : rest.length);
  const value = originalOf(f, from, to)
    .replace(/[\s,;:.\-–]+$/u, '')
    .trim();
  return value.length >= 2 ? value.slice(0, 300) : null;
}
