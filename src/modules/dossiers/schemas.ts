import { z } from 'zod';
import { bi } from '../../platform/http/validation.ts';
import { isIsoDate, localDate } from '../calendar/dates.ts';
import { ACTIONS, STATUSES, type ActionName } from './workflow.ts';

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 .-]{8,15}$/, bi('Số điện thoại không hợp lệ', 'invalid phone number'));

export const Applicant = z.object({
  kind: z.enum(['citizen', 'business']).default('citizen'),
  name: z.string().trim().min(2).max(300),
  identifier: z
    .string()
    .trim()
    .regex(/^[0-9]{9,13}$/, bi('Số định danh / mã số thuế gồm 9–13 chữ số', 'identifier: 9–13 digits')),
  email: z.email().nullish(),
  phone: phone.nullish(),
  address: z.string().trim().max(500).nullish(),
});
export type Applicant = z.infer<typeof Applicant>;

export const ComponentInput = z.object({
  /** The component's code in the procedure version (profileComponents[].code). */
  code: z.string().max(100).nullish(),
  name: z.string().trim().min(1).max(1000).optional(),
  /** A file uploaded before with POST /api/v1/uploads. */
  uploadId: z.uuid(),
  /** Ignored: whether a file was reused from the e-data repository is known from its upload (it feeds an indicator, so a client cannot claim it). */
  reused: z.boolean().optional(),
});

/**
 * How the applicant receives the result: `online` in their e-data repository on the portal,
 * `desk` at the one-stop desk, `post` by post to the applicant's address.
 */
export const DELIVERY = {
  online: { vi: 'Trực tuyến, trong Kho dữ liệu trên Cổng Dịch vụ công', en: 'Online, in the e-data repository on the portal' },
  desk: { vi: 'Tại Bộ phận Một cửa', en: 'At the one-stop desk' },
  post: { vi: 'Qua dịch vụ bưu chính', en: 'By post' },
} as const;
export type Delivery = keyof typeof DELIVERY;
export const Delivery = z.enum(Object.keys(DELIVERY) as [Delivery, ...Delivery[]]);

/** A dossier's delivery choice; dossiers filed before there was one: online filings online, the others at the desk. */
export const deliveryOf = (row: { delivery?: string | null; channel: number }): Delivery =>
  row.delivery && row.delivery in DELIVERY ? (row.delivery as Delivery) : row.channel === 2 ? 'online' : 'desk';

/** The return action's method for a delivery choice (the action names the desk `counter`). */
export const RETURN_METHOD: Record<Delivery, 'online' | 'counter' | 'post'> = { online: 'online', desk: 'counter', post: 'post' };

/** A fee line an officer asks for: the amount is what is owed for the line, after any reduction. */
export const FeeLineInput = z.object({
  code: z.string().trim().min(1).max(40).default('PHI'),
  name: z
    .string({ error: bi('Cần nhập tên khoản phí', 'Enter the name of the fee') })
    .trim()
    .min(2)
    .max(300),
  kind: z
    .union([z.literal(1), z.literal(2)])
    .default(2)
    .describe('1 phí, 2 lệ phí'),
  unitAmount: z.number().int().min(0).max(999_999_999_999).optional(),
  quantity: z.number().int().min(0).max(1_000_000).default(1),
  reductionPercent: z.number().int().min(0).max(100).default(0),
  amount: z
    .number({ error: bi('Số tiền phải là số nguyên (đồng)', 'The amount must be a whole number of đồng') })
    .int(bi('Số tiền phải là số nguyên (đồng)', 'The amount must be a whole number of đồng'))
    .min(0, bi('Số tiền không được âm', 'The amount must not be negative'))
    .max(999_999_999_999),
});

export const FileDossierInput = z.object({
  procedureCode: z.string().trim().min(1).max(60),
  channel: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  applicant: Applicant.optional(),
  /** How the applicant receives the result; default `online` for online filing, `desk` otherwise. `post` needs `applicant.address`. */
  delivery: Delivery.optional().describe(
    'How the applicant receives the result: online (e-data repository; the default for online filing), desk (at the one-stop desk; the default otherwise) or post (to applicant.address, which is then required)',
  ),
  /** VNPost collects the paper dossier from applicant.address (online filings; needs the province in the address and a phone). */
  postalPickup: z
    .boolean()
    .optional()
    .describe('Online filings: the post collects the paper dossier from applicant.address (which must end with its province) and brings it to the desk'),
  form: z.record(z.string(), z.unknown()).default({}),
  components: z.array(ComponentInput).max(100).default([]),
  /** The applicant category a fee is reduced or waived for (the procedure's fee schedule lists them); the officer checks the proof. */
  feeCategory: z.string().trim().max(40).optional(),
});
export type FileDossierInput = z.infer<typeof FileDossierInput>;

