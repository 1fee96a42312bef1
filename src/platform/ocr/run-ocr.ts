import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { AppError, type Bilingual } from '../errors.ts';
import { lastLine } from './assemble.ts';
import { ocrUnavailable, requireOcrTools } from './probe.ts';
import { runTool, type ToolRun } from './run-tool.ts';

export interface OcrProgress {
  done: number;
  total: number;
}
export interface OcrPage {
  page: number;
  text: string;
  /** Why this page has no text, when recognition failed on it; the other pages still have theirs. */
  error?: Bilingual;
}
export interface OcrResult {
  /** The searchable PDF/A-2b (a plain PDF when only some pages could be recognised: see `pages[].error`). */
  pdf: Uint8Array;
  pages: OcrPage[];
}
export interface OcrOptions {
  onProgress?: (p: OcrProgress) => void;
  /** Aborting kills ocrmypdf and what it started; runOcr then rejects with the signal's reason (an AbortError by default). */
  signal?: AbortSignal;
  /** The whole recognition, the page-by-page retry included; by default 1 minute plus 2 minutes per page. */
  timeoutMs?: number;
  /** A folder for the work files (a temporary folder is made inside it and removed after). */
  workDir: string;
}

export const OCR_DEFAULTS = {
  languages: 'vie+eng',
  baseTimeoutMs: 60_000,
  perPageTimeoutMs: 120_000,
} as const;

/**
 * The ocrmypdf arguments for a scan. `--force-ocr`: scans carry no text of their own, and a
 * scanning app's text layer (often recognised without Vietnamese) is replaced rather than
 * trusted; `--redo-ocr` would keep born-digital text but ocrmypdf refuses it with `--deskew`,
 * and `--skip-text` would leave such pages unread by our engine. The file as sent stays stored.
 * `-v 1` makes ocrmypdf log a line per step of every page: it draws no progress bar without a
 * terminal, and its "Grafting" line says a page is done. `--jobs 1`: parallelism comes from
 * running several jobs, one process each, never from one job taking every core.
 */
export function ocrmypdfArgs(input: string, output: string, clean: boolean): string[] {
  return [
    '-l',
    OCR_DEFAULTS.languages,
    '--deskew',
    '--rotate-pages',
    ...(clean ? ['--clean'] : []),
    '--force-ocr',
    '--output-type',
    'pdfa-2',
    '--jobs',
    '1',
    '-v',
    '1',
    input,
    output,
  ];
}

/** ocrmypdf's exit codes (ocrmypdf.exceptions.ExitCode) as a reason a person can read. */
const EXIT_REASONS: Record<number, Bilingual> = {
  1: { vi: 'tham số không hợp lệ', en: 'bad arguments' },
  2: { vi: 'tệp PDF hỏng hoặc không đọc được', en: 'the PDF is damaged or cannot be read' },
  4: { vi: 'tệp kết quả không hợp lệ', en: 'the output file is not valid' },
  5: { vi: 'không đọc, ghi được tệp làm việc', en: 'a work file could not be read or written' },
  7: { vi: 'Ghostscript hoặc Tesseract báo lỗi khi xử lý trang', en: 'Ghostscript or Tesseract failed on a page' },
  8: { vi: 'tệp PDF được mã hoá', en: 'the PDF is encrypted' },
  15: { vi: 'lỗi không xác định của ocrmypdf', en: 'an unexpected ocrmypdf error' },
};
const EXIT_MISSING_DEPENDENCY = 3;
/** The output is a valid PDF, just not PDF/A: its text is as good. */
const EXIT_PDFA_FAILED = 10;

function reasonOf(r: ToolRun): Bilingual {
  if (r.timedOut) return { vi: 'quá thời gian cho phép', en: 'it took too long' };
  const known = r.code !== null ? EXIT_REASONS[r.code] : undefined;
  const detail = lastLine(r.stderr).replace(/ object at 0x[0-9a-f]+/g, '');
  const base = known ?? { vi: `ocrmypdf dừng với mã ${r.code ?? 'tín hiệu'}`, en: `ocrmypdf stopped with ${r.code ?? 'a signal'}` };
  return detail ? { vi: `${base.vi} (${detail})`, en: `${base.en} (${detail})` } : base;
}

const aborted = (signal: AbortSignal) => signal.reason ?? new DOMException('The recognition was cancelled', 'AbortError');

const failed = (why: Bilingual, details?: { path: string; message: string; messageEn: string }[]) =>
  new AppError('OCR_FAILED', { vi: `Không nhận dạng được chữ trong bản quét: ${why.vi}`, en: `The scan's text could not be recognised: ${why.en}` }, details);

