import { createHash } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { canonicalJson, recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { fromZod, validationError } from '../../platform/http/validation.ts';
import { computeFees, feeCategories } from '../catalog/compute-fees.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { timeLimitOf } from '../catalog/time-limit-of.ts';
import { countsHours } from '../calendar/time-limit.ts';
import { findCitizen } from '../identity/find-citizen.ts';
import { citizenContact } from '../identity/ensure-citizen.ts';
import { FileDossierInput, type Applicant } from './schemas.ts';
import { nextDossierCode } from './dossier-code.ts';
import { appendAction, loadRow, nameNorm } from './dossier-store.ts';
import { validateEForm } from './eform.ts';
import { localDate } from './deadlines.ts';
import { attachComponents } from './attachments.ts';
import { afterStateChange } from './side-effects.ts';
import { takeActionTx, whoActsNext } from './take-action.ts';
import { stepIndex, type DossierState } from './workflow.ts';
import { countFunnelStep } from '../analytics/count-usage.ts';
import { postalChoiceProblems, recordPostalChoice } from '../postal/postal-choice.ts';

const METHOD = { 1: 'DIRECT', 2: 'ONLINE', 3: 'POSTAL' } as const;

export interface FileResult {
  code: string;
  created: boolean;
}

/**
 * Files a dossier: online by the applicant or the national portal for them, at the counter
 * or by post by a receiving officer (which is also its receipt). Validates the e-form with
 * the procedure version's schema, resolves the attached files, assigns the code, and writes
 * the dossier with its first actions, all in one transaction. With an idempotency key, the
 * same key and body return the same dossier; the same key with another body is a conflict.
 */
export async function fileDossier(
  ctx: Ctx,
  raw: FileDossierInput,
  principal: Principal,
  idempotencyKey?: string,
  /** Filed on the National Public Service Portal (national-portal/receive-national-dossier.ts): its code and the applicant's TechID. */
  national?: { code: string; techId: string | null },
): Promise<FileResult> {
  // Pages and the demo call this directly, not only the validated route: the operation checks its own input.
  const parsed = FileDossierInput.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const input = parsed.data;
  const owner = actorOf(principal);
  const hash = createHash('sha256').update(canonicalJson(input)).digest('hex');
  if (idempotencyKey) {
    const prior = await findByKey(ctx, owner, idempotencyKey);
    if (prior) return replay(prior, hash);
  }

  if (principal.kind === 'citizen' && input.channel !== 2) {
    throw new AppError('VALIDATION_FAILED', { vi: 'Người dân nộp hồ sơ trực tuyến (kênh 2)', en: 'Applicants file online (channel 2)' }, [
      { path: 'body.channel', message: 'Phải là 2', messageEn: 'must be 2' },
    ]);
  }
  if (principal.kind !== 'citizen' && !input.applicant) {
    throw validationError([{ path: 'body.applicant', message: 'Cần thông tin người nộp hồ sơ', messageEn: 'The applicant is required' }]);
  }
  const proc = await getProcedure(ctx, input.procedureCode);
  const method = proc.methods.find((m) => m.channel === METHOD[input.channel]);
  if (!method) {
    throw new AppError(
      'VALIDATION_FAILED',
      { vi: `Thủ tục ${proc.code} không nhận hồ sơ qua kênh này`, en: `Procedure ${proc.code} does not accept this channel` },
      [{ path: 'body.channel', message: 'Kênh không được hỗ trợ', messageEn: 'channel not offered' }],
    );
  }
  if (!proc.workflow.length)
    throw new AppError('PROCEDURE_HAS_NO_WORKFLOW', { vi: `Thủ tục ${proc.code} chưa có quy trình xử lý`, en: `Procedure ${proc.code} has no workflow` });
  const receiveStep = proc.workflow[stepIndex(proc.workflow, 'receive')];
  if (principal.kind === 'staff' && !principal.roles.some((r) => r.role === receiveStep.role && r.unitId === receiveStep.unit)) {
    throw new AppError('NOT_YOUR_STEP', {
      vi: `Chỉ cán bộ tiếp nhận của đơn vị ${receiveStep.unit} được nhận hồ sơ thủ tục này`,
      en: `Only receiving officers of ${receiveStep.unit} receive this procedure`,
    });
  }

  const details: ErrorDetail[] = validateEForm(proc.eForm, input.form);
  const applicant = await applicantFor(ctx, principal, input.applicant);
  const delivery = input.delivery ?? (input.channel === 2 ? 'online' : 'desk');
  if (delivery === 'post' && !applicant.address?.trim()) {
    details.push({
      path: 'body.applicant.address',
      message: 'Cần nhập Địa chỉ để nhận kết quả qua bưu chính',
      messageEn: 'Enter the Address to receive the result by post',
    });
  }
  // VNPost: offered only where configured; the address must name its province, the postman needs a phone.
  details.push(...postalChoiceProblems(ctx, { delivery, pickup: input.postalPickup ?? false, channel: input.channel, applicant }));
  const known = new Map(
    proc.cases
      .flatMap((c) => c.components)
      .filter((c) => c.code)
      .map((c) => [c.code!, c]),
  );
  input.components.forEach((c, i) => {
    if (c.code && !known.has(c.code))
      details.push({ path: `components[${i}].code`, message: `Thủ tục không có thành phần ${c.code}`, messageEn: `No component ${c.code} in this procedure` });
  });
  const given = new Set(input.components.map((c) => c.code));
  for (const c of known.values()) {
    // The path names the component by its code, so a page can put the error beside its file input.
    if (c.required && !given.has(c.code))
      details.push({ path: `components[code=${c.code}]`, message: `Thiếu giấy tờ bắt buộc: ${c.name}`, messageEn: `Missing required component ${c.code}` });
  }
  if (input.feeCategory && !feeCategories(method.fees).some((c) => c.category === input.feeCategory)) {
    details.push({
      path: 'body.feeCategory',
      message: 'Thủ tục không miễn, giảm phí cho đối tượng này',
      messageEn: 'This procedure has no fee reduction for that category',
    });
  }
  // Online filings of a procedure that charges at filing wait, unsent, until the fee is paid; at
  // the counter and by post the officer collects it at the desk.
  const atFiling = computeFees(method.fees, { form: input.form, category: input.feeCategory, dueAt: 'filing' });
  if (input.channel === 2) details.push(...atFiling.problems);
  if (details.length) throw validationError(details);
  const owesAtFiling = input.channel === 2 && atFiling.total > 0;

  const ownerCitizen = principal.kind === 'citizen' ? principal.id : await findCitizen(ctx, applicant.identifier);
  // The filing's time: its code's day, submitted_at, the receipt and the due date all follow it.
  const now = new Date(Date.now() + ctx.config.clockOffsetMs);
  // A unit the import could not map falls back to the workflow's step budgets in working days (time-limit-of.ts).
  const limit = timeLimitOf(method, proc.workflow);
  const initial: DossierState = {
    status: owesAtFiling ? 'unpaid' : 'submitted',
    step: stepIndex(proc.workflow, 'receive'),
    handlingUnit: receiveStep.unit,
    assignee: null,
    dueDate: null,
    dueAt: null,
    supplementRequested: false,
    apologised: false,
    resumeStatus: null,
    pausedOn: null,
    usedDays: 0,
    processingDays: limit.unit === 'SAME_DAY' ? 0 : limit.n,
    processingUnit: limit.unit,
    ...(limit.unit === 'SAME_DAY' && limit.cutoff ? { processingCutoff: limit.cutoff } : {}),
    ...(countsHours(limit.unit) ? { pausedAt: null, usedMinutes: 0 } : {}),
    ...(owesAtFiling ? { feeDues: 1, feeDue: { purpose: 'filing' as const, n: 1, lines: atFiling.lines, total: atFiling.total } } : {}),
  };

  try {
    return await ctx.database.db.transaction().execute(async (tx) => {
      const code = await nextDossierCode(tx, receiveStep.unit, localDate(now));
      const inserted = await tx
        .insertInto('dossiers')
        .values({
          code,
          receiving_unit: receiveStep.unit,
          handling_unit: receiveStep.unit,
          procedure_code: proc.code,
          procedure_version: proc.version,
          procedure_name: proc.name,
          channel: input.channel,
          delivery,
          ...whoActsNext(initial, proc.workflow),
          applicant: JSON.stringify(applicant),
          applicant_name_norm: nameNorm(applicant),
          owner_citizen_id: ownerCitizen,
          filed_by: owner,
          form: JSON.stringify(input.form),
          status: initial.status,
          national_status: 1,
          step: initial.step,
          submitted_at: now,
          state: JSON.stringify(initial),
          national_code: national?.code ?? null,
          national_tech_id: national?.techId ?? null,
          idempotency_owner: idempotencyKey ? owner : null,
          idempotency_key: idempotencyKey ?? null,
          idempotency_hash: idempotencyKey ? hash : null,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      const shell = { id: inserted.id, code, owner_citizen_id: ownerCitizen, state: null as unknown };
      const attached = await attachComponents(ctx, tx, shell, input.components, principal, { supplemented: false, newDossier: true });
      await appendAction(
        tx,
        shell,
        initial,
        {
          action: 'submit',
          actor: owner,
          actorName: principal.name,
          at: now,
          data: {
            channel: input.channel,
            components: attached.length,
            ...(owesAtFiling ? { feeDue: atFiling.total } : {}),
            ...(input.feeCategory ? { feeCategory: input.feeCategory } : {}),
          },
        },
        { first: true },
      );
      await recordAudit(tx, {
        actor: owner,
        action: 'dossier.submit',
        target: `dossier:${code}`,
        data: { procedure: `${proc.code}@${proc.version}`, channel: input.channel, ...(national ? { nationalCode: national.code } : {}) },
      });
      // The postal choices become orders (requested): a pickup is sent with the dossier, a delivery at its return by post.
      await recordPostalChoice(ctx, tx, { dossierCode: code, delivery, pickup: input.postalPickup ?? false, unit: receiveStep.unit, applicant, now });
      // Usage analytics: the last step of our portal's funnel (a citizen filing here, not the national portal's filings).
      if (principal.kind === 'citizen') await countFunnelStep(tx, proc.code, 'submitted');
      if (principal.kind === 'staff') {
        // At the counter or from the post, filing is receiving: the same action an online dossier gets.
        await takeActionTx(ctx, tx, await loadRow(tx, code, true), { action: 'receive' }, principal, now);
      } else {
        await afterStateChange(
          ctx,
          tx,
          {
            code,
            procedure_code: proc.code,
            procedure_name: proc.name,
            channel: input.channel,
            applicant,
            owner_citizen_id: ownerCitizen,
            delivery,
            national_code: national?.code ?? null,
          },
          initial,
          'submit',
          {},
          1,
        );
      }
      return { code, created: true };
    });
  } catch (e) {
    // Two retries with the same key racing: the loser finds the winner's dossier.
    if (idempotencyKey && (e as { code?: string }).code === '23505' && /idempotency/.test((e as Error).message)) {
      const prior = await findByKey(ctx, owner, idempotencyKey);
      if (prior) return replay(prior, hash);
    }
    throw e;
  }
}

async function findByKey(ctx: Ctx, owner: string, key: string) {
  return ctx.database.db
    .selectFrom('dossiers')
    .select(['code', 'idempotency_hash'])
    .where('idempotency_owner', '=', owner)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

function replay(prior: { code: string; idempotency_hash: string | null }, hash: string): FileResult {
  if (prior.idempotency_hash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', {
      vi: 'Khóa Idempotency-Key đã được dùng cho một hồ sơ khác',
      en: 'This Idempotency-Key was used with a different request body',
    });
  }
  return { code: prior.code, created: false };
}

async function applicantFor(ctx: Ctx, p: Principal, given: Applicant | undefined): Promise<Applicant> {
  if (p.kind !== 'citizen') return given!;
  // A signed-in applicant files as themselves: name and identifier come from the national SSO.
  // The contact details are what they gave (the portal's form offers the account's, editable);
  // a client that sends no applicant at all files with the account's, as the SSO last said.
  const contact = given ? { email: given.email ?? null, phone: given.phone ?? null, address: given.address ?? null } : await citizenContact(ctx, p.id);
  return { kind: p.citizenKind, name: p.name, identifier: p.identifier ?? given?.identifier ?? '', ...contact };
}
