import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { api, freePort, issueToken, login, type TestApp } from './helpers.ts';
import { citizenToken, FEE_FORM, FEE_PROCEDURE, type View } from './dossier-fixtures.ts';
import { FEE_UNIT } from '../src/modules/payments/testing/fixtures.ts';
import { buildServer } from '../src/platform/http/server.ts';
import type { App } from '../src/platform/http/types.ts';
import { paymentsOfficePagesModule } from '../src/web/routes/payments-office.tsx';

/**
 * What the payment pages' tests (`src/web/routes/*fees*.test.ts`, `payments-*.test.ts`,
 * `test/e2e/payments*.e2e.test.ts`) set up alike: the officials of the fee procedure's unit
 * signed in, a dossier filed that owes its fee at filing and paid at the desk, the finance
 * pages served, and the pages fetched and their forms read as a browser without script would.
 * `src/modules/payments/testing/fixtures.ts` has the module tests' own fee procedure (another
 * code and amount) and the payment platform's simulator, which these reuse.
 */

/** The fee procedure's receiving unit, where the desk, the leader, the specialist and the finance officer work. */
export { FEE_UNIT };

/** What `test/dossier-fixtures.ts`'s FEE_PROCEDURE charges at filing for FEE_FORM (one point of sale). */
export const FEE_AT_FILING = 1_005_000;

export interface FeeOffice {
  citizen: string;
  desk: string;
  leader: string;
  specialist: string;
  finance: string;
}

/** A finance officer of `unitId`: no such account is in the demo data, so a token for one is issued. */
export const financeToken = (t: TestApp, username: string, name: string, unitId = FEE_UNIT) =>
  issueToken(t.ctx, { kind: 'staff', id: randomUUID(), username, name, roles: [{ role: 'finance_officer', unitId }] });

/** The citizen `citizenId` and the officials of FEE_UNIT who handle a fee: the desk, the leader, the specialist and a finance officer. */
export async function signInFeeOffice(t: TestApp, citizenId: string, finance: { username: string; name: string }): Promise<FeeOffice> {
  return {
    citizen: await citizenToken(t, citizenId),
    desk: await login(t, 'tiepnhan.xnk'),
    leader: await login(t, 'lanhdao'),
    specialist: await login(t, 'chuyenvien'),
    finance: await financeToken(t, finance.username, finance.name),
  };
}

/** Files FEE_PROCEDURE online as `citizen`: the dossier waits, unsent, for FEE_AT_FILING. */
export async function fileFeeDossier(t: TestApp, citizen: string): Promise<string> {
  const filed = await api<View>(t, 'POST', '/api/v1/dossiers', {
    token: citizen,
    body: { procedureCode: FEE_PROCEDURE.code, channel: 2, form: FEE_FORM, components: [] },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  expect(filed.body.status).toBe('unpaid');
  return filed.body.code;
}

/** The desk collects the fee due at filing in cash, through the API. */
export async function payAtDesk(t: TestApp, desk: string, code: string): Promise<void> {
  const r = await api(t, 'POST', `/api/v1/dossiers/${code}/counter-payments`, { token: desk, body: { method: 'cash', amount: FEE_AT_FILING, dueSeq: 1 } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

/** Where the finance pages are served: the app once src/app.ts mounts them, else the same module on a server of its own over the app's context (assets included). */
export async function financePages(t: TestApp, finance: string): Promise<{ base: string; close(): Promise<void> }> {
  const probe = await fetch(`${t.base}/can-bo/thanh-toan`, { headers: { authorization: `Bearer ${finance}` } });
  await probe.text();
  if (probe.status !== 404) return { base: t.base, close: async () => {} };
  const port = await freePort();
  const app: App = await buildServer(t.ctx, [paymentsOfficePagesModule], { refreshPrincipal: async (p) => p });
  await app.listen({ port, host: '127.0.0.1' });
  return { base: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * Pages fetched and forms posted with an official's bearer token (the pages accept it), as a
 * browser without script does: redirects are not followed. `base` is read at each call, so it
 * may be given before the server has started.
 */
export function bearerPages(base: () => string) {
  const get = (token: string, url: string) => fetch(`${base()}${url}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    get,
    page: async (token: string, url: string) => {
      const r = await get(token, url);
      return { status: r.status, type: r.headers.get('content-type') ?? '', html: await r.text() };
    },
    post: (token: string, url: string, fields: [string, string][]) =>
      fetch(`${base()}${url}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      }),
  };
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const decodeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** What the browser would send for the form whose markup contains `marker`: inputs, checked radios and boxes only, selected options, textareas. */
export function formFields(html: string, marker: string): [string, string][] {
  const form = [...html.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(marker));
  if (!form) throw new Error(`no form with ${marker} on the page`);
  const out: [string, string][] = [];
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    if (!name) continue;
    if (/type="(radio|checkbox)"/.test(tag) && !/\schecked/.test(tag)) continue;
    out.push([name, decodeHtml(attr(tag, 'value') ?? '')]);
  }
  for (const [, open, body] of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const options = [...body.matchAll(/<option\b([^>]*)>/g)].map((m) => m[1]);
    const chosen = options.find((o) => /\sselected/.test(o)) ?? options[0];
    out.push([attr(open, 'name')!, decodeHtml(attr(chosen ?? '', 'value') ?? '')]);
  }
  for (const [, open, body] of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) out.push([attr(open, 'name')!, decodeHtml(body)]);
  return out;
}

/** The fields with `name`'s value changed, as typed into the form. */
export const setField = (fields: [string, string][], name: string, value: string) => fields.map(([k, v]): [string, string] => [k, k === name ? value : v]);
