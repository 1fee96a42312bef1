import { z } from 'zod';
import { StaffRoleSchema } from '../../platform/auth/roles.ts';
import { bi } from '../../platform/http/validation.ts';
import { isHhMm } from '../calendar/office-hours.ts';
import { checkEFormSchema } from './check-eform-schema.ts';

/**
 * The national procedures database's export format (BRIEF §2, fixtures/national-procedures),
 * plus congso's optional `congso` extension carrying what that format lacks (field, agency,
 * level, legal basis, e-form, workflow). Unknown fields are allowed and kept in `raw`.
 */
const text = (max: number) => z.string().max(max);

/**
 * A reduction or exemption of a fee for a category of applicant (Decree 11/2020 lets fee laws
 * exempt, say, poor households or people with disabilities): the applicant declares the
 * category when filing, the receiving officer checks the proof.
 */
export const FeeReduction = z.object({
  category: z
    .string()
    .trim()
    .regex(/^[a-z0-9_-]{1,40}$/, bi('Mã đối tượng gồm chữ thường, số, - và _', 'a category code is lower-case letters, digits, - and _')),
  label: z.string().trim().min(1).max(300),
  labelEn: z.string().trim().max(300).optional(),
  /** 100 exempts. */
  percent: z.number().int().min(1).max(100),
});
export type FeeReduction = z.infer<typeof FeeReduction>;

/**
 * When a fee is collected: `filing` (online filings pay before the dossier is sent) or `request`
 * (the officer asks for it while processing: a financial-obligation request). Absent means
 * `request`, which is how procedures behaved before fees were collected online.
 */
export const FeeDueAt = z.enum(['filing', 'request']);

/**
 * One fee of a method. `type` is the national format's: CHARGE a phí, FEE a lệ phí. congso
 * adds a code, a per-quantity rule (the amount is per unit of an e-form field, e.g. per point
 * of sale), reductions by applicant category, and when it is due.
 */
export const Fee = z.looseObject({
  type: text(60).default('FEE'),
  value: z.number().min(0).max(1e12),
  description: text(4000).nullish(),
  code: z.string().trim().max(40).optional(),
  per: z.object({ field: z.string().trim().min(1).max(200), label: z.string().trim().min(1).max(100) }).optional(),
  reductions: z.array(FeeReduction).max(20).optional(),
  dueAt: FeeDueAt.optional(),
});

/** A same-day cut-off: received from this time of day on, the result is due the next working day. */
export const Cutoff = z
  .string()
  .max(5)
  .refine(isHhMm, { message: bi('Phải là giờ dạng GG:PP, ví dụ 15:00', 'must be a time written HH:MM, e.g. 15:00') });

export const ExecutionMethod = z.looseObject({
  submissionMethod: z.enum(['ONLINE', 'POSTAL', 'DIRECT']),
  processingTime: z.number().min(0).max(3650),
  /** The national unit code (WORKING_DAY, NGAY_LAM_VIEC, WORKING_HOUR, SAME_DAY, OTHER…); processing-time.ts maps it. */
  processingTimeUnit: text(40).default('WORKING_DAY'),
  /** congso's own: a same-day method's cut-off ('HH:MM'); without it the import reads one from the description. */
  processingCutoff: Cutoff.optional(),
  description: text(8000).nullish(),
  fees: z.array(Fee).max(100).default([]),
});

export const ProfileComponent = z.looseObject({
  code: text(100).nullish(),
  name: z.string().trim().min(1).max(4000),
  originalQty: z.number().int().min(0).max(1000).default(0),
  copyQty: z.number().int().min(0).max(1000).default(0),
  required: z.boolean().default(false),
  hasElectronicForm: z.boolean().default(false),
});

export const ExecutionCase = z.looseObject({
  name: text(4000).default(''),
  profileComponents: z.array(ProfileComponent).max(500).default([]),
});

export const ExecutionStep = z.looseObject({ name: text(4000).default(''), description: text(20000).default('') });

/** An e-form: a JSON Schema checked and bounded as check-eform-schema says, each problem at its path inside. */
export const EForm = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  if (schema.type !== 'object')
    ctx.addIssue({
      code: 'custom',
      message: 'an e-form must be a JSON Schema of type "object"',
      params: { vi: 'Biểu mẫu điện tử phải là JSON Schema kiểu "object"' },
    });
  for (const p of checkEFormSchema(schema).problems) ctx.addIssue({ code: 'custom', path: p.path, message: p.text.en, params: { vi: p.text.vi } });
});