/**
 * Recognises the text of a PDF with ocrmypdf (Vietnamese and English, deskewed, pages turned
 * upright, cleaned when unpaper is there) into a searchable PDF/A-2b, in a child process group:
 * the event loop only waits. One ocrmypdf call for the whole document; only when that fails are
 * the pages tried one by one, so a page that cannot be read says why and the others keep their text.
 * Text per page comes from one pdftotext call over the result.
 */
export async function runOcr(pdf: Uint8Array, opts: OcrOptions): Promise<OcrResult> {
  const tools = await requireOcrTools();
  const { signal } = opts;
  if (signal?.aborted) throw aborted(signal);
  await mkdir(opts.workDir, { recursive: true });
  const dir = await mkdtemp(path.join(opts.workDir, 'ocr-'));
  try {
    const input = path.join(dir, 'in.pdf');
    await writeFile(input, pdf);
    const total = await pageCount(input, signal);
    const deadline = Date.now() + (opts.timeoutMs ?? OCR_DEFAULTS.baseTimeoutMs + OCR_DEFAULTS.perPageTimeoutMs * Math.max(total ?? 1, 1));
    const env = { ...process.env, TMPDIR: dir, OMP_THREAD_LIMIT: '1' };
    const ocr = async (inFile: string, outFile: string, onLine?: (l: string) => void) => {
      const left = deadline - Date.now();
      if (left <= 0) return { code: null, stdout: Buffer.alloc(0), stderr: '', timedOut: true, aborted: false } satisfies ToolRun;
      const r = await runTool('ocrmypdf', {
        args: ocrmypdfArgs(inFile, outFile, !!tools.unpaper),
        cwd: dir,
        env,
        timeoutMs: left,
        signal,
        onStderrLine: onLine,
      });
      if (r.aborted && signal) throw aborted(signal);
      if (r.code === EXIT_MISSING_DEPENDENCY) throw ocrUnavailable(['ocrmypdf', 'tesseract-ocr-vie', 'ghostscript']);
      return r;
    };

    const output = path.join(dir, 'out.pdf');
    let done = 0;
    const progress = (n: number) => {
      if (total && n > done) {
        done = Math.min(n, total);
        opts.onProgress?.({ done, total });
      }
    };
    const whole = await ocr(input, output, (line) => {
      // A page is done when it is grafted into the output; with one job pages go in order, so a
      // page whose text layer Tesseract starts also says the one before it is done.
      const grafted = /^\s*(\d+) Grafting\b/.exec(line);
      if (grafted) return progress(Number(grafted[1]));
      const next = /^\s*(\d+) Running: \['tesseract'.*textonly_pdf/.exec(line);
      if (next) progress(Number(next[1]) - 1);
    });
    if (whole.code === 0 || whole.code === EXIT_PDFA_FAILED) {
      const out = await readFile(output);
      const texts = await pageTexts(output, deadline, signal);
      progress(texts.length);
      return { pdf: new Uint8Array(out), pages: texts.map((text, i) => ({ page: i + 1, text })) };
    }
    if (whole.timedOut || !total) throw failed(reasonOf(whole));
    return await pageByPage(pdf, total, dir, ocr, reasonOf(whole), progress, deadline, signal);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The page count poppler reads (pdfinfo, beside pdftoppm in poppler-utils), in a child process:
 * parsing a large scan with pdf-lib here would hold the event loop. Undefined when the file
 * cannot be read (ocrmypdf will say why).
 */
async function pageCount(file: string, signal?: AbortSignal): Promise<number | undefined> {
  const r = await runTool('pdfinfo', { args: [file], timeoutMs: 60_000, signal, maxStdout: 1 << 20 });
  if (r.aborted && signal) throw aborted(signal);
  const m = r.code === 0 ? /^Pages:\s+(\d+)\s*$/m.exec(r.stdout.toString('utf8')) : null;
  return m ? Number(m[1]) : undefined;
}

/** Each page's text, from one pdftotext call (it ends every page with a form feed). */
async function pageTexts(file: string, deadline: number, signal?: AbortSignal): Promise<string[]> {
  const r = await runTool('pdftotext', {
    args: ['-layout', '-enc', 'UTF-8', file, '-'],
    timeoutMs: Math.max(deadline - Date.now(), 30_000),
    signal,
    maxStdout: 256 * 1024 * 1024,
  });
  if (r.aborted && signal) throw aborted(signal);
  if (r.code !== 0)
    throw failed({ vi: `không đọc được chữ từ tệp kết quả (${lastLine(r.stderr)})`, en: `the text could not be read from the result (${lastLine(r.stderr)})` });
  const pages = r.stdout.toString('utf8').split('\f');
  pages.pop();
  return pages.map((t) => t.replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, ''));
}

type Ocr = (inFile: string, outFile: string) => Promise<ToolRun>;

/**
 * The whole document failed: each page alone, so the pages that can be read are, and each that
 * cannot says why. The pages are put back together in a copy of the first recognised page's
 * document, which keeps its PDF/A metadata; pages that failed are the original page as it was.
 */
async function pageByPage(
  pdf: Uint8Array,
  total: number,
  dir: string,
  ocr: Ocr,
  wholeReason: Bilingual,
  progress: (n: number) => void,
  deadline: number,
  signal?: AbortSignal,
): Promise<OcrResult> {
  const source = await PDFDocument.load(pdf, { updateMetadata: false }).catch(() => {
    // pdf-lib cannot split what poppler read: the whole document's failure is the answer.
    throw failed(wholeReason);
  });
  const results: ({ doc: PDFDocument } | { error: Bilingual })[] = [];
  for (let i = 0; i < total; i++) {
    const one = await PDFDocument.create({ updateMetadata: false });
    const [page] = await one.copyPages(source, [i]);
    one.addPage(page);
    const inFile = path.join(dir, `page-${i + 1}.pdf`);
    const outFile = path.join(dir, `page-${i + 1}-ocr.pdf`);
    await writeFile(inFile, await one.save({ useObjectStreams: false }));
    const r = await ocr(inFile, outFile);
    if (r.code === 0 || r.code === EXIT_PDFA_FAILED) results.push({ doc: await PDFDocument.load(await readFile(outFile), { updateMetadata: false }) });
    else results.push({ error: reasonOf(r) });
    progress(i + 1);
  }
  const first = results.findIndex((r) => 'doc' in r);
  if (first < 0) {
    throw failed(
      wholeReason,
      results.map((r, i) => {
        const e = 'error' in r ? r.error : wholeReason;
        return { path: `pages[${i}]`, message: e.vi, messageEn: e.en };
      }),
    );
  }
  const out = (results[first] as { doc: PDFDocument }).doc;
  for (let i = 0; i < total; i++) {
    if (i === first) continue;
    const r = results[i];
    const [page] = await out.copyPages('doc' in r ? r.doc : source, ['doc' in r ? 0 : i]);
    if (i < first) out.insertPage(i, page);
    else out.addPage(page);
  }
  const outFile = path.join(dir, 'out.pdf');
  const bytes = await out.save({ useObjectStreams: false });
  await writeFile(outFile, bytes);
  const texts = await pageTexts(outFile, deadline, signal);
  return {
    pdf: bytes,
    pages: results.map((r, i) =>
      'error' in r
        ? {
            page: i + 1,
            text: '',
            error: { vi: `Trang ${i + 1} không nhận dạng được: ${r.error.vi}`, en: `Page ${i + 1} could not be recognised: ${r.error.en}` },
          }
        : { page: i + 1, text: texts[i] ?? '' },
    ),
  };
}

/** A PNG of one page (1-based), `widthPx` wide, rendered by pdftoppm in a child process. */
export async function renderThumbnail(pdf: Uint8Array, page: number, widthPx = 200): Promise<Uint8Array> {
  await requireOcrTools(['pdftoppm']);
  const width = Math.round(Math.min(Math.max(widthPx, 16), 2400));
  const n = String(Math.max(1, Math.floor(page)));
  const r = await runTool('pdftoppm', {
    args: ['-png', '-singlefile', '-f', n, '-l', n, '-scale-to-x', String(width), '-scale-to-y', '-1', '-'],
    input: pdf,
    timeoutMs: 60_000,
    maxStdout: 64 * 1024 * 1024,
  });
  if (r.code === 0 && r.stdout.length) return new Uint8Array(r.stdout);
  if (/Wrong page range/i.test(r.stderr))
    throw new AppError('VALIDATION_FAILED', { vi: `Tệp PDF không có trang ${n}`, en: `The PDF has no page ${n}` }, [
      { path: 'page', message: `Tệp PDF không có trang ${n}`, messageEn: `The PDF has no page ${n}` },
    ]);
  const why = r.timedOut ? 'timed out' : lastLine(r.stderr) || `exit ${r.code}`;
  throw new AppError('VALIDATION_FAILED', { vi: `Không vẽ được trang ${n} của tệp PDF (${why})`, en: `Page ${n} of the PDF cannot be rendered (${why})` });
}
