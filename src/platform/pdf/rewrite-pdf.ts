import type { ParsedPdf } from './parse-pdf.ts';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, damagedPdf, type PdfValue } from './pdf-objects.ts';

/**
 * Writes a parsed PDF out again in the plainest form: the objects a reader following the
 * cross-reference chain uses, each as a top-level `N G obj` (the members of object streams
 * taken out of them, object and cross-reference streams dropped), a classic cross-reference
 * table and a trailer with /Root, /Info and /ID. Stream data is copied as it was (still
 * encoded). pdf-lib cannot decode object streams compressed with predictors; it reads this.
 */
export function rewritePdf(pdf: ParsedPdf): Buffer {
  const root = pdf.trailer.get('Root');
  if (!(root instanceof PdfRef) || !(pdf.resolve(root) instanceof PdfDict))
    throw damagedPdf('không có danh mục gốc (/Root)', 'there is no document catalog (/Root)');
  const parts: Buffer[] = [Buffer.from(`%PDF-${pdf.version}\n%\xe2\xe3\xcf\xd3\n`, 'latin1')];
  let at = parts[0].length;
  const offsets = new Map<number, { at: number; gen: number }>();
  for (const [num, o] of [...pdf.live].sort((a, b) => a[0] - b[0])) {
    if (o.value instanceof PdfStream && (isType(pdf, o.value.dict, 'ObjStm') || isType(pdf, o.value.dict, 'XRef'))) continue;
    if (num <= 0) continue;
    const body = o.value instanceof PdfStream ? streamBytes(o.value) : Buffer.from(serialize(o.value), 'latin1');
    const b = Buffer.concat([Buffer.from(`${num} ${o.gen} obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    offsets.set(num, { at, gen: o.gen });
    parts.push(b);
    at += b.length;
  }
  let size = 1;
  for (const n of offsets.keys()) size = Math.max(size, n + 1);
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) {
    const e = offsets.get(n);
    xref += e ? `${String(e.at).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n \n` : '0000000000 00000 f \n';
  }
  const info = pdf.trailer.get('Info');
  const id = pdf.trailer.get('ID');
  const trailer = `trailer\n<< /Size ${size} /Root ${serialize(root)}${info instanceof PdfRef && offsets.has(info.num) ? ` /Info ${serialize(info)}` : ''}${Array.isArray(id) ? ` /ID ${serialize(id)}` : ''} >>\nstartxref\n${at}\n%%EOF\n`;
  parts.push(Buffer.from(xref + trailer, 'latin1'));
  return Buffer.concat(parts);
}

function isType(pdf: ParsedPdf, d: PdfDict, type: string): boolean {
  const t = pdf.resolve(d.get('Type'));
  return t instanceof PdfName && t.name === type;
}

function streamBytes(s: PdfStream): Buffer {
  const dict = new PdfDict();
  for (const [k, v] of s.dict.entries) if (k !== 'Length') dict.entries.push([k, v]);
  dict.entries.push(['Length', s.data.length]);
  return Buffer.concat([Buffer.from(`${serialize(dict)}\nstream\n`, 'latin1'), s.data, Buffer.from('\nendstream', 'latin1')]);
}

const NAME_PLAIN = /^[!-~]$/;
const NAME_ESCAPE = new Set([...'()<>[]{}/%#']);

function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    // PDF numbers have no exponent; magnitudes beyond what readers hold are nonsense anyway.
    if (!Number.isFinite(v) || Math.abs(v) >= 1e15) return '0';
    return Number.isInteger(v) ? String(v) : v.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  }
  if (v instanceof PdfName)
    return `/${[...v.name].map((c) => (NAME_PLAIN.test(c) && !NAME_ESCAPE.has(c) ? c : `#${c.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('')}`;
  if (v instanceof PdfString) return `<${v.bytes.toString('hex')}>`;
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (Array.isArray(v)) return `[${v.map(serialize).join(' ')}]`;
  if (v instanceof PdfDict) {
    // The last of duplicated keys wins, as in the readers this is written for.
    const keys = new Map(v.entries);
    return `<<${[...keys].map(([k, x]) => `${serialize(new PdfName(k))} ${serialize(x)}`).join(' ')}>>`;
  }
  throw damagedPdf('một luồng dữ liệu nằm trong một đối tượng khác', 'a stream is nested in another object');
}
