import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Module } from '../../platform/http/server.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Principal, StaffRole } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { DossierDetailPage, DossierQueuePage, MAX_FEE_ROWS, RatingsPage, type FeeLineDraft, type FeeRequestDraft } from '../pages/office/dossiers.tsx';
import { COUNTER_URL, CounterFilingPage, CounterSearchPage, type CounterValues } from '../pages/office/counter.tsx';
import type { FormErrors } from '../pages/portal/dossier-file.tsx';
import { applyRowIntent, formValues, rowIntentOf } from '../eform-values.ts';
import { getProcedure, type ProcedureDetail } from '../../modules/catalog/get-procedure.ts';
import { searchProcedures } from '../../modules/catalog/search-procedures.ts';
import { fileDossier } from '../../modules/dossiers/file-dossier.ts';
import { emptyErrors, FILING_LIMITS, fileSlots, filingErrors, readForm, storeFiles } from '../filing-form.ts';
import { fillFromRegistry, lookupIntentOf } from '../registry-autofill.ts';
import { listStaff } from '../../modules/organisation/list-staff.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';
import { ActionInput, FileDossierInput } from '../../modules/dossiers/schemas.ts';
import { ListQuery, listDossiers } from '../../modules/dossiers/list-dossiers.ts';
import { getActionLogWithNames, getDossier } from '../../modules/dossiers/get-dossier.ts';
import { takeAction } from '../../modules/dossiers/take-action.ts';
import { currentVersionOf, formVersion } from '../../modules/dossiers/dossier-store.ts';
import { unitRatings } from '../../modules/dossiers/rate-dossier.ts';
import { coveredUnits } from '../../modules/dossiers/visibility.ts';
import { FORM_CODES, formFacts, formsAvailable, issueForm } from '../../modules/dossiers/issue-form.ts';
import { staffDisplayNames } from '../../modules/organisation/staff-names.ts';
import { getResultDraft } from '../../modules/results/draft-result.ts';
import { sendPdf } from '../../platform/http/pdf-reply.ts';
import { digitisationStatus, exemptComponent } from '../../modules/digitisation/digitisation-status.ts';
import { CONFIRMING_ROLES } from '../../modules/digitisation/schemas-items.ts';
import { computeFees } from '../../modules/catalog/compute-fees.ts';
import type { ActionLogEntry } from '../../modules/dossiers/get-dossier.ts';
import type { DossierView } from '../../modules/dossiers/schemas.ts';
import { getPayment, listDossierPayments } from '../../modules/payments/get-payment.ts';
import { recordCounterPayment } from '../../modules/payments/record-counter-payment.ts';
import { refundPayment } from '../../modules/payments/refund-payment.ts';
import { listPostalOrders } from '../../modules/postal/list-postal-orders.ts';

