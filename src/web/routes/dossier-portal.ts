import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Module } from '../../platform/http/server.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { zodDetails } from '../../platform/http/validation.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { applyRowIntent, formValues, rowIntentOf } from '../eform-values.ts';
import {
  DossierFiledPage,
  DossierFilePage,
  DossierReviewPage,
  fileUrl,
  NO_ERRORS,
  withCategory,
  type FileSlot,
  type FilingFees,
  type FormErrors,
} from '../pages/portal/dossier-file.tsx';
import { MyDossierPage, MyDossiersPage, type DetailExtras, type SupplementItem } from '../pages/portal/dossier-mine.tsx';
import { DossierTrackPage } from '../pages/portal/dossier-track.tsx';
import { getProcedure, type ProcedureDetail } from '../../modules/catalog/get-procedure.ts';
import { computeFees, feeCategories } from '../../modules/catalog/compute-fees.ts';
import { fileDossier } from '../../modules/dossiers/file-dossier.ts';
import { getActionLog, getDossier } from '../../modules/dossiers/get-dossier.ts';
import { listDossiers } from '../../modules/dossiers/list-dossiers.ts';
import { takeAction } from '../../modules/dossiers/take-action.ts';
import { currentVersionOf, formVersion } from '../../modules/dossiers/dossier-store.ts';
import { rateDossier, RATING_CRITERIA, RatingInput } from '../../modules/dossiers/rate-dossier.ts';
import { trackDossier } from '../../modules/dossiers/track-dossier.ts';
import { validateEForm } from '../../modules/dossiers/eform.ts';
import { ActionInput } from '../../modules/dossiers/schemas.ts';
import { emptyErrors, FILING_LIMITS, fileSlots, filingErrors, readForm, storeFiles } from '../filing-form.ts';
import { fillFromRegistry, lookupIntentOf, prefillOwnBusiness } from '../registry-autofill.ts';
import { deleteDraft, listDrafts, loadDraft, saveDraft, type DraftComponent, type DraftFiling } from '../../modules/dossiers/drafts.ts';
import { citizenContact } from '../../modules/identity/ensure-citizen.ts';
import { listReusableResults, reuseResult } from '../../modules/results/repository.ts';
import { listDossierResults } from '../../modules/results/list-dossier-results.ts';
import { listDossierPayments } from '../../modules/payments/get-payment.ts';
import { onlinePaymentAvailable } from '../../modules/payments/gateway/index.ts';
import { listPostalOrders } from '../../modules/postal/list-postal-orders.ts';
import { postalAvailable, postalChoiceProblems, quotePostal } from '../../modules/postal/postal-choice.ts';

type Citizen = Extract<Principal, { kind: 'citizen' }>;
const citizen = (req: FastifyRequest) => req.principal as Citizen;

const page = { hide: true } as const;
const Code = z.object({ code: z.string().max(60) });
const MultipartQuery = z.object({ _csrf: z.string().max(200).optional() });

/** Before the review page: the e-form against its schema, and every required file present. */
function checkDraft(req: FastifyRequest, p: ProcedureDetail, slots: FileSlot[], form: Record<string, unknown>, comps: DraftComponent[], into: FormErrors) {
  const details: ErrorDetail[] = validateEForm(p.eForm, form);
  const fe = details.length ? filingErrors(req, new AppError('VALIDATION_FAILED', { vi: '', en: '' }, details), slots, comps, p.eForm) : emptyErrors();
  for (const s of slots) {
    if (s.required && !comps.some((c) => c.code === s.code) && !into.fields[`c.${s.idx}`]) {
      fe.fields[`c.${s.idx}`] = t(req, `Đính kèm ${s.name}`, `Attach ${s.name}`);
      fe.summary.push({ href: `#c-${s.idx}`, text: t(req, `Đính kèm ${s.name}`, `Attach ${s.name}`) });
    }
  }
  Object.assign(into.fields, fe.fields);
  into.summary.push(...fe.summary);
}

