import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { csrfPair } from '../../../test/security/request.ts';
import { safeNext } from './session-cookies.ts';

/**
 * Where a sign-in goes on to. A `next` that is a path of this site is followed exactly as
 * given (query and fragment included: a sign-in in the middle of a search or a dossier
 * returns to it); anything else goes to the fallback, never somewhere near the given URL.
 */

/** Paths of this site, each followed exactly. */
const KEPT = [
  '/',
  '/ho-so-cua-toi',
  '/can-bo/ho-so/000.05.01.G12-251207-0001',
  '/can-bo/ho-so/000.05.01.G12-251207-0001?tab=nhat-ky#buoc-3',
  '/thu-tuc?q=gi%E1%BA%A5y+ph%C3%A9p&trang=2',
  '/can-bo/hop-thu?channel=sms&status=queued',
  // Encoded slashes and line breaks are text in a path, not a second host or a header.
  '/%2F%2Fevil.example',
  '/a%0d%0aSet-Cookie:x=1',
  `/${'a'.repeat(498)}`,
];

/** Anything else, each replaced by the fallback. */
const REFUSED: unknown[] = [
  '//evil.example/phishing',
  '/\\evil.example',
  '/x\\y',
  '\\\\evil.example',
  'https://evil.example/',
  'http:/evil.example',
  'javascript:alert(1)',
  'ho-so-cua-toi',
  '',
  ' /ho-so-cua-toi',
  '/ho so',
  '/a\r\nSet-Cookie: x=1',
  '/\t/evil.example',
  '/hồ-sơ',
  `/${'a'.repeat(499)}`,
  undefined,
  null,
  ['/ho-so-cua-toi'],
  { toString: () => '/ho-so-cua-toi' },
];

describe('safeNext', () => {
  it.each(KEPT)('follows %s exactly', (next) => {
    expect(safeNext(next, '/can-bo')).toBe(next);
  });

  it.each(REFUSED.map((v) => [JSON.stringify(v) ?? String(v), v]))('goes to the fallback for %s', (_label, next) => {
    expect(safeNext(next, '/can-bo')).toBe('/can-bo');
    expect(safeNext(next, '/')).toBe('/');
  });
});

describe('after signing in through the pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  /** The back-office sign-in form, submitted with `next`; returns where the answer sends the browser. */
  async function signIn(next: string | undefined): Promise<{ status: number; location: string | null; cookie: string }> {
    const { cookie, token } = csrfPair(t);
    const form = new URLSearchParams({ _csrf: token, username: 'kiemtra', password: 'congso-demo', otp: '' });
    if (next !== undefined) form.set('next', next);
    const r = await fetch(`${t.base}/can-bo/dang-nhap`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const sid =
      r.headers
        .getSetCookie()
        .find((c) => c.startsWith('congso_sid='))
        ?.split(';')[0] ?? '';
    return { status: r.status, location: r.headers.get('location'), cookie: sid };
  }

  it('an official goes on to the page they came from, query and fragment included', async () => {
    for (const next of ['/can-bo/nhat-ky?action=auth.login&trang=2', '/can-bo/ho-so/000.05.01.G12-251207-0001?tab=nhat-ky#buoc-3']) {
      const r = await signIn(next);
      expect(r.status).toBe(302);
      expect(r.location).toBe(next);
    }
  });

  it('an official sent elsewhere lands on the back-office home', async () => {
    for (const next of ['//evil.example/can-bo', 'https://evil.example/', '/\\evil.example', undefined]) {
      const r = await signIn(next);
      expect(r.status).toBe(302);
      expect(r.location).toBe('/can-bo');
    }
  });

  it('an official already signed in is sent straight on, to the same places', async () => {
    const { cookie } = await signIn(undefined);
    const go = async (next: string) =>
      (await fetch(`${t.base}/can-bo/dang-nhap?next=${encodeURIComponent(next)}`, { redirect: 'manual', headers: { cookie } })).headers.get('location');
    expect(await go('/can-bo/hop-thu?channel=sms')).toBe('/can-bo/hop-thu?channel=sms');
    expect(await go('//evil.example')).toBe('/can-bo');
  });

  it("the portal's sign-in page carries the destination into its VNeID link", async () => {
    const page = await (await fetch(`${t.base}/dang-nhap?next=${encodeURIComponent('/thu-tuc/1.000001/nop-ho-so')}`)).text();
    expect(page).toContain(`/dang-nhap/vneid?next=${encodeURIComponent('/thu-tuc/1.000001/nop-ho-so')}`);
    const refused = await (await fetch(`${t.base}/dang-nhap?next=${encodeURIComponent('//evil.example')}`)).text();
    expect(refused).toContain('href="/dang-nhap/vneid?next=%2F"');
  });
});
