import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/platform/http/types.ts';
import { makePng } from '../../src/platform/blobs/testing/fixtures.ts';
import { startTestApp, type TestApp } from '../helpers.ts';
import { CALLERS, UNIT_Y, buildWorld, type Caller, type Side, type World } from './world.ts';
import { KINDS, classify, type KindName } from './route-kinds.ts';
import { POLICY, policyAllows, policyDifferences, type Own } from './policy.ts';
import { csrfPair, send, type Sent } from './request.ts';

/**
 * The authorisation matrix (issue 5): every route of the route table × every caller
 * (anonymous, a citizen, each staff role, each service scope) × the caller's own object and
 * someone else's, on real objects (see world.ts). What each caller should get comes from the
 * hand-written policy (`policy.ts`), never from the routes' own `config.access`: who is let in,
 * who is refused, and whether the route reaches only the caller's own objects. The objects put
 * into each route come from `route-kinds.ts`; only request bodies that get a call past schema
 * validation, so that the ownership check is what answers, are listed per route below.
 */

type BodyType = 'json' | 'multipart';
interface Probe {
  type?: BodyType;
  body?: (s: Side) => Record<string, unknown>;
  query?: (s: Side) => Record<string, string>;
}

const year = new Date().getFullYear();
const PROBES: Record<string, Probe> = {
  // Workflow action on a returned dossier, named on its first version: 409 for whoever sees it, 404 for the others.
  'POST /api/v1/dossiers/:code/actions': { body: () => ({ action: 'receive', version: 1 }) },
  'POST /api/v1/dossiers/:code/rating': { body: () => ({ scores: { timeliness: 5, attitude: 4, guidance: 5, result: 5 } }) },
  // A replacement that is the result itself: refused after the permission check, so nothing is revoked.
  'POST /api/v1/results/:code/revoke': { body: (s) => ({ reason: 'Kiểm thử phân quyền', replacedBy: s.result }) },
  'POST /api/v1/results/:code/share': { body: () => ({ hours: 1 }) },
  'PUT /api/v1/dossiers/:code/result-draft': {
    body: () => ({ kind: 'certificate', documentName: 'Dự thảo kiểm thử', fields: [{ label: 'Nhãn', value: 'Giá trị' }] }),
  },
  'GET /api/v1/registers/:unitId': { query: () => ({ from: `${year}-01-01`, to: `${year}-12-31` }) },
  'GET /api/v1/indicators': { query: () => ({ from: `${year}-01-01`, to: `${year}-12-31` }) },
  'POST /api/v1/indicators/rebuild': { body: () => ({ check: true }) },
  'POST /can-bo/ho-so/:code/thao-tac': { body: () => ({ action: 'receive', version: '1' }) },
  'POST /can-bo/ho-so/:code/ket-qua': { body: () => ({ kind: 'certificate', documentName: 'Dự thảo kiểm thử', fields: 'Nhãn: Giá trị' }) },
  'POST /can-bo/ho-so/:code/chung-thuc': { type: 'multipart', body: () => ({ documentName: 'Bản sao kiểm thử' }) },
  'POST /ho-so-cua-toi/:code/bo-sung': { type: 'multipart', body: () => ({ version: '1', note: 'x' }) },
  'POST /ho-so-cua-toi/:code/rut': { body: () => ({ version: '1', reason: '' }) },
  'POST /kho-du-lieu/:code/chia-se': { body: () => ({ hours: 1 }) },
  'POST /nop-ho-so/:code': { type: 'multipart', body: () => ({ intent: 'save' }) },
  'POST /can-bo/tiep-nhan/:code': { type: 'multipart', body: () => ({ channel: '1' }) },
  'POST /xac-minh': { type: 'multipart', body: () => ({ note: 'x' }) },
  'POST /api/v1/uploads': { type: 'multipart', body: () => ({ fileName: 'x.pdf' }) },
  // Administration: keep what the demo has (an empty role list would strip the specialist's roles).
  'POST /can-bo/nhan-su/:username/vai-tro': { body: (s) => ({ keep: `specialist@${s.unit}` }) },
  'POST /can-bo/nhan-su/:username/trang-thai': { body: () => ({ active: 'true' }) },
  // An old result with no file: refused as a form (400) once the role is let in; nothing is scanned.
  'POST /api/v1/digitisation/scans': { type: 'multipart', body: () => ({ purpose: 'legacy_result' }) },
  // The side's finished scan already has its item: the desk that covers it gets that item back (200), others a 404.
  'POST /api/v1/digitisation/items': { body: (s) => ({ scanId: s.scan }) },
  'PUT /api/v1/digitisation/items/:code/confirm': { body: () => ({ metadata: { documentName: 'x', documentType: 'other' } }) },
  // The side's scan is read already: accepting it again answers the scans it became, changing nothing.
  'POST /api/v1/digitisation/scans/:id/accept': { body: () => ({ parts: [{ pages: [{ page: 1 }] }] }) },
  // No file: the form comes back with its error (400) for whoever sees the dossier named, 404 for the others.
  'POST /can-bo/so-hoa/quet': { type: 'multipart', body: (s) => ({ hoSo: s.dossier, thanhPhan: 'T-01' }) },
  'POST /can-bo/so-hoa/tai-lieu/:code': { body: () => ({ 'm.documentName': 'x', 'm.documentType': 'other' }) },
  // No file: 400 once the role is let in; nothing is imported.
  'POST /api/v1/digitisation/legacy-batches': { type: 'multipart', body: (s) => ({ unitId: s.unit }) },
  'POST /can-bo/so-hoa/ket-qua-cu': { type: 'multipart', body: (s) => ({ unitId: s.unit }) },
  // A version the side's work file never had: 409 for whoever may change it, 404 for the others; nothing changes.
  'POST /api/v1/documents/files/:id/actions': { body: () => ({ action: 'close', version: 999 }) },
  // A comment on a version that never was: the owner's side answers 409 (nothing done), the other side's 404.
  'POST /api/v1/documents/outgoing/:id/actions': { body: () => ({ action: 'comment', version: 999, text: 'Kiểm tra quyền' }) },
  'POST /can-bo/ho-so-cong-viec/:id': { body: () => ({ op: 'close', version: '999' }) },
  // A version the incoming document never had: 409 for whoever sees it, 404 for the others; nothing is done or sent.
  'POST /api/v1/documents/incoming/:id/actions': { body: () => ({ action: 'complete', version: 999 }) },
  'PUT /api/v1/digitisation/campaign/deadline': { body: () => ({ deadline: `${year + 1}-12-31` }) },
  'POST /can-bo/so-hoa/chien-dich': { body: () => ({ deadline: `${year + 1}-12-31` }) },
  // The world's dossiers were filed online: 409 (nothing to exempt) for whoever sees the dossier, 404 for the others.
  'POST /api/v1/dossiers/:code/digitisation/exemptions': { body: () => ({ componentCode: 'T-01', reason: 'Kiểm thử phân quyền' }) },
  'POST /can-bo/ho-so/:code/khong-can-so-hoa': { body: () => ({ componentCode: 'T-01', reason: 'Kiểm thử phân quyền' }) },
  // The world's fees are paid: collecting again is 409 (nothing owed) for the desk that sees the dossier, 404 for the others.
  'POST /api/v1/dossiers/:code/counter-payments': { body: () => ({ method: 'cash', amount: 100_000, dueSeq: 1 }) },
  'POST /can-bo/ho-so/:code/thu-phi': { body: () => ({ method: 'cash', amount: '100000', dueSeq: '1' }) },
  // More than was paid: refused (409) once the payment is found, so nothing is refunded; 404 for another unit's payment.
  'POST /api/v1/payments/:id/refunds': { body: () => ({ amount: 999_999_999_999, note: 'Kiểm thử phân quyền' }) },
  'POST /can-bo/ho-so/:code/hoan-tra': { body: (s) => ({ payment: s.payment, amount: '999999999999', note: 'Kiểm thử phân quyền' }) },
  // The world's mismatches are resolved already: 409 (the note stands) for the unit's finance officers, 404 for the others.
  'POST /api/v1/payments/reconciliation/items/:id/resolve': { body: () => ({ note: 'Kiểm thử phân quyền' }) },
  'POST /can-bo/thanh-toan/doi-soat/chenh-lech/:id': { body: () => ({ note: 'Kiểm thử phân quyền', day: w.day }) },
  // The day the world paid and reconciled: the lists have something of each side to show, or to leak.
  'GET /api/v1/payments/ledger': { query: () => ({ from: w.day, to: w.day }) },
  'GET /can-bo/thanh-toan': { query: () => ({ from: w.day, to: w.day }) },
  'GET /can-bo/thanh-toan/bieu-do.svg': { query: () => ({ from: w.day, to: w.day }) },
  'GET /can-bo/thanh-toan/so-thu.xlsx': { query: () => ({ from: w.day, to: w.day }) },
  'GET /api/v1/payments/reconciliation': { query: () => ({ day: w.day }) },
  'GET /can-bo/thanh-toan/doi-soat': { query: () => ({ day: w.day }) },
};

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  w = await buildWorld(t);
});
afterAll(() => t?.close());