const OFFICIALS: StaffRole[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];
const ACTORS: StaffRole[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader'];
// Finance officers open a dossier from the ledger to see its payments and record refunds.
const DETAIL_READERS: StaffRole[] = [...OFFICIALS, 'finance_officer'];
const page = { hide: true } as const;
const Code = z.object({ code: z.string().max(60) });
// An HTML form sends '' for "any".
const QueueQuery = z.object({
  queue: z.enum(['mine', 'unit', 'due_soon', 'overdue', 'all']).default('mine'),
  status: z.union([ListQuery.shape.status, z.literal('')]).optional(),
  procedure: z.string().max(60).optional(),
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  done: z.string().max(40).optional(),
  // The filters a figure of the leaders' dashboard opens the queue with (issue 15).
  unit: z.string().max(40).optional(),
  field: z.string().max(200).optional(),
  subunits: z.enum(['true', 'false', '']).optional(),
  receivedFrom: z.union([ListQuery.shape.receivedFrom, z.literal('')]).optional(),
  receivedTo: z.union([ListQuery.shape.receivedTo, z.literal('')]).optional(),
  finishedFrom: z.union([ListQuery.shape.finishedFrom, z.literal('')]).optional(),
  finishedTo: z.union([ListQuery.shape.finishedTo, z.literal('')]).optional(),
  openOn: z.union([ListQuery.shape.openOn, z.literal('')]).optional(),
  outcome: z.union([ListQuery.shape.outcome, z.literal('')]).optional(),
  channel: z.enum(['1', '2', '3', '']).optional(),
});
const orNone = <T>(v: T | '' | undefined): T | undefined => (v === '' ? undefined : v);

/** The units an official may filter the queue by (those they see), with their names. */
async function queueUnits(ctx: Ctx, p: Staff): Promise<{ id: string; name: string; nameEn: string | null }[]> {
  const seen = new Set(await coveredUnits(ctx, p));
  return (await listUnits(ctx)).filter((u) => seen.has(u.id)).map((u) => ({ id: u.id, name: u.name, nameEn: u.nameEn }));
}

type Staff = Extract<Principal, { kind: 'staff' }>;
const asStaff = (req: FastifyRequest) => req.principal as Staff;

/** Active specialists of the given units: whom a leader may assign to. */
async function specialistsOf(ctx: Ctx, units: string[]) {
  return (await listStaff(ctx)).filter((s) => s.active && s.roles.some((r) => r.role === 'specialist' && units.includes(r.unitId)));
}

const leaderUnits = (p: Staff) => p.roles.filter((r) => r.role === 'unit_leader').map((r) => r.unitId);

/** A whole number as typed ("200.000", "200 000" are two hundred thousand đồng); anything else stays text for the schema to name. */
const whole = (v: string) => (/^\s*(\d{1,3}([.,\s]\d{3})*|\d+)\s*$/.test(v) ? Number(v.replace(/[.,\s]/g, '')) : v);

/** The request-fee form's rows as typed, and the form row (1-based) of each line sent: rows without a name or an amount are left out. */
function feeRowsOf(raw: Record<string, unknown>): { drafts: FeeLineDraft[]; sent: number[] } {
  const s = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');
  const drafts: FeeLineDraft[] = [];
  const sent: number[] = [];
  for (let i = 0; i < MAX_FEE_ROWS && `lines.${i}.name` in raw; i++) {
    const l = {
      code: s(`lines.${i}.code`),
      name: s(`lines.${i}.name`),
      kind: s(`lines.${i}.kind`),
      quantity: s(`lines.${i}.quantity`),
      amount: s(`lines.${i}.amount`),
    };
    if (!l.name && !l.amount) continue;
    drafts.push(l);
    sent.push(i + 1);
  }
  return { drafts, sent };
}

/** The request-fee lines as the API's body (undefined when none was filled in, so the schema says the lines are needed). */
function feeLinesInput(drafts: FeeLineDraft[]) {
  if (!drafts.length) return undefined;
  return drafts.map((l) => ({
    code: l.code || undefined,
    name: l.name,
    kind: l.kind === '1' ? 1 : l.kind === '2' || !l.kind ? 2 : l.kind,
    quantity: whole(l.quantity || '1'),
    amount: whole(l.amount),
  }));
}

const METHOD_OF: Record<number, string> = { 1: 'DIRECT', 2: 'ONLINE', 3: 'POSTAL' };

/**
 * The request-fee form's starting lines: the procedure version's fees due on request for the
 * dossier's channel, worked out from its e-form (per-unit fees) and the category the applicant
 * declared at filing (reductions).
 */
function suggestedFee(req: FastifyRequest, proc: ProcedureDetail, d: DossierView, log: ActionLogEntry[]): FeeRequestDraft {
  const method = proc.methods.find((m) => m.channel === METHOD_OF[d.channel]);
  const category = log.find((e) => e.action === 'submit')?.data.feeCategory;
  const owed = computeFees(method?.fees ?? [], { form: d.form, category: typeof category === 'string' ? category : null, dueAt: 'request' });
  return {
    lines: owed.lines.map((l) => ({ code: l.code, name: l.name, kind: String(l.kind), quantity: String(l.quantity), amount: String(l.amount) })),
    note: '',
    problems: owed.problems.map((x) => t(req, x.message, x.messageEn ?? x.message)),
  };
}

/** An error as one line for a page: its text, then what each detail says; a fee line's detail names its row. */
function errorLine(req: FastifyRequest, e: AppError, rows: number[] = []) {
  const fields =
    e.details
      ?.filter((x) => x.path !== 'allowedActions')
      .map((x) => {
        const m = /^(?:body\.)?lines[.[](\d+)/.exec(x.path);
        const row = m ? rows[Number(m[1])] : undefined;
        const text = t(req, x.message, x.messageEn);
        return row ? t(req, `Khoản ${row}: ${text}`, `Line ${row}: ${text}`) : text;
      }) ?? [];
  return [t(req, e.text.vi, e.text.en), ...fields].filter((x, i, all) => all.indexOf(x) === i).join(' — ');
}

/** An action form's fields, as the API's action body: empty inputs are absent, missing items one per line. */
function actionBody(raw: Record<string, unknown>) {
  const s = (k: string) => (typeof raw[k] === 'string' && (raw[k] as string).trim() ? (raw[k] as string).trim() : undefined);
  const items = s('items')
    ?.split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((reason) => ({ reason }));
  return {
    action: s('action'),
    version: formVersion(raw.version),
    reason: s('reason'),
    items,
    assignee: s('assignee'),
    toUnit: s('toUnit'),
    newDueDate: s('newDueDate'),
    // The form's day and time (a limit in hours) as the moment the API takes, in Viet Nam time.
    newDueAt: s('newDueDate') && s('newDueTime') ? `${s('newDueDate')}T${s('newDueTime')}:00+07:00` : undefined,
    method: s('method'),
    note: s('note'),
    lines: s('action') === 'request_fee' ? feeLinesInput(feeRowsOf(raw).drafts) : undefined,
  };
}

const APPLICANT_KEYS = ['name', 'identifier', 'phone', 'email', 'address'] as const;

/** Applicant errors (`applicant.x`) next to the counter form's applicant inputs; the rest as on the applicant's own form. */
function counterErrors(req: FastifyRequest, e: AppError, p: ProcedureDetail, kept: CounterValues['kept']): FormErrors {
  const applicant = (e.details ?? []).filter((d) => /^(body\.)?applicant\./.test(d.path));
  const rest = new AppError(
    e.code,
    e.text,
    (e.details ?? []).filter((d) => !applicant.includes(d)),
  );
  const out =
    rest.details?.length || !applicant.length
      ? filingErrors(
          req,
          rest,
          fileSlots(p),
          kept.map((k) => ({ code: k.code, uploadId: k.uploadId, fileName: k.fileName })),
          p.eForm,
        )
      : emptyErrors();
  for (const d of applicant) {
    const field = `a.${d.path.replace(/^(body\.)?applicant\./, '')}`;
    const text = t(req, d.message, d.messageEn);
    out.fields[field] ??= text;
    out.summary.unshift({ href: `#${field.replace('.', '-')}`, text });
  }
  return out;
}

export const dossierOfficeModule: Module = {
  name: 'dossiers-office',
  async routes(app, ctx) {
    const detail = async (
      req: FastifyRequest,
      reply: FastifyReply,
      code: string,
      extra: { error?: string; errorHref?: string; done?: string; fee?: FeeRequestDraft } = {},
      status = 200,
    ) => {
      const d = await getDossier(ctx, code, req.principal!);
      // The log and every official the page names (actors, assignees), in one query.
      const [{ log, names }, units, specialists, proc, digitisation, payments] = await Promise.all([
        getActionLogWithNames(ctx, code, req.principal!, [d.assignee]),
        listUnits(ctx),
        specialistsOf(ctx, [d.handlingUnit]),
        getProcedure(ctx, d.procedureCode, { version: d.procedureVersion }),
        digitisationStatus(ctx, d.code, req.principal!),
        listDossierPayments(ctx, d.code, req.principal!),
      ]);
      // The dossier's VNPost orders and their tracking (getDossier above checked it may be seen).
      const postal = await listPostalOrders(ctx, d.code);
      const staff = asStaff(req);
      // The desk that received the dossier collects what it owes (recordCounterPayment's rule).
      const counter = Boolean(d.fees.due) && staff.roles.some((r) => r.role === 'receiving_officer' && r.unitId === d.receivingUnit);
      const refunds = staff.roles.some((r) => r.role === 'finance_officer');
      const fee = extra.fee ?? (d.allowedActions.includes('request_fee') ? suggestedFee(req, proc, d, log) : undefined);
      const forms = formsAvailable(await formFacts(ctx, d, log, req.principal!));
      // What the approver decides on: the specialist's proposal and the draft it carries.
      const proposal = d.status === 'proposed' ? log.findLast((e) => e.action === 'propose') : undefined;
      const draft = proposal ? await getResultDraft(ctx, d.code, req.principal!) : null;
      return sendPage(
        reply,
        DossierDetailPage({
          req,
          d,
          log,
          units,
          specialists,
          names,
          forms,
          proc,
          digitisation,
          proposal: proposal ? { entry: proposal, draft } : undefined,
          payments,
          counter,
          refunds,
          postal,
          ...extra,
          fee,
        }),
        status,
      );
    };

    app.get('/can-bo/ho-so', { config: { access: OFFICIALS }, schema: { ...page, querystring: QueueQuery } }, async (req, reply) => {
      const rq = req.query;
      const query: ListQuery = {
        queue: rq.queue,
        status: rq.status || undefined,
        procedure: rq.procedure?.trim() || undefined,
        q: rq.q?.trim() || undefined,
        unit: rq.unit?.trim() || undefined,
        field: rq.field?.trim() || undefined,
        subunits: orNone(rq.subunits),
        receivedFrom: orNone(rq.receivedFrom),
        receivedTo: orNone(rq.receivedTo),
        finishedFrom: orNone(rq.finishedFrom),
        finishedTo: orNone(rq.finishedTo),
        openOn: orNone(rq.openOn),
        outcome: orNone(rq.outcome),
        channel: rq.channel ? Number(rq.channel) : undefined,
        page: rq.page,
        pageSize: 25,
      };
      const [result, specialists, units] = await Promise.all([
        listDossiers(ctx, req.principal!, query),
        specialistsOf(ctx, leaderUnits(asStaff(req))),
        queueUnits(ctx, asStaff(req)),
      ]);
      const names = await staffDisplayNames(
        ctx,
        result.items.map((d) => d.assignee),
      );
      return sendPage(reply, DossierQueuePage({ req, query, result, specialists, names, units }));
    });

    // Bulk assignment: each dossier is its own action, so one refused dossier does not undo the others.
    // Each row of the queue carries the version it was listed at (`version.<code>`): a dossier
    // that changed since is refused like a stale action on its own page.
    app.post('/can-bo/ho-so/phan-cong', { config: { access: ['unit_leader'] }, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const codes = [body.codes ?? []].flat().map(String).slice(0, 200);
      const assignee = typeof body.assignee === 'string' ? body.assignee : '';
      const ok: string[] = [];
      const failed: { code: string; why: string }[] = [];
      if (!codes.length) failed.push({ code: '—', why: t(req, 'Chưa chọn hồ sơ nào', 'No dossier selected') });
      for (const code of codes) {
        try {
          const version = formVersion(body[`version.${code}`]);
          if (typeof version !== 'number')
            throw new AppError(
              'VALIDATION_FAILED',
              { vi: 'Thiếu phiên bản hồ sơ: hãy tải lại danh sách', en: 'The dossier version is missing: reload the list' },
              [{ path: `version.${code}`, message: 'Thiếu phiên bản hồ sơ', messageEn: 'missing dossier version' }],
            );
          await takeAction(ctx, code.toUpperCase(), { action: 'assign', assignee, version }, req.principal!);
          ok.push(code);
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          failed.push({ code, why: t(req, e.text.vi, e.text.en) });
        }
      }
      const query: ListQuery = { queue: 'unit', page: 1, pageSize: 25 };
      const [result, specialists] = await Promise.all([listDossiers(ctx, req.principal!, query), specialistsOf(ctx, leaderUnits(asStaff(req)))]);
      const names = await staffDisplayNames(
        ctx,
        result.items.map((d) => d.assignee),
      );
      return sendPage(reply, DossierQueuePage({ req, query, result, specialists, names, notice: { ok, failed } }), failed.length && !ok.length ? 400 : 200);
    });

    app.get(
      '/can-bo/ho-so/:code',
      { config: { access: DETAIL_READERS }, schema: { ...page, params: Code, querystring: z.object({ done: z.string().max(40).optional() }) } },
      async (req, reply) => detail(req, reply, req.params.code, { done: req.query.done }),
    );

    // The one-stop forms as the official's page links them: the PDF, or (history not calling for
    // the form, an internal form...) the error as a page, by the rule the API applies.
    app.get(
      '/can-bo/ho-so/:code/bieu-mau/:form',
      { config: { access: OFFICIALS }, schema: { ...page, params: z.object({ code: z.string().max(60), form: z.enum(FORM_CODES) }) } },
      async (req, reply) => sendPdf(reply, await issueForm(ctx, req.params.code, req.params.form, req.principal!)),
    );

    app.post('/can-bo/ho-so/:code/thao-tac', { config: { access: ACTORS }, schema: { ...page, params: Code } }, async (req, reply) => {
      const code = req.params.code.toUpperCase();
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const body = ActionInput.safeParse(actionBody(raw));
      try {
        if (!body.success) throw fromZod(body.error);
        await takeAction(ctx, code, body.data, req.principal!);
        return reply.redirect(`/can-bo/ho-so/${encodeURIComponent(code)}?done=${body.data.action}`, 303);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        // Stale: the page is shown again as the dossier is now, the message linking to a fresh copy.
        if (currentVersionOf(e) !== null)
          return detail(req, reply, code, { error: t(req, e.text.vi, e.text.en), errorHref: `/can-bo/ho-so/${encodeURIComponent(code)}` }, e.status);
        if (raw.action === 'request_fee') {
          // The fee lines come back as typed, each problem naming its line.
          const { drafts, sent } = feeRowsOf(raw);
          const note = typeof raw.note === 'string' ? raw.note : '';
          return detail(req, reply, code, { error: errorLine(req, e, sent), fee: { lines: drafts, note, posted: true } }, e.status);
        }
        const fields = e.details?.filter((x) => x.path !== 'allowedActions').map((x) => t(req, x.message, x.messageEn)) ?? [];
        return detail(req, reply, code, { error: [t(req, e.text.vi, e.text.en), ...fields].join(' — ') }, e.status);
      }
    });

    // A fee paid at the desk (issue 14): the payment, fee_paid and the receipt in one transaction (payments module).
    app.post('/can-bo/ho-so/:code/thu-phi', { config: { access: ['receiving_officer'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const code = req.params.code.toUpperCase();
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      try {
        await recordCounterPayment(ctx, code, { method: str('method'), amount: whole(str('amount')), dueSeq: whole(str('dueSeq')) }, req.principal!);
        return reply.redirect(`/can-bo/ho-so/${encodeURIComponent(code)}?done=thu-phi`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
        return detail(req, reply, code, { error: errorLine(req, e), errorHref: '#phi-le-phi' }, e.status);
      }
    });

    // Money paid back on a settled payment, recorded by a finance officer of its unit.
    app.post('/can-bo/ho-so/:code/hoan-tra', { config: { access: ['finance_officer'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const code = req.params.code.toUpperCase();
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      try {
        // The page is the dossier's: a payment of another dossier is not refunded from it.
        if ((await getPayment(ctx, str('payment'), req.principal!)).dossierCode !== code) throw notFound({ vi: 'khoản thanh toán này', en: 'This payment' });
        await refundPayment(ctx, str('payment'), { amount: whole(str('amount')), note: str('note') }, req.principal!);
        return reply.redirect(`/can-bo/ho-so/${encodeURIComponent(code)}?done=hoan-tra`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
        return detail(req, reply, code, { error: errorLine(req, e), errorHref: '#phi-le-phi' }, e.status);
      }
    });

    // A paper component marked "not required" to digitise, with the reason (the digitisation panel's form).
    app.post('/can-bo/ho-so/:code/khong-can-so-hoa', { config: { access: [...CONFIRMING_ROLES] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const code = req.params.code.toUpperCase();
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      try {
        await exemptComponent(ctx, req.principal!, code, str('componentCode'), str('reason'));
        return reply.redirect(`/can-bo/ho-so/${encodeURIComponent(code)}#so-hoa`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status === 404 || e.status === 403) throw e;
        const fields = e.details?.map((x) => t(req, x.message, x.messageEn)) ?? [];
        return detail(req, reply, code, { error: [t(req, e.text.vi, e.text.en), ...fields].join(' — '), errorHref: '#so-hoa' }, e.status);
      }
    });

    app.get(
      '/can-bo/danh-gia',
      { config: { access: ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'auditor', 'administrator'] }, schema: page },
      async (req, reply) => sendPage(reply, RatingsPage({ req, data: await unitRatings(ctx, await coveredUnits(ctx, asStaff(req))) })),
    );

    // At the counter (channel 1) or from the post (channel 3): the officer files for the applicant
    // and the dossier is received at once, exactly as POST /api/v1/dossiers does for an officer.
    app.get(
      COUNTER_URL,
      { config: { access: ['receiving_officer'] }, schema: { ...page, querystring: z.object({ q: z.string().max(200).default('') }) } },
      async (req, reply) => {
        const found = await searchProcedures(ctx, { q: req.query.q || undefined, page: 1, pageSize: 30 });
        return sendPage(reply, CounterSearchPage({ req, q: req.query.q, items: found.items }));
      },
    );
    app.get(`${COUNTER_URL}/:code`, { config: { access: ['receiving_officer'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const p = await getProcedure(ctx, req.params.code);
      return sendPage(
        reply,
        CounterFilingPage({
          req,
          p,
          slots: fileSlots(p),
          values: { channel: '1', delivery: 'desk', applicant: {}, form: {}, kept: [] },
          errors: emptyErrors(),
        }),
      );
    });
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, { limits: FILING_LIMITS, throwFileSizeLimit: true });
      scope.post(
        `${COUNTER_URL}/:code`,
        { config: { access: ['receiving_officer'] }, schema: { ...page, params: Code, querystring: z.object({ _csrf: z.string().max(200).optional() }) } },
        async (req, reply) => {
          const p = await getProcedure(ctx, req.params.code);
          const slots = fileSlots(p);
          await using posted = await readForm(ctx, req, reply, slots.length);
          const errors = emptyErrors();
          // Scans stored by an earlier post of this form stay attached unless replaced or removed.
          const kept = new Map<number, CounterValues['kept'][number]>();
          for (const [k, v] of Object.entries(posted.fields)) {
            const idx = Number(k.slice('kept.'.length));
            const slot = slots[idx];
            const [uploadId, fileName] = v.split('|');
            if (k.startsWith('kept.') && slot && uploadId && !posted.fields[`remove.${idx}`])
              kept.set(idx, { idx, code: slot.code, uploadId, fileName: fileName ?? '' });
          }
          for (const s of await storeFiles(ctx, req, posted.files, 'file.', errors, (i) => `c.${i}`)) {
            if (slots[s.idx]) kept.set(s.idx, { idx: s.idx, code: slots[s.idx].code, uploadId: s.id, fileName: s.fileName });
          }
          const values: CounterValues = {
            channel: posted.fields.channel === '3' ? '3' : '1',
            delivery: posted.fields.delivery === 'online' || posted.fields.delivery === 'post' ? posted.fields.delivery : 'desk',
            applicant: Object.fromEntries(APPLICANT_KEYS.map((k) => [k, (posted.fields[`a.${k}`] ?? '').trim()])),
            form: formValues(p.eForm as Parameters<typeof formValues>[0], posted.fields),
            kept: [...kept.values()].sort((a, b) => a.idx - b.idx),
          };
          const show = (errs: FormErrors, status: number) => sendPage(reply, CounterFilingPage({ req, p, slots, values, errors: errs }), status);
          // "Tra cứu" without JavaScript: the form again, the business the tax code names filled in, nothing filed (issue 16).
          const lookupKey = lookupIntentOf(posted.fields.intent);
          if (lookupKey) {
            values.form = await fillFromRegistry(ctx, req, p.eForm, values.form, lookupKey, errors);
            return show(errors, errors.summary.length ? 400 : 200);
          }
          // "Thêm dòng" / "Xóa dòng" of an e-form table without JavaScript: the form again, a row more or less, nothing filed.
          const rowIntent = rowIntentOf(posted.fields.intent);
          if (rowIntent) {
            values.form = applyRowIntent(p.eForm as Parameters<typeof formValues>[0], posted.fields, rowIntent).display;
            return show(errors, errors.summary.length ? 400 : 200);
          }
          if (errors.summary.length) return show(errors, 400);
          const a = values.applicant;
          try {
            const input = FileDossierInput.safeParse({
              procedureCode: p.code,
              channel: values.channel === '3' ? 3 : 1,
              applicant: {
                kind: /^[0-9]{10}([0-9]{3})?$/.test(a.identifier) ? 'business' : 'citizen',
                name: a.name,
                identifier: a.identifier,
                phone: a.phone || null,
                email: a.email || null,
                address: a.address || null,
              },
              delivery: values.delivery,
              form: values.form,
              components: values.kept.map((k) => ({ code: k.code, uploadId: k.uploadId })),
            });
            if (!input.success) throw fromZod(input.error);
            const r = await fileDossier(ctx, input.data, req.principal!);
            return reply.redirect(`/can-bo/ho-so/${encodeURIComponent(r.code)}?done=receive`, 303);
          } catch (e) {
            if (!(e instanceof AppError)) throw e;
            return show(counterErrors(req, e, p, values.kept), e.status);
          }
        },
      );
    });
  },
};
