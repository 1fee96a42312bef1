/**
 * Test helpers: read a rendered PDF back with poppler-utils (pdftotext, pdfinfo, pdftoppm)
 * and zbar-tools (zbarimg), the way a reader or a scanner would. Used by tests only.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
/** Where each tool comes from on Debian (`.ci/run` installs them). */
const PACKAGE: Record<string, string> = { pdftotext: 'poppler-utils', pdfinfo: 'poppler-utils', pdftoppm: 'poppler-utils', zbarimg: 'zbar-tools' };

/** Runs a tool; a missing one fails the test (in CI and out), naming the package to install. */
async function run(cmd: string, args: string[], opts: { maxBuffer?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(cmd, args, { ...opts, encoding: 'utf8' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${cmd} not found on PATH (Debian: apt-get install ${PACKAGE[cmd] ?? cmd})`);
    throw e;
  }
}
const BIG = { maxBuffer: 64 * 1024 * 1024 };

async function withFile<T>(bytes: Uint8Array, fn: (path: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'congso-pdf-'));
  try {
    const path = join(dir, 'doc.pdf');
    await writeFile(path, bytes);
    return await fn(path, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type TextMode = 'layout' | 'raw' | 'reading';

/** pdftotext in a mode, optionally of a page range; text comes back as UTF-8. */
export function pdfText(bytes: Uint8Array, o: { mode?: TextMode; first?: number; last?: number } = {}): Promise<string> {
  return withFile(bytes, async (path) => {
    const args = ['-enc', 'UTF-8'];
    if (o.mode === 'layout' || o.mode === undefined) args.push('-layout');
    if (o.mode === 'raw') args.push('-raw');
    if (o.first) args.push('-f', String(o.first));
    if (o.last) args.push('-l', String(o.last));
    const { stdout } = await run('pdftotext', [...args, path, '-'], BIG);
    return stdout;
  });
}

/** Each page's text, split on the form feed pdftotext puts between pages. */
export async function pdfPages(bytes: Uint8Array, mode: TextMode = 'layout'): Promise<string[]> {
  const pages = (await pdfText(bytes, { mode })).split('\f');
  if (pages[pages.length - 1].trim() === '') pages.pop();
  return pages;
}

/** pdfinfo's "Key: value" lines. */
export function pdfInfo(bytes: Uint8Array): Promise<Record<string, string>> {
  return withFile(bytes, async (path) => {
    const { stdout } = await run('pdfinfo', ['-isodates', path]);
    const out: Record<string, string> = {};
    for (const line of stdout.split('\n')) {
      const m = /^([^:]+):\s*(.*)$/.exec(line);
      if (m) out[m[1].trim()] = m[2].trim();
    }
    return out;
  });
}

export interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Words with their boxes in points, y from the top of the page (pdftotext -bbox). */
export function pdfWords(bytes: Uint8Array, page: number): Promise<{ width: number; height: number; words: Word[] }> {
  return withFile(bytes, async (path) => {
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', '-bbox', '-f', String(page), '-l', String(page), path, '-'], BIG);
    const pm = /<page width="([\d.]+)" height="([\d.]+)">/.exec(stdout);
    if (!pm) throw new Error(`pdftotext -bbox printed no page ${page}`);
    const unescapeXml = (s: string) =>
      s
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&');
    const words = [...stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
      xMin: Number(m[1]),
      yMin: Number(m[2]),
      xMax: Number(m[3]),
      yMax: Number(m[4]),
      text: unescapeXml(m[5]),
    }));
    return { width: Number(pm[1]), height: Number(pm[2]), words };
  });
}

export const DPI = 150;

/**
 * Renders page 1 at 150 dpi (optionally only a region, in points from the top-left corner)
 * and decodes the QR codes zbarimg finds there. A symbol is found only if it lies wholly in
 * the region, so decoding a crop proves where the code is.
 */
export function decodeQr(bytes: Uint8Array, region?: { x: number; y: number; width: number; height: number }): Promise<string[]> {
  return withFile(bytes, async (path, dir) => {
    const px = (pt: number) => String(Math.round((pt / 72) * DPI));
    const crop = region ? ['-x', px(region.x), '-y', px(region.y), '-W', px(region.width), '-H', px(region.height)] : [];
    const png = join(dir, 'page');
    await run('pdftoppm', ['-r', String(DPI), '-png', '-f', '1', '-l', '1', '-singlefile', ...crop, path, png]);
    try {
      const { stdout } = await run('zbarimg', ['-q', '--raw', '-Sdisable', '-Sqrcode.enable', `${png}.png`]);
      return stdout.split('\n').filter((l) => l !== '');
    } catch (e) {
      // zbarimg exits with 4 when the image holds no symbol: that is an answer, not a failure.
      if ((e as { code?: number }).code === 4) return [];
      throw e;
    }
  });
}

/** Whitespace collapsed and NFC, so wrapped lines and composed/decomposed input compare. */
export const squash = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/** Reads a rendered document back: the layout text (line by line) and the text in drawing order. */
export async function readBack(bytes: Uint8Array) {
  const layout = (await pdfText(bytes)).normalize('NFC');
  const flow = squash(await pdfText(bytes, { mode: 'raw' }));
  return { layout, flow };
}

/** The one QR code in the top-left quarter of page 1, parsed; anything else is an error. */
export async function qrInTopLeftQuarter(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const { width, height } = await pdfWords(bytes, 1);
  const found = await decodeQr(bytes, { x: 0, y: 0, width: width / 2, height: height / 2 });
  if (found.length !== 1) throw new Error(`expected one QR code in the top-left quarter, found ${found.length}`);
  return JSON.parse(found[0]) as Record<string, unknown>;
}
