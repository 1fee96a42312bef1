import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * Visible appearances of signatures as Vietnamese signed documents show them (Decree 30/2020,
 * Appendix I): the leader's signature shows the signer's name, "Ký ngày dd/mm/yyyy hh:mm" and the
 * organisation; the organisation's signature shows a red seal (two concentric circles, the
 * organisation's name around the ring, a star in the middle), drawn as vector graphics.
 *
 * The text is set in Be Vietnam Pro, embedded by pdf-lib as a subset TrueType font (Type0 /
 * CIDFontType2, Identity-H, ToUnicode) into the document's context: signPdf then writes the
 * objects pdf-lib created into its incremental update.
 */

export type SignatureAppearance = { kind: 'signature'; name: string; organisation?: string } | { kind: 'seal'; organisation: string };

const FILES = {
  regular: '@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf',
  bold: '@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf',
} as const;

const require = createRequire(import.meta.url);
let fontBytes: Promise<{ regular: Uint8Array; bold: Uint8Array }> | undefined;

function loadFonts() {
  fontBytes ??= (async () => {
    const [regular, bold] = await Promise.all([readFile(require.resolve(FILES.regular)), readFile(require.resolve(FILES.bold))]);
    return { regular: new Uint8Array(regular), bold: new Uint8Array(bold) };
  })();
  fontBytes.catch(() => {
    fontBytes = undefined;
  });
  return fontBytes;
}

