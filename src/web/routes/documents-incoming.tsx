import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { pick } from '../../platform/i18n/index.ts';
import { readMultipart } from '../../platform/http/multipart.ts';
import { issueVietnamese } from '../../platform/http/validation.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { listStaff } from '../../modules/organisation/list-staff.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';
import { coveredUnits } from '../../modules/dossiers/visibility.ts';
import { contentDisposition } from '../../modules/uploads/routes.ts';
import { vietnamYear } from '../../modules/documents/numbering.ts';
import { createIncomingDocument, MAX_INCOMING_FILES, type PostedFile } from '../../modules/documents/incoming/create-incoming-document.ts';
import { getIncomingDocument } from '../../modules/documents/incoming/get-incoming-document.ts';
import { listIncomingDocuments } from '../../modules/documents/incoming/list-incoming-documents.ts';
import { takeIncomingAction } from '../../modules/documents/incoming/take-incoming-action.ts';
import { exportIncomingRegister, incomingRegisterLines } from '../../modules/documents/incoming/export-incoming-register.ts';
import { openIncomingAttachment } from '../../modules/documents/incoming/open-incoming-attachment.ts';
import { INCOMING_ACTORS, INCOMING_FORM, INCOMING_READERS, REGISTER_READERS } from '../../modules/documents/incoming/routes.ts';
import { IncomingActionInput, IncomingStatusEnum } from '../../modules/documents/incoming/schemas.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import {
  AWAITING_URL,
  docUrl,
  INCOMING_URL,
  IncomingListPage,
  IncomingRegisterPage,
  MINE_URL,
  NEW_URL,
  REGISTER_FILE_URL,
  REGISTER_URL,
} from '../pages/office/documents-incoming.tsx';
import { IncomingDetailPage, type IncomingDetailProps } from '../pages/office/documents-incoming-detail.tsx';
import { NewIncomingPage } from '../pages/office/documents-incoming-new.tsx';

type Staff = Extract<Principal, { kind: 'staff' }>;
const page = { hide: true } as const;
const ListParams = z.object({ status: IncomingStatusEnum.or(z.literal('')).optional(), page: z.coerce.number().int().min(1).max(10_000).default(1) });
const Id = z.object({ id: z.string().max(64) });

/**
 * The incoming documents' pages (issue 18 item 6): the clerk's list and register, the leader's
 * "documents awaiting my direction", the handler's "my documents", one document with the
 * caller's actions, and the paper / e-mail form. Forms post without a script; the operations
 * decide who may do what.
 */
