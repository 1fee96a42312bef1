import { createHash, randomBytes } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef, type PDFObject } from 'pdf-lib';
import { buildCadesDetached } from './cms.ts';
import type { Signer } from './signer.ts';
import { parseCertificate } from './test-ca.ts';
import { OID } from './crypto.ts';
import { drawAppearance, type SignatureAppearance } from './appearance.ts';
import { AppError } from '../errors.ts';
import { assertNoActiveContent } from '../pdf/find-active-content.ts';

/**
 * PAdES baseline B signing (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached), always as an
 * incremental update: the bytes of the document as given are kept untouched and a new
 * revision is appended (signature dictionary, signature field merged with its widget
 * annotation, the widget's appearance, the page and the AcroForm rewritten with the new
 * field, a classic cross-reference section and trailer pointing back with /Prev). Signing
 * an already signed PDF therefore adds a signature and leaves the earlier ones valid.
 *
 * pdf-lib is used only to read the document's structure (it cannot write incremental
 * updates); @signpdf's placeholders were not used for the same reason.
 */

export interface SignPdfOptions {
  reason?: string;
  location?: string;
  /** Signer's name for the signature dictionary; the certificate's CN by default. */
  name?: string;
  contactInfo?: string;
  /** The signature field's name (/T); "Signature<n>" by default, unique in the document. */
  fieldName?: string;
  /** A visible signature: 0-based page index and rectangle [x1, y1, x2, y2] in points. */
  visible?: { page: number; rect: [number, number, number, number] };
  /**
   * What a visible signature shows (appearance.ts): the signer's name, signing time and
   * organisation, or the organisation's red seal, in an embedded Vietnamese font. Without it,
   * a plain text box (Helvetica, no diacritics). Ignored for an invisible signature.
   */
  appearance?: SignatureAppearance;
  /** Claimed signing time, written to /M (PAdES: not in the CMS). Now by default. */
  signingTime?: Date;
  /**
   * Bytes reserved for the CMS; enough for the chain plus 4 KiB by default, and 16 KiB more
   * when a timestamp is requested (the token carries the TSA's certificates).
   */
  reserve?: number;
  /**
   * PAdES baseline B-T: gets an RFC 3161 TimeStampToken (DER) over the CMS signature value,
   * e.g. `rfc3161Client(url)` from timestamp.ts. No timestamp by default (baseline B).
   */
  timestamp?: (signatureValue: Uint8Array) => Promise<Uint8Array /* TimeStampToken DER */>;
}

/** Extra /Contents space for a signature time-stamp token and the TSA certificates in it. */
const TIMESTAMP_RESERVE = 16 * 1024;

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** A PDF text string: UTF-16BE with byte order mark, as a hex string. */
export function pdfText(s: string): string {
  const utf16 = Buffer.from(s.normalize('NFC'), 'utf16le').swap16();
  return `<FEFF${utf16.toString('hex').toUpperCase()}>`;
}

function pdfDate(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `(D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+00'00')`;
}

function lastStartXref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 2048))).toString('latin1');
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail) ?? [...tail.matchAll(/startxref\s+(\d+)/g)].at(-1);
  if (!m) throw new Error('PDF: no startxref');
  return Number(m[1]);
}

function lastTrailerSize(pdf: Uint8Array, xrefOffset: number): number {
  // /Size of the last trailer (classic) or cross-reference stream dictionary.
  const text = Buffer.from(pdf.subarray(xrefOffset, Math.min(pdf.length, xrefOffset + 64 * 1024))).toString('latin1');
  const m = /\/Size\s+(\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/** ASCII stand-in for the standard-14 font of the visible appearance (no embedded font yet). */
function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/([\\()])/g, '\\$1');
}

function commonName(certDer: Uint8Array): string {
  const cn = parseCertificate(certDer).subject.typesAndValues.find((t) => t.type === OID.commonName);
  return cn ? String(cn.value.valueBlock.value) : '';
}

function collectFieldNames(acroForm: PDFDict | undefined): Set<string> {
  const names = new Set<string>();
  if (!acroForm) return names;
  const fields = acroForm.lookupMaybe(PDFName.of('Fields'), PDFArray);
  const visit = (arr: PDFArray | undefined, prefix: string, depth: number) => {
    if (!arr || depth > 32) return;
    for (let i = 0; i < arr.size(); i++) {
      const f = arr.lookupMaybe(i, PDFDict);
      if (!f) continue;
      const t = f.lookup(PDFName.of('T'));
      const name = t && 'decodeText' in t ? (t as unknown as { decodeText(): string }).decodeText() : '';
      const full = prefix && name ? `${prefix}.${name}` : name || prefix;
      if (full) names.add(full);
      visit(f.lookupMaybe(PDFName.of('Kids'), PDFArray), full, depth + 1);
    }
  };
  visit(fields, '', 0);
  return names;
}

const unsignable = (vi: string, en: string) =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: `Không ký được tệp PDF này: ${vi}`, en: `This PDF cannot be signed: ${en}` });

