import { z } from 'zod';
import { bi } from '../../../platform/http/validation.ts';

const version = z
  .number()
  .int()
  .min(1)
  .max(2_147_483_647)
  .describe('The document version the action was chosen on (IncomingView.version); 409 STALE_VERSION with the current state when it is no longer current');
const said = (vi: string, en: string) =>
  z
    .string({ error: bi(vi, en) })
    .trim()
    .min(3, { error: bi(vi, en) })
    .max(4000);
const isoDate = (vi: string, en: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: bi(vi, en) });
const staffId = z.uuid({ error: bi('Mã cán bộ không hợp lệ', 'Not a staff id') });

/** One schema per action, told apart by `action` (as dossier actions are). */
export const IncomingActionInput = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('register'),
    version,
    directingUnitId: z
      .string()
      .max(40)
      .optional()
      .describe("The unit whose leaders are asked for direction; left out, the agency's leaders (any unit leader or signing leader) direct it"),
    note: z.string().max(4000).optional(),
  }),
  z.object({ action: z.literal('refuse'), version, reason: said('Cần nêu rõ lý do từ chối tiếp nhận', 'Give the reason for refusing the document') }),
  z.object({
    action: z.literal('direct'),
    version,
    handlerId: z.uuid({ error: bi('Cần chọn cán bộ chủ trì xử lý', 'Choose the handler') }).describe("The handler's staff id (a specialist)"),
    coHandlerIds: z.array(staffId).max(20).optional(),
    instructions: z.string().trim().max(4000).optional(),
    deadline: isoDate('Hạn xử lý phải có dạng YYYY-MM-DD', 'The deadline must be YYYY-MM-DD').optional(),
  }),
  z.object({ action: z.literal('progress'), version, note: said('Cần ghi nội dung tiến độ', 'Write what was done') }),
  z.object({ action: z.literal('complete'), version, note: z.string().trim().max(4000).optional() }),
  z.object({ action: z.literal('agree-recall'), version }),
  z.object({ action: z.literal('refuse-recall'), version, reason: said('Cần nêu rõ lý do từ chối thu hồi', 'Give the reason for refusing the recall') }),
]);
export type IncomingActionInput = z.infer<typeof IncomingActionInput>;

/** What the clerk types for a paper or e-mail document (Decree 30, Appendix IV: the register's columns). */
export const IncomingMetadata = z.object({
  channel: z.enum(['paper', 'email'], { error: bi('Cần chọn văn bản giấy hoặc thư điện tử', 'Choose paper or e-mail') }),
  senderName: said('Cần ghi cơ quan, tổ chức ban hành văn bản', 'Give the sending agency'),
  senderOrganId: z.string().trim().max(40).optional(),
  numberNotation: z
    .string({ error: bi('Cần ghi số, ký hiệu văn bản (ví dụ 12/QĐ-UBND)', 'Give the number and notation (e.g. 12/QĐ-UBND)') })
    .trim()
    .min(1, { error: bi('Cần ghi số, ký hiệu văn bản (ví dụ 12/QĐ-UBND)', 'Give the number and notation (e.g. 12/QĐ-UBND)') })
    .max(100),
  promulgationDate: isoDate('Ngày ban hành phải có dạng YYYY-MM-DD', 'The date of the document must be YYYY-MM-DD'),
  documentType: z.string().trim().max(200).optional(),
  subject: said('Cần ghi trích yếu nội dung', 'Give the subject'),
  signer: z.string().trim().max(200).optional(),
  dueDate: isoDate('Hạn trả lời phải có dạng YYYY-MM-DD', 'The reply date must be YYYY-MM-DD').optional(),
  emailFrom: z.string().trim().max(320).optional(),
  uploadIds: z.array(z.uuid()).max(20).optional().describe('Uploads of the caller (JSON body); multipart sends the files themselves'),
});
export type IncomingMetadata = z.infer<typeof IncomingMetadata>;

export const SignatureView = z.object({
  present: z.boolean(),
  valid: z.boolean().nullable(),
  algorithm: z.string().optional(),
  weak: z.boolean(),
  signer: z.string().optional(),
  reason: z.string().optional(),
});

export const IncomingStatusEnum = z.enum(['arrived', 'refused', 'awaiting_direction', 'directed', 'in_progress', 'done', 'recalled']);

export const IncomingView = z.object({
  id: z.uuid(),
  version: z.number().int(),
  status: IncomingStatusEnum,
  channel: z.enum(['axis', 'inbox', 'paper', 'email']),
  documentId: z.string().nullable(),
  businessType: z.number().int(),
  incomingNumber: z.number().int().nullable(),
  incomingYear: z.number().int().nullable(),
  numberNotation: z.string().nullable(),
  subject: z.string(),
  summary: z.string().nullable(),
  documentType: z.string().nullable(),
  signerName: z.string().nullable(),
  sender: z.object({ organId: z.string().nullable(), organName: z.string() }),
  promulgationDate: z.string().nullable(),
  dueDate: z.string().nullable(),
  receivedAt: z.string(),
  registeredAt: z.string().nullable(),
  receivingUnit: z.string(),
  directingUnit: z.string().nullable(),
  signature: SignatureView.nullable(),
  attachments: z.array(z.object({ n: z.number().int(), name: z.string(), contentType: z.string(), size: z.number().int() })),
  history: z.array(
    z.object({
      seq: z.number().int(),
      action: z.string(),
      at: z.string(),
      by: z.string(),
      byName: z.string(),
      status: z.string(),
      statusCode: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
  handlerId: z.string().nullable(),
  coHandlerIds: z.array(z.string()),
  instructions: z.string().nullable(),
  deadline: z.string().nullable(),
  deadlineState: z.enum(['none', 'ok', 'due_soon', 'overdue']),
  recallPending: z.boolean(),
  recallReason: z.string().nullable(),
  relatedId: z.string().nullable(),
  supersededBy: z.string().nullable(),
  ocrStatus: z.enum(['none', 'queued', 'done', 'failed']),
  allowedActions: z.array(z.string()),
});
export type IncomingView = z.infer<typeof IncomingView>;

export const IncomingSummary = IncomingView.pick({
  id: true,
  version: true,
  status: true,
  channel: true,
  incomingNumber: true,
  numberNotation: true,
  subject: true,
  sender: true,
  promulgationDate: true,
  receivedAt: true,
  handlerId: true,
  deadline: true,
  deadlineState: true,
  recallPending: true,
});
export type IncomingSummary = z.infer<typeof IncomingSummary>;

export const IncomingListQuery = z.object({
  status: IncomingStatusEnum.optional(),
  mine: z.enum(['1', '0']).optional().describe('1: documents I handle or co-handle'),
  awaiting: z.enum(['1', '0']).optional().describe('1: documents awaiting my direction'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type IncomingListQuery = z.infer<typeof IncomingListQuery>;

export const RegisterQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2200),
  format: z.enum(['pdf', 'xlsx']).default('pdf'),
});
