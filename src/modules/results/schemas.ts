import { z } from 'zod';

export const RESULT_KINDS = ['certificate', 'licence', 'written_reply', 'refusal_decision', 'certified_copy'] as const;
/** The kinds a public answer may name: those issued here, and `legacy`, a paper result issued before the system and digitised. */
export const PUBLIC_RESULT_KINDS = [...RESULT_KINDS, 'legacy'] as const;
export const RESULT_STATUSES = ['valid', 'revoked', 'replaced'] as const;

/** `{issuing unit}-KQ{YY}-{NNNNNN}`: the unit's electronic ID, "kết quả", the year, a running number. */
export const RESULT_CODE = /^[A-Z0-9]{1,5}(\.[A-Z0-9]{1,5}){0,5}-KQ\d{2}-\d{6}$/;

export const RecordResultInput = z.object({
  dossierCode: z.string().min(1).max(60),
  procedureCode: z.string().min(1).max(60),
  documentName: z.string().trim().min(1).max(500),
  kind: z.enum(RESULT_KINDS),
  number: z.string().trim().min(1).max(100),
  issuerUnit: z.string().min(1).max(40),
  issuerName: z.string().trim().min(1).max(300),
  holder: z.object({ name: z.string().trim().min(1).max(300), identifier: z.string().trim().min(1).max(20) }),
  ownerCitizenId: z.uuid().nullish(),
});
export type RecordResultInput = z.infer<typeof RecordResultInput>;

export const RESULT_EVENTS = ['issued', 'revoked', 'replaced'] as const;

/**
 * What anyone may learn about a result from its code: enough to trust it, nothing personal.
 * Only structured fields: no free text typed about the case (the document's name, which may
 * hold a company's name, or a revocation's reason). The event is the coded reason a result
 * stopped being valid: revoked, or replaced by `replacedBy`.
 */
export const PublicResult = z.object({
  resultCode: z.string(),
  status: z.enum(RESULT_STATUSES),
  kind: z.enum(PUBLIC_RESULT_KINDS),
  /**
   * A digitised copy of a paper result issued before the system (kind `legacy`), not an
   * electronically issued original: the file is the scan, and its value is the paper's.
   */
  digitisedCopy: z.boolean(),
  /** The issuing unit's electronic ID and its name (for a legacy result: the unit that registered it, and the agency that issued the paper). */
  issuerUnit: z.string(),
  issuer: z.string(),
  /** The procedure as the public catalogue names it; null if it is no longer in the catalogue, or for a legacy result (old papers name none). */
  procedureCode: z.string().nullable(),
  procedureName: z.string().nullable(),
  issuedAt: z.string(),
  /** Số, ký hiệu: the issuing unit's running number, e.g. 125/GCN. */
  number: z.string(),
  sha256: z.string(),
  replacedBy: z.string().nullable(),
  /** When it was revoked or replaced; null while valid. */
  revokedAt: z.string().nullable(),
  history: z.array(z.object({ event: z.enum(RESULT_EVENTS), at: z.string() })),
  /** Legacy results: the paper's date of issue and the last day it is valid (null: no limit), YYYY-MM-DD. */
  originalIssueDate: z.string().nullable(),
  validUntil: z.string().nullable(),
});
export type PublicResult = z.infer<typeof PublicResult>;

export const RevokeInput = z.object({
  reason: z.string().trim().min(5).max(2000),
});