/** The public tracking page for a code (empty: just the form). Unknown codes answer 404. */
export async function sendTrackPage(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, code: string) {
  const c = code.trim();
  if (!c) return sendPage(reply, DossierTrackPage({ req, code: '', found: null }));
  try {
    return sendPage(reply, DossierTrackPage({ req, code: c, found: await trackDossier(ctx, c) }));
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') return sendPage(reply, DossierTrackPage({ req, code: c, found: null }), 404);
    throw e;
  }
}

async function isRated(ctx: Ctx, code: string): Promise<boolean> {
  const r = await ctx.database.db
    .selectFrom('dossier_ratings as r')
    .innerJoin('dossiers as d', 'd.id', 'r.dossier_id')
    .select('d.code')
    .where('d.code', '=', code)
    .executeTakeFirst();
  return Boolean(r);
}

/** What the latest supplement request asked for, one upload slot each. */
function supplementItems(log: Awaited<ReturnType<typeof getActionLog>>): SupplementItem[] {
  const last = [...log].reverse().find((a) => a.action === 'request_supplement');
  const items = (last?.data.items ?? []) as { component?: string; reason: string }[];
  return items.map((it, idx) => ({ idx, component: it.component ?? null, reason: it.reason }));
}

/** The fees of the online method: what the filing form shows and what filing charges. */
const onlineFees = (p: ProcedureDetail) => p.methods.find((m) => m.channel === 'ONLINE')?.fees ?? [];

/** A fee category the procedure reduces a fee for, or '' (anything else is dropped: the choice is one of the page's radios). */
function categoryOf(p: ProcedureDetail, raw: unknown): string {
  const c = typeof raw === 'string' ? raw.trim() : '';
  return c && feeCategories(onlineFees(p)).some((x) => x.category === c) ? c : '';
}

/** The filing form's fee section for these values: what is due at filing, once every field it needs is filled in. */
function filingFees(p: ProcedureDetail, form: Record<string, unknown>, category: string): FilingFees | undefined {
  const fees = onlineFees(p);
  if (!fees.some((f) => f.value > 0)) return undefined;
  const r = computeFees(fees, { form, category: category || null, dueAt: 'filing' });
  return { fees, categories: feeCategories(fees), category, owed: r.problems.length ? null : { lines: r.lines, total: r.total } };
}

/** The filing form's contact inputs and delivery choice, as typed. */
function postedFiling(fields: Record<string, string>): DraftFiling {
  const v = (k: string, max: number) => (fields[k] ?? '').trim().slice(0, max);
  const d = fields.delivery;
  return {
    email: v('contact.email', 320),
    phone: v('contact.phone', 40),
    address: v('contact.address', 500),
    delivery: d === 'desk' || d === 'post' ? d : 'online',
    ...(fields.postalPickup === '1' ? { postalPickup: true } : {}),
  };
}

/** Before the review page: what the post needs (VNPost, issue 16), next to the inputs it concerns. */
function checkPostal(ctx: Ctx, req: FastifyRequest, f: DraftFiling, into: FormErrors) {
  if (!postalAvailable(ctx)) return;
  const problems = postalChoiceProblems(ctx, {
    delivery: f.delivery,
    pickup: Boolean(f.postalPickup),
    channel: 2,
    applicant: { name: '', address: f.address, phone: f.phone },
  });
  for (const p of problems) {
    const k = p.path.replace(/^body\.applicant\./, '');
    if (into.fields[`contact.${k}`]) continue;
    const text = t(req, p.message, p.messageEn);
    into.fields[`contact.${k}`] = text;
    into.summary.push({ href: `#contact-${k}`, text });
  }
}

const EMAIL = z.email();
const PHONE = /^\+?[0-9 .-]{8,15}$/;