/** The owned object a route's path or query names (a dossier, a result, ...), if any. */
function namedObject(url: string): Own | null {
  const { params, query } = classify(url);
  return [...Object.values(params), ...Object.values(query)].map((k) => KINDS[k].object as Own | null).find((o) => o !== null) ?? null;
}
/** Ownership a list can show: the other side's objects must not appear in it. */
const LISTED = new Set<Own>(['dossier', 'result', 'upload', 'unit', 'shareLink', 'notification', 'inbox', 'digitisedItem']);

const isPage = (url: string) => !url.startsWith('/api/');
const fill = (url: string, params: Record<string, KindName>, side: Side) =>
  url.replace(/:([A-Za-z]+)|\*/g, (_m, name: string | undefined) => encodeURIComponent(KINDS[params[name ?? '*']].value(side)));

function bodyFor(route: RouteEntry, side: Side, csrf: ReturnType<typeof csrfPair>): { headers: Record<string, string>; body?: BodyInit } {
  if (route.method === 'GET' || route.method === 'DELETE' || route.method === 'OPTIONS') return { headers: {} };
  const probe = PROBES[`${route.method} ${route.url}`] ?? {};
  const fields = probe.body?.(side) ?? {};
  const headers: Record<string, string> = { cookie: csrf.cookie, 'x-csrf-token': csrf.token };
  if (probe.type === 'multipart') {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
    return { headers, body: fd };
  }
  return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fields) };
}

