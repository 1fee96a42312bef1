import type { StaffRole } from '../../src/platform/auth/roles.ts';
import type { Side } from './world.ts';

/**
 * What each route parameter names, so the authorisation matrix knows which object to put
 * in it and whether ownership matters. A route whose parameter matches no rule fails the
 * matrix: classify it here.
 *
 * - `refuse`: an object someone owns (a dossier, a result, an upload, a unit's register):
 *   an official of another unit and another applicant get 403 or 404, never the data.
 * - `own-only`: the object is implicitly the caller's own (a filing draft is looked up by
 *   the signed-in applicant and the procedure code): another applicant reaches only their
 *   own, so the reply must not contain the other applicant's data and their draft stays as it was.
 * - `open`: not owned by a unit or an applicant; only the route's roles apply (the reason is given).
 */
export type Scope = 'refuse' | 'own-only' | 'open';

export interface Kind {
  scope: Scope;
  value(side: Side): string;
  why?: string;
  /** Roles that may reach every unit's object of this kind (the rest are refused another unit's). */
  allUnits?: readonly StaffRole[];
}

export const KINDS = {
  dossier: { scope: 'refuse', value: (s) => s.dossier },
  result: { scope: 'refuse', value: (s) => s.result },
  upload: { scope: 'refuse', value: (s) => s.upload },
  unit: { scope: 'refuse', value: (s) => s.unit },
  draft: { scope: 'own-only', value: (s) => s.procedure },
  form: { scope: 'open', value: () => '01', why: 'a form number; the dossier beside it is the object' },
  procedure: { scope: 'open', value: (s) => s.procedure, why: 'the procedure catalogue is public' },
  staff: { scope: 'open', value: (s) => s.specialist, why: 'staff administration is organisation-wide (administrator role)' },
  year: { scope: 'open', value: () => '2099', why: 'the working calendar is national' },
  share: { scope: 'open', value: (s) => s.shareToken, why: 'a share link is a signed capability: whoever holds it may open it' },
  // A share link's id (the token's first part): only the citizen who made it lists or revokes it.
  shareLink: { scope: 'refuse', value: (s) => s.shareToken.split('.')[0] },
  // The outbox is scoped like the dossier a message is about (issue 10): another unit's message is a 404,
  // except to administrators and auditors, who answer for the whole outbox.
  notification: { scope: 'refuse', value: (s) => s.notification, allUnits: ['administrator', 'auditor'] },
  sso: { scope: 'open', value: () => 'x', why: "the VNeID simulator's own endpoints (demo only)" },
} satisfies Record<string, Kind>;
export type KindName = keyof typeof KINDS;

/** Path parameters by route: the first rule whose pattern matches the route's URL and names the parameter wins. */
export const PARAM_RULES: { url: RegExp; param: string; kind: KindName }[] = [
  { url: /^\/api\/v1\/dossiers\/:code(\/|$)/, param: 'code', kind: 'dossier' },
  { url: /^\/api\/v1\/dossiers\/:code\/forms\/:form$/, param: 'form', kind: 'form' },
  { url: /^\/can-bo\/ho-so\/:code\/bieu-mau\/:form$/, param: 'form', kind: 'form' },
  { url: /^\/api\/v1\/public\/dossiers\/:code$/, param: 'code', kind: 'dossier' },
  { url: /^\/tra-cuu\/:ma$/, param: 'ma', kind: 'dossier' },
  { url: /^\/ho-so-cua-toi\/:code(\/|$)/, param: 'code', kind: 'dossier' },
  { url: /^\/can-bo\/ho-so\/:code(\/|$)/, param: 'code', kind: 'dossier' },
  { url: /^\/api\/v1\/(public\/)?results\/:code(\/|$)/, param: 'code', kind: 'result' },
  { url: /^\/verify\/:code$/, param: 'code', kind: 'result' },
  { url: /^\/kho-du-lieu\/:code(\/|$)/, param: 'code', kind: 'result' },
  { url: /^\/chia-se\/:token$/, param: 'token', kind: 'share' },
  { url: /^\/(api\/v1\/repository\/share-links|kho-du-lieu\/lien-ket)\/:id(\/|$)/, param: 'id', kind: 'shareLink' },
  { url: /^\/api\/v1\/uploads\/:id$/, param: 'id', kind: 'upload' },
  { url: /^\/api\/v1\/registers\/:unitId$/, param: 'unitId', kind: 'unit' },
  { url: /^\/nop-ho-so\/:code\/da-nop$/, param: 'code', kind: 'procedure' },
  { url: /^\/nop-ho-so\/:code(\/|$)/, param: 'code', kind: 'draft' },
  { url: /^\/(api\/v1\/procedures|thu-tuc|can-bo\/tiep-nhan|can-bo\/thu-tuc)\/:code(\/|$)/, param: 'code', kind: 'procedure' },
  { url: /^\/(api\/v1\/staff|can-bo\/nhan-su)\/:username(\/|$)/, param: 'username', kind: 'staff' },
  { url: /^\/api\/v1\/calendar\/:year$/, param: 'year', kind: 'year' },
  { url: /^\/(api\/v1\/notifications|can-bo\/hop-thu)\/:id(\/|$)/, param: 'id', kind: 'notification' },
  { url: /^\/sso\/\*$/, param: '*', kind: 'sso' },
];

/** Objects named in the query string rather than the path. */
export const QUERY_RULES: { url: RegExp; query: string; kind: KindName }[] = [{ url: /^\/nop-ho-so\/:code\/da-nop$/, query: 'ma', kind: 'dossier' }];

/** The route's parameters, in order: `:name` segments and a trailing `*`. */
export const paramsOf = (url: string) => [...url.matchAll(/:([A-Za-z]+)|\*/g)].map((m) => m[1] ?? '*');

export function classify(url: string): { params: Record<string, KindName>; query: Record<string, KindName>; unknown: string[] } {
  const params: Record<string, KindName> = {};
  const unknown: string[] = [];
  for (const p of paramsOf(url)) {
    const rule = PARAM_RULES.find((r) => r.param === p && r.url.test(url));
    if (rule) params[p] = rule.kind;
    else unknown.push(p);
  }
  const query = Object.fromEntries(QUERY_RULES.filter((r) => r.url.test(url)).map((r) => [r.query, r.kind]));
  return { params, query, unknown };
}
