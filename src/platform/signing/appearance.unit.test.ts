import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts, decodePDFRawStream } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vietnamTime } from './appearance.ts';
import { signPdf } from './pades.ts';
import { KeySigner } from './signer.ts';
import { createTestCa, issueSigningCertificate, type KeyAndCertificates } from './test-ca.ts';
import { describeWithTool, findTool } from '../../../test/tools.ts';

const PDFSIG = findTool('pdfsig') ?? 'pdfsig';
const PDFTOPPM = findTool('pdftoppm') ?? 'pdftoppm';
const PDFTOTEXT = findTool('pdftotext') ?? 'pdftotext';

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A binary PPM (P6) as width, height and RGB bytes. */
function parsePpm(b: Buffer): { width: number; height: number; rgb: Buffer } {
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(b.subarray(0, 64).toString('latin1'));
  if (!m) throw new Error('not a P6 PPM');
  return { width: Number(m[1]), height: Number(m[2]), rgb: b.subarray(m[0].length) };
}

const NAME = 'Hoàng Văn Thắng';
const ORG = 'Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh';
const PAGE = { w: 595, h: 842 };
const SIG_RECT: [number, number, number, number] = [360, 120, 540, 190];
const SEAL_RECT: [number, number, number, number] = [250, 100, 350, 200];
const TIME = new Date('2026-03-05T02:07:00Z'); // 09:07 in Hà Nội

let dir: string;
let leader: KeyAndCertificates;
let organisation: KeyAndCertificates;
let original: Uint8Array;
let signed: Uint8Array;
let sealed: Uint8Array;

beforeAll(async () => {
  const ca = await createTestCa();
  leader = await issueSigningCertificate(ca, { commonName: NAME, organisation: ORG });
  organisation = await issueSigningCertificate(ca, { commonName: ORG, organisation: ORG, keyAlgorithm: 'ECDSA-P256' });
  dir = await mkdtemp(join(tmpdir(), 'congso-appearance-'));
  const doc = await PDFDocument.create();
  const page = doc.addPage([PAGE.w, PAGE.h]);
  page.drawText('Result document', { x: 72, y: 760, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  original = await doc.save();
  signed = await signPdf(original, new KeySigner(leader), {
    fieldName: 'Chữ ký lãnh đạo',
    signingTime: TIME,
    visible: { page: 0, rect: SIG_RECT },
    appearance: { kind: 'signature', name: NAME, organisation: ORG },
  });
  sealed = await signPdf(signed, new KeySigner(organisation), {
    fieldName: 'Chữ ký tổ chức',
    signingTime: TIME,
    visible: { page: 0, rect: SEAL_RECT },
    appearance: { kind: 'seal', organisation: ORG },
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The text of a widget's normal appearance, decoded through its fonts' ToUnicode CMaps. */
async function appearanceText(pdf: Uint8Array, fieldName: string): Promise<string> {
  const doc = await PDFDocument.load(pdf);
  const field = doc.getForm().getField(fieldName);
  const widget = field.acroField.getWidgets()[0]!;
  const ap = widget.dict.lookup(PDFName.of('AP'), PDFDict).lookup(PDFName.of('N'));
  if (!(ap instanceof PDFRawStream)) throw new Error('no appearance stream');
  const content = Buffer.from(decodePDFRawStream(ap).decode()).toString('latin1');
  const fonts = ap.dict.lookup(PDFName.of('Resources'), PDFDict).lookup(PDFName.of('Font'), PDFDict);
  const maps = new Map<string, Map<number, string>>();
  for (const [key] of fonts.entries()) {
    const font = fonts.lookup(key, PDFDict);
    expect(font.get(PDFName.of('Subtype'))).toBe(PDFName.of('Type0'));
    expect(font.get(PDFName.of('Encoding'))).toBe(PDFName.of('Identity-H'));
    const toUnicode = font.lookup(PDFName.of('ToUnicode'));
    if (!(toUnicode instanceof PDFRawStream)) throw new Error('no ToUnicode');
    const cmap = Buffer.from(decodePDFRawStream(toUnicode).decode()).toString('latin1');
    const map = new Map<number, string>();
    for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
        map.set(parseInt(m[1]!, 16), Buffer.from(m[2]!, 'hex').swap16().toString('utf16le'));
    }
    for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
        const [lo, hi] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16)];
        const first = Buffer.from(m[3]!, 'hex').swap16().toString('utf16le');
        for (let c = lo; c <= hi; c++) map.set(c, String.fromCodePoint(first.codePointAt(0)! + c - lo));
      }
    }
    maps.set(key.asString().slice(1), map);
  }
  let out = '';
  let current: Map<number, string> | undefined;
  for (const m of content.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj|\bTm\b/g)) {
    if (m[1]) current = maps.get(m[1]);
    else if (m[2] !== undefined) {
      for (let i = 0; i < m[2].length; i += 4) out += current!.get(parseInt(m[2].slice(i, i + 4), 16)) ?? '\uFFFD';
    } else out += '\n';
  }
  return out;
}