export const DossierView = z.object({
  code: z.string(),
  version: z
    .number()
    .int()
    .describe('The seq of its last action: send it with the next action (POST …/actions), which is refused with 409 once someone else has acted'),
  procedureCode: z.string(),
  procedureVersion: z.number().int(),
  procedureName: z.string(),
  channel: z.number().int(),
  nationalCode: z.string().nullable().describe("The National Public Service Portal's code (MaHoSo) of a dossier filed there and pushed to us; null for ours"),
  status: z.enum(Object.keys(STATUSES) as [keyof typeof STATUSES, ...(keyof typeof STATUSES)[]]),
  statusText: z.string(),
  nationalStatus: z.number().int(),
  receivingUnit: z.string(),
  handlingUnit: z.string(),
  step: z.number().int(),
  stepName: z.string().nullable(),
  assignee: z.string().nullable(),
  applicant: Applicant,
  delivery: Delivery.describe('How the applicant receives the result'),
  form: z.record(z.string(), z.unknown()),
  submittedAt: z.string(),
  receivedAt: z.string().nullable(),
  dueDate: z.string().nullable().describe('The Vietnamese day the result is due (YYYY-MM-DD)'),
  dueAt: z
    .string()
    .nullable()
    .describe('When the result is due, ISO 8601 in Viet Nam time (2026-12-07T10:00:00+07:00); a time limit in days ends at the end of its day (23:59:59.999)'),
  processingUnit: z
    .enum(['WORKING_DAY', 'DAY', 'WORKING_HOUR', 'SAME_DAY'])
    .describe('How the time limit is counted; WORKING_HOUR and SAME_DAY end at a time of day worth showing'),
  finishedAt: z.string().nullable(),
  overdue: z.boolean(),
  fees: z
    .object({
      due: z
        .object({ purpose: z.enum(['filing', 'obligation']), n: z.number().int(), lines: z.array(FeeLineInput.required()), total: z.number().int() })
        .nullable()
        .describe('What the applicant owes now (at filing, or asked for while processing), until paid'),
      paid: z.number().int().describe('Fees paid so far, in đồng'),
      paidOnline: z.boolean().describe('Whether a fee was paid through the national payment platform'),
    })
    .describe('Fees and charges of the dossier'),
  components: z.array(
    z.object({
      code: z.string().nullable(),
      name: z.string(),
      uploadId: z.string().nullable(),
      fileName: z.string().nullable(),
      contentType: z.string().nullable(),
      size: z.number().nullable(),
      sha256: z.string().nullable(),
      reused: z.boolean(),
      supplemented: z.boolean(),
    }),
  ),
  allowedActions: z.array(z.enum(ACTIONS)),
});
export type DossierView = z.infer<typeof DossierView>;

const version = z
  .number()
  .int()
  .min(1)
  .max(2_147_483_647)
  .describe('The dossier version the action was chosen on (DossierView.version); 409 STALE_VERSION with the current state when it is no longer current');
/** A required free-text field, with the message that names what is missing as the official reads it. */
const said = (vi: string, en: string) =>
  z
    .string({ error: bi(vi, en) })
    .trim()
    .min(3)
    .max(4000);
const note = z.string().max(4000).optional();
const assignee = z
  .string({ error: bi('Cần chọn chuyên viên xử lý', 'Choose the specialist') })
  .trim()
  .min(1)
  .max(64)
  .describe("The specialist's username");

/**
 * One schema per action, told apart by `action`: each action's required fields are required
 * by its own member, so the OpenAPI document shows them and `applyAction`'s switch is checked
 * for every action by the compiler.
 */
