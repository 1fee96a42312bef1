import { z } from 'zod';
import { DOCUMENT_SERIES } from '../series.ts';
import { OUTGOING_ACTIONS, OUTGOING_STATUSES, type OutgoingActionName, type OutgoingStatus } from './lifecycle.ts';

const STATUS_NAMES = Object.keys(OUTGOING_STATUSES) as [OutgoingStatus, ...OutgoingStatus[]];
const ACTION_NAMES = Object.keys(OUTGOING_ACTIONS) as [OutgoingActionName, ...OutgoingActionName[]];
const SERIES_CODES = DOCUMENT_SERIES.map((s) => s.code) as [string, ...string[]];

const bi = (vi: string, en: string) => `${vi} (${en})`;
const said = (vi: string, en: string) =>
  z
    .string({ error: bi(vi, en) })
    .trim()
    .min(3, { error: bi(vi, en) })
    .max(4000);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'YYYY-MM-DD' });
const uploadId = z.uuid();

export const Recipient = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('external'),
    organId: z.string().trim().min(1).max(64).describe('The receiving agency\'s OrganId on the exchange ("000.00.00.G22")'),
    organName: z.string().trim().min(1).max(300),
  }),
  z.object({ kind: z.literal('internal'), unitId: z.string().trim().min(1).max(64).describe('A unit of this agency') }),
]);
export type Recipient = z.infer<typeof Recipient>;

/** Fields an update (business type 2) may change. */
const changeable = {
  subject: z.string().trim().min(3).max(1000),
  summary: z.string().trim().max(4000).optional(),
  dueDate: isoDate.optional(),
  steeringType: z.number().int().min(0).max(9).optional(),
  priority: z.number().int().min(0).max(9).optional(),
};

export const CreateOutgoingInput = z.object({
  seriesCode: z.enum(SERIES_CODES).describe('QĐ, CV, TB, …: the document type, whose series numbers it'),
  ...changeable,
  signer: z.object({ staffId: z.uuid().describe("The signing leader's staff id") }),
  signerPosition: z.string().trim().max(200).optional().describe('"KT. BỘ TRƯỞNG\\nTHỨ TRƯỞNG": the signing competence and title'),
  recipients: z
    .array(Recipient)
    .min(1, { error: bi('Cần ít nhất một nơi nhận', 'Name at least one recipient') })
    .max(200),
  mainUploadId: uploadId.describe('The main file, a PDF (an upload id of the caller)'),
  appendixUploadIds: z.array(uploadId).max(20).optional(),
});
export type CreateOutgoingInput = z.infer<typeof CreateOutgoingInput>;

const version = z
  .number()
  .int()
  .min(1)
  .max(2_147_483_647)
  .describe('The document version the action was chosen on; 409 STALE_VERSION with the current state when it is no longer current');

export const OutgoingActionInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('submit'), version }),
  z.object({ action: z.literal('comment'), version, text: said('Cần nhập ý kiến', 'Write the comment') }),
  z.object({ action: z.literal('return'), version, reason: said('Cần nêu lý do trả lại', 'Give the reason for returning it') }),
  z.object({ action: z.literal('forward'), version, note: z.string().trim().max(4000).optional() }),
  z.object({ action: z.literal('approve'), version }),
  z.object({ action: z.literal('sign'), version }),
  z.object({ action: z.literal('seal'), version }),
  z.object({ action: z.literal('release'), version }),
  z.object({ action: z.literal('recall'), version, reason: said('Cần nêu lý do thu hồi', 'Give the reason for the recall') }),
  z.object({
    action: z.literal('update'),
    version,
    reason: said('Cần nêu lý do cập nhật', 'Give the reason for the update'),
    subject: changeable.subject.optional(),
    summary: changeable.summary,
    dueDate: changeable.dueDate,
    steeringType: changeable.steeringType,
    priority: changeable.priority,
  }),
  z.object({
    action: z.literal('replace'),
    version,
    reason: said('Cần nêu lý do thay thế', 'Give the reason for the replacement'),
    mainUploadId: uploadId.describe('The main file of the replacing document'),
  }),
  z.object({ action: z.literal('archive'), version }),
]);
export type OutgoingActionInput = z.infer<typeof OutgoingActionInput>;

const FileView = z.object({
  role: z.enum(['main', 'signed', 'sealed', 'appendix']),
  seq: z.number().int(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  current: z.boolean(),
});

export const OutgoingView = z.object({
  id: z.uuid(),
  version: z.number().int(),
  status: z.enum(STATUS_NAMES),
  seriesCode: z.string(),
  number: z.number().int().nullable(),
  /** "05/QĐ-BCT" */
  notation: z.string().nullable().describe('Number and notation, "05/QĐ-BCT"; null until released'),
  documentId: z.string().nullable().describe('The EDXML DocumentId, "{OrganId},{yyyy/MM/dd},{number}/{notation}"'),
  promulgationDate: z.string().nullable(),
  subject: z.string(),
  summary: z.string().nullable(),
  draftingUnit: z.string(),
  drafter: z.object({ username: z.string(), name: z.string() }),
  signer: z.object({ staffId: z.string(), username: z.string(), name: z.string(), position: z.string().nullable() }),
  dueDate: z.string().nullable(),
  steeringType: z.number().int().nullable(),
  priority: z.number().int().nullable(),
  replacesId: z.string().nullable(),
  replacedById: z.string().nullable(),
  files: z.array(FileView),
  history: z.array(
    z.object({
      seq: z.number().int(),
      action: z.string(),
      at: z.string(),
      by: z.string(),
      byName: z.string(),
      from: z.string().nullable(),
      to: z.string(),
      note: z.string().nullable(),
    }),
  ),
  recipients: z.array(
    z.object({
      kind: z.enum(['external', 'internal']),
      organId: z.string().nullable(),
      unitId: z.string().nullable(),
      name: z.string(),
      delivery: z.string().nullable().describe('external: pending, sent, failed or dead (the exchange); internal: delivered once released'),
      recalled: z.boolean(),
      statuses: z.array(z.object({ code: z.string(), description: z.string(), at: z.string() })),
    }),
  ),
  allowedActions: z.array(z.enum(ACTION_NAMES)),
});
export type OutgoingView = z.infer<typeof OutgoingView>;

export const OutgoingListQuery = z.object({
  status: z.enum(STATUS_NAMES).optional(),
  seriesCode: z.string().max(8).optional(),
  year: z.coerce.number().int().min(2000).max(2200).optional(),
  q: z.string().trim().max(200).optional(),
  received: z.enum(['0', '1']).optional().describe('1: the documents released to the units the caller covers (internal recipients)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type OutgoingListQuery = z.infer<typeof OutgoingListQuery>;

export const OutgoingSummary = z.object({
  id: z.uuid(),
  version: z.number().int(),
  status: z.enum(STATUS_NAMES),
  seriesCode: z.string(),
  notation: z.string().nullable(),
  subject: z.string(),
  draftingUnit: z.string(),
  signerName: z.string(),
  releasedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type OutgoingSummary = z.infer<typeof OutgoingSummary>;

export const RegisterQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2200),
  format: z.enum(['json', 'pdf', 'xlsx']).default('json'),
});

export const RegisterEntry = z.object({
  id: z.uuid(),
  number: z.number().int(),
  notation: z.string(),
  date: z.string(),
  seriesCode: z.string(),
  subject: z.string(),
  signer: z.string(),
  draftingUnit: z.string(),
  recipients: z.array(z.string()),
  copies: z.number().int(),
  status: z.string(),
});
export type RegisterEntry = z.infer<typeof RegisterEntry>;
