import { AppError, type ErrorCode } from '../errors.ts';

/**
 * The PDF object model the parser produces (ISO 32000 §7.3): null, booleans and numbers are
 * JavaScript values, arrays are arrays, the rest are the classes below. Names are decoded
 * (#xx escapes applied) and held as latin1 strings, one character per byte.
 */
export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfString {
  constructor(readonly bytes: Buffer) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}

/** A dictionary keeps every entry in order, duplicates included: readers disagree on which one wins. */
export class PdfDict {
  readonly entries: [string, PdfValue][] = [];
  /** The last value of a key (what pdf.js and pdf-lib use). */
  get(key: string): PdfValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i][0] === key) return this.entries[i][1];
    return undefined;
  }
  all(key: string): PdfValue[] {
    return this.entries.filter((e) => e[0] === key).map((e) => e[1]);
  }
}

/** A stream: its dictionary and its still-encoded data. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly data: Buffer,
  ) {}
}

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfValue[];

/**
 * Thrown inside the parser for bytes that are not valid PDF; the parser turns it into a 400
 * where the damage matters, and ignores it where a reader would not look (inside a stream).
 */
export class PdfMalformed extends Error {
  constructor(
    readonly vi: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'PdfMalformed';
  }
}

export function pdfRefusal(code: ErrorCode, vi: string, en: string): AppError {
  return new AppError(code, { vi, en }, [{ path: 'file', message: vi, messageEn: en }]);
}

export const damagedPdf = (vi: string, en: string) =>
  pdfRefusal('VALIDATION_FAILED', `Tệp PDF bị hỏng hoặc không đầy đủ: ${vi}`, `The PDF file is damaged or incomplete: ${en}`);