export const incomingDocumentPagesModule: Module = {
  name: 'documents-incoming-pages',
  async routes(app, ctx) {
    const list = async (req: FastifyRequest, reply: FastifyReply, kind: 'all' | 'awaiting' | 'mine', q: z.infer<typeof ListParams>) => {
      const p = req.principal as Staff;
      const r = await listIncomingDocuments(ctx, p, {
        page: q.page,
        ...(q.status ? { status: q.status } : {}),
        ...(kind === 'mine' ? { mine: '1' } : kind === 'awaiting' ? { awaiting: '1' } : {}),
      });
      const staff = await listStaff(ctx);
      const handlerNames = new Map(staff.map((s) => [s.id, s.fullName]));
      const isClerk = p.roles.some((x) => x.role === 'clerk');
      return sendPage(reply, IncomingListPage({ req, kind, ...r, status: q.status || undefined, handlerNames, isClerk }));
    };
    app.get(INCOMING_URL, { config: { access: INCOMING_READERS }, schema: { ...page, querystring: ListParams } }, (req, reply) =>
      list(req, reply, 'all', req.query),
    );
    app.get(AWAITING_URL, { config: { access: ['unit_leader', 'signing_leader'] }, schema: { ...page, querystring: ListParams } }, (req, reply) =>
      list(req, reply, 'awaiting', req.query),
    );
    app.get(MINE_URL, { config: { access: INCOMING_READERS }, schema: { ...page, querystring: ListParams } }, (req, reply) =>
      list(req, reply, 'mine', req.query),
    );

    const RegisterParams = z.object({ year: z.string().max(8).optional(), format: z.enum(['pdf', 'xlsx']).optional() });
    const yearOf = (s?: string) => {
      const y = Number(s);
      return Number.isInteger(y) && y >= 2000 && y <= 2200 ? y : vietnamYear(new Date());
    };
    app.get(REGISTER_URL, { config: { access: REGISTER_READERS }, schema: { ...page, querystring: RegisterParams } }, async (req, reply) => {
      const year = yearOf(req.query.year);
      const { lines } = await incomingRegisterLines(ctx, req.principal!, year);
      return sendPage(reply, IncomingRegisterPage({ req, year, lines }));
    });
    app.get(REGISTER_FILE_URL, { config: { access: REGISTER_READERS }, schema: { ...page, querystring: RegisterParams } }, async (req, reply) => {
      const f = await exportIncomingRegister(ctx, req.principal!, yearOf(req.query.year), req.query.format ?? 'pdf');
      return reply
        .header('content-type', f.contentType)
        .header('content-disposition', contentDisposition(f.fileName))
        .header('cache-control', 'no-store')
        .send(Buffer.from(f.bytes));
    });

    const detail = async (req: FastifyRequest, reply: FastifyReply, id: string, extra: Pick<IncomingDetailProps, 'done' | 'error'> = {}, status = 200) => {
      const doc = await getIncomingDocument(ctx, id, req.principal!);
      const p = req.principal as Staff;
      const [staff, units] = await Promise.all([listStaff(ctx), listUnits(ctx)]);
      const names = new Map(staff.map((s) => [s.id, s.fullName]));
      let handlers: { id: string; name: string }[] = [];
      let coHandlers: { id: string; name: string }[] = [];
      if (doc.allowedActions.includes('direct')) {
        const mine = new Set(await coveredUnits(ctx, p));
        const inMine = (s: (typeof staff)[number], role?: string) => s.active && s.roles.some((r) => mine.has(r.unitId) && (!role || r.role === role));
        handlers = staff.filter((s) => inMine(s, 'specialist')).map((s) => ({ id: s.id, name: s.fullName }));
        coHandlers = staff.filter((s) => inMine(s) && s.id !== p.id).map((s) => ({ id: s.id, name: s.fullName }));
      }
      const unitName = (uid: string) => {
        const u = units.find((x) => x.id === uid);
        return u ? pick(req.lang, u.name, u.nameEn ?? u.name) : uid;
      };
      const unitOptions = doc.allowedActions.includes('register') ? units.map((u) => ({ id: u.id, name: unitName(u.id) })) : [];
      return sendPage(reply, IncomingDetailPage({ req, doc, handlers, coHandlers, units: unitOptions, names, unitName, ...extra }), status);
    };
    app.get(
      `${INCOMING_URL}/:id`,
      { config: { access: INCOMING_READERS }, schema: { ...page, params: Id, querystring: z.object({ done: z.string().max(20).optional() }) } },
      (req, reply) => detail(req, reply, req.params.id, { done: req.query.done }),
    );
    app.post(`${INCOMING_URL}/:id`, { config: { access: INCOMING_ACTORS }, schema: { ...page, params: Id } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
      const action = str('action');
      const values: Record<string, string> = {};
      for (const k of ['reason', 'note', 'instructions', 'deadline', 'handlerId', 'directingUnitId']) if (str(k)) values[k] = str(k);
      const co = body.coHandlerIds === undefined ? [] : Array.isArray(body.coHandlerIds) ? body.coHandlerIds : [body.coHandlerIds];
      const input: Record<string, unknown> = { action, version: Number(str('version')) || 0, ...values };
      if (action === 'direct' && co.length) input.coHandlerIds = co;
      const parsed = IncomingActionInput.safeParse(input);
      try {
        if (!parsed.success) {
          const first = parsed.error.issues[0];
          const field = String(first?.path[0] ?? '');
          throw new AppError('VALIDATION_FAILED', { vi: first?.message ?? 'Dữ liệu không hợp lệ', en: first?.message ?? 'Invalid input' }, [
            { path: `body.${field}`, message: first?.message ?? '', messageEn: first?.message ?? '' },
          ]);
        }
        await takeIncomingAction(ctx, req.params.id, parsed.data, req.principal!);
        return reply.redirect(`${docUrl(req.params.id)}?done=${encodeURIComponent(action)}`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
        const path = e.details?.find((d) => d.path.startsWith('body.'))?.path.slice(5);
        const text = parsed.success ? t(req, e.text.vi, e.text.en) : fieldMessage(req, parsed.error.issues[0]);
        return detail(req, reply, req.params.id, { error: { action, text, field: path === 'version' ? undefined : path, values } }, e.status);
      }
    });
    app.get(
      `${INCOMING_URL}/:id/tep/:n`,
      { config: { access: INCOMING_READERS }, schema: { ...page, params: z.object({ id: z.string().max(64), n: z.coerce.number().int().min(1).max(1000) }) } },
      async (req, reply) => {
        const f = await openIncomingAttachment(ctx, req.principal!, req.params.id, req.params.n);
        return reply
          .header('content-type', f.contentType)
          .header('content-length', f.size)
          .header('content-disposition', contentDisposition(f.name))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, no-store')
          .send(f.stream);
      },
    );

    app.get(NEW_URL, { config: { access: ['clerk'] }, schema: page }, (req, reply) => sendPage(reply, NewIncomingPage({ req, values: {}, errors: {} })));
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, {
        limits: { files: MAX_INCOMING_FILES, fileSize: UPLOAD_LIMITS.maxBytes, fields: 20, fieldSize: 4096 },
        throwFileSizeLimit: true,
      });
      scope.post(
        NEW_URL,
        { config: { access: ['clerk'] }, schema: { ...page, querystring: z.object({ _csrf: z.string().max(200).optional() }) } },
        async (req, reply) => {
          let values: Record<string, string> = {};
          try {
            await using form = await readMultipart(ctx, req, reply, INCOMING_FORM);
            const fields = form.fields;
            values = fields;
            const files: PostedFile[] = [];
            for (const f of form.files) if (f.size > 0) files.push({ fileName: f.fileName, bytes: new Uint8Array(await readFile(f.path)) });
            const r = await createIncomingDocument(ctx, req.principal!, fields, files);
            return reply.redirect(`${docUrl(r.id)}?done=record`, 303);
          } catch (e) {
            if (!(e instanceof AppError) || e.status === 403 || e.status >= 500) throw e;
            const errors: Record<string, string> = {};
            for (const d of e.details ?? []) {
              const k = d.path.replace(/^body\./, '').replace(/\[\d+\]$/, '');
              errors[k === 'files' ? '_' : k] ??= t(req, d.message, d.messageEn);
            }
            if (!Object.keys(errors).length) errors._ = t(req, e.text.vi, e.text.en);
            return sendPage(reply, NewIncomingPage({ req, values, errors }), e.status);
          }
        },
      );
    });
  },
};

/** A schema refusal's message in the page's language (the schemas' messages are bilingual through `bi`). */
function fieldMessage(req: FastifyRequest, issue: Parameters<typeof issueVietnamese>[0] | undefined): string {
  if (!issue) return t(req, 'Dữ liệu không hợp lệ', 'Invalid input');
  return t(req, issueVietnamese(issue), issue.message);
}
