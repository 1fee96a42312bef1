/**
 * The outside programs some tests check our output with (poppler, OpenSSL, NSS, zbar,
 * Chromium) or run (ocrmypdf, Tesseract, img2pdf). A test that needs one declares it here instead of probing for it itself:
 *
 * - found on PATH: the test runs with the program's path;
 * - missing outside CI: the test is skipped, and says so in its title and on stderr, so a
 *   developer without poppler still runs the rest;
 * - missing under CI (`CI` set, as `.ci/run` does): the test fails, naming the Debian package,
 *   because a check that quietly does not run is a check that passes whatever the code does.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestFunction } from 'vitest';

/** Each tool, the names it goes by, and the Debian package that installs it (`.ci/run` installs them). */
const TOOLS = {
  pdfsig: { names: ['pdfsig'], pkg: 'poppler-utils' },
  pdftotext: { names: ['pdftotext'], pkg: 'poppler-utils' },
  pdftoppm: { names: ['pdftoppm'], pkg: 'poppler-utils' },
  pdfinfo: { names: ['pdfinfo'], pkg: 'poppler-utils' },
  pdfdetach: { names: ['pdfdetach'], pkg: 'poppler-utils' },
  openssl: { names: ['openssl'], pkg: 'openssl' },
  certutil: { names: ['certutil'], pkg: 'libnss3-tools' },
  zbarimg: { names: ['zbarimg'], pkg: 'zbar-tools' },
  chromium: { names: ['chromium', 'chromium-browser', 'google-chrome'], pkg: 'chromium' },
  // Text recognition of scans (src/platform/ocr): ocrmypdf drives Tesseract, which needs its Vietnamese data.
  ocrmypdf: { names: ['ocrmypdf'], pkg: 'ocrmypdf' },
  tesseract: { names: ['tesseract'], pkg: 'tesseract-ocr-vie' },
  img2pdf: { names: ['img2pdf'], pkg: 'img2pdf' },
  // XML signatures of EDXML messages checked by an implementation other than ours (issue 18).
  xmlsec1: { names: ['xmlsec1'], pkg: 'xmlsec1' },
} as const;

export type Tool = keyof typeof TOOLS;

/** Whether this run is CI, where every tool must be there. `CI=false` or `CI=0` is not CI. */
export const inCI = (): boolean => !!process.env.CI && !/^(false|0)$/i.test(process.env.CI);

/** The tool's absolute path, looked up on PATH now (so a test can take it off PATH), or undefined. */
export function findTool(tool: Tool): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of TOOLS[tool].names) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Why a test cannot run: which tools are missing and what installs them. */
export function missingMessage(tools: readonly Tool[]): string {
  const pkgs = [...new Set(tools.map((t) => TOOLS[t].pkg))];
  return `${tools.join(', ')} not found on PATH (Debian: apt-get install ${pkgs.join(' ')})`;
}

/** The tool's path; throws, naming the package, when it is missing (CI or not). For helpers that cannot be skipped. */
export function requireTool(tool: Tool): string {
  const file = findTool(tool);
  if (!file) throw new Error(missingMessage([tool]));
  return file;
}

/**
 * For a check inside a longer test: the tool's path when it is there; missing, under CI it
 * throws (the test fails), elsewhere it warns that `what` was not checked and returns undefined.
 */
export function toolForCheck(tool: Tool, what: string): string | undefined {
  const file = findTool(tool);
  if (file) return file;
  if (inCI()) throw new Error(`CI must run this check (${what}), but ${missingMessage([tool])}`);
  warnSkip(what, missingMessage([tool]));
  return undefined;
}

const warned = new Set<string>();
function warnSkip(title: string, why: string) {
  if (warned.has(title)) return;
  warned.add(title);
  console.warn(`\n  skipped "${title}": ${why}; under CI this fails.\n`);
}

type Plan = { run: true } | { run: false; title: string; fail: boolean; why: string };

function plan(tools: Tool | readonly Tool[], title: string): Plan {
  const list = typeof tools === 'string' ? [tools] : tools;
  const missing = list.filter((t) => !findTool(t));
  if (!missing.length) return { run: true };
  const why = missingMessage(missing);
  if (inCI()) return { run: false, fail: true, why: `CI must run this check, but ${why}`, title };
  warnSkip(title, why);
  return { run: false, fail: false, why, title: `${title} [skipped: ${why}]` };
}

/**
 * `describe`, when the tools are there. Missing: skipped with the reason in its title
 * outside CI; under CI a single failing test in its place.
 */
export function describeWithTool(tools: Tool | readonly Tool[], title: string, fn: () => void): void {
  const p = plan(tools, title);
  if (p.run) describe(title, fn);
  else if (p.fail)
    describe(title, () =>
      it('has the tools it needs', () => {
        throw new Error(p.why);
      }),
    );
  else describe.skip(p.title, fn);
}

/** `it`, when the tools are there; as `describeWithTool` otherwise. */
export function itWithTool(tools: Tool | readonly Tool[], title: string, fn: TestFunction, timeout?: number): void {
  const p = plan(tools, title);
  if (p.run) it(title, fn, timeout);
  else if (p.fail)
    it(title, () => {
      throw new Error(p.why);
    });
  else it.skip(p.title, fn);
}
