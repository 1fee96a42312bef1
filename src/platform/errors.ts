/**
 * The one error type. Every failure a caller can act on is an AppError with a stable
 * code, an HTTP status and a message in Vietnamese and English.
 *
 * Each code is declared once here with its status and what it means to a caller; clients
 * branch on the code, never on the message, which may be reworded. Generic codes say what
 * kind of failure it was; domain codes say which rule refused, so a client can tell "act on
 * a fresh copy" from "ask someone else" without reading Vietnamese. The OpenAPI document
 * lists them all (ErrorBody.error.code).
 */
export const ERROR_CODES = {
  // Generic: the request itself.
  /** The input does not match its schema; `details` name each field by its path. */
  VALIDATION_FAILED: { status: 400, about: 'The input does not match its schema; details name each field by its path' },
  /** No valid session or token. */
  UNAUTHENTICATED: { status: 401, about: 'No valid session or token' },
  /** Wrong username or password (which of the two is not said). */
  INVALID_CREDENTIALS: { status: 401, about: 'Wrong username or password' },
  /** The account needs a one-time code and none (or a wrong one) was sent. */
  OTP_REQUIRED: { status: 401, about: 'A valid one-time code is required for this account' },
  /** The caller is known but holds no role that allows the route. */
  FORBIDDEN: { status: 403, about: 'The caller holds no role that allows this' },
  /** The account must change its password before anything else. */
  PASSWORD_CHANGE_REQUIRED: { status: 403, about: 'The account must change its password first' },
  /** A page form was posted without the session's CSRF token. */
  CSRF_INVALID: { status: 403, about: 'The form was posted without a valid CSRF token' },
  /** Too many failed sign-ins: the username is locked for a while. */
  ACCOUNT_LOCKED: { status: 423, about: 'Too many failed sign-ins; the username is locked for a while' },
  /** No such object, or one the caller may not see (the two are not told apart). */
  NOT_FOUND: { status: 404, about: 'No such object, or one the caller may not see' },
  /** The request conflicts with the current state in a way no more specific code names. */
  CONFLICT: { status: 409, about: 'The request conflicts with the current state' },
  PAYLOAD_TOO_LARGE: { status: 413, about: 'The body or a file is larger than allowed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, about: 'The body or a file is not of a type accepted here (checked by content)' },
  /** The file is of an accepted type but carries active content (PDF JavaScript or actions, macros, OLE, DDE, script markup); a printed or saved clean copy is accepted. */
  ACTIVE_CONTENT_REFUSED: {
    status: 415,
    about: 'The file is of an accepted type but carries active content (scripts, actions, macros, OLE, DDE); print or save a clean copy',
  },
  RATE_LIMITED: { status: 429, about: 'Too many requests; retry after the Retry-After header' },
  /** The database or a required service is unreachable; the request did nothing and may be retried. */
  SERVICE_UNAVAILABLE: { status: 503, about: 'A required service is unreachable; nothing was done, retry later' },
  /** The object store holding files cannot be reached or fails (outage, 5xx, timeout); no row was written for a file it did not take. */
  STORAGE_UNAVAILABLE: { status: 503, about: 'The file store cannot be reached; nothing was stored, retry later' },
  CONFIG_INVALID: { status: 500, about: 'The server is misconfigured' },
  INTERNAL: { status: 500, about: 'An unexpected error; it is logged with the request id' },

  // Dossiers: the one-stop workflow's refusals (workflow.ts, take-action.ts).
  /** The dossier is not in a status the action starts from; `details` list the actions allowed now. */
  ACTION_NOT_ALLOWED: { status: 409, about: 'The dossier is not in a status this action starts from; details list the actions allowed now' },
  /** The action exists in this status but not for this caller at this step (role, unit or assignee); from a workflow action, `details` list what the caller may do. */
  NOT_YOUR_STEP: { status: 403, about: "The caller may not take this action at the dossier's current step (role, unit or assignee)" },
  /** Someone acted since the version the action was chosen on; `details` carry `current.status` and `current.version`. Nothing was done. */
  STALE_VERSION: { status: 409, about: 'Someone acted since the named version; details carry current.status and current.version; nothing was done' },
  /** A supplement may be requested once per dossier (Decree 61/2018, art. 19). */
  SUPPLEMENT_ALREADY_REQUESTED: { status: 409, about: 'A supplement was already requested for this dossier; it may be requested only once' },
  /** The due date may be moved by an apology once per dossier. */
  DUE_DATE_ALREADY_MOVED: { status: 409, about: 'The due date was already moved by an apology; it may be moved only once' },
  /** An apology must be sent at least one working day before the due date, and only once there is one. */
  APOLOGY_TOO_LATE: { status: 409, about: 'An apology must be sent at least one working day before the due date' },
  /** The Idempotency-Key was already used for a different request (body or caller). */
  IDEMPOTENCY_KEY_REUSED: { status: 409, about: 'The Idempotency-Key was already used for a different request' },

  // Filing, catalogue, organisation, identity, notifications (helper A adds here).
  /** The procedure has no processing steps yet, so it takes no dossiers; its administrator must give it a workflow first. */
  PROCEDURE_HAS_NO_WORKFLOW: { status: 409, about: 'The procedure has no processing steps yet and takes no dossiers until an administrator adds them' },
  /** Only a finished dossier can be rated; the applicant may rate it once it is returned, refused, withdrawn or stopped. */
  DOSSIER_NOT_FINISHED: { status: 409, about: 'The dossier is not finished yet; it can be rated once it is' },
  /** A dossier is rated once; the first rating stands and cannot be replaced. */
  ALREADY_RATED: { status: 409, about: 'The dossier was already rated; a rating cannot be replaced' },
  /** The form exists but not for this dossier's history (no receipt before receiving, no refusal slip without a refusal, …); the dossier's page lists the forms it has. */
  FORM_NOT_APPLICABLE: { status: 409, about: "This form does not fit the dossier's history (e.g. no refusal slip for a dossier never refused)" },
  /** A new procedure version must take effect after the latest one; `details` name the date field when there is one. Choose a later date. */
  EFFECTIVE_DATE_TOO_EARLY: { status: 409, about: "A new procedure version must take effect after the latest version's date; choose a later date" },
  /** Another version of the procedure was saved after the one the edit started from (`baseVersion`); nothing was saved. Open the editor on the latest version. */
  STALE_BASE_VERSION: { status: 409, about: 'A newer procedure version was saved after baseVersion; nothing was saved, edit the latest version' },
  /** A unit with this code already exists; unit codes are permanent, so pick another or use the existing unit. */
  UNIT_ID_TAKEN: { status: 409, about: 'A unit with this code already exists' },
  /** An account with this username already exists (a disabled account keeps its username); pick another. */
  USERNAME_TAKEN: { status: 409, about: 'An account with this username already exists' },
  /** The browser is signed in with an official's account; sign out before signing in as a citizen through VNeID. */
  SIGNED_IN_AS_OFFICIAL: { status: 409, about: 'The browser is signed in as an official; sign out before signing in through VNeID' },
  /** The national SSO sent the citizen back to a browser with no sign-in under way (expired, or another tab finished it); start again. */
  SSO_ATTEMPT_EXPIRED: { status: 400, about: 'No sign-in through the national SSO is under way in this browser; start again' },
  /** The national SSO's answer was refused (state, nonce or code did not check out, or the citizen cancelled); start again. */
  SSO_SIGN_IN_FAILED: { status: 401, about: "The national SSO's answer could not be accepted; start the sign-in again" },
  /** The client credentials are right but the service account was not granted every scope asked for; ask for fewer scopes or none (all granted ones). */
  SCOPE_NOT_GRANTED: { status: 403, about: 'The service account was not granted every scope requested' },

  // Results, uploads, calendar, audit (helper B adds here).
  /**
   * Signing a dossier whose result is not waiting for a signature: it is not approved yet, or its
   * result was already returned. Nothing was signed; take the dossier off the batch.
   */
  NOTHING_TO_SIGN: { status: 409, about: 'The dossier is not waiting for a signature (not approved, or its result already returned); nothing was signed' },
  /**
   * The dossier already has a valid result (its code is in the message): signing again would issue
   * a second one. Nothing was signed; a wrong result is revoked or replaced instead.
   */
  RESULT_ALREADY_ISSUED: { status: 409, about: 'The dossier already has a valid result; nothing was signed' },
  /**
   * The result draft changes only while the dossier is being processed: once proposed it is what
   * the leader approves and signs. To change it, the dossier must be sent back for processing.
   */
  RESULT_DRAFT_CLOSED: { status: 409, about: 'The result draft can be changed only while the dossier is being processed' },
  /**
   * The result was revoked or replaced: it cannot be revoked again, shared or reused. Its public
   * status (GET /api/v1/public/results/{code}) names the replacement, if any.
   */
  RESULT_REVOKED: { status: 409, about: 'The result was revoked or replaced; it cannot be revoked again, shared or reused' },
  /**
   * A PDF to certify as a copy that holds no active content but whose structure the certification
   * cannot rewrite. Printing it to PDF ("Microsoft Print to PDF", "Save as PDF") gives a copy that can.
   */
  PDF_NOT_CERTIFIABLE: { status: 415, about: 'The PDF cannot be certified as it is structured; print it to PDF and send that copy' },
  /**
   * The working calendar counts days in the years 1900–2199, at most 50 years at a time: a due
   * date or a count of working days reaching outside that (a date too early or too late, a period
   * too long) cannot be computed. Choose dates within those years.
   */
  CALENDAR_OUT_OF_RANGE: { status: 400, about: 'The dates fall outside what the working calendar counts: the years 1900–2199, at most 50 years at a time' },
  // Digitisation (OCR-ENGINE)
  /**
   * Text recognition cannot run on this server: ocrmypdf, Tesseract's Vietnamese data or poppler
   * is not installed (Debian: ocrmypdf tesseract-ocr-vie poppler-utils); the administrator installs them.
   */
  OCR_UNAVAILABLE: { status: 503, about: 'Text recognition (OCR) is not installed on this server; nothing was recognised, retry once it is' },
  /** Text recognition failed on the document or a page; the message and `details` say why. */
  OCR_FAILED: { status: 422, about: 'Text recognition failed on the document or a page; the message says why' },
  // Digitisation (ITEMS)
  /** The scan is still queued, being read, or failed: only a scan whose text was read becomes a digitised item. */
  SCAN_NOT_READY: { status: 409, about: 'The scan has not been read yet (or failed); a digitised item is made from a finished scan' },
  /** The scan was made for another purpose (a dossier component, not an old result, or the reverse). */
  SCAN_PURPOSE_MISMATCH: { status: 409, about: 'The scan was made for another purpose (dossier component or old result)' },
  /** A paper dossier cannot pass receipt while a paper component is neither digitised (confirmed) nor marked not required; `details` name them. */
  DIGITISATION_INCOMPLETE: {
    status: 409,
    about: 'Paper components are not digitised yet (scanned and confirmed) or marked not required; details name each one',
  },
  // Payments
  /** Nothing is owed on the dossier now (paid already, or no fee is due): there is nothing to pay. */
  NO_FEE_DUE: { status: 409, about: 'Nothing is owed on this dossier now: no fee is due, or it is paid' },
  /** The national payment platform cannot be reached or answered with an error; nothing was charged, retry later. */
  PAYMENT_PLATFORM_UNAVAILABLE: { status: 503, about: 'The payment platform cannot be reached or refused the request; nothing was charged, retry later' },
  /** A message said to come from the payment platform fails its check (MaXacThuc, partner code, fields); it changed nothing and is audited. */
  PAYMENT_MESSAGE_FORGED: { status: 400, about: 'A payment message fails its integrity check (hash, partner or fields); nothing changed, it is audited' },
  /** A confirmation names an amount other than the one we asked for; the payment is not settled and is audited. */
  PAYMENT_AMOUNT_MISMATCH: { status: 409, about: 'The payment confirmation names another amount than the one asked for; not settled, audited' },
  /** The payment is not in a state that allows this (refund of an unpaid payment, more than was paid). */
  PAYMENT_STATE_CONFLICT: { status: 409, about: 'The payment is not in a state that allows this (a refund of an unpaid payment, or of more than was paid)' },
  /** A file a pushed national-portal dossier names could not be fetched from the portal (unreachable, too slow, an error); nothing was filed, push again. */
  NATIONAL_FILE_UNAVAILABLE: { status: 502, about: 'A file the national portal named could not be fetched from it; nothing was filed, push the dossier again' },
  /** The national portal cannot be reached or refused the call (catalogue pull); nothing changed, retry later. */
  NATIONAL_PORTAL_UNAVAILABLE: { status: 503, about: 'The National Public Service Portal cannot be reached or refused the call; nothing changed, retry later' },
  /** Postal pickup or delivery was asked for, but this installation has no postal service (VNPost) configured; nothing was filed. */
  POSTAL_UNAVAILABLE: {
    status: 409,
    about: 'Postal pickup or delivery is not offered here (no postal service is configured); choose another way, nothing was filed',
  },
  /** The national catalogue changed between the preview and the apply; nothing was applied, review the new differences. */
  NATIONAL_CATALOGUE_CHANGED: { status: 409, about: 'The national catalogue changed since the differences were shown; nothing was applied, review them again' },
  // The document exchange (issue 18).
  /** An EDXML message that cannot be read: not well-formed (line and column), a DTD or entity, too deep, a missing or malformed field, bad base64; the message and `details[0].path` name where (element path or `Attachment cid:…`). Nothing was stored. */
  EDXML_INVALID: {
    status: 400,
    about: 'The EDXML message cannot be read; the message and details name where (element path or attachment) and what; nothing was stored',
  },
  /** An EDXML message over a size limit: the whole message, one attachment (decoded), or the number of attachments; the message names the limit. Nothing was stored. */
  EDXML_TOO_LARGE: { status: 413, about: 'The EDXML message, one of its attachments or their number is over the limit the message names; nothing was stored' },
  /** An EDXML message that is not addressed to this agency (no To is our OrganId; a status whose ResponseFor is another agency); nothing was stored. */
  EDXML_MISADDRESSED: {
    status: 400,
    about: 'The EDXML message is not addressed to this agency; nothing was stored (through the axis it is returned with status 02)',
  },
  /** An EDXML status about a document this agency does not hold (no such outgoing or incoming document); nothing was stored. */
  EDXML_UNKNOWN_DOCUMENT: { status: 400, about: 'The EDXML status concerns a document this agency does not hold; nothing was stored' },
  // The data-sharing gateway and the services behind it (issue 16).
  /** A service behind the data-sharing platform (the business registry, …) cannot be reached, is failing, or is not configured; nothing was done, retry later. */
  GATEWAY_UNAVAILABLE: {
    status: 503,
    about: 'A service behind the data-sharing platform cannot be reached now (or is not configured); nothing was done, retry later',
  },
  // Work files of official documents (issue 18 item 5).
  /** The work file is closed: its documents can no longer change. */
  DOCUMENT_FILE_CLOSED: { status: 409, about: 'The work file is closed: documents can no longer be added or removed, and it cannot be closed again' },
  /** The unit already has a work file of that code in that year. */
  DOCUMENT_FILE_CODE_TAKEN: { status: 409, about: 'The unit already has a work file with this code in this year; choose another code' },
} as const satisfies Record<string, { status: number; about: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface Bilingual {
  vi: string;
  en: string;
}

export interface ErrorDetail {
  /** JSON path of the offending value, e.g. `data.executionMethods[0].processingTime`. */
  path: string;
  message: string;
  messageEn: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly text: Bilingual,
    readonly details?: ErrorDetail[],
  ) {
    super(text.en);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.text.vi,
        messageEn: this.text.en,
        ...(this.details?.length ? { details: this.details } : {}),
      },
    };
  }
}

export const notFound = (what: Bilingual) => new AppError('NOT_FOUND', { vi: `Không tìm thấy ${what.vi}`, en: `${what.en} not found` });

export const forbidden = () =>
  new AppError('FORBIDDEN', {
    vi: 'Bạn không có quyền thực hiện thao tác này',
    en: 'You are not allowed to do this',
  });

export const unauthenticated = () =>
  new AppError('UNAUTHENTICATED', {
    vi: 'Cần đăng nhập để thực hiện thao tác này',
    en: 'Sign-in is required',
  });

/** Formats a path array (from Zod or Ajv) the way JavaScript would address it. */
export function formatPath(path: ReadonlyArray<PropertyKey>, root = ''): string {
  let out = root;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}
