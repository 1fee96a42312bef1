import { AppError } from '../errors.ts';
import { runTool } from './run-tool.ts';

/** Which outside programs text recognition and page assembly find on this machine. */
export interface OcrTools {
  ocrmypdf: boolean;
  /** Tesseract with its Vietnamese data (Debian: tesseract-ocr-vie). */
  tesseractVie: boolean;
  pdftoppm: boolean;
  pdftotext: boolean;
  /** TIFF pages are converted by img2pdf (pdf-lib cannot read TIFF). */
  img2pdf?: boolean;
  /** unpaper: when there, pages are cleaned before recognition (ocrmypdf --clean). */
  unpaper?: boolean;
}

/** The Debian package that brings each tool (`.ci/run` and the README install them). */
const PACKAGES: Record<keyof OcrTools, string> = {
  ocrmypdf: 'ocrmypdf',
  tesseractVie: 'tesseract-ocr-vie',
  pdftoppm: 'poppler-utils',
  pdftotext: 'poppler-utils',
  img2pdf: 'img2pdf',
  unpaper: 'unpaper',
};

const PROBE_TIMEOUT_MS = 15_000;

async function answers(cmd: string, args: string[], check?: (out: string) => boolean): Promise<boolean> {
  try {
    const r = await runTool(cmd, { args, timeoutMs: PROBE_TIMEOUT_MS, maxStdout: 1 << 20 });
    if (r.code !== 0) return false;
    return check ? check(r.stdout.toString('utf8') + r.stderr) : true;
  } catch {
    // not installed (ENOENT) or not runnable: the tool is simply absent
    return false;
  }
}

let cached: Promise<OcrTools> | undefined;

/**
 * Probes the tools once per process (a few short child processes) and remembers the answer.
 * Never throws and is never called at import: a machine without OCR still starts, and says so.
 */
export function ocrTools(): Promise<OcrTools> {
  cached ??= (async () => {
    const [ocrmypdf, tesseractVie, pdftoppm, pdftotext, img2pdf, unpaper] = await Promise.all([
      answers('ocrmypdf', ['--version']),
      answers('tesseract', ['--list-langs'], (out) => /^vie$/m.test(out)),
      answers('pdftoppm', ['-v']),
      answers('pdftotext', ['-v']),
      answers('img2pdf', ['--version']),
      answers('unpaper', ['--version']),
    ]);
    return { ocrmypdf, tesseractVie, pdftoppm, pdftotext, img2pdf, unpaper };
  })();
  return cached;
}

/** Forgets the probe: for tests that change PATH, and after an administrator installs the tools. */
export function forgetOcrTools(): void {
  cached = undefined;
}

/** Whether scans can be recognised here: ocrmypdf, Tesseract's Vietnamese data and poppler. */
export function ocrAvailable(t: OcrTools): boolean {
  return t.ocrmypdf && t.tesseractVie && t.pdftoppm && t.pdftotext;
}

/** The Debian packages missing for `need` (by default what `ocrAvailable` needs). */
export function missingOcrPackages(t: OcrTools, need: (keyof OcrTools)[] = ['ocrmypdf', 'tesseractVie', 'pdftoppm', 'pdftotext']): string[] {
  return [...new Set(need.filter((k) => !t[k]).map((k) => PACKAGES[k]))];
}

export function ocrUnavailable(packages: string[]): AppError {
  const list = packages.join(' ');
  return new AppError('OCR_UNAVAILABLE', {
    vi: `Máy chủ chưa cài công cụ nhận dạng chữ (OCR): thiếu gói ${list}. Hãy báo quản trị viên cài đặt (apt-get install ${list}).`,
    en: `Text recognition (OCR) is not installed on this server: the package(s) ${list} are missing. Ask the administrator to install them (apt-get install ${list}).`,
  });
}

/** Throws OCR_UNAVAILABLE, naming the Debian packages, unless `need` is all there. */
export async function requireOcrTools(need?: (keyof OcrTools)[]): Promise<OcrTools> {
  const t = await ocrTools();
  const missing = missingOcrPackages(t, need);
  if (missing.length) throw ocrUnavailable(missing);
  return t;
}
