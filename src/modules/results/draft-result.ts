import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { isIsoDate, yearOf } from '../calendar/dates.ts';
import { MAX_YEAR, MIN_YEAR } from '../calendar/schemas.ts';
import { bi } from '../../platform/http/validation.ts';
import { formatDate } from '../../platform/i18n/index.ts';

const text = z.string().trim().min(1).max(2000);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(
    (d) => isIsoDate(d) && yearOf(d) >= MIN_YEAR && yearOf(d) <= MAX_YEAR,
    bi(`Phải là ngày có thật từ năm ${MIN_YEAR} đến ${MAX_YEAR}`, `must be a real date between ${MIN_YEAR} and ${MAX_YEAR}`),
  );

/** What the specialist writes: the document's name, and its content by kind. */
export const ResultDraftInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('certificate'),
    documentName: text.max(500),
    fields: z
      .array(z.object({ label: text.max(200), value: text }))
      .min(1)
      .max(40),
    validUntil: day.optional(),
    notes: z.array(text).max(10).optional(),
  }),
  z.object({
    kind: z.literal('licence'),
    documentName: text.max(500),
    fields: z
      .array(z.object({ label: text.max(200), value: text }))
      .min(1)
      .max(40),
    validUntil: day.optional(),
    notes: z.array(text).max(10).optional(),
  }),
  z.object({ kind: z.literal('written_reply'), documentName: text.max(500), subject: text.max(500), paragraphs: z.array(text).min(1).max(20) }),
]);
export type ResultDraftInput = z.infer<typeof ResultDraftInput>;
export const ResultDraftView = z.intersection(ResultDraftInput, z.object({ updatedBy: z.string(), updatedAt: z.string() }));
export type ResultDraft = z.infer<typeof ResultDraftView>;

type Prop = {
  type?: string | string[];
  title?: string;
  format?: string;
  enum?: unknown[];
  'x-enum-titles'?: string[];
  'x-ui'?: { order?: number };
  properties?: Record<string, Prop>;
  items?: Prop;
};
const MAX_VALUE = 2000;

/** An e-form answer as a document prints it: choices by their titles, days as dd/MM/yyyy, numbers grouped, rows of a table one after another. */
function answerText(p: Prop, v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (Array.isArray(v))
    return v
      .map((x) => answerText(p.items ?? {}, x))
      .filter(Boolean)
      .join('; ');
  if (typeof v === 'object') {
    return entriesOf(p)
      .map(([k, sub]) => [sub.title ?? k, answerText(sub, (v as Record<string, unknown>)[k])] as const)
      .filter(([, x]) => x)
      .map(([label, x]) => `${label}: ${x}`)
      .join(', ');
  }
  if (p.enum && p['x-enum-titles']) {
    const i = p.enum.indexOf(v);
    if (i >= 0 && p['x-enum-titles'][i]) return p['x-enum-titles'][i];
  }
  if (typeof v === 'boolean') return v ? 'Có' : 'Không';
  if (typeof v === 'number') return v.toLocaleString('vi-VN');
  if (p.format === 'date' && typeof v === 'string') return formatDate('vi', v);
  // The draft's content is one "label: value" per line: a multi-line answer becomes one line.
  return String(v)
    .trim()
    .replace(/\s*\r?\n\s*/g, ', ');
}

const entriesOf = (p: Prop) => Object.entries(p.properties ?? {}).sort(([, a], [, b]) => (a['x-ui']?.order ?? 1e9) - (b['x-ui']?.order ?? 1e9));

/** The e-form's answers as labelled lines, in the form's order (the labels are the form's Vietnamese titles). */
export function eFormFields(schema: unknown, form: Record<string, unknown>): { label: string; value: string }[] {
  return entriesOf((schema ?? {}) as Prop)
    .map(([k, p]) => ({ label: (p.title ?? k).slice(0, 200), value: answerText(p, form[k]).slice(0, MAX_VALUE) }))
    .filter((f) => f.value.trim())
    .slice(0, 40);
}