/** Before the review page: contact details the agency can use, and an address when the result goes by post. */
function checkContact(req: FastifyRequest, f: DraftFiling, into: FormErrors) {
  const add = (k: 'email' | 'phone' | 'address', vi: string, en: string) => {
    const text = t(req, vi, en);
    into.fields[`contact.${k}`] = text;
    into.summary.push({ href: `#contact-${k}`, text });
  };
  if (f.email && !EMAIL.safeParse(f.email).success)
    add('email', 'Thư điện tử không đúng dạng, ví dụ: ten@example.vn', 'The E-mail is not an address, for example name@example.vn');
  if (f.phone && !PHONE.test(f.phone)) add('phone', 'Số điện thoại gồm 8–15 chữ số, ví dụ: 0912345678', 'The Phone needs 8–15 digits, for example 0912345678');
  if (f.delivery === 'post' && !f.address) add('address', 'Cần nhập Địa chỉ để nhận kết quả qua bưu chính', 'Enter the Address to receive the result by post');
}

/** Filing errors about the applicant's contact details next to their inputs; the rest as the filing form places them. */
function contactFirst(req: FastifyRequest, e: AppError, rest: (e: AppError) => FormErrors): FormErrors {
  const mine = (e.details ?? []).filter((d) => /^(body\.)?applicant\.(email|phone|address)$/.test(d.path));
  const out =
    mine.length && mine.length === e.details?.length
      ? emptyErrors()
      : rest(
          new AppError(
            e.code,
            e.text,
            (e.details ?? []).filter((d) => !mine.includes(d)),
          ),
        );
  for (const d of mine) {
    const k = d.path.replace(/^(body\.)?applicant\./, '');
    const text = t(req, d.message, d.messageEn);
    out.fields[`contact.${k}`] ??= text;
    out.summary.unshift({ href: `#contact-${k}`, text });
  }
  return out;
}