/** "dd/mm/yyyy hh:mm" in Vietnam's time (UTC+7 all year, no daylight saving). */
export function vietnamTime(d: Date): string {
  const t = new Date(d.getTime() + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.getUTCDate())}/${p(t.getUTCMonth() + 1)}/${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}`;
}

const n = (x: number) => (Math.abs(x) < 0.005 ? '0' : x.toFixed(2));

const RED = '0.85 0.07 0.1';
const INK = '0.05 0.12 0.45';

/** A circle as four Bézier curves. */
function circle(cx: number, cy: number, r: number): string {
  const k = 0.5523 * r;
  return (
    `${n(cx + r)} ${n(cy)} m ` +
    `${n(cx + r)} ${n(cy + k)} ${n(cx + k)} ${n(cy + r)} ${n(cx)} ${n(cy + r)} c ` +
    `${n(cx - k)} ${n(cy + r)} ${n(cx - r)} ${n(cy + k)} ${n(cx - r)} ${n(cy)} c ` +
    `${n(cx - r)} ${n(cy - k)} ${n(cx - k)} ${n(cy - r)} ${n(cx)} ${n(cy - r)} c ` +
    `${n(cx + k)} ${n(cy - r)} ${n(cx + r)} ${n(cy - k)} ${n(cx + r)} ${n(cy)} c h`
  );
}

/** A five-pointed star, one point up. */
function star(cx: number, cy: number, r: number): string {
  const inner = r * 0.382;
  const pts: string[] = [];
  for (let i = 0; i < 10; i++) {
    const a = Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : inner;
    pts.push(`${n(cx + rr * Math.cos(a))} ${n(cy + rr * Math.sin(a))} ${i === 0 ? 'm' : 'l'}`);
  }
  return `${pts.join(' ')} h`;
}

/** Greedy word wrap of `text` at `size` within `width`. */
function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const cand = line ? `${line} ${word}` : word;
    if (!line || font.widthOfTextAtSize(cand, size) <= width) line = cand;
    else {
      out.push(line);
      line = word;
    }
  }
  if (line) out.push(line);
  return out;
}

function signatureContent(
  fonts: { regular: PDFFont; bold: PDFFont },
  a: Extract<SignatureAppearance, { kind: 'signature' }>,
  w: number,
  h: number,
  time: Date,
): string {
  const pad = Math.min(4, w * 0.05, h * 0.05);
  const availW = w - 2 * pad;
  const availH = h - 2 * pad;
  const logical: { text: string; font: 'regular' | 'bold'; rel: number }[] = [
    { text: a.name.normalize('NFC'), font: 'bold', rel: 1.15 },
    { text: `Ký ngày ${vietnamTime(time)}`, font: 'regular', rel: 1 },
  ];
  if (a.organisation) logical.push({ text: a.organisation.normalize('NFC'), font: 'regular', rel: 1 });
  const lead = 1.25;
  // The largest size (10 pt at most, 4 pt at least) at which the wrapped lines fit the box.
  let lines: { text: string; font: 'regular' | 'bold'; size: number }[] = [];
  for (let base = 10; base >= 4; base -= 0.25) {
    lines = logical.flatMap((l) => wrap(fonts[l.font], l.text, base * l.rel, availW).map((text) => ({ text, font: l.font, size: base * l.rel })));
    const height = lines.reduce((s, l) => s + l.size * lead, 0);
    const fits = lines.every((l) => fonts[l.font].widthOfTextAtSize(l.text, l.size) <= availW);
    if (height <= availH && fits) break;
  }
  const height = lines.reduce((s, l) => s + l.size * lead, 0);
  let y = h / 2 + height / 2;
  let ops = `q ${INK} RG 0.75 w ${n(0.5)} ${n(0.5)} ${n(w - 1)} ${n(h - 1)} re S Q\nq ${pad} ${pad} ${n(availW)} ${n(availH)} re W n\nBT ${INK} rg\n`;
  for (const l of lines) {
    y -= l.size * lead;
    const font = fonts[l.font];
    const tw = font.widthOfTextAtSize(l.text, l.size);
    const x = Math.max(pad, (w - tw) / 2);
    const baseline = y + (l.size * (lead - 1)) / 2 + l.size * 0.22;
    ops += `/${l.font === 'bold' ? 'F2' : 'F1'} ${n(l.size)} Tf 1 0 0 1 ${n(x)} ${n(baseline)} Tm ${font.encodeText(l.text).toString()} Tj\n`;
  }
  return `${ops}ET\nQ\n`;
}

function sealContent(fonts: { regular: PDFFont; bold: PDFFont }, a: Extract<SignatureAppearance, { kind: 'seal' }>, w: number, h: number): string {
  const cx = w / 2;
  const cy = h / 2;
  const outerW = Math.max(0.8, Math.min(w, h) * 0.03);
  const R = Math.min(w, h) / 2 - outerW / 2 - 1;
  const R2 = R * 0.68;
  const innerW = outerW * 0.5;
  let ops = `q ${RED} RG ${RED} rg\n${n(outerW)} w ${circle(cx, cy, R)} S\n${n(innerW)} w ${circle(cx, cy, R2)} S\n${star(cx, cy, R2 * 0.55)} f\n`;

  // The organisation's name, in capitals, clockwise around the ring, centred at the top.
  const font = fonts.bold;
  const text = a.organisation.normalize('NFC').toLocaleUpperCase('vi').replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  const ring = R - outerW / 2 - (R2 + innerW / 2);
  let size = ring * 0.62;
  const tracking = 0.08;
  const baseR = () => R2 + innerW / 2 + (ring - size * 0.72) / 2; // cap height ≈ 0.72 em, centred in the ring
  const arc = (s: number) => chars.reduce((sum, c) => sum + font.widthOfTextAtSize(c, s) + tracking * s, 0) - tracking * s;
  const maxSpan = (320 * Math.PI) / 180;
  if (arc(size) / baseR() > maxSpan) {
    // Arc length scales with the size, the radius grows a little as the size shrinks: iterate.
    for (let i = 0; i < 8 && arc(size) / baseR() > maxSpan; i++) size *= (maxSpan * baseR()) / arc(size);
  }
  const r = baseR();
  let phi = Math.PI / 2 + arc(size) / r / 2; // start of the text, anticlockwise from the top
  ops += `BT /F2 ${n(size)} Tf\n`;
  for (const c of chars) {
    const cw = font.widthOfTextAtSize(c, size);
    const mid = phi - cw / 2 / r;
    if (c !== ' ') {
      const rho = mid - Math.PI / 2; // the glyph's baseline is the tangent, its top points outwards
      const cos = Math.cos(rho);
      const sin = Math.sin(rho);
      const x = cx + r * Math.cos(mid) - (cw / 2) * cos;
      const y = cy + r * Math.sin(mid) - (cw / 2) * sin;
      ops += `${n(cos)} ${n(sin)} ${n(-sin)} ${n(cos)} ${n(x)} ${n(y)} Tm ${font.encodeText(c).toString()} Tj\n`;
    }
    phi -= (cw + tracking * size) / r;
  }
  return `${ops}ET\nQ\n`;
}

/**
 * Draws the appearance into a form of `width` × `height` points: returns the content stream and
 * its /Resources. The fonts are embedded into `doc`'s context (new indirect objects, numbered
 * after `doc.context.largestObjectNumber`), for the caller to write out.
 */
export async function drawAppearance(
  doc: PDFDocument,
  appearance: SignatureAppearance,
  box: { width: number; height: number },
  time: Date,
): Promise<{ content: string; resources: string }> {
  doc.registerFontkit(fontkit);
  const bytes = await loadFonts();
  // Ligatures off, so that text extraction gives back the letters written.
  const opts = { subset: true, features: { liga: false } };
  // Only the fonts drawn with are embedded (each gets its object number when embedded).
  const used = appearance.kind === 'signature' ? (['regular', 'bold'] as const) : (['bold'] as const);
  const fonts = {} as { regular: PDFFont; bold: PDFFont };
  for (const f of used) fonts[f] = await doc.embedFont(bytes[f], opts);
  const content =
    appearance.kind === 'signature' ? signatureContent(fonts, appearance, box.width, box.height, time) : sealContent(fonts, appearance, box.width, box.height);
  for (const f of used) await fonts[f].embed();
  const entries = used.map((f) => `/${f === 'bold' ? 'F2' : 'F1'} ${fonts[f].ref.objectNumber} ${fonts[f].ref.generationNumber} R`);
  return { content, resources: `<< /Font << ${entries.join(' ')} >> /ProcSet [/PDF /Text] >>` };
}
