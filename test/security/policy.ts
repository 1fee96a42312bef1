import type { Grant, StaffRole } from '../../src/platform/auth/roles.ts';

/**
 * The access policy, written by hand: who may call each route, and whether it reaches only the
 * caller's own objects. It is the reviewed statement of rights that the authorisation tests hold
 * the code to (`authorisation-matrix.test.ts`, `src/platform/http/authorisation.test.ts`); it is
 * never derived from the routes' own `config.access`, so a route given the wrong roles, or made
 * public by mistake, fails a test instead of passing it. Adding a route means adding its line here.
 *
 * Roles (BRIEF §1): receiving officers receive and return at the one-stop counter, specialists
 * examine and draft, unit leaders assign, signing leaders approve and sign, clerks register,
 * auditors read, administrators administer, finance officers keep their units' fees (ledger,
 * reconciliation, refunds); citizens reach only what is theirs; integrating
 * systems hold service scopes. The table is the app as the tests start it (demo mode, so the
 * VNeID, TSA and payment platform simulators are mounted).
 */

/** Who may call: `public`, or any of these grants (`staff` = any official, whatever the role). */
export type Who = 'public' | readonly Grant[];

/**
 * Whose objects the route reaches. Citizens: their own (they are the applicant or the holder);
 * officials: those of the units they hold a role in and the units beneath (a dossier received or
 * handled there, its files, its result, its messages, that unit's register). Service accounts are
 * not limited by ownership (a national portal reads every dossier its scope covers).
 * - `dossier`, `result`, `upload`, `unit`, `shareLink`, `notification`: the object named in the
 *   path or query (someone else's is 403 or 404, never its data), or, on a list, what is listed,
 *   or, on a batch action, what the body names.
 * - `draft`: the signed-in citizen's own filing draft, found by the procedure code in the path.
 * - `inbox`: the citizen's own portal notifications.
 * - `account`: the caller's own account (password, profile); nobody else's can be named.
 * - `scan`: a digitisation scan, owned by the unit it was scanned for (its officials and those above).
 * - `legacyBatch`: an import batch of old results, owned by the unit it imports for (its officials and those above).
 * - `incomingDocument`: an incoming official document: its receiving unit's officials (and those above), the leaders it
 *   was presented to, who directed it, its handler and co-handlers.
 * - `digitisedItem`: a digitised document (its code in the path, or what a search lists): the holder's
 *   (citizen), or the unit's that digitised it (its officials and those above; also officials who see its dossier).
 * - `outgoingDocument`: an outgoing official document: its drafting unit's officials (and those above), its named signer, and once
 *   released the officials of the internal units it was sent to.
 */
export type Own =
  | 'dossier'
  | 'result'
  | 'upload'
  | 'unit'
  | 'shareLink'
  | 'notification'
  | 'draft'
  | 'inbox'
  | 'account'
  | 'scan'
  | 'digitisedItem'
  | 'legacyBatch'
  | 'incomingDocument'
  | 'outgoingDocument';

export interface Rule {
  who: Who;
  own?: Own;
  /** Roles that reach every unit's objects of `own` (the outbox is read whole by those who answer for it). */
  allUnits?: readonly StaffRole[];
  /**
   * A public route about an owned object (tracking, verification): anyone may ask, and the reply
   * carries no personal data of the applicant.
   */
  publicView?: 'dossier' | 'result';
}

