import { foldVietnamese } from '../../platform/i18n/index.ts';

/**
 * Document series of an agency's outgoing documents, as data (Decree 30/2020/NĐ-CP, art. 7 and
 * Appendix III): the abbreviation of each administrative document type, the register its numbers
 * come from, the EDXML DocumentType sent with it, and the notation rule of Appendix I.
 *
 * Notation: a named type is "{number}/{type}-{agency}" ("05/QĐ-BCT"); a công văn has no type
 * abbreviation and names the agency then the drafting unit ("05/BCT-XNK").
 *
 * EDXML DocumentType: QCVN 102 leaves the code list to the systems; the fixtures send a công văn
 * as Type 1, TypeDetail 0. Ours: Type 1 (administrative) and TypeDetail the type's place in
 * art. 7's list, công văn 0 as the fixtures have it.
 */
export interface DocumentSeries {
  code: string;
  vi: string;
  en: string;
  /** The counter of `takeNumber`: one running number per series and year. */
  register: string;
  edxml: { type: number; typeDetail: number; typeName: string };
  notation: 'type-agency' | 'agency-unit';
}

const named = (code: string, vi: string, en: string, typeDetail: number): DocumentSeries => ({
  code,
  vi,
  en,
  register: `outgoing:${code}`,
  edxml: { type: 1, typeDetail, typeName: vi },
  notation: 'type-agency',
});

export const DOCUMENT_SERIES: readonly DocumentSeries[] = [
  named('QĐ', 'Quyết định', 'Decision', 2),
  {
    code: 'CV',
    vi: 'Công văn',
    en: 'Official letter',
    register: 'outgoing:CV',
    edxml: { type: 1, typeDetail: 0, typeName: 'Công văn' },
    notation: 'agency-unit',
  },
  named('CT', 'Chỉ thị', 'Directive', 3),
  named('TB', 'Thông báo', 'Notice', 7),
  named('HD', 'Hướng dẫn', 'Guidance', 8),
  named('KH', 'Kế hoạch', 'Plan', 10),
  named('BC', 'Báo cáo', 'Report', 14),
  named('TTr', 'Tờ trình', 'Submission', 16),
  named('GM', 'Giấy mời', 'Invitation', 22),
];

export function seriesOf(code: string): DocumentSeries | undefined {
  return DOCUMENT_SERIES.find((s) => s.code === code);
}

/**
 * Abbreviations of the agency and its units as their own regulations fix them; a unit not listed
 * gets the initials of its name without the word naming its kind ("Cục Hóa chất" → "HC").
 */
export const UNIT_ABBREVIATIONS: Readonly<Record<string, string>> = {
  '000.00.00.G12': 'BCT',
  '000.01.00.G12': 'VP',
  '000.05.00.G12': 'XNK',
  '000.06.00.G12': 'TTTN',
  '000.07.00.G12': 'HC',
  '000.09.00.G12': 'ĐL',
  '000.10.00.G12': 'ATMT',
  '000.11.00.G12': 'XTTM',
};

const KIND_WORDS = /^(cục|vụ|phòng|ban|viện|trung tâm|tổng cục|sở|bộ phận)\s+/i;

export function abbreviation(unit: { id: string; name: string }): string {
  const known = UNIT_ABBREVIATIONS[unit.id];
  if (known) return known;
  const words = unit.name
    .replace(KIND_WORDS, '')
    .split(/[\s–-]+/)
    .filter(Boolean);
  // Đ keeps its own letter, as the agencies write it ("ĐL"); other initials lose their diacritics.
  return words
    .map((w) => (w[0] === 'Đ' || w[0] === 'đ' ? 'Đ' : foldVietnamese(w[0]).toUpperCase()))
    .join('')
    .slice(0, 8);
}

/** "QĐ-BCT" or, for a công văn, "BCT-XNK": what follows the number. */
export function notationOf(series: DocumentSeries, agencyAbbr: string, unitAbbr: string): string {
  return series.notation === 'type-agency' ? `${series.code}-${agencyAbbr}` : `${agencyAbbr}-${unitAbbr}`;
}
