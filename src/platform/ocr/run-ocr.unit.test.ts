import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { foldVietnamese } from '../i18n/index.ts';
import { assemblePdf, forgetOcrTools, ocrAvailable, ocrTools, runOcr, type OcrProgress } from './index.ts';
import { renderTextPdf, scannedVietnamesePage } from './testing.ts';
import { describeWithTool, itWithTool } from '../../../test/tools.ts';

const OCR_TOOLS = ['ocrmypdf', 'tesseract', 'pdftoppm', 'pdftotext', 'pdfinfo'] as const;
const workDir = mkdtempSync(path.join(tmpdir(), 'congso-ocr-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Processes whose command line names `dir`: ocrmypdf and the Ghostscript and Tesseract it runs all work in it. */
function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
      if (cmd.includes(dir)) found.push(`${pid}: ${cmd}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

async function until<T>(what: string, f: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describeWithTool(OCR_TOOLS, 'recognising the text of a scan (ocrmypdf, Tesseract vie)', () => {
  itWithTool(
    OCR_TOOLS,
    'reads a noisy, skewed Vietnamese page into a searchable PDF/A, with the page text',
    async () => {
      const png = await scannedVietnamesePage({ skewDeg: 1.5, seed: 7 });
      const pdf = await assemblePdf([{ bytes: png, kind: 'png' }], [{ source: 0, page: 1 }]);
      const seen: OcrProgress[] = [];
      const r = await runOcr(pdf, { workDir, onProgress: (p) => seen.push(p) });
      expect(r.pages.map((p) => p.page)).toEqual([1]);
      expect(r.pages[0].error).toBeUndefined();
      const text = foldVietnamese(r.pages[0].text);
      // Words of SCAN_LINES, written out folded: a search typed without diacritics finds them.
      for (const words of ['giay xac nhan cu tru', 'nguyen van duc', 'trang tien', 'hang bai', 'hoan kiem', '001085012345', '2026']) {
        expect(text).toContain(words);
      }
      expect(seen.at(-1)).toEqual({ done: 1, total: 1 });
      const out = Buffer.from(r.pdf);
      expect(out.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // ocrmypdf's PDF/A-2b declares itself in the XMP metadata.
      expect(out.includes('pdfaid:part')).toBe(true);
      expect(readdirSync(workDir)).toEqual([]);
      expect(ocrAvailable(await ocrTools())).toBe(true);
    },
    240_000,
  );

  itWithTool(OCR_TOOLS, 'a damaged PDF fails with OCR_FAILED and the reason', async () => {
    const e = await failure(runOcr(Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\ngarbage'), { workDir }));
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('OCR_FAILED');
    expect((e as AppError).text.en).toContain('the PDF is damaged or cannot be read');
    expect(readdirSync(workDir)).toEqual([]);
  });

  itWithTool(
    OCR_TOOLS,
    'a page that cannot be recognised says why, and the other pages keep their text',
    async () => {
      const scan = await assemblePdf([{ bytes: await scannedVietnamesePage({ skewDeg: -1, seed: 3 }), kind: 'png' }], [{ source: 0, page: 1 }]);
      // A page a hundredth of a point wide: Ghostscript renders nothing, and ocrmypdf stops on it.
      const doc = await PDFDocument.load(scan);
      doc.insertPage(0, [0.01, 0.01]);
      const r = await runOcr(await doc.save(), { workDir });
      expect(r.pages.map((p) => [p.page, !!p.error])).toEqual([
        [1, true],
        [2, false],
      ]);
      expect(r.pages[0].error?.vi.startsWith('Trang 1 không nhận dạng được: ')).toBe(true);
      expect(foldVietnamese(r.pages[1].text)).toContain('nguyen van duc');
      expect((await PDFDocument.load(r.pdf)).getPageCount()).toBe(2);
    },
    360_000,
  );

  itWithTool(
    OCR_TOOLS,
    'aborting kills ocrmypdf and everything it started, and removes the work files',
    async () => {
      const dir = mkdtempSync(path.join(workDir, 'abort-'));
      const pdf = await renderTextPdf([['Trang một'], ['Trang hai'], ['Trang ba'], ['Trang bốn']]);
      const ac = new AbortController();
      const run = failure(runOcr(pdf, { workDir: dir, signal: ac.signal }));
      await until('ocrmypdf to start', () => processesIn(dir).find((p) => p.includes('ocrmypdf')));
      ac.abort();
      const e = await run;
      expect((e as Error).name).toBe('AbortError');
      // Killed processes leave the table a moment later; unkilled, ocrmypdf would read four pages for far longer.
      await until('the killed processes to go', () => processesIn(dir).length === 0 || undefined, 5_000);
      expect(readdirSync(dir)).toEqual([]);
    },
    120_000,
  );

  itWithTool(OCR_TOOLS, 'a run past its time limit is killed and fails with OCR_FAILED', async () => {
    const dir = mkdtempSync(path.join(workDir, 'timeout-'));
    const e = await failure(runOcr(await renderTextPdf([['Trang một']]), { workDir: dir, timeoutMs: 300 }));
    expect((e as AppError).code).toBe('OCR_FAILED');
    await until('the killed processes to go', () => processesIn(dir).length === 0 || undefined, 5_000);
  });
});

describe('a machine without the OCR tools', () => {
  it('the probe says so without throwing, and runOcr refuses with OCR_UNAVAILABLE naming the Debian packages', async () => {
    const saved = process.env.PATH;
    process.env.PATH = mkdtempSync(path.join(workDir, 'empty-path-'));
    forgetOcrTools();
    try {
      const tools = await ocrTools();
      expect(tools).toEqual({ ocrmypdf: false, tesseractVie: false, pdftoppm: false, pdftotext: false, img2pdf: false, unpaper: false });
      expect(ocrAvailable(tools)).toBe(false);
      const e = await failure(runOcr(Buffer.from('%PDF-1.7'), { workDir }));
      expect((e as AppError).code).toBe('OCR_UNAVAILABLE');
      expect((e as AppError).text.en).toContain('apt-get install ocrmypdf tesseract-ocr-vie poppler-utils');
    } finally {
      process.env.PATH = saved;
      forgetOcrTools();
    }
  });
});