const mentions = (r: Sent, secrets: string[]) =>
  secrets.filter((s) => r.text.toLowerCase().includes(s.toLowerCase()) || r.utf8.toLowerCase().includes(s.toLowerCase()));

async function draftOf(side: Side) {
  const r = await t.ctx.database.db
    .selectFrom('dossier_drafts')
    .select('form')
    .where('owner_citizen_id', '=', side.citizen.id)
    .where('procedure_code', '=', side.procedure)
    .executeTakeFirst();
  return JSON.stringify(r?.form ?? null);
}

describe('authorisation matrix', () => {
  it('the policy names every route, and the code gives each the access the policy gives it', () => {
    const differences = policyDifferences(t.app.routeTable);
    expect(differences, `routes and policy disagree:\n${differences.join('\n')}`).toEqual([]);
  });

  it("the policy's ownership agrees with what each route's parameters name", () => {
    const failures: string[] = [];
    for (const route of t.app.routeTable) {
      const rule = POLICY[`${route.method} ${route.url}`];
      if (!rule) continue; // reported by the test above
      const named = namedObject(route.url);
      if (named && named !== rule.own && named !== rule.publicView)
        failures.push(
          `${route.method} ${route.url}: names a ${named} (route-kinds.ts) but the policy gives it ${rule.own ? `own: '${rule.own}'` : rule.publicView ? `publicView: '${rule.publicView}'` : 'no ownership'}`,
        );
      if (rule.own === 'draft' && named !== 'draft') failures.push(`${route.method} ${route.url}: a draft route must name the procedure of the draft`);
      if (rule.publicView && rule.who !== 'public') failures.push(`${route.method} ${route.url}: publicView is for public routes`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('every route × every caller × own and other objects: roles enforced, others refused, owners let in', async () => {
    const routes = t.app.routeTable;
    const unclassified = routes.flatMap((r) => classify(r.url).unknown.map((p) => `${r.method} ${r.url} :${p}`));
    expect(unclassified, `route parameters of unknown kind: classify them in test/security/route-kinds.ts (PARAM_RULES): ${unclassified.join(', ')}`).toEqual(
      [],
    );

    const csrf = csrfPair(t);
    const failures: string[] = [];
    let checks = 0;
    const kindsSeen = new Set<string>();
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      const rule = POLICY[key];
      if (!rule) {
        failures.push(`${key}: not in the policy, so nothing says who may call it`);
        continue;
      }
      const { params, query } = classify(route.url);
      [...Object.values(params), ...Object.values(query)].forEach((k) => kindsSeen.add(k));
      const named = namedObject(route.url);
      // What the policy limits to the caller's own: the object in the path, the caller's draft, or what a list shows.
      const inPath = rule.own !== undefined && rule.own === named && rule.own !== 'draft';
      const ownDraft = rule.own === 'draft';
      const listed = rule.own !== undefined && !named && LISTED.has(rule.own);
      for (const caller of CALLERS) {
        for (const ownership of ['own', 'other'] as const) {
          const side = ownership === 'own' ? w.own : w.other;
          const probe = PROBES[key] ?? {};
          const qs = new URLSearchParams({
            ...probe.query?.(side),
            ...Object.fromEntries(Object.entries(query).map(([q, k]) => [q, KINDS[k].value(side)])),
          }).toString();
          const url = fill(route.url, params, side) + (qs ? `?${qs}` : '');
          const { headers, body } = bodyFor(route, side, csrf);
          const token = w.tokens.get(caller);
          if (token) headers.authorization = `Bearer ${token}`;
          headers.accept = isPage(route.url) ? 'text/html' : 'application/json';
          if (ownDraft) await w.resetDrafts();
          const draftBefore = ownDraft ? await draftOf(w.other) : '';
          const r = await send(t, route.method, url, { headers, body });
          checks++;
          const fail = (why: string) =>
            failures.push(`${route.method} ${url} as ${caller} (${ownership}): ${why} — got ${r.status} ${r.utf8.slice(0, 160).replace(/\s+/g, ' ')}`);
          const principal = w.principals.get(caller) ?? null;

          if (r.status >= 500) {
            fail('server error');
            continue;
          }
          if (rule.who !== 'public' && caller === 'anonymous') {
            if (!isPage(route.url)) {
              if (r.status !== 401) fail('anonymous must get 401');
            } else if (route.method === 'GET') {
              if (r.status !== 302 || !/dang-nhap\?next=/.test(r.headers.get('location') ?? '')) fail('anonymous must be sent to sign in');
            } else if (r.status !== 401 && r.status !== 403) fail('anonymous must get 401/403');
            continue;
          }
          if (!policyAllows(rule.who, caller)) {
            if (r.status !== 403) fail(`the policy does not let ${caller} in (${rule.who === 'public' ? 'public' : rule.who.join(', ')}): must get 403`);
            continue;
          }
          // Allowed to call the route.
          if (rule.who === 'public') {
            if (r.status === 401 || r.status === 403) fail('public route refused');
            if (rule.publicView) {
              // A signed-in citizen's own name is in every page's header: that is not the object's data.
              const leaked = mentions(
                r,
                side.secrets.filter((x) => !(principal?.name ?? '').toLowerCase().includes(x)),
              );
              if (leaked.length) fail(`public reply shows personal data: ${leaked.join(', ')}`);
            }
            continue;
          }
          const personal = principal!.kind === 'citizen' || principal!.kind === 'staff';
          const seesAllUnits = caller !== 'citizen' && (rule.allUnits ?? []).some((role) => role === caller);
          if (personal && ownership === 'other' && inPath && !seesAllUnits) {
            if (r.status !== 403 && r.status !== 404) fail("someone else's object: must get 403 or 404");
            const leaked = mentions(r, w.other.secrets);
            if (leaked.length) fail(`shows the other side's data: ${leaked.join(', ')}`);
            continue;
          }
          if (personal && ownership === 'other' && ownDraft) {
            const leaked = mentions(r, [...w.other.secrets, w.other.draftSecret]);
            if (leaked.length) fail(`shows the other applicant's draft: ${leaked.join(', ')}`);
            if ((await draftOf(w.other)) !== draftBefore) fail("changed the other applicant's draft");
            continue;
          }
          if (personal && listed && !seesAllUnits) {
            // A list limited to the caller's own shows nothing of the other side, not even its codes.
            const leaked = mentions(r, [
              ...w.other.secrets,
              w.other.dossier,
              w.other.result,
              w.other.item,
              w.other.legacyBatch,
              w.other.payment,
              w.other.reference,
              w.other.mismatch,
            ]);
            if (leaked.length) fail(`lists the other side's ${rule.own}: ${leaked.join(', ')}`);
          }
          if (r.status === 401 || r.status === 403) fail('allowed caller refused');
          else if (personal && ownership === 'own' && (inPath || ownDraft) && route.method === 'GET' && r.status === 404)
            fail('owner cannot find their own object');
        }
      }
    }
    const scoped = routes.filter((r) => POLICY[`${r.method} ${r.url}`]?.own).length;
    console.info(
      `security: ${routes.length} routes × ${CALLERS.length} roles × 2 ownership cases = ${checks} checks (${scoped} routes limited to the caller's own; parameter kinds: ${[...kindsSeen].sort().join(', ')})`,
    );
    expect(failures, failures.join('\n')).toEqual([]);
  }, 600_000);

  it("objects named in request bodies: someone else's upload, dossier, result, scan, unit or payment is refused and nothing changes", async () => {
    const o = w.other;
    const tk = (c: Caller) => w.tokens.get(c)!;
    const json = (method: string, url: string, caller: Caller, body: unknown) =>
      send(t, method, url, {
        headers: { authorization: `Bearer ${tk(caller)}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
    const urlencoded = (url: string, caller: Caller, fields: Record<string, string>) =>
      send(t, 'POST', url, {
        headers: { authorization: `Bearer ${tk(caller)}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams(fields).toString(),
      });
    const form = (url: string, caller: Caller, fields: Record<string, string>) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.append(k, v);
      return send(t, 'POST', url, { headers: { authorization: `Bearer ${tk(caller)}`, accept: 'text/html' }, body: fd });
    };
    // A real page image, so that only the dossier or unit named can be what refuses the scan.
    const scanForm = (caller: Caller, fields: Record<string, string>) => {
      const fd = new FormData();
      fd.append('file', new Blob([new Uint8Array(makePng())], { type: 'image/png' }), 'a.png');
      for (const [k, v] of Object.entries(fields)) fd.append(k, v);
      return send(t, 'POST', '/api/v1/digitisation/scans', { headers: { authorization: `Bearer ${tk(caller)}`, accept: 'application/json' }, body: fd });
    };
    const filing = (uploadId: string, extra: Record<string, unknown> = {}) => ({
      procedureCode: w.own.procedure,
      channel: 2,
      form: { tenDoanhNghiep: 'Công ty Mượn Tệp', maSoThue: '0101234567' },
      components: [{ code: 'T-01', uploadId }],
      ...extra,
    });
    const counter = { channel: 1, applicant: { name: 'Người Nộp Tại Quầy', identifier: '079100000099' } };
    const cases: { name: string; run: () => Promise<Sent>; refused: (r: Sent) => boolean }[] = [
      {
        name: "a citizen attaches another applicant's upload",
        run: () => json('POST', '/api/v1/dossiers', 'citizen', filing(o.upload)),
        refused: (r) => r.status === 400,
      },
      {
        name: "an officer attaches, at the counter, a file of another unit's dossier",
        run: () => json('POST', '/api/v1/dossiers', 'receiving_officer', filing(o.upload, counter)),
        refused: (r) => r.status === 400,
      },
      {
        name: "an officer certifies a copy for another unit's dossier",
        run: () =>
          json('POST', '/api/v1/results/certified-copies', 'receiving_officer', {
            dossierCode: o.dossier,
            uploadId: w.own.upload,
            documentName: 'Bản sao thử',
          }),
        refused: (r) => r.status === 404,
      },
      {
        name: "an officer certifies another unit's file as a copy",
        run: () =>
          json('POST', '/api/v1/results/certified-copies', 'receiving_officer', {
            dossierCode: w.own.dossier,
            uploadId: o.upload,
            documentName: 'Bản sao thử',
          }),
        refused: (r) => r.status === 404,
      },
      {
        name: "a signing leader signs another unit's dossier",
        run: () => json('POST', '/api/v1/results/sign', 'signing_leader', { dossierCodes: [o.dossier] }),
        refused: (r) => r.status === 200 && /"NOT_FOUND"/.test(r.utf8) && !/resultCode/.test(r.utf8),
      },
      {
        name: "a signing leader signs another unit's dossier from the page",
        run: () => urlencoded('/can-bo/ky-so', 'signing_leader', { codes: o.dossier }),
        refused: (r) => r.status === 200 && !r.utf8.includes(o.secrets[0]),
      },
      {
        name: "a unit leader assigns another unit's dossier",
        run: () => urlencoded('/can-bo/ho-so/phan-cong', 'unit_leader', { codes: o.dossier, [`version.${o.dossier}`]: '1', assignee: 'chuyenvien' }),
        refused: (r) => r.status === 400,
      },
      {
        name: "a citizen reuses another applicant's result in a draft",
        run: () => form(`/nop-ho-so/${w.own.procedure}`, 'citizen', { intent: 'save', 'reuse.0': o.result }),
        refused: (r) => r.status === 400,
      },
      {
        name: "a signing leader replaces a result by another unit's result",
        run: () => json('POST', `/api/v1/results/${w.own.result}/revoke`, 'signing_leader', { reason: 'Thay thế thử', replacedBy: o.result }),
        refused: (r) => r.status === 400,
      },
      {
        name: "an officer makes a digitised item of another unit's scan",
        run: () => json('POST', '/api/v1/digitisation/items', 'receiving_officer', { scanId: o.scan }),
        refused: (r) => r.status === 404,
      },
      {
        name: "a clerk makes a digitised item of another unit's scan",
        run: () => json('POST', '/api/v1/digitisation/items', 'clerk', { scanId: o.scan }),
        refused: (r) => r.status === 404,
      },
      {
        name: 'a clerk imports an old result for another unit',
        run: () => {
          const fd = new FormData();
          fd.append('file', new Blob([new Uint8Array(makePng())], { type: 'image/png' }), 'cu.png');
          const fields = { unitId: UNIT_Y, holderIdentifier: o.citizen.identifier!, documentName: 'Giấy phép thử', issueDate: '01/02/2015' };
          for (const [k, v] of Object.entries(fields)) fd.append(k, v);
          return send(t, 'POST', '/api/v1/digitisation/legacy-batches', {
            headers: { authorization: `Bearer ${tk('clerk')}`, accept: 'application/json' },
            body: fd,
          });
        },
        refused: (r) => r.status === 404,
      },
      {
        name: "an officer scans a component of another unit's dossier",
        run: () => scanForm('receiving_officer', { dossierCode: o.dossier, componentCode: 'T-01' }),
        refused: (r) => r.status === 404,
      },
      {
        name: 'a clerk scans an old result for another unit',
        run: () => scanForm('clerk', { purpose: 'legacy_result', unitId: UNIT_Y }),
        refused: (r) => r.status === 404,
      },
      {
        // The page names a dossier in its path and the payment in its form: the payment's unit is what decides.
        name: "a finance officer refunds, from their own unit's dossier page, another unit's payment",
        run: () => urlencoded(`/can-bo/ho-so/${w.own.dossier}/hoan-tra`, 'finance_officer', { payment: o.payment, amount: '1000', note: 'Hoàn trả thử' }),
        refused: (r) => r.status === 404,
      },
      {
        name: "a specialist files another unit's document in their own unit's work file",
        run: async () => {
          const v = await send(t, 'GET', `/api/v1/documents/files/${w.own.documentFile}`, {
            headers: { authorization: `Bearer ${tk('specialist')}`, accept: 'application/json' },
          });
          const { version } = JSON.parse(v.utf8) as { version: number };
          return json('POST', `/api/v1/documents/files/${w.own.documentFile}/actions`, 'specialist', {
            action: 'add',
            version,
            kind: 'incoming',
            documentId: 'sec-beta',
          });
        },
        refused: (r) => r.status === 404,
      },
      {
        name: 'a clerk opens a work file in another unit',
        run: () => json('POST', '/api/v1/documents/files', 'clerk', { unitId: o.unit, code: 'SEC-X', title: 'Hồ sơ lạ', year: 2026, retentionYears: 5 }),
        refused: (r) => r.status === 403,
      },
    ];
    const state = async () =>
      JSON.stringify(
        await Promise.all([
          t.ctx.database.db.selectFrom('dossiers').select(['code', 'status', 'assignee', 'handling_unit']).orderBy('code').execute(),
          t.ctx.database.db.selectFrom('results').select(['result_code', 'status']).orderBy('result_code').execute(),
          t.ctx.database.db
            .selectFrom('dossier_components')
            .select((e) => e.fn.countAll<number>().as('n'))
            .execute(),
          t.ctx.database.db
            .selectFrom('dossier_drafts')
            .select(['owner_citizen_id', 'procedure_code', 'components'])
            .where('owner_citizen_id', '=', w.own.citizen.id)
            .orderBy('procedure_code')
            .execute(),
          t.ctx.database.db.selectFrom('scans').select(['id', 'unit_id', 'dossier_code']).orderBy('id').execute(),
          t.ctx.database.db.selectFrom('digitised_items').select(['code', 'scan_id', 'metadata']).orderBy('code').execute(),
          t.ctx.database.db.selectFrom('digitisation_exemptions').select(['dossier_code', 'component_code']).orderBy('dossier_code').execute(),
          t.ctx.database.db.selectFrom('legacy_batches').select(['id', 'unit_id']).orderBy('id').execute(),
          t.ctx.database.db.selectFrom('payments').select(['id', 'state', 'refunded', 'refund_due']).orderBy('id').execute(),
          t.ctx.database.db.selectFrom('document_files').select(['id', 'unit_id', 'version']).orderBy('id').execute(),
          t.ctx.database.db.selectFrom('document_file_items').select(['file_id', 'kind', 'doc_id']).orderBy('file_id').orderBy('doc_id').execute(),
        ]),
      );
    await w.resetDrafts();
    const before = await state();
    const failures: string[] = [];
    for (const c of cases) {
      const r = await c.run();
      if (r.status >= 500 || !c.refused(r)) failures.push(`${c.name}: ${r.status} ${r.utf8.slice(0, 200)}`);
      const leaked = mentions(r, o.secrets);
      if (leaked.length) failures.push(`${c.name}: shows ${leaked.join(', ')}`);
    }
    await w.resetDrafts();
    expect(failures, failures.join('\n')).toEqual([]);
    expect(await state(), 'a refused request changed something').toBe(before);
  });
});
