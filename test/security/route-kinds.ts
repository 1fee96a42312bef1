import type { Own } from './policy.ts';
import type { Side } from './world.ts';

/**
 * What each route parameter names, so the authorisation matrix knows which real object to put
 * in it. A route whose parameter matches no rule fails the matrix: classify it here.
 *
 * `object` is the owned object the parameter names (its vocabulary is the policy's `Own`), or
 * null for what nobody owns (the reason is given). Whether a route is limited to the caller's
 * own objects is the policy's word (`policy.ts`), not this file's: the matrix fails when a
 * route's parameter names an owned object and its policy line says nothing about it.
 */
export interface Kind {
  object: Own | null;
  value(side: Side): string;
  why?: string;
}

export const KINDS = {
  dossier: { object: 'dossier', value: (s) => s.dossier },
  result: { object: 'result', value: (s) => s.result },
  upload: { object: 'upload', value: (s) => s.upload },
  unit: { object: 'unit', value: (s) => s.unit },
  // A filing draft is looked up by the signed-in applicant and the procedure code in the path.
  draft: { object: 'draft', value: (s) => s.procedure },
  // A share link's id (the token's first part): only the citizen who made it lists or revokes it.
  shareLink: { object: 'shareLink', value: (s) => s.shareToken.split('.')[0] },
  notification: { object: 'notification', value: (s) => s.notification },
  scan: { object: 'scan', value: (s) => s.scan },
  digitisedItem: { object: 'digitisedItem', value: (s) => s.item },
  legacyBatch: { object: 'legacyBatch', value: (s) => s.legacyBatch },
  outgoingDocument: { object: 'outgoingDocument', value: (s) => s.outgoingDocument },
  outgoingFile: { object: null, value: () => '1', why: 'a file number; the outgoing document beside it is the object' },
  incomingDocument: { object: 'incomingDocument', value: (s) => s.incomingDocument },
  incomingFile: { object: null, value: () => '1', why: 'an attachment number; the incoming document beside it is the object' },
  // A work file (hồ sơ công việc) belongs to the unit that keeps it.
  documentFile: { object: 'unit', value: (s) => s.documentFile },
  // A payment is reached through its dossier: the applicant who paid, and the officials who see that dossier.
  payment: { object: 'dossier', value: (s) => s.payment },
  // A reconciliation mismatch belongs to the unit of the payment it is about.
  mismatch: { object: 'unit', value: (s) => s.mismatch },
  form: { object: null, value: () => '01', why: 'a form number; the dossier beside it is the object' },
  scanPage: { object: null, value: () => '1', why: 'a page number; the scan beside it is the object' },
  procedure: { object: null, value: (s) => s.procedure, why: 'the procedure catalogue is public' },
  staff: { object: null, value: (s) => s.specialist, why: 'staff administration is organisation-wide (administrator role)' },
  year: { object: null, value: () => '2099', why: 'the working calendar is national' },
  officeHoursUnit: {
    object: null,
    value: (s) => s.unit,
    why: 'office hours are administered organisation-wide (administrator role); the unit code only says whose hours they are',
  },
  share: { object: null, value: (s) => s.shareToken, why: 'a share link is a signed capability: whoever holds it may open it' },
  sso: { object: null, value: () => 'x', why: "the VNeID simulator's own endpoints (demo only)" },
  dataset: { object: null, value: () => 'dossier-statistics', why: 'an open dataset: aggregated figures anyone may read' },
  adapter: { object: null, value: () => 'national-portal', why: 'a connection to a national system: operated organisation-wide (administrator role)' },
  taxCode: {
    object: null,
    value: () => '0101234565',
    why: "a business's registration (name, office, representative) is public in the national business registry",
  },
  registryCode: { object: null, value: () => '0101234565', why: "what the registry simulator holds of a business (demo only): the registry's, not ours" },
  portalFile: {
    object: null,
    value: () => 'mau',
    why: "a file the national portal simulator serves with a pushed dossier (demo only): the portal's, not ours",
  },
  payToken: { object: null, value: (s) => s.payToken, why: "the payment platform simulator's pay page (demo only): the platform's, not ours" },
  payReference: {
    object: null,
    value: (s) => s.reference,
    why: "what the payment platform simulator holds of a payment (demo only): the platform's, not ours",
  },
} satisfies Record<string, Kind>;
export type KindName = keyof typeof KINDS;