export async function signPdf(pdf: Uint8Array, signer: Signer, options: SignPdfOptions = {}): Promise<Uint8Array> {
  // A signature or seal vouches for everything in the file: one with a script or an action is refused (4xx), never sealed.
  assertNoActiveContent(pdf);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch {
    throw unsignable('pdf-lib không đọc được cấu trúc của tệp; hãy in tệp ra PDF rồi thử lại', 'its structure cannot be read; print it to PDF and try again');
  }
  if (doc.isEncrypted) throw new Error('PDF: encrypted documents are not supported');
  const context = doc.context;
  const rootRef = context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef)) throw unsignable('không có danh mục gốc (/Root)', 'its trailer has no /Root reference');
  const catalog = context.lookup(rootRef, PDFDict);

  const chain = await signer.certificateChain();
  const signerName = options.name ?? commonName(chain[0]!);
  const time = options.signingTime ?? new Date();
  const reserve = options.reserve ?? chain.reduce((n, c) => n + c.length, 0) + 4096 + (options.timestamp ? TIMESTAMP_RESERVE : 0);

  const prevXref = lastStartXref(pdf);
  let next = Math.max(context.largestObjectNumber + 1, lastTrailerSize(pdf, prevXref));
  const sigNum = next++;
  const widgetNum = next++;
  const apNum = next++;

  // Objects written in this revision: number → [generation, body].
  const objects = new Map<number, { gen: number; body: Buffer }>();
  const put = (num: number, gen: number, body: string | Buffer) => objects.set(num, { gen, body: typeof body === 'string' ? latin1(body) : body });
  const rewrite = (ref: PDFRef, obj: PDFObject) => put(ref.objectNumber, ref.generationNumber, obj.toString());

  // The page carrying the widget (page 1 for an invisible signature).
  const pages = doc.getPages();
  const pageIndex = options.visible?.page ?? 0;
  const page = pages[pageIndex];
  if (!page) throw new Error(`PDF: no page ${pageIndex + 1}`);
  const widgetRef = PDFRef.of(widgetNum);
  const annots = page.node.get(PDFName.of('Annots'));
  if (annots instanceof PDFRef) {
    const arr = context.lookup(annots, PDFArray);
    arr.push(widgetRef);
    rewrite(annots, arr);
  } else {
    if (annots instanceof PDFArray) annots.push(widgetRef);
    else page.node.set(PDFName.of('Annots'), context.obj([widgetRef]));
    rewrite(page.ref, page.node);
  }

  // The AcroForm: add the field, SigFlags 3 (signatures exist, append only).
  const acroRaw = catalog.get(PDFName.of('AcroForm'));
  let acroForm: PDFDict;
  if (acroRaw instanceof PDFRef) acroForm = context.lookup(acroRaw, PDFDict);
  else if (acroRaw instanceof PDFDict) acroForm = acroRaw;
  else acroForm = context.obj({ Fields: [] }) as PDFDict;
  const fieldName =
    options.fieldName ??
    (() => {
      const taken = collectFieldNames(acroForm);
      let i = 1;
      while (taken.has(`Signature${i}`)) i++;
      return `Signature${i}`;
    })();
  if (collectFieldNames(acroForm).has(fieldName)) throw unsignable(`tệp đã có trường mang tên “${fieldName}”`, `it already has a field named "${fieldName}"`);
  const fieldsRaw = acroForm.get(PDFName.of('Fields'));
  if (fieldsRaw instanceof PDFRef) {
    const arr = context.lookup(fieldsRaw, PDFArray);
    arr.push(widgetRef);
    rewrite(fieldsRaw, arr);
  } else if (fieldsRaw instanceof PDFArray) {
    fieldsRaw.push(widgetRef);
  } else {
    acroForm.set(PDFName.of('Fields'), context.obj([widgetRef]));
  }
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  if (acroRaw instanceof PDFRef) {
    rewrite(acroRaw, acroForm);
  } else {
    catalog.set(PDFName.of('AcroForm'), acroForm);
    rewrite(rootRef, catalog);
  }

  // The appearance (an empty one for an invisible signature).
  const rect = options.visible?.rect ?? [0, 0, 0, 0];
  const w = Math.abs(rect[2] - rect[0]);
  const h = Math.abs(rect[3] - rect[1]);
  let stream = '';
  let resources = `<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >>`;
  if (options.visible && options.appearance) {
    // The fonts pdf-lib embeds get numbers after the ones taken here; they are written out below.
    const firstNew = next;
    context.largestObjectNumber = next - 1;
    const drawn = await drawAppearance(doc, options.appearance, { width: w, height: h }, time);
    stream = drawn.content;
    resources = drawn.resources;
    for (const [ref, obj] of context.enumerateIndirectObjects()) {
      if (ref.objectNumber < firstNew) continue;
      const bytes = new Uint8Array(obj.sizeInBytes());
      obj.copyBytesInto(bytes, 0);
      put(ref.objectNumber, ref.generationNumber, Buffer.from(bytes));
    }
    next = context.largestObjectNumber + 1;
  } else if (options.visible) {
    const lines = [`Signed by: ${ascii(signerName)}`, `Date: ${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`];
    if (options.reason) lines.push(`Reason: ${ascii(options.reason)}`);
    const size = Math.max(5, Math.min(10, (h - 6) / (lines.length * 1.25)));
    stream =
      `q 0.1 0.3 0.6 RG 1 w 0.5 0.5 ${(w - 1).toFixed(2)} ${(h - 1).toFixed(2)} re S Q\n` +
      `BT 0.1 0.3 0.6 rg /F1 ${size.toFixed(2)} Tf ${(size * 1.25).toFixed(2)} TL 4 ${(h - 4 - size).toFixed(2)} Td\n` +
      lines.map((l) => `(${l}) Tj T*`).join('\n') +
      `\nET\n`;
  }
  put(
    apNum,
    0,
    `<<\n/Type /XObject\n/Subtype /Form\n/BBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}]\n` +
      `/Resources ${resources}\n` +
      `/Length ${stream.length}\n>>\nstream\n${stream}\nendstream`,
  );

  // The signature field merged with its widget annotation.
  put(
    widgetNum,
    0,
    `<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T ${pdfText(fieldName)}\n/V ${sigNum} 0 R\n/F 132\n` +
      `/P ${page.ref.objectNumber} ${page.ref.generationNumber} R\n/Rect [${rect.map((n) => n.toFixed(2)).join(' ')}]\n/AP << /N ${apNum} 0 R >>\n>>`,
  );

  // The signature dictionary, /Contents and /ByteRange filled in below.
  const byteRangePlaceholder = '/ByteRange [0 ********** ********** **********]';
  const contentsPlaceholder = `/Contents <${'0'.repeat(reserve * 2)}>`;
  put(
    sigNum,
    0,
    `<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n${byteRangePlaceholder}\n${contentsPlaceholder}\n` +
      `/M ${pdfDate(time)}\n` +
      (signerName ? `/Name ${pdfText(signerName)}\n` : '') +
      (options.reason ? `/Reason ${pdfText(options.reason)}\n` : '') +
      (options.location ? `/Location ${pdfText(options.location)}\n` : '') +
      (options.contactInfo ? `/ContactInfo ${pdfText(options.contactInfo)}\n` : '') +
      `/Prop_Build << /App << /Name /congso >> >>\n>>`,
  );

  // Append the revision: objects, cross-reference section, trailer.
  const parts: Buffer[] = [];
  let offset = pdf.length;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (pdf[pdf.length - 1] !== 0x0a && pdf[pdf.length - 1] !== 0x0d) push(latin1('\n'));
  const offsets = new Map<number, { gen: number; at: number }>();
  for (const [num, { gen, body }] of [...objects].sort((a, b) => a[0] - b[0])) {
    offsets.set(num, { gen, at: offset });
    push(Buffer.concat([latin1(`${num} ${gen} obj\n`), body, latin1('\nendobj\n')]));
  }
  const xrefAt = offset;
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    xref += `${nums[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const e = offsets.get(nums[k]!)!;
      xref += `${String(e.at).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
    }
    i = j + 1;
  }
  const { Info, ID } = context.trailerInfo;
  const firstId = ID instanceof PDFArray && ID.size() > 0 ? ID.get(0).toString() : `<${randomBytes(16).toString('hex').toUpperCase()}>`;
  const trailer =
    `trailer\n<<\n/Size ${next}\n/Root ${rootRef.objectNumber} ${rootRef.generationNumber} R\n` +
    (Info instanceof PDFRef ? `/Info ${Info.objectNumber} ${Info.generationNumber} R\n` : '') +
    `/ID [${firstId} <${randomBytes(16).toString('hex').toUpperCase()}>]\n/Prev ${prevXref}\n>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  push(latin1(xref + trailer));

  const out = Buffer.concat([Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), ...parts]);

  // ByteRange: everything but the /Contents hex string (its < and > included).
  const sigStart = offsets.get(sigNum)!.at;
  const contentsAt = out.indexOf(latin1('/Contents <'), sigStart) + '/Contents '.length;
  const contentsEnd = contentsAt + reserve * 2 + 2;
  const br = [0, contentsAt, contentsEnd, out.length - contentsEnd];
  const brAt = out.indexOf(latin1(byteRangePlaceholder), sigStart);
  const brText = `/ByteRange [${br.join(' ')}]`.padEnd(byteRangePlaceholder.length, ' ');
  if (brText.length !== byteRangePlaceholder.length) throw new Error('PDF: byte range does not fit');
  out.write(brText, brAt, 'latin1');

  const digest = createHash('sha256').update(out.subarray(0, contentsAt)).update(out.subarray(contentsEnd)).digest();
  const cms = await buildCadesDetached(signer, new Uint8Array(digest), options.timestamp ? { timestamp: options.timestamp } : {});
  const hex = Buffer.from(cms).toString('hex').toUpperCase();
  if (hex.length > reserve * 2) throw new Error(`PDF: signature (${cms.length} bytes) larger than the space reserved (${reserve})`);
  out.write(hex, contentsAt + 1, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