describe('visible signature appearances', () => {
  it('keeps the earlier bytes and embeds a subset font', () => {
    expect(Buffer.from(sealed.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    expect(Buffer.from(sealed.subarray(0, signed.length)).equals(Buffer.from(signed))).toBe(true);
    const text = Buffer.from(signed).toString('latin1');
    expect(text).toContain('/FontFile2');
    expect(text).toContain('/CIDFontType2');
    expect(text).toMatch(/\/BaseFont \/BeVietnamPro-Regular-/);
    // Subsets: a few kilobytes each, not the ~200 KB of the whole face.
    expect(signed.length - original.length).toBeLessThan(60_000);
    expect(sealed.length - signed.length).toBeLessThan(60_000);
  });

  it("writes the signer's name, the time and the organisation with diacritics", async () => {
    const text = await appearanceText(sealed, 'Chữ ký lãnh đạo');
    expect(text).toContain(NAME);
    expect(text).toContain(`Ký ngày ${vietnamTime(TIME)}`);
    expect(vietnamTime(TIME)).toBe('05/03/2026 09:07');
    expect(text.replace(/\n/g, ' ')).toContain(ORG);
    const seal = (await appearanceText(sealed, 'Chữ ký tổ chức')).replace(/\n/g, '');
    expect(seal).toBe(ORG.toLocaleUpperCase('vi').replace(/ /g, ''));
  });

  describeWithTool('pdfsig', 'pdfsig (poppler)', () => {
    it('reports both signatures valid', async () => {
      const file = join(dir, 'sealed.pdf');
      await writeFile(file, sealed);
      const r = await run(PDFSIG, [file]);
      const blocks = r.stdout.split(/^Signature #\d+:$/m).slice(1);
      expect(blocks, r.stdout).toHaveLength(2);
      for (const b of blocks) expect(b, r.stdout).toContain('Signature Validation: Signature is Valid.');
    });
  });

  describeWithTool('pdftoppm', 'rendering (poppler)', () => {
    it('draws red in the seal and dark ink in the signature', async () => {
      const file = join(dir, 'render.pdf');
      await writeFile(file, sealed);
      const dpi = 100;
      const r = await run(PDFTOPPM, ['-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', file, join(dir, 'page')]);
      expect(r.code, r.stderr).toBe(0);
      const { width, height, rgb } = parsePpm(await readFile(join(dir, 'page.ppm')));
      const count = (rect: [number, number, number, number], test: (r: number, g: number, b: number) => boolean) => {
        const s = dpi / 72;
        let c = 0;
        for (let y = Math.ceil((PAGE.h - rect[3]) * s); y < Math.floor((PAGE.h - rect[1]) * s); y++) {
          for (let x = Math.ceil(rect[0] * s); x < Math.floor(rect[2] * s); x++) {
            if (x < 0 || y < 0 || x >= width || y >= height) continue;
            const i = (y * width + x) * 3;
            if (test(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!)) c++;
          }
        }
        return c;
      };
      const red = (r: number, g: number, b: number) => r > 150 && g < 110 && b < 110;
      const dark = (r: number, g: number, b: number) => r < 110 && g < 110 && b < 160;
      // The seal: many red pixels (rings, star, lettering), no dark ones.
      expect(count(SEAL_RECT, red)).toBeGreaterThan(500);
      expect(count(SEAL_RECT, dark)).toBe(0);
      // The star fills the centre of the seal.
      const c: [number, number, number, number] = [297, 147, 303, 153];
      expect(count(c, red)).toBeGreaterThan(0.8 * ((6 * dpi) / 72) ** 2);
      // The signature box: dark ink, no red.
      expect(count(SIG_RECT, dark)).toBeGreaterThan(300);
      expect(count([SIG_RECT[0] + 5, SIG_RECT[1], SIG_RECT[2], SIG_RECT[3]], red)).toBe(0);
    });
  });

  describeWithTool('pdftotext', 'pdftotext (poppler)', () => {
    it('extracts the Vietnamese text of the appearances', async () => {
      const file = join(dir, 'text.pdf');
      await writeFile(file, sealed);
      const r = await run(PDFTOTEXT, ['-layout', file, '-']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Result document');
      // poppler extracts the text of annotation appearances: the name as written.
      expect(r.stdout).toContain(NAME);
    });
  });
});