/** Path parameters by route: the first rule whose pattern matches the route's URL and names the parameter wins. */
export const PARAM_RULES: { url: RegExp; param: string; kind: KindName }[] = [
  { url: /^\/(api\/v1\/integrations|can-bo\/ket-noi)\/:adapter\//, param: 'adapter', kind: 'adapter' },
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
  { url: /^\/api\/v1\/calendar\/office-hours\/:unit$/, param: 'unit', kind: 'officeHoursUnit' },
  { url: /^\/(api\/v1\/notifications|can-bo\/hop-thu)\/:id(\/|$)/, param: 'id', kind: 'notification' },
  { url: /^\/api\/v1\/digitisation\/scans\/:id(\/|$)/, param: 'id', kind: 'scan' },
  { url: /^\/api\/v1\/digitisation\/scans\/:id\/pages\/:n\/thumbnail$/, param: 'n', kind: 'scanPage' },
  { url: /^\/api\/v1\/digitisation\/items\/:code(\/|$)/, param: 'code', kind: 'digitisedItem' },
  { url: /^\/can-bo\/so-hoa\/quet\/:id(\/|$)/, param: 'id', kind: 'scan' },
  { url: /^\/can-bo\/so-hoa\/tai-lieu\/:code$/, param: 'code', kind: 'digitisedItem' },
  { url: /^\/(api\/v1\/digitisation\/legacy-batches|can-bo\/so-hoa\/ket-qua-cu)\/:id$/, param: 'id', kind: 'legacyBatch' },
  { url: /^\/(api\/v1\/documents\/files|can-bo\/ho-so-cong-viec)\/:id(\/|$)/, param: 'id', kind: 'documentFile' },
  { url: /^\/(api\/v1\/documents\/outgoing|can-bo\/van-ban-di)\/:id(\/|$)/, param: 'id', kind: 'outgoingDocument' },
  { url: /^\/(api\/v1\/documents\/outgoing\/:id\/files|can-bo\/van-ban-di\/:id\/tep)\/:seq$/, param: 'seq', kind: 'outgoingFile' },
  { url: /^\/(api\/v1\/documents\/incoming|can-bo\/van-ban-den)\/:id(\/|$)/, param: 'id', kind: 'incomingDocument' },
  { url: /^\/(api\/v1\/documents\/incoming\/:id\/attachments|can-bo\/van-ban-den\/:id\/tep)\/:n$/, param: 'n', kind: 'incomingFile' },
  { url: /^\/sso\/\*$/, param: '*', kind: 'sso' },
  { url: /^\/api\/v1\/payments\/:id(\/|$)/, param: 'id', kind: 'payment' },
  // The receipt's QR code names its payment (`/bien-lai/{id}`): a public check, showing nothing of the payer.
  { url: /^\/bien-lai\/:id$/, param: 'id', kind: 'payment' },
  { url: /^\/(api\/v1\/payments\/reconciliation\/items|can-bo\/thanh-toan\/doi-soat\/chenh-lech)\/:id(\/|$)/, param: 'id', kind: 'mismatch' },
  { url: /^\/simulators\/dvcqg\/files\/:id$/, param: 'id', kind: 'portalFile' },
  { url: /^\/simulators\/payment\/pay\/:token$/, param: 'token', kind: 'payToken' },
  { url: /^\/simulators\/payment\/transactions\/:reference$/, param: 'reference', kind: 'payReference' },
  { url: /^\/api\/v1\/open-data\/:dataset$/, param: 'dataset', kind: 'dataset' },
  { url: /^\/api\/v1\/business-registry\/:taxCode$/, param: 'taxCode', kind: 'taxCode' },
  { url: /^\/simulators\/registry\/dkkd\/v1\/doanh-nghiep\/:code$/, param: 'code', kind: 'registryCode' },
];

/** Objects named in the query string rather than the path. */
export const QUERY_RULES: { url: RegExp; query: string; kind: KindName }[] = [
  { url: /^\/nop-ho-so\/:code\/da-nop$/, query: 'ma', kind: 'dossier' },
  // The scanning page starts in a dossier (`?hoSo=`); its form posts the same field to the same address.
  { url: /^\/can-bo\/so-hoa\/quet$/, query: 'hoSo', kind: 'dossier' },
  // A unit's ledger (`?unit=`), and its chart and workbook.
  // The service index of a unit (`?unit=`) and those beneath it.
  { url: /^\/api\/v1\/indicators$/, query: 'unit', kind: 'unit' },
  // The leaders' dashboard of a unit (`?unit=`), its exports and its monthly report.
  { url: /^\/can-bo\/chi-so(\/xuat\.xlsx|\/xuat\.csv|\/bao-cao\.pdf)?$/, query: 'unit', kind: 'unit' },
  { url: /^\/api\/v1\/payments\/ledger$/, query: 'unit', kind: 'unit' },
  { url: /^\/can-bo\/thanh-toan(\/bieu-do\.svg|\/so-thu\.xlsx)?$/, query: 'unit', kind: 'unit' },
];

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