export const WorkflowStep = z.object({
  step: z.string().regex(/^[a-z][a-z0-9_-]{1,40}$/),
  name: z.string().min(1).max(300),
  nameEn: z.string().max(300).optional(),
  role: StaffRoleSchema,
  unit: z.string().min(1).max(40),
  workingDays: z.number().min(0).max(365),
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, bi('Phải là ngày dạng YYYY-MM-DD', 'must be an ISO date (YYYY-MM-DD)'));

export const CongsoExtension = z.looseObject({
  field: z.string().trim().min(1).max(300).optional(),
  fieldEn: z.string().max(300).optional(),
  agencyCode: z.string().max(40).optional(),
  level: z.enum(['full', 'partial']).optional(),
  legalBasis: z.array(z.string().max(2000)).max(100).default([]),
  resultType: z.string().max(500).optional(),
  resultKind: z.enum(['certificate', 'licence', 'written_reply', 'decision']).optional(),
  effectiveFrom: isoDate.optional(),
  eForm: EForm.optional(),
  workflow: z.array(WorkflowStep).max(50).optional(),
});

export const NationalRecord = z.looseObject({
  code: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z][0-9A-Za-z.-]{2,40}$/, bi('Phải là mã thủ tục quốc gia, ví dụ 1.001193', 'must be a national procedure code such as 1.001193')),
  name: z.string().trim().min(3).max(2000),
  executionMethods: z.array(ExecutionMethod).min(1).max(10),
  executionCases: z.array(ExecutionCase).max(100).default([]),
  executionSteps: z.array(ExecutionStep).max(200).default([]),
  congso: CongsoExtension.optional(),
});
export type NationalRecord = z.infer<typeof NationalRecord>;

/** Defaults applied to records that lack the extension (e.g. straight national exports). */
export const ImportDefaults = z.object({
  field: z.string().trim().min(1).max(300).optional(),
  agencyCode: z.string().max(40).optional(),
  level: z.enum(['full', 'partial']).optional(),
  effectiveFrom: isoDate.optional(),
});
export type ImportDefaults = z.infer<typeof ImportDefaults>;

/** The procedure as congso stores and serves it (procedure_versions.data). */
export const ProcedureData = z.object({
  code: z.string(),
  name: z.string(),
  field: z.string(),
  fieldEn: z.string().nullable(),
  agencyCode: z.string().nullable(),
  agencyName: z.string().nullable(),
  level: z.enum(['full', 'partial']),
  legalBasis: z.array(z.string()),
  resultType: z.string().nullable(),
  resultKind: z.string().nullable(),
  methods: z.array(
    z.object({
      channel: z.enum(['ONLINE', 'POSTAL', 'DIRECT']),
      processingTime: z.number(),
      /** congso's units (time-limit-of.ts): WORKING_DAY, DAY, WORKING_HOUR, SAME_DAY; anything else could not be mapped at import. */
      processingTimeUnit: z.string(),
      /** SAME_DAY: received from this time ('HH:MM') on, the result is due the next working day. */
      processingCutoff: z.string().optional(),
      /** The limit as the source wrote it, kept when its unit could not be mapped (or for the record). */
      processingTimeText: z.string().optional(),
      description: z.string().nullable(),
      fees: z.array(
        z.object({
          type: z.string(),
          value: z.number(),
          description: z.string().nullable(),
          code: z.string().optional(),
          per: z.object({ field: z.string(), label: z.string() }).optional(),
          reductions: z.array(FeeReduction).optional(),
          dueAt: FeeDueAt.optional(),
        }),
      ),
    }),
  ),
  cases: z.array(
    z.object({
      name: z.string(),
      components: z.array(
        z.object({
          code: z.string().nullable(),
          name: z.string(),
          originalQty: z.number(),
          copyQty: z.number(),
          required: z.boolean(),
          hasElectronicForm: z.boolean(),
        }),
      ),
    }),
  ),
  steps: z.array(z.object({ name: z.string(), description: z.string() })),
  eForm: z.record(z.string(), z.unknown()).nullable(),
  workflow: z.array(WorkflowStep),
});
export type ProcedureData = z.infer<typeof ProcedureData>;
