import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { requireTool } from '../tools.ts';

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** The system Chromium, headless. Never downloads a browser; without one the browser tests fail, naming the package. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: requireTool('chromium'),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page (WCAG 2.0/2.1 A and AA, and best practice) and returns the
 * serious and critical violations, each as a readable line. The page's CSP forbids inline
 * scripts, so contexts that call this are created with `bypassCSP: true`.
 */
export async function checkAccessibility(page: Page, label: string): Promise<string[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const present = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!present) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  });
  return violations
    .filter((v: AxeViolation) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: AxeViolation) => `[${label}] ${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`);
}

/** Fills and submits the back-office sign-in form (the page must show it); resolves when the next page has loaded. */
export async function submitOfficialForm(p: Page, username: string, password: string, otp?: string) {
  await p.fill('#username', username);
  await p.fill('#password', password);
  await p.fill('#otp', otp ?? '');
  await Promise.all([p.waitForNavigation(), p.click('form[action="/can-bo/dang-nhap"] button[type=submit]')]);
}

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} satisfies Record<string, BrowserContextOptions>;

/** The VNeID simulator's demo citizens (demo/citizens.json); the first one owns the demo's online dossiers. */
export const DEMO_CITIZENS = JSON.parse(readFileSync(new URL('../../demo/citizens.json', import.meta.url), 'utf8')) as {
  username: string;
  password: string;
  name: string;
  identifier: string;
}[];

/** A page in a fresh context on the app, axe-ready (CSP bypassed so axe can be injected). */
export async function openPage(browser: Browser, baseURL: string, kind: keyof typeof VIEWPORTS = 'desktop'): Promise<Page> {
  const ctx = await browser.newContext({ ...VIEWPORTS[kind], baseURL, bypassCSP: true });
  ctx.setDefaultTimeout(20_000);
  return ctx.newPage();
}

/** From the portal's sign-in page through the VNeID simulator and back to the app (the page must be on /dang-nhap). */
export async function submitVneid(p: Page, citizen = DEMO_CITIZENS[0]) {
  await Promise.all([p.waitForURL(/\/sso\/interaction\//), p.getByRole('button', { name: 'Đăng nhập bằng VNeID' }).click()]);
  await p.fill('#username', citizen.username);
  await p.fill('#password', citizen.password);
  await Promise.all([p.waitForURL((u) => !u.pathname.startsWith('/sso')), p.getByRole('button', { name: /^Đăng nhập/ }).click()]);
}

/** Signs an official in through the back-office form; resolves on the back-office home. */
export async function signInOfficial(p: Page, username: string, otp?: string) {
  await p.goto('/can-bo/dang-nhap');
  await submitOfficialForm(p, username, 'congso-demo', otp);
  if (new URL(p.url()).pathname !== '/can-bo') throw new Error(`${username} did not get in: ${p.url()}`);
}