/**
 * The draft the specialist starts from when none is saved: the procedure's result (its kind and
 * name) filled from the dossier's e-form. A certificate or licence lists the form's answers as
 * its certified content; a written reply states the request and the answers, and leaves the
 * agency's answer to write.
 */
export function suggestResultDraft(
  d: { code: string; applicant: { name: string }; form: Record<string, unknown> },
  proc: { name: string; resultType: string | null; resultKind: string | null; eForm: unknown },
): ResultDraftInput {
  const documentName = (proc.resultType ?? `Kết quả giải quyết thủ tục ${proc.name}`).slice(0, 500);
  const fields = eFormFields(proc.eForm, d.form);
  if (proc.resultKind === 'written_reply') {
    const request = fields.map((f) => `${f.label}: ${f.value}`).join('; ');
    return {
      kind: 'written_reply',
      documentName,
      subject: `Trả lời hồ sơ ${d.code} của ${d.applicant.name}`.slice(0, 500),
      paragraphs: [
        `Cơ quan nhận được hồ sơ số ${d.code} của ${d.applicant.name} đề nghị giải quyết thủ tục ${proc.name}.`.slice(0, MAX_VALUE),
        ...(request ? [`Nội dung đề nghị: ${request}`.slice(0, MAX_VALUE)] : []),
        'Sau khi xem xét, cơ quan có ý kiến như sau: …',
      ],
    };
  }
  return {
    kind: proc.resultKind === 'licence' ? 'licence' : 'certificate',
    documentName,
    fields: fields.length ? fields : [{ label: 'Thủ tục', value: proc.name.slice(0, MAX_VALUE) }],
  };
}

/** The dossier's result draft, if the specialist wrote one (officials who see the dossier). */
export async function getResultDraft(ctx: Ctx, code: string, p: Principal): Promise<ResultDraft | null> {
  const d = await getDossier(ctx, code, p);
  const r = await ctx.database.db.selectFrom('result_drafts').selectAll().where('dossier_code', '=', d.code).executeTakeFirst();
  if (!r) return null;
  return {
    ...(r.content as object),
    kind: r.kind,
    documentName: r.document_name,
    updatedBy: r.updated_by,
    updatedAt: new Date(r.updated_at).toISOString(),
  } as ResultDraft;
}

/**
 * The assigned specialist drafts the result while examining the dossier; once proposed, the
 * draft is what the leader approves and signs, so it no longer changes.
 */
export async function saveResultDraft(ctx: Ctx, code: string, raw: unknown, p: Principal): Promise<ResultDraft> {
  const d = await getDossier(ctx, code, p);
  if (p.kind !== 'staff' || d.assignee !== p.username) {
    // An applicant who sees their dossier holds no role that drafts; an official may, at their step.
    throw new AppError(p.kind === 'staff' ? 'NOT_YOUR_STEP' : 'FORBIDDEN', {
      vi: 'Chỉ chuyên viên được phân công xử lý hồ sơ mới soạn dự thảo kết quả',
      en: 'Only the specialist assigned to the dossier drafts its result',
    });
  }
  if (d.status !== 'processing') {
    throw new AppError('RESULT_DRAFT_CLOSED', {
      vi: 'Chỉ soạn dự thảo kết quả khi hồ sơ đang xử lý (trước khi trình phê duyệt)',
      en: 'The result is drafted while the dossier is being processed, before it is proposed',
    });
  }
  const parsed = ResultDraftInput.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const { kind, documentName, ...content } = parsed.data;
  await ctx.database.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('result_drafts')
      .values({ dossier_code: d.code, kind, document_name: documentName, content: JSON.stringify(content), updated_by: p.username })
      .onConflict((oc) =>
        oc
          .column('dossier_code')
          .doUpdateSet({ kind, document_name: documentName, content: JSON.stringify(content), updated_by: p.username, updated_at: new Date() }),
      )
      .execute();
    await recordAudit(tx, { actor: `staff:${p.username}`, action: 'result.draft', target: `dossier:${d.code}`, data: { kind, documentName } });
  });
  return (await getResultDraft(ctx, d.code, p))!;
}