export const ActionInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('receive'), version, note }),
  z.object({ action: z.literal('refuse'), version, reason: said('Cần nêu rõ lý do từ chối', 'Give the reason for refusing') }),
  z.object({
    action: z.literal('request_supplement'),
    version,
    /** Everything missing, at once: a supplement may be requested only once. */
    items: z
      .array(z.object({ component: z.string().max(1000).optional(), reason: z.string().trim().min(3).max(2000) }), {
        error: bi('Cần liệt kê đầy đủ các nội dung cần bổ sung', 'List everything that is missing'),
      })
      .min(1)
      .max(100),
  }),
  z.object({
    action: z.literal('supplement'),
    version,
    components: z
      .array(ComponentInput, { error: bi('Cần đính kèm giấy tờ bổ sung', 'Attach the supplementary documents') })
      .min(1)
      .max(100),
  }),
  z.object({ action: z.literal('assign'), version, assignee, note: note.describe("The leader's instruction to the specialist") }),
  z.object({ action: z.literal('reassign'), version, assignee, note: note.describe("The leader's instruction to the specialist") }),
  z.object({
    action: z.literal('transfer'),
    version,
    toUnit: z
      .string({ error: bi('Cần chọn đơn vị nhận', 'Choose the unit that takes over') })
      .trim()
      .min(1)
      .max(40)
      .describe('The unit that takes over'),
    note,
  }),
  z.object({ action: z.literal('propose'), version, note: note.describe("The specialist's opinion") }),
  z.object({ action: z.literal('send_back'), version, reason: said('Cần nêu lý do trả lại', 'Give the reason for sending it back') }),
  z.object({ action: z.literal('approve'), version, note }),
  z.object({
    action: z.literal('return'),
    version,
    method: z.enum(['online', 'counter', 'post']).optional().describe("How the result was handed over; the applicant's delivery choice when left out"),
  }),
  z.object({
    action: z.literal('stop'),
    version,
    reason: said('Cần nêu lý do dừng xử lý', 'Give the reason for stopping'),
    legalBasis: z.string().max(2000).optional(),
  }),
  z.object({ action: z.literal('withdraw'), version, reason: z.string().trim().min(3).max(4000).optional() }),
  z
    .object({
      action: z.literal('apologise'),
      version,
      reason: said('Cần nêu lý do chậm trễ', 'Give the reason for the delay'),
      newDueDate: z
        .string({ error: bi('Cần hẹn ngày trả kết quả mới', 'Give the new date') })
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .refine(isIsoDate, bi('Không phải ngày có thật (YYYY-MM-DD)', 'not a real date (YYYY-MM-DD)'))
        .optional()
        .describe('The new date of return (YYYY-MM-DD) for a time limit in days: the result is due by the end of that day. Give it or newDueAt'),
      newDueAt: z.iso
        .datetime({
          offset: true,
          error: bi(
            'Phải là thời điểm dạng ISO 8601 có múi giờ, ví dụ 2026-12-07T10:00:00+07:00',
            'must be an ISO 8601 date and time with its offset, e.g. 2026-12-07T10:00:00+07:00',
          ),
        })
        .optional()
        .describe(
          'The new time of return, ISO 8601 with its offset (2026-12-07T10:00:00+07:00); required when the time limit is counted in working hours or within the day',
        ),
    })
    .superRefine((v, ctx) => {
      if (v.newDueDate === undefined && v.newDueAt === undefined) {
        ctx.addIssue({ code: 'custom', path: ['newDueDate'], message: bi('Cần hẹn ngày trả kết quả mới', 'Give the new date') });
      } else if (v.newDueDate !== undefined && v.newDueAt !== undefined && isIsoDate(v.newDueDate) && !Number.isNaN(Date.parse(v.newDueAt))) {
        // Both given: they must name the same day, or which one is meant is a guess.
        if (localDate(new Date(v.newDueAt)) !== v.newDueDate)
          ctx.addIssue({
            code: 'custom',
            path: ['newDueDate'],
            message: bi('Ngày hẹn mới phải là ngày của thời điểm hẹn mới (newDueAt)', 'must be the day of newDueAt'),
          });
      }
    }),
  z.object({
    action: z.literal('request_fee'),
    version,
    /** What the applicant must pay, line by line (the procedure's fees due on request, as the officer worked them out). */
    lines: z
      .array(FeeLineInput, { error: bi('Cần nêu các khoản phí, lệ phí phải nộp', 'List the fees to pay') })
      .min(1)
      .max(20),
    note: note.describe('Why, and the legal basis'),
  }),
]);
export type ActionInput = z.infer<typeof ActionInput>;

/** Fails to compile when an action has no schema or a schema names no action (fee_paid is the platform's own, never a request). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyActionHasASchema: Same<ActionInput['action'], Exclude<ActionName, 'fee_paid'>> = true;
void everyActionHasASchema;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/**
 * An action as the operation takes it. Requests always name the version; only in-process
 * callers that read the dossier and act in one transaction (filing at the counter, the demo
 * loader) may leave it out.
 */
export type ActionRequest = DistributiveOmit<ActionInput, 'version'> & { version?: number };