// Groups the policy reuses. Each is a statement about the domain, not a copy of a constant in the code.
/** Every official who works with dossiers reads those of their units. */
const READ_DOSSIERS: readonly Grant[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];
/** Officials who take workflow steps (who acts at which step is the workflow's own rule). */
const WORKFLOW: readonly Grant[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader'];
/** Those who read service-quality ratings of their units. */
const RATINGS: readonly Grant[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'auditor', 'administrator'];
/** The outbox: the one-stop desk answers for notices sent; auditors and administrators read it whole. */
const OUTBOX: readonly Grant[] = ['administrator', 'auditor', 'receiving_officer'];
const OUTBOX_ALL: readonly StaffRole[] = ['administrator', 'auditor'];
const AUDIT: readonly Grant[] = ['auditor', 'administrator'];
const ADMIN: readonly Grant[] = ['administrator'];
/** Who attaches files: the applicant online, the desk for a counter filing, the specialist for a draft, the national portal. */
const UPLOADERS: readonly Grant[] = ['citizen', 'receiving_officer', 'specialist', 'scope:dossiers:write'];
/** Incoming official documents: clerks receive, leaders direct, specialists handle, auditors and administrators read. */
const INCOMING_READERS: readonly Grant[] = ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor', 'administrator'];
const ALL_SCOPES: readonly Grant[] = [
  'scope:dossiers:write',
  'scope:dossiers:read',
  'scope:catalog:read',
  'scope:national-portal:push',
  'scope:sharing:dossiers',
];

export const POLICY: Record<string, Rule> = {
  // ── Operations and static files ────────────────────────────────────────────────────────────
  'GET /api/openapi.json': { who: 'public' },
  'GET /assets/app.css': { who: 'public' },
  'GET /assets/app.js': { who: 'public' },
  'GET /assets/govuk-frontend.min.js': { who: 'public' },
  'GET /assets/htmx.min.js': { who: 'public' },
  'GET /healthz': { who: 'public' },
  // Public in demo mode; in production the handler asks for the monitoring system's token.
  'GET /metrics': { who: 'public' },

  // ── Identity: signing in and out (credential endpoints are public, rate limited as sign-ins) ──
  'GET /api/v1/account/password': { who: ['staff'], own: 'account' },
  'POST /api/v1/account/password': { who: ['staff'], own: 'account' },
  'POST /api/v1/auth/login': { who: 'public' },
  'GET /api/v1/me': { who: ['staff', 'citizen', ...ALL_SCOPES], own: 'account' },
  'POST /api/v1/oauth/token': { who: 'public' },
  'GET /can-bo/dang-nhap': { who: 'public' },
  'POST /can-bo/dang-nhap': { who: 'public' },
  'POST /can-bo/dang-xuat': { who: 'public' },
  'GET /can-bo/doi-mat-khau': { who: ['staff'], own: 'account' },
  'POST /can-bo/doi-mat-khau': { who: ['staff'], own: 'account' },
  'GET /can-bo/tai-khoan': { who: ['staff'], own: 'account' },
  'GET /dang-nhap': { who: 'public' },
  'GET /dang-nhap/vneid': { who: 'public' },
  'GET /dang-nhap/vneid/callback': { who: 'public' },
  // Signing out must work with an expired session too; it ends only the caller's own.
  'POST /dang-xuat': { who: 'public' },

  // ── Organisation: units and staff (administrators change, auditors read) ────────────────────
  'GET /api/v1/staff': { who: ['administrator', 'auditor'] },
  'POST /api/v1/staff': { who: ADMIN },
  'PUT /api/v1/staff/:username/active': { who: ADMIN },
  'POST /api/v1/staff/:username/credentials/reset': { who: ADMIN },
  'PUT /api/v1/staff/:username/roles': { who: ADMIN },
  'GET /api/v1/units': { who: ['staff'] },
  'POST /api/v1/units': { who: ADMIN },
  'GET /can-bo/don-vi': { who: ['administrator', 'auditor'] },
  'POST /can-bo/don-vi': { who: ADMIN },
  'GET /can-bo/nhan-su': { who: ['administrator', 'auditor'] },
  'POST /can-bo/nhan-su': { who: ADMIN },
  // REVIEW: auditors read the staff list (page and API) but not one official's page.
  'GET /can-bo/nhan-su/:username': { who: ADMIN },
  'POST /can-bo/nhan-su/:username/dat-lai': { who: ADMIN },
  'POST /can-bo/nhan-su/:username/trang-thai': { who: ADMIN },
  'POST /can-bo/nhan-su/:username/vai-tro': { who: ADMIN },

  // ── Procedure catalogue (public to read; administrators import and edit) ───────────────────
  'GET /api/v1/procedures': { who: 'public' },
  'GET /api/v1/procedures/:code': { who: 'public' },
  'POST /api/v1/procedures/:code/versions': { who: ADMIN },
  'POST /api/v1/procedures/import': { who: ADMIN },
  'GET /can-bo/thu-tuc': { who: ['staff'] },
  'GET /can-bo/thu-tuc/:code/phien-ban': { who: ['staff'] },
  'GET /can-bo/thu-tuc/:code/sua': { who: ADMIN },
  'POST /can-bo/thu-tuc/:code/sua': { who: ADMIN },
  'POST /can-bo/thu-tuc/:code/xem-truoc': { who: ADMIN },
  'POST /can-bo/thu-tuc/nhap': { who: ADMIN },
  // The catalogue pulled from the National Public Service Portal: its differences shown, then applied through the import.
  'GET /can-bo/thu-tuc/lay-tu-dvcqg': { who: ADMIN },
  'POST /can-bo/thu-tuc/lay-tu-dvcqg': { who: ADMIN },
  'GET /thu-tuc': { who: 'public' },
  'GET /thu-tuc/:code': { who: 'public' },

  // ── Working calendar (national: public to read, administrators set it) ─────────────────────
  'GET /api/v1/calendar/:year': { who: 'public' },
  'PUT /api/v1/calendar/:year': { who: ADMIN },
  'DELETE /api/v1/calendar/:year': { who: ADMIN },
  'GET /api/v1/calendar/due-date': { who: 'public' },
  // Office hours (issue 19): public to read; administrators set a unit's, or the default ('*').
  'GET /api/v1/calendar/office-hours': { who: 'public' },
  'PUT /api/v1/calendar/office-hours/:unit': { who: ADMIN },
  'DELETE /api/v1/calendar/office-hours/:unit': { who: ADMIN },
  'GET /can-bo/lich-lam-viec': { who: ['staff'] },
  'POST /can-bo/lich-lam-viec': { who: ADMIN },
  'POST /can-bo/lich-lam-viec/gio-lam-viec': { who: ADMIN },

  // ── Uploads ────────────────────────────────────────────────────────────────────────────────
  'POST /api/v1/uploads': { who: UPLOADERS },
  // The uploader's own file, or a file of a dossier of the official's units.
  // Every official who reads dossiers opens their files (the approver reads what they approve); officials only
  // the files of their units' dossiers, citizens and systems only their own uploads.
  'GET /api/v1/uploads/:id': { who: [...UPLOADERS, 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'], own: 'upload' },

  // ── Dossiers: API ──────────────────────────────────────────────────────────────────────────
  'GET /api/v1/dossiers': { who: ['citizen', ...READ_DOSSIERS, 'scope:dossiers:read'], own: 'dossier' },
  // Filing: the applicant online, the desk at the counter, the national portal on the applicant's behalf.
  'POST /api/v1/dossiers': { who: ['citizen', 'receiving_officer', 'scope:dossiers:write'] },
  // The national portal reads back what it filed, so the write scope reads one dossier too.
  'GET /api/v1/dossiers/:code': { who: ['citizen', ...READ_DOSSIERS, 'scope:dossiers:read', 'scope:dossiers:write'], own: 'dossier' },
  'GET /api/v1/dossiers/:code/actions': { who: ['citizen', ...READ_DOSSIERS, 'scope:dossiers:read'], own: 'dossier' },
  // Citizens withdraw and supplement; the workflow decides which official acts at which step.
  'POST /api/v1/dossiers/:code/actions': { who: ['citizen', ...WORKFLOW], own: 'dossier' },
  'GET /api/v1/dossiers/:code/forms/:form': { who: ['citizen', ...READ_DOSSIERS], own: 'dossier' },
  'POST /api/v1/dossiers/:code/rating': { who: ['citizen'], own: 'dossier' },
  'GET /api/v1/dossiers/:code/result-draft': { who: READ_DOSSIERS, own: 'dossier' },
  'PUT /api/v1/dossiers/:code/result-draft': { who: ['specialist'], own: 'dossier' },
  'GET /api/v1/dossiers/:code/result-preview': { who: READ_DOSSIERS, own: 'dossier' },
  // Dossiers filed on the National Public Service Portal, pushed in by the portal only.
  'POST /api/v1/national-portal/dossiers': { who: ['scope:national-portal:push'] },
  // Another agency's document-exchange system delivers EDXML (issue 18): the `edxml` scope only.
  'POST /api/v1/edxml/inbox': { who: ['scope:edxml'] },
  // Tracking by code: the status only, no personal data.
  'GET /api/v1/public/dossiers/:code': { who: 'public', publicView: 'dossier' },
  'GET /api/v1/ratings': { who: RATINGS, own: 'unit' },
  'GET /api/v1/registers/:unitId': { who: READ_DOSSIERS, own: 'unit' },

  // ── Results: API ───────────────────────────────────────────────────────────────────────────
  'GET /api/v1/public/results/:code': { who: 'public', publicView: 'result' },
  'POST /api/v1/public/results/verify': { who: 'public' },
  'GET /api/v1/repository/results': { who: ['citizen'], own: 'result' },
  'GET /api/v1/repository/share-links': { who: ['citizen'], own: 'shareLink' },
  'POST /api/v1/repository/share-links/:id/revoke': { who: ['citizen'], own: 'shareLink' },
  'GET /api/v1/results/:code/pdf': { who: ['citizen', ...READ_DOSSIERS], own: 'result' },
  'POST /api/v1/results/:code/reuse': { who: ['citizen'], own: 'result' },
  // Revoking a signed result is a signing leader's decision.
  // REVIEW: administrators may revoke too; administering the system is not deciding on a signed result.
  'POST /api/v1/results/:code/revoke': { who: ['signing_leader', 'administrator'], own: 'result' },
  'POST /api/v1/results/:code/share': { who: ['citizen'], own: 'result' },
  // Certified e-copies are made at the desk, for a dossier and a file of the officer's units.
  'POST /api/v1/results/certified-copies': { who: ['receiving_officer'], own: 'dossier' },
  // The dossiers to sign are named in the body: another unit's are refused one by one.
  'POST /api/v1/results/sign': { who: ['signing_leader'], own: 'dossier' },
  // A share link is a signed capability: whoever holds the link may open it.
  'GET /chia-se/:token': { who: 'public' },

  // ── Notifications ──────────────────────────────────────────────────────────────────────────
  'GET /api/v1/me/notifications': { who: ['citizen'], own: 'inbox' },
  'POST /api/v1/me/notifications/read': { who: ['citizen'], own: 'inbox' },
  'GET /api/v1/notifications': { who: OUTBOX, own: 'notification', allUnits: OUTBOX_ALL },
  'GET /api/v1/notifications/:id': { who: OUTBOX, own: 'notification', allUnits: OUTBOX_ALL },

  // ── Audit trail (auditors and administrators read the whole trail) ─────────────────────────
  'GET /api/v1/audit': { who: AUDIT },
  'GET /api/v1/audit/verify': { who: AUDIT },
  'GET /can-bo/nhat-ky': { who: AUDIT },
  'POST /can-bo/nhat-ky/kiem-tra': { who: AUDIT },
  'GET /can-bo/nhat-ky/xuat.csv': { who: AUDIT },

  // ── Portal pages (citizens) ────────────────────────────────────────────────────────────────
  'GET /': { who: 'public' },
  'GET /ho-so-cua-toi': { who: ['citizen'], own: 'dossier' },
  'GET /ho-so-cua-toi/:code': { who: ['citizen'], own: 'dossier' },
  'POST /ho-so-cua-toi/:code/bo-sung': { who: ['citizen'], own: 'dossier' },
  'POST /ho-so-cua-toi/:code/danh-gia': { who: ['citizen'], own: 'dossier' },
  'POST /ho-so-cua-toi/:code/rut': { who: ['citizen'], own: 'dossier' },
  'GET /kho-du-lieu': { who: ['citizen'], own: 'result' },
  'POST /kho-du-lieu/:code/chia-se': { who: ['citizen'], own: 'result' },
  'POST /kho-du-lieu/lien-ket/:id/thu-hoi': { who: ['citizen'], own: 'shareLink' },
  'GET /nop-ho-so/:code': { who: ['citizen'], own: 'draft' },
  'POST /nop-ho-so/:code': { who: ['citizen'], own: 'draft' },
  // The confirmation names the filed dossier in `?ma=`: only its applicant sees it.
  'GET /nop-ho-so/:code/da-nop': { who: ['citizen'], own: 'dossier' },
  'POST /nop-ho-so/:code/nop': { who: ['citizen'], own: 'draft' },
  'GET /nop-ho-so/:code/xem-lai': { who: ['citizen'], own: 'draft' },
  'POST /nop-ho-so/:code/xoa-nhap': { who: ['citizen'], own: 'draft' },
  'GET /thong-bao': { who: ['citizen'], own: 'inbox' },
  'GET /thu-tuc/:code/nop-ho-so': { who: ['citizen'] },
  'GET /tra-cuu': { who: 'public' },
  'GET /tra-cuu/:ma': { who: 'public', publicView: 'dossier' },
  'GET /verify/:code': { who: 'public', publicView: 'result' },
  'GET /xac-minh': { who: 'public' },
  'POST /xac-minh': { who: 'public' },

  // ── Office pages (officials) ───────────────────────────────────────────────────────────────
  'GET /can-bo': { who: ['staff'], own: 'dossier' },
  'GET /can-bo/danh-gia': { who: RATINGS, own: 'unit' },
  'GET /can-bo/ho-so': { who: READ_DOSSIERS, own: 'dossier' },
  // Finance officers open a dossier from the ledger (its payments, a refund to record).
  'GET /can-bo/ho-so/:code': { who: [...READ_DOSSIERS, 'finance_officer'], own: 'dossier' },
  'GET /can-bo/ho-so/:code/bieu-mau/:form': { who: READ_DOSSIERS, own: 'dossier' },
  'POST /can-bo/ho-so/:code/chung-thuc': { who: ['receiving_officer'], own: 'dossier' },
  'GET /can-bo/ho-so/:code/ket-qua': { who: READ_DOSSIERS, own: 'dossier' },
  'POST /can-bo/ho-so/:code/ket-qua': { who: ['specialist'], own: 'dossier' },
  'POST /can-bo/ho-so/:code/thao-tac': { who: WORKFLOW, own: 'dossier' },
  // The dossiers to assign are named in the body.
  'POST /can-bo/ho-so/phan-cong': { who: ['unit_leader'], own: 'dossier' },
  'GET /can-bo/hop-thu': { who: OUTBOX, own: 'notification', allUnits: OUTBOX_ALL },
  'GET /can-bo/hop-thu/:id': { who: OUTBOX, own: 'notification', allUnits: OUTBOX_ALL },
  'GET /can-bo/hop-thu/:id/html': { who: OUTBOX, own: 'notification', allUnits: OUTBOX_ALL },
  'GET /can-bo/ky-so': { who: ['signing_leader'], own: 'dossier' },
  'POST /can-bo/ky-so': { who: ['signing_leader'], own: 'dossier' },
  // The counter: the desk files on behalf of an applicant who came in person.
  'GET /can-bo/tiep-nhan': { who: ['receiving_officer'] },
  'GET /can-bo/tiep-nhan/:code': { who: ['receiving_officer'] },
  'POST /can-bo/tiep-nhan/:code': { who: ['receiving_officer'] },

  // ── Digitisation: scans (issue 13) ─────────────────────────────────────────────────────────
  // The desk scans the paper components it receives; clerks scan old results and what comes by post.
  'POST /api/v1/digitisation/scans': { who: ['receiving_officer', 'clerk'] },
  // A scan is read by the officials of its unit and the units above, whatever their role.
  'GET /api/v1/digitisation/scans/:id': { who: READ_DOSSIERS, own: 'scan' },
  'GET /api/v1/digitisation/scans/:id/pages/:n/thumbnail': { who: READ_DOSSIERS, own: 'scan' },
  // A draft's pages become documents where the official scans (the desk, clerks).
  'POST /api/v1/digitisation/scans/:id/accept': { who: ['receiving_officer', 'clerk'], own: 'scan' },

  // ── Digitisation: digitised items, search and status (issue 13) ────────────────────────────
  // The desk (components) and clerks (results, old results) make items of their scans and confirm their metadata.
  'POST /api/v1/digitisation/items': { who: ['receiving_officer', 'clerk'], own: 'scan' },
  'GET /api/v1/digitisation/items/:code': { who: [...READ_DOSSIERS, 'citizen'], own: 'digitisedItem' },
  'GET /api/v1/digitisation/items/:code/pdf': { who: [...READ_DOSSIERS, 'citizen'], own: 'digitisedItem' },
  'PUT /api/v1/digitisation/items/:code/confirm': { who: ['receiving_officer', 'clerk'], own: 'digitisedItem' },
  // Officials search what their units digitised; citizens and businesses their own repository.
  'GET /api/v1/digitisation/search': { who: [...READ_DOSSIERS, 'citizen'], own: 'digitisedItem' },
  'GET /api/v1/dossiers/:code/digitisation': { who: [...READ_DOSSIERS, 'citizen'], own: 'dossier' },
  'POST /api/v1/dossiers/:code/digitisation/exemptions': { who: ['receiving_officer', 'clerk'], own: 'dossier' },

  // ── Digitisation: results issued before the system, and the campaign (issue 13) ─────────────
  // Clerks import old results; administrators may, as their unit's clerk. The batch is the importing unit's.
  'POST /api/v1/digitisation/legacy-batches': { who: ['clerk', 'administrator'], own: 'unit' },
  'GET /api/v1/digitisation/legacy-batches/:id': { who: READ_DOSSIERS, own: 'legacyBatch' },
  // The campaign shows the units the official covers; the deadline is the administrators' to set.
  'GET /api/v1/digitisation/campaign': { who: READ_DOSSIERS, own: 'unit' },
  'GET /api/v1/digitisation/campaign.xlsx': { who: READ_DOSSIERS, own: 'unit' },
  'PUT /api/v1/digitisation/campaign/deadline': { who: ADMIN },
  'GET /can-bo/so-hoa/chien-dich': { who: READ_DOSSIERS, own: 'unit' },
  'POST /can-bo/so-hoa/chien-dich': { who: ADMIN },
  'GET /can-bo/so-hoa/chien-dich/bieu-do.svg': { who: READ_DOSSIERS, own: 'unit' },
  'GET /can-bo/so-hoa/ket-qua-cu': { who: ['clerk', 'administrator'], own: 'unit' },
  'POST /can-bo/so-hoa/ket-qua-cu': { who: ['clerk', 'administrator'], own: 'unit' },
  'GET /can-bo/so-hoa/ket-qua-cu/:id': { who: READ_DOSSIERS, own: 'legacyBatch' },

  // ── Digitisation pages (issue 13) ──────────────────────────────────────────────────────────
  // Scanning at the counter: files → a draft of thumbnails to arrange → accepted → progress.
  'GET /can-bo/so-hoa/quet': { who: ['receiving_officer', 'clerk'], own: 'dossier' },
  'POST /can-bo/so-hoa/quet': { who: ['receiving_officer', 'clerk'], own: 'dossier' },
  'GET /can-bo/so-hoa/quet/:id': { who: READ_DOSSIERS, own: 'scan' },
  'POST /can-bo/so-hoa/quet/:id': { who: ['receiving_officer', 'clerk'], own: 'scan' },
  'POST /can-bo/so-hoa/quet/:id/tai-lieu': { who: ['receiving_officer', 'clerk'], own: 'scan' },
  // A digitised document's metadata: read by the officials who see it, confirmed by the desk and clerks.
  'GET /can-bo/so-hoa/tai-lieu/:code': { who: READ_DOSSIERS, own: 'digitisedItem' },
  'POST /can-bo/so-hoa/tai-lieu/:code': { who: ['receiving_officer', 'clerk'], own: 'digitisedItem' },
  'GET /can-bo/so-hoa/tim-kiem': { who: READ_DOSSIERS, own: 'digitisedItem' },
  'POST /can-bo/ho-so/:code/khong-can-so-hoa': { who: ['receiving_officer', 'clerk'], own: 'dossier' },

  // ── The service index (issue 15): leaders read the units they lead and those beneath; auditors and administrators the ministry ──
  'GET /api/v1/indicators': { who: ['unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit', allUnits: ['auditor', 'administrator'] },
  // Recomputing the counts from the logs is an operation on the whole system.
  'POST /api/v1/indicators/rebuild': { who: ['administrator'] },

  // ── Payments (issue 14): fees paid online or at the desk, receipts, ledger, reconciliation ──
  // The applicant pays online; officials collect at the desk instead.
  'POST /api/v1/dossiers/:code/payments': { who: ['citizen'], own: 'dossier' },
  // A dossier's payments and receipts: its applicant, and the officials who see the dossier (finance officers of its unit too).
  'GET /api/v1/dossiers/:code/payments': { who: ['citizen', ...READ_DOSSIERS, 'finance_officer'], own: 'dossier' },
  // The desk that received the dossier collects at the counter.
  'POST /api/v1/dossiers/:code/counter-payments': { who: ['receiving_officer'], own: 'dossier' },
  // The payment platform's server-to-server CONFIRM: anyone can reach it; the MaXacThuc decides.
  'POST /api/v1/payments/callback': { who: 'public' },
  // A payment is reached through its dossier: its applicant, and the officials who see that dossier.
  'GET /api/v1/payments/:id': { who: ['citizen', ...READ_DOSSIERS, 'finance_officer'], own: 'dossier' },
  'GET /api/v1/payments/:id/receipt': { who: ['citizen', ...READ_DOSSIERS, 'finance_officer'], own: 'dossier' },
  // The receipts of what the citizen paid: their part of the e-data repository.
  'GET /api/v1/repository/receipts': { who: ['citizen'], own: 'dossier' },
  // Refunds are the finance officer's of the payment's unit.
  'POST /api/v1/payments/:id/refunds': { who: ['finance_officer'], own: 'dossier' },
  // A unit's ledger (`?unit=`): its finance officers and its leaders, and those of the units above.
  'GET /api/v1/payments/ledger': { who: ['finance_officer', 'unit_leader'], own: 'unit' },
  // Reconciliation: finance officers run a day and resolve the mismatches of their units (a line we have no payment for is every finance officer's).
  'POST /api/v1/payments/reconciliation/runs': { who: ['finance_officer'] },
  'GET /api/v1/payments/reconciliation': { who: ['finance_officer'], own: 'unit' },
  'POST /api/v1/payments/reconciliation/items/:id/resolve': { who: ['finance_officer'], own: 'unit' },

  // ── Payment pages (issue 14) ───────────────────────────────────────────────────────────────
  // "Thanh toán trực tuyến" on the applicant's dossier page: only the applicant pays online.
  'POST /ho-so-cua-toi/:code/thanh-toan': { who: ['citizen'], own: 'dossier' },
  // Where the platform sends the payer's browser back: the signed message decides, not a session
  // (which may have ended at the bank); only the signed-in payer sees more than the state.
  'GET /thanh-toan/ket-qua': { who: 'public' },
  // A receipt's QR code: whoever is shown the receipt checks it (unit, amount, dossier), nothing that names the payer.
  'GET /bien-lai/:id': { who: 'public', publicView: 'dossier' },
  // The desk that received the dossier collects at the counter; finance officers of its unit record refunds.
  'POST /can-bo/ho-so/:code/thu-phi': { who: ['receiving_officer'], own: 'dossier' },
  'POST /can-bo/ho-so/:code/hoan-tra': { who: ['finance_officer'], own: 'dossier' },
  // A unit's ledger (`?unit=`), its chart and its workbook: the unit's finance officers and leaders, and those of the units above.
  'GET /can-bo/thanh-toan': { who: ['finance_officer', 'unit_leader'], own: 'unit' },
  'GET /can-bo/thanh-toan/bieu-do.svg': { who: ['finance_officer', 'unit_leader'], own: 'unit' },
  'GET /can-bo/thanh-toan/so-thu.xlsx': { who: ['finance_officer', 'unit_leader'], own: 'unit' },
  // Reconciliation: finance officers see their units' mismatches, run a day and resolve what is theirs.
  'GET /can-bo/thanh-toan/doi-soat': { who: ['finance_officer'], own: 'unit' },
  'POST /can-bo/thanh-toan/doi-soat': { who: ['finance_officer'] },
  'POST /can-bo/thanh-toan/doi-soat/chenh-lech/:id': { who: ['finance_officer'], own: 'unit' },
  // The leaders' dashboard (issue 15): the index of a unit (`?unit=`) and those beneath it, each table as XLSX and CSV, the
  // monthly report; leaders read the units they lead, auditors and administrators every unit.
  'GET /can-bo/chi-so': { who: ['unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit', allUnits: ['auditor', 'administrator'] },
  'GET /can-bo/chi-so/xuat.xlsx': { who: ['unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit', allUnits: ['auditor', 'administrator'] },
  'GET /can-bo/chi-so/xuat.csv': { who: ['unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit', allUnits: ['auditor', 'administrator'] },
  'GET /can-bo/chi-so/bao-cao.pdf': { who: ['unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit', allUnits: ['auditor', 'administrator'] },

  // ── Usage analytics (issue 15 item 5): daily counters, nothing about any one visitor ─────────
  // Administrators and auditors read the portal's usage (page, charts, workbooks, API).
  'GET /api/v1/analytics': { who: AUDIT },
  'GET /can-bo/thong-ke-truy-cap': { who: AUDIT },
  'GET /can-bo/thong-ke-truy-cap/bieu-do.svg': { who: AUDIT },
  'GET /can-bo/thong-ke-truy-cap/bang.xlsx': { who: AUDIT },
  // ── Connections to the national systems (issue 16 item 6): administrators act, auditors read ──
  'GET /api/v1/integrations': { who: AUDIT },
  'POST /api/v1/integrations/:adapter/pause': { who: ADMIN },
  'POST /api/v1/integrations/:adapter/replay': { who: ADMIN },
  'GET /can-bo/ket-noi': { who: AUDIT },
  'POST /can-bo/ket-noi/:adapter/tam-dung': { who: ADMIN },
  'POST /can-bo/ket-noi/:adapter/gui-lai': { who: ADMIN },
  // The portal's own counting script; the beacon of a filing form's sections comes from the applicant filing.
  'GET /phan-tich/theo-doi.js': { who: 'public' },
  'POST /phan-tich/su-kien': { who: ['citizen'] },

  // ── Public statistics and open data (issue 15 items 3 and 4): aggregates only, small counts hidden ──
  // Anyone reads them, rate limited as anonymous reads; no reply names an applicant (open-data.test.ts scans them).
  'GET /thong-ke': { who: 'public' },
  'GET /du-lieu-mo': { who: 'public' },
  'GET /api/v1/open-data': { who: 'public' },
  'GET /api/v1/open-data/:dataset': { who: 'public' },

  // ── The data-sharing platform (issue 16 items 4 and 5) ─────────────────────────────────────
  // The national business registry, read to fill a form: whoever fills one (applicants, officials at the counter and after).
  'GET /api/v1/business-registry/:taxCode': { who: ['citizen', 'staff'] },
  // Our data shared with another agency under a sharing agreement (a service account with the scope), any holder it names.
  'GET /api/v1/shared/dossiers': { who: ['scope:sharing:dossiers'] },

  // ── Incoming official documents (issue 18 item 2, helper B2): the clerks of the receiving unit register, refuse and answer
  // recalls; leaders direct; handlers report; auditors and administrators read. Each document: its receiving unit's officials
  // (and those above), the leaders it was presented to, who directed it and its handlers; others get its 404.
  'GET /api/v1/documents/incoming': { who: INCOMING_READERS, own: 'incomingDocument' },
  'POST /api/v1/documents/incoming': { who: ['clerk'] },
  'GET /api/v1/documents/incoming/register': { who: ['clerk', 'unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit' },
  'GET /api/v1/documents/incoming/:id': { who: INCOMING_READERS, own: 'incomingDocument' },
  'POST /api/v1/documents/incoming/:id/actions': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist'], own: 'incomingDocument' },
  'GET /api/v1/documents/incoming/:id/attachments/:n': { who: INCOMING_READERS, own: 'incomingDocument' },
  // Pages of incoming documents: lists, the register, one document with its action forms, the paper / e-mail form.
  'GET /can-bo/van-ban-den': { who: INCOMING_READERS, own: 'incomingDocument' },
  'GET /can-bo/van-ban-den/cho-chi-dao': { who: ['unit_leader', 'signing_leader'], own: 'incomingDocument' },
  'GET /can-bo/van-ban-den/cua-toi': { who: INCOMING_READERS, own: 'incomingDocument' },
  'GET /can-bo/van-ban-den/so': { who: ['clerk', 'unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit' },
  'GET /can-bo/van-ban-den/so/tai-ve': { who: ['clerk', 'unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit' },
  'GET /can-bo/van-ban-den/moi': { who: ['clerk'] },
  'POST /can-bo/van-ban-den/moi': { who: ['clerk'] },
  'GET /can-bo/van-ban-den/:id': { who: INCOMING_READERS, own: 'incomingDocument' },
  'POST /can-bo/van-ban-den/:id': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist'], own: 'incomingDocument' },
  'GET /can-bo/van-ban-den/:id/tep/:n': { who: INCOMING_READERS, own: 'incomingDocument' },

  // ── Outgoing official documents (issue 18 item 1, helper B1): specialists draft, unit leaders review, signing leaders
  // approve and sign, clerks seal, number, register and release; auditors and administrators read. Each document: its
  // drafting unit's officials (and those above), its signer, and once released its internal recipients; others get its 404.
  'GET /api/v1/documents/outgoing': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'], own: 'outgoingDocument' },
  'POST /api/v1/documents/outgoing': { who: ['specialist'] },
  'GET /api/v1/documents/outgoing/register': { who: ['clerk', 'unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit' },
  'GET /api/v1/documents/outgoing/:id': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'], own: 'outgoingDocument' },
  'GET /api/v1/documents/outgoing/:id/files/:seq': {
    who: ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'],
    own: 'outgoingDocument',
  },
  'POST /api/v1/documents/outgoing/:id/actions': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk'], own: 'outgoingDocument' },
  // Their pages: the list and the documents released to my units, the register, the specialist's draft form, one document with its actions.
  'GET /can-bo/van-ban-di': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'], own: 'outgoingDocument' },
  'GET /can-bo/van-ban-di/noi-bo': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'], own: 'outgoingDocument' },
  'GET /can-bo/van-ban-di/so': { who: ['clerk', 'unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit' },
  'GET /can-bo/van-ban-di/so/tai-ve': { who: ['clerk', 'unit_leader', 'signing_leader', 'auditor', 'administrator'], own: 'unit' },
  'GET /can-bo/van-ban-di/moi': { who: ['specialist'] },
  'POST /can-bo/van-ban-di/moi': { who: ['specialist'] },
  'GET /can-bo/van-ban-di/:id': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'], own: 'outgoingDocument' },
  'POST /can-bo/van-ban-di/:id': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk'], own: 'outgoingDocument' },
  'POST /can-bo/van-ban-di/:id/thay-the': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk'], own: 'outgoingDocument' },
  'GET /can-bo/van-ban-di/:id/tep/:seq': { who: ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'], own: 'outgoingDocument' },

  // ── Document search and work files (issue 18 item 5, helper E): the clerks, leaders and specialists of a unit keep its
  // work files and search its documents; auditors read. A work file, and what a search lists, belong to a unit (its officials
  // and those above); others get its 404.
  'GET /api/v1/documents/search': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'], own: 'unit' },
  'GET /api/v1/documents/files': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'], own: 'unit' },
  'POST /api/v1/documents/files': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist'] },
  'GET /api/v1/documents/files/:id': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'], own: 'unit' },
  'POST /api/v1/documents/files/:id/actions': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist'], own: 'unit' },
  'GET /api/v1/documents/files/:id/pdf': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'], own: 'unit' },
  'GET /api/v1/documents/files/:id/xml': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'], own: 'unit' },
  'GET /can-bo/van-ban/tim-kiem': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'], own: 'unit' },
  'GET /can-bo/ho-so-cong-viec': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'], own: 'unit' },
  'GET /can-bo/ho-so-cong-viec/moi': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist'] },
  'POST /can-bo/ho-so-cong-viec/moi': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist'] },
  'GET /can-bo/ho-so-cong-viec/:id': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'], own: 'unit' },
  'POST /can-bo/ho-so-cong-viec/:id': { who: ['clerk', 'unit_leader', 'signing_leader', 'specialist'], own: 'unit' },

  // ── Simulators (demo mode only: stand-ins for systems outside the app) ─────────────────────
  // The VNeID stand-in: an identity provider's endpoints (authorize, token, userinfo, JWKS, its
  // sign-in pages) are public by nature; every method is handed to the OIDC library.
  'GET /sso': { who: 'public' },
  'POST /sso': { who: 'public' },
  'PUT /sso': { who: 'public' },
  'PATCH /sso': { who: 'public' },
  'DELETE /sso': { who: 'public' },
  'OPTIONS /sso': { who: 'public' },
  'GET /sso/*': { who: 'public' },
  'POST /sso/*': { who: 'public' },
  'PUT /sso/*': { who: 'public' },
  'PATCH /sso/*': { who: 'public' },
  'DELETE /sso/*': { who: 'public' },
  'OPTIONS /sso/*': { who: 'public' },
  // The time-stamping authority answers anyone, as a real TSA does.
  'POST /tsa': { who: 'public' },
  // The national payment platform's stand-in: its message endpoints (INIT, QUERY, GET_BILL, the
  // statement) check the partner's MaXacThuc as the platform does; its pay page is the payer's
  // bank; faults and transactions are the demo's and the tests' window on it.
  'POST /simulators/payment/init': { who: 'public' },
  'POST /simulators/payment/query': { who: 'public' },
  'POST /simulators/payment/get-bill': { who: 'public' },
  'POST /simulators/payment/statement': { who: 'public' },
  'GET /simulators/payment/style.css': { who: 'public' },
  'GET /simulators/payment/pay/:token': { who: 'public' },
  'POST /simulators/payment/pay/:token': { who: 'public' },
  'POST /simulators/payment/faults': { who: 'public' },
  // The data-sharing platform's stand-in (an LGSP with the business registry behind it): its token endpoint checks the
  // client's credentials and its registry calls the token and signature, as the platform does; calls and faults are the
  // demo's and the tests' window on it.
  'POST /simulators/registry/token': { who: 'public' },
  'GET /simulators/registry/dkkd/v1/doanh-nghiep/:code': { who: 'public' },
  'GET /simulators/registry/calls': { who: 'public' },
  'POST /simulators/registry/faults': { who: 'public' },
  'GET /simulators/payment/transactions/:reference': { who: 'public' },
  // The measuring system's (EMC) stand-in: it checks our site token as EMC does; events and faults are the tests' window on it.
  'POST /simulators/emc/api/events': { who: 'public' },
  'GET /simulators/emc/events': { who: 'public' },
  'POST /simulators/emc/faults': { who: 'public' },
  'POST /simulators/dvcqg/auth': { who: 'public' },
  'POST /simulators/dvcqg/service': { who: 'public' },
  'GET /simulators/dvcqg/received': { who: 'public' },
  'POST /simulators/dvcqg/faults': { who: 'public' },
  // The portal's inbound side (demo only): it files a dossier and pushes it to us with its own service token; the files it names, and what it pushed.
  'POST /simulators/dvcqg/push': { who: 'public' },
  'GET /simulators/dvcqg/files/:id': { who: 'public' },
  'GET /simulators/dvcqg/pushes': { who: 'public' },
  'POST /simulators/vnpost/oauth/token': { who: 'public' },
  'POST /simulators/vnpost/api/orders': { who: 'public' },
  'POST /simulators/vnpost/api/orders/cancel': { who: 'public' },
  'POST /simulators/vnpost/api/tracking': { who: 'public' },
  'GET /simulators/vnpost/orders': { who: 'public' },
  'POST /simulators/vnpost/clock': { who: 'public' },
  'POST /simulators/vnpost/faults': { who: 'public' },
  // The demo's national document-exchange axis: its own HMAC headers checked, not our roles.
  'POST /simulators/axis/sendEdoc': { who: 'public' },
  'POST /simulators/axis/getReceivedEdocList': { who: 'public' },
  'POST /simulators/axis/getEdoc': { who: 'public' },
  'POST /simulators/axis/updateStatus': { who: 'public' },
  'GET /simulators/axis/messages': { who: 'public' },
  'POST /simulators/axis/faults': { who: 'public' },
};

const show = (w: Who) => (w === 'public' ? 'public' : `[${[...w].sort().join(', ')}]`);

/**
 * Where the routes' declared access and the policy part: a route the policy lacks, a policy line
 * with no route, or a route whose roles differ (a grant added or missing, public on one side only).
 */
export function policyDifferences(routes: readonly { method: string; url: string; access: Who }[], policy: Record<string, Rule> = POLICY): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of routes) {
    const key = `${r.method} ${r.url}`;
    seen.add(key);
    const rule = policy[key];
    if (!rule) {
      out.push(`${key}: not in the policy (test/security/policy.ts); the route lets in ${show(r.access)}`);
      continue;
    }
    if (rule.who === 'public' || r.access === 'public') {
      if (rule.who !== r.access) out.push(`${key}: the route lets in ${show(r.access)}, the policy says ${show(rule.who)}`);
      continue;
    }
    const extra = r.access.filter((g) => !(rule.who as readonly string[]).includes(g));
    const missing = rule.who.filter((g) => !(r.access as readonly string[]).includes(g));
    if (extra.length || missing.length)
      out.push(
        `${key}: the route lets in ${show(r.access)}, the policy says ${show(rule.who)}${extra.length ? ` (not in the policy: ${extra.join(', ')})` : ''}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`,
      );
  }
  for (const key of Object.keys(policy)) if (!seen.has(key)) out.push(`${key}: in the policy, but the app has no such route`);
  return out;
}

/**
 * Whether the policy lets a caller in: a staff role, `citizen` or `scope:<name>` listed by name,
 * or any staff role where the policy says `staff`. Written here rather than through the app's
 * own check, so the expectation does not come from the code under test.
 */
export function policyAllows(who: Who, caller: string): boolean {
  if (who === 'public') return true;
  if (caller === 'anonymous') return false;
  if ((who as readonly string[]).includes(caller)) return true;
  const isStaff = caller !== 'citizen' && !caller.startsWith('scope:');
  return isStaff && who.includes('staff');
}