export const dossierPortalModule: Module = {
  name: 'dossiers-portal',
  async routes(app, ctx) {
    const contactOf = async (id: string) => {
      const c = await citizenContact(ctx, id);
      return { email: c.email ?? '', phone: c.phone ?? '', address: c.address ?? '' };
    };
    // ── Filing ──────────────────────────────────────────────────────────────
    const showForm = async (
      req: FastifyRequest,
      reply: FastifyReply,
      p: ProcedureDetail,
      opts: { errors?: FormErrors; values?: Record<string, unknown>; filing?: DraftFiling; saved?: boolean; status?: number; category?: string } = {},
    ) => {
      const slots = fileSlots(p);
      const [draft, reusable] = await Promise.all([loadDraft(ctx, citizen(req).id, p.code), listReusableResults(ctx, citizen(req), slots)]);
      // What the applicant typed, else the draft's, else the account's contact details (from the national SSO's claims).
      const filing = opts.filing ?? draft?.filing ?? { ...(await contactOf(citizen(req).id)), delivery: 'online' as const };
      // "Provide data only once": valid results in the applicant's repository can stand in for an
      // upload, each offered only for the components that ask for its kind of document.
      const repository = Object.fromEntries(
        [...reusable.bySlot].map(([code, rs]) => [code, rs.map((r) => ({ resultCode: r.resultCode, label: `${r.documentName} — ${r.number}` }))]),
      );
      // A business signed in with VNeID starts from its own details in the business registry (issue 16).
      const values = opts.values ?? draft?.form ?? (await prefillOwnBusiness(ctx, req, p.eForm));
      return sendPage(
        reply,
        DossierFilePage({
          req,
          p,
          slots,
          draft,
          values,
          filing,
          errors: opts.errors ?? NO_ERRORS,
          saved: opts.saved,
          repository,
          fees: filingFees(p, values, opts.category ?? ''),
          postal: postalAvailable(ctx),
        }),
        opts.status ?? 200,
      );
    };

    app.get(
      '/nop-ho-so/:code',
      {
        config: { access: ['citizen'] },
        schema: { ...page, params: Code, querystring: z.object({ saved: z.string().max(2).optional(), 'doi-tuong': z.string().max(40).optional() }) },
      },
      async (req, reply) => {
        const p = await getProcedure(ctx, req.params.code);
        const kept = req.query['doi-tuong'] ?? (await loadDraft(ctx, citizen(req).id, p.code))?.filing?.feeCategory;
        return showForm(req, reply, p, { saved: req.query.saved === '1', category: categoryOf(p, kept) });
      },
    );

    // Multipart parsing lives in this encapsulated scope only, as in the uploads module.
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, { limits: FILING_LIMITS, throwFileSizeLimit: true });

      // The filing form posts here: files become uploads at once and everything goes into the draft.
      scope.post(
        '/nop-ho-so/:code',
        { config: { access: ['citizen'] }, schema: { ...page, params: Code, querystring: MultipartQuery } },
        async (req, reply) => {
          const p = await getProcedure(ctx, req.params.code);
          const me = citizen(req);
          const slots = fileSlots(p);
          await using posted = await readForm(ctx, req, reply, slots.length);
          const errors = emptyErrors();
          const draft = await loadDraft(ctx, me.id, p.code);
          const comps = new Map((draft?.components ?? []).map((c) => [c.code, c]));
          for (const s of slots) if (posted.fields[`remove.${s.idx}`] === '1') comps.delete(s.code);
          const stored = await storeFiles(ctx, req, posted.files, 'file.', errors, (i) => `c.${i}`);
          for (const f of stored) {
            const s = slots[f.idx];
            if (s) comps.set(s.code, { code: s.code, uploadId: f.id, fileName: f.fileName });
          }
          // A document picked from the e-data repository, for a slot that got no new file: stored like an upload.
          const reusable = slots.some((s) => (posted.fields[`reuse.${s.idx}`] ?? '').trim()) ? await listReusableResults(ctx, me, slots) : null;
          for (const s of slots) {
            const pick = (posted.fields[`reuse.${s.idx}`] ?? '').trim();
            if (!pick || posted.files.some((f) => f.field === `file.${s.idx}`)) continue;
            if (comps.get(s.code)?.reusedFrom === pick.toUpperCase()) continue; // already attached: no second copy
            try {
              // One of the applicant's own results, but not the kind of document this component asks for.
              const own = reusable?.all.find((r) => r.resultCode === pick.toUpperCase());
              if (own?.status === 'valid' && !reusable?.bySlot.get(s.code)?.some((r) => r.resultCode === own.resultCode)) {
                throw new AppError('VALIDATION_FAILED', {
                  vi: `${own.documentName} không phải là giấy tờ «${s.name}»: hãy chọn giấy tờ khác hoặc tải tệp lên`,
                  en: `${own.documentName} is not the document “${s.name}”: pick another document or upload a file`,
                });
              }
              const up = await reuseResult(ctx, pick.slice(0, 100), me);
              comps.set(s.code, { code: s.code, uploadId: up.id, fileName: up.fileName, reusedFrom: up.reusedFrom ?? pick });
            } catch (e) {
              if (!(e instanceof AppError) || e.status >= 500) throw e;
              const name = `c.${s.idx}`;
              const text = t(req, e.text.vi, e.text.en);
              errors.fields[name] ??= text;
              errors.summary.push({ href: `#c-${s.idx}-reuse`, text });
            }
          }
          const form = formValues(p.eForm as Parameters<typeof formValues>[0], posted.fields);
          const components = slots.map((s) => comps.get(s.code)).filter((c): c is DraftComponent => Boolean(c));
          // The fee category is kept with the draft and travels in the address to the review page.
          const category = categoryOf(p, posted.fields.feeCategory);
          const filing = { ...postedFiling(posted.fields), ...(category ? { feeCategory: category } : {}) };
          await saveDraft(ctx, me.id, p.code, { form, components, filing });
          // "Tra cứu" without JavaScript: the same form again, the business the tax code names filled in (issue 16).
          const lookupKey = lookupIntentOf(posted.fields.intent);
          if (lookupKey) {
            const filled = await fillFromRegistry(ctx, req, p.eForm, form, lookupKey, errors);
            await saveDraft(ctx, me.id, p.code, { form: filled, components, filing });
            return showForm(req, reply, p, { errors, values: filled, filing, category, status: errors.summary.length ? 400 : 200 });
          }
          // "Thêm dòng" / "Xóa dòng" without JavaScript: the same form again, a row more or less, nothing checked yet.
          const rowIntent = rowIntentOf(posted.fields.intent);
          if (rowIntent) {
            const { display } = applyRowIntent(p.eForm as Parameters<typeof formValues>[0], posted.fields, rowIntent);
            return showForm(req, reply, p, { errors, values: display, filing, category, status: errors.summary.length ? 400 : 200 });
          }
          if (posted.fields.intent !== 'save') {
            checkContact(req, filing, errors);
            checkPostal(ctx, req, filing, errors);
            checkDraft(req, p, slots, form, components, errors);
          }
          if (errors.summary.length) return showForm(req, reply, p, { errors, values: form, filing, category, status: 400 });
          return reply.redirect(withCategory(posted.fields.intent === 'save' ? `${fileUrl(p.code)}?saved=1` : `${fileUrl(p.code)}/xem-lai`, category), 303);
        },
      );

      // The applicant sends what an official asked for: one file per listed item.
      scope.post(
        '/ho-so-cua-toi/:code/bo-sung',
        { config: { access: ['citizen'] }, schema: { ...page, params: Code, querystring: MultipartQuery } },
        async (req, reply) => {
          const { code } = req.params;
          const [d, log] = await Promise.all([getDossier(ctx, code, req.principal!), getActionLog(ctx, code, req.principal!)]);
          const items = supplementItems(log);
          await using posted = await readForm(ctx, req, reply, items.length);
          const errors = emptyErrors();
          let status = 400;
          // The page's version: the request is what the applicant saw (see stale below).
          const version = formVersion(posted.fields.version);
          if (typeof version !== 'number')
            errors.summary.push({
              href: `/ho-so-cua-toi/${encodeURIComponent(d.code)}`,
              text: t(req, 'Trang đã cũ: hãy tải lại trang hồ sơ rồi gửi lại', 'This page is out of date: reload the dossier page and send again'),
            });
          const stored = errors.summary.length
            ? []
            : await storeFiles(
                ctx,
                req,
                posted.files.filter((f) => Number(f.field.slice(5)) < items.length),
                'file.',
                errors,
                (i) => `s.${i}`,
              );
          if (!stored.length && !errors.summary.length) {
            errors.fields['s.0'] = t(req, 'Chọn ít nhất một tệp để bổ sung', 'Choose at least one file to send');
            errors.summary.push({ href: '#s-0', text: errors.fields['s.0'] });
          }
          if (!errors.summary.length) {
            const proc = await getProcedure(ctx, d.procedureCode, { version: d.procedureVersion });
            const slots = fileSlots(proc);
            const components = stored.map((f) => {
              const it = items[f.idx];
              const match = slots.find((s) => s.code === it.component || s.name === it.component);
              return { code: match?.code ?? null, name: (it.component ?? it.reason).slice(0, 1000), uploadId: f.id };
            });
            try {
              await takeAction(ctx, d.code, { action: 'supplement', components, version: version as number }, req.principal!);
              return reply.redirect(`/ho-so-cua-toi/${encodeURIComponent(d.code)}?xong=supplemented`, 303);
            } catch (e) {
              if (!(e instanceof AppError) || e.status >= 500) throw e;
              // Stale: the page below is the dossier as it is now; the message links to a fresh copy.
              const stale = currentVersionOf(e) !== null;
              if (stale) status = e.status;
              errors.summary.push({ href: stale ? `/ho-so-cua-toi/${encodeURIComponent(d.code)}` : undefined, text: t(req, e.text.vi, e.text.en) });
            }
          }
          return showDetail(req, reply, d.code, { errors, errorsFor: 'supplement' }, status);
        },
      );
    });

    app.get(
      '/nop-ho-so/:code/xem-lai',
      { config: { access: ['citizen'] }, schema: { ...page, params: Code, querystring: z.object({ 'doi-tuong': z.string().max(40).optional() }) } },
      async (req, reply) => {
        const p = await getProcedure(ctx, req.params.code);
        const draft = await loadDraft(ctx, citizen(req).id, p.code);
        if (!draft) return reply.redirect(fileUrl(p.code), 303);
        const fees = filingFees(p, draft.form, categoryOf(p, req.query['doi-tuong'] ?? draft.filing?.feeCategory));
        // The postal fees of what was chosen, before the applicant confirms (VNPost's fee table).
        const f = draft.filing;
        const purposes = f ? [...(f.postalPickup ? (['pickup'] as const) : []), ...(f.delivery === 'post' ? (['delivery'] as const) : [])] : [];
        const postalQuotes = quotePostal(ctx, purposes, f?.address) ?? [];
        return sendPage(reply, DossierReviewPage({ req, p, slots: fileSlots(p), draft, fees, postalQuotes }));
      },
    );

    app.post('/nop-ho-so/:code/nop', { config: { access: ['citizen'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const me = citizen(req);
      const draft = await loadDraft(ctx, me.id, req.params.code);
      // Already filed (a second click after the first succeeded), or discarded.
      if (!draft) return reply.redirect('/ho-so-cua-toi', 303);
      const p = await getProcedure(ctx, draft.procedureCode);
      const components = draft.components.map((c) => ({ code: c.code, uploadId: c.uploadId }));
      const feeCategory = categoryOf(p, (req.body as Record<string, unknown> | undefined)?.feeCategory ?? draft.filing?.feeCategory);
      try {
        // Keyed by the draft's version: a repeated click files once and lands on the same dossier.
        // The contact details the applicant confirmed are what the dossier keeps (an empty one is none).
        const f = draft.filing;
        const applicant =
          f && me.identifier
            ? {
                kind: me.citizenKind,
                name: me.name,
                identifier: me.identifier,
                email: f.email.trim() || null,
                phone: f.phone.trim() || null,
                address: f.address.trim() || null,
              }
            : undefined;
        const r = await fileDossier(
          ctx,
          {
            procedureCode: p.code,
            channel: 2,
            applicant,
            delivery: f?.delivery,
            ...(f?.postalPickup ? { postalPickup: true } : {}),
            form: draft.form,
            components,
            ...(feeCategory ? { feeCategory } : {}),
          },
          me,
          `portal-draft:${draft.id}:${Date.parse(draft.updatedAt)}`,
        );
        await deleteDraft(ctx, me.id, p.code);
        return reply.redirect(`${fileUrl(p.code)}/da-nop?ma=${encodeURIComponent(r.code)}`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        return showForm(req, reply, p, {
          errors: contactFirst(req, e, (x) => filingErrors(req, x, fileSlots(p), draft.components, p.eForm)),
          status: e.status,
          category: feeCategory,
        });
      }
    });

    app.get(
      '/nop-ho-so/:code/da-nop',
      { config: { access: ['citizen'] }, schema: { ...page, params: Code, querystring: z.object({ ma: z.string().max(60) }) } },
      async (req, reply) => {
        const d = await getDossier(ctx, req.query.ma, req.principal!);
        // Filed but owing its fee (status unpaid): the page leads straight to paying.
        const unpaid = d.status === 'unpaid' && d.fees.due && d.fees.due.total > 0 ? d.fees.due : null;
        return sendPage(
          reply,
          DossierFiledPage({
            req,
            code: d.code,
            procedureName: d.procedureName,
            dueDate: d.dueDate,
            dueAt: d.dueAt,
            processingUnit: d.processingUnit,
            unpaid,
            onlinePayment: onlinePaymentAvailable(ctx),
          }),
        );
      },
    );

    app.post('/nop-ho-so/:code/xoa-nhap', { config: { access: ['citizen'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      await deleteDraft(ctx, citizen(req).id, req.params.code);
      return reply.redirect(fileUrl(req.params.code), 303);
    });

    // ── My dossiers ─────────────────────────────────────────────────────────
    app.get(
      '/ho-so-cua-toi',
      { config: { access: ['citizen'] }, schema: { ...page, querystring: z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) }) } },
      async (req, reply) => {
        const pageSize = 20;
        const [r, drafts] = await Promise.all([
          listDossiers(ctx, req.principal!, { queue: 'all', page: req.query.page, pageSize }),
          listDrafts(ctx, citizen(req).id),
        ]);
        const draftNames: Record<string, string> = {};
        await Promise.all(
          drafts.map(async (d) => {
            draftNames[d.procedureCode] = await getProcedure(ctx, d.procedureCode).then(
              (p) => p.name,
              () => d.procedureCode,
            );
          }),
        );
        return sendPage(reply, MyDossiersPage({ req, items: r.items, total: r.total, page: r.page, pageSize, drafts, draftNames }));
      },
    );

    const showDetail = async (req: FastifyRequest, reply: FastifyReply, code: string, extras: DetailExtras = {}, status = 200) => {
      const [d, log] = await Promise.all([getDossier(ctx, code, req.principal!), getActionLog(ctx, code, req.principal!)]);
      const rated = d.finishedAt ? await isRated(ctx, d.code) : false;
      // A result exists once the approved dossier's result is signed: the page links to it.
      const results = d.status === 'approved' || d.status === 'returned' ? await listDossierResults(ctx, d.code, req.principal!) : [];
      // The procedure version it was filed under names its components and labels its e-form.
      const proc = await getProcedure(ctx, d.procedureCode, { version: d.procedureVersion }).catch(() => undefined);
      // What was paid, and the receipts: only a dossier that owed something has payments to list.
      const payments = d.fees.due || d.fees.paid ? await listDossierPayments(ctx, d.code, req.principal!) : [];
      // Its VNPost orders and their tracking (getDossier above checked it is the applicant's).
      const postal = await listPostalOrders(ctx, d.code);
      return sendPage(
        reply,
        MyDossierPage({
          req,
          d,
          log,
          supplementItems: supplementItems(log),
          rated,
          results,
          extras,
          proc,
          payments,
          onlinePayment: onlinePaymentAvailable(ctx),
          postal,
        }),
        status,
      );
    };

    const Done = z.object({ xong: z.enum(['supplemented', 'withdrawn', 'rated']).optional() });
    app.get('/ho-so-cua-toi/:code', { config: { access: ['citizen'] }, schema: { ...page, params: Code, querystring: Done } }, async (req, reply) =>
      showDetail(req, reply, req.params.code, { done: req.query.xong }),
    );

    app.post('/ho-so-cua-toi/:code/rut', { config: { access: ['citizen'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const reason = typeof body.reason === 'string' ? body.reason : '';
      const d = await getDossier(ctx, req.params.code, req.principal!);
      const errors = emptyErrors();
      const version = formVersion(body.version);
      const input = ActionInput.safeParse({ action: 'withdraw', reason: reason.trim() || undefined, version });
      try {
        if (typeof version !== 'number')
          throw new AppError('VALIDATION_FAILED', {
            vi: 'Trang đã cũ: hãy tải lại trang hồ sơ rồi gửi lại',
            en: 'This page is out of date: reload the dossier page and send again',
          });
        if (!reason.trim())
          throw new AppError('VALIDATION_FAILED', { vi: 'Nhập lý do rút hồ sơ', en: 'Enter why you withdraw the dossier' }, [
            { path: 'reason', message: 'Nhập lý do rút hồ sơ', messageEn: 'Enter why you withdraw the dossier' },
          ]);
        if (!input.success)
          throw new AppError(
            'VALIDATION_FAILED',
            { vi: 'Lý do không hợp lệ', en: 'Invalid reason' },
            zodDetails(input.error).map((x) =>
              /version$/.test(x.path)
                ? { ...x, message: 'Trang đã cũ: hãy tải lại trang hồ sơ', messageEn: 'This page is out of date: reload the dossier page' }
                : { ...x, message: 'Lý do cần từ 3 đến 4000 ký tự', messageEn: 'The reason needs 3 to 4,000 characters' },
            ),
          );
        await takeAction(ctx, d.code, input.data, req.principal!);
        return reply.redirect(`/ho-so-cua-toi/${encodeURIComponent(d.code)}?xong=withdrawn`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        if (currentVersionOf(e) !== null) {
          // Stale: the page below is the dossier as it is now; the message links to a fresh copy.
          errors.summary.push({ href: `/ho-so-cua-toi/${encodeURIComponent(d.code)}`, text: t(req, e.text.vi, e.text.en) });
          return showDetail(req, reply, d.code, { errors, errorsFor: 'withdraw', values: { reason } }, e.status);
        }
        for (const x of e.details?.length ? e.details : [{ path: '', message: e.text.vi, messageEn: e.text.en }]) {
          const text = t(req, x.message, x.messageEn);
          const onReason = /reason$/.test(x.path);
          if (onReason) errors.fields.reason = text;
          errors.summary.push({ href: onReason ? '#reason' : undefined, text });
        }
        return showDetail(req, reply, d.code, { errors, errorsFor: 'withdraw', values: { reason } }, e.status);
      }
    });

    app.post('/ho-so-cua-toi/:code/danh-gia', { config: { access: ['citizen'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values: Record<string, string> = {};
      for (const k of [...Object.keys(RATING_CRITERIA), 'comment']) if (typeof body[k] === 'string') values[k] = body[k] as string;
      const d = await getDossier(ctx, req.params.code, req.principal!);
      const errors = emptyErrors();
      for (const [k, c] of Object.entries(RATING_CRITERIA)) {
        if (!/^[1-5]$/.test(values[k] ?? '')) {
          const text = t(req, `Chọn mức đánh giá cho "${c.vi}"`, `Choose a score for "${c.en}"`);
          errors.fields[k] = text;
          errors.summary.push({ href: `#rate-${k}-1`, text });
        }
      }
      if (!errors.summary.length) {
        const input = RatingInput.safeParse({
          scores: Object.fromEntries(Object.keys(RATING_CRITERIA).map((k) => [k, Number(values[k])])),
          comment: values.comment?.trim() || undefined,
        });
        try {
          if (!input.success) throw new AppError('VALIDATION_FAILED', { vi: 'Đánh giá không hợp lệ', en: 'Invalid rating' }, zodDetails(input.error));
          await rateDossier(ctx, d.code, input.data, req.principal!);
          return reply.redirect(`/ho-so-cua-toi/${encodeURIComponent(d.code)}?xong=rated`, 303);
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          for (const x of e.details?.length ? e.details : [{ path: '', message: e.text.vi, messageEn: e.text.en }])
            errors.summary.push({ text: t(req, x.message, x.messageEn) });
        }
      }
      return showDetail(req, reply, d.code, { errors, errorsFor: 'rate', values }, 400);
    });

    // ── Public tracking ─────────────────────────────────────────────────────
    // GET /tra-cuu?ma= is routed in src/web/routes.tsx; this is its shareable form (receipts, e-mails).
    app.get(
      '/tra-cuu/:ma',
      { config: { access: 'public', limit: 'public' }, schema: { ...page, params: z.object({ ma: z.string().max(60) }) } },
      async (req, reply) => sendTrackPage(ctx, req, reply, req.params.ma),
    );
  },
};
