import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { pick } from '../../platform/i18n/index.ts';
import { readMultipart, type MultipartSpec } from '../../platform/http/multipart.ts';
import { issueVietnamese } from '../../platform/http/validation.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { listStaff } from '../../modules/organisation/list-staff.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';
import { storeSpooledUpload } from '../../modules/uploads/store-upload.ts';
import { contentDisposition } from '../../modules/uploads/routes.ts';
import { vietnamYear } from '../../modules/documents/numbering.ts';
import { createOutgoing } from '../../modules/documents/outgoing/create-outgoing.ts';
import { getOutgoing, getOutgoingFile, listOutgoing } from '../../modules/documents/outgoing/get-outgoing.ts';
import { takeOutgoingAction } from '../../modules/documents/outgoing/take-outgoing-action.ts';
import { outgoingRegister, outgoingRegisterWorkbook, renderOutgoingRegister } from '../../modules/documents/outgoing/outgoing-register.ts';
import { OUTGOING_ACTORS, OUTGOING_READERS, REGISTER_READERS } from '../../modules/documents/outgoing/routes.ts';
import { CreateOutgoingInput, OutgoingActionInput, OutgoingListQuery } from '../../modules/documents/outgoing/schemas.ts';
import { OUTGOING_STATUSES } from '../../modules/documents/outgoing/lifecycle.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import {
  OUTGOING_NEW_URL,
  OUTGOING_RECEIVED_URL,
  OUTGOING_REGISTER_FILE_URL,
  OUTGOING_REGISTER_URL,
  OUTGOING_URL,
  OutgoingListPage,
  OutgoingRegisterPage,
  outgoingUrl,
} from '../pages/office/documents-outgoing.tsx';
import { OutgoingDetailPage, type OutgoingDetailProps } from '../pages/office/documents-outgoing-detail.tsx';
import { NewOutgoingPage } from '../pages/office/documents-outgoing-new.tsx';

type Staff = Extract<Principal, { kind: 'staff' }>;
const page = { hide: true } as const;
const Id = z.object({ id: z.string().max(64) });
const STATUS_NAMES = Object.keys(OUTGOING_STATUSES) as [string, ...string[]];

const NEW_FORM: MultipartSpec = {
  files: ['mainFile', 'appendix'],
  fields: (n) => ['seriesCode', 'subject', 'summary', 'signerId', 'signerPosition', 'dueDate', 'external'].includes(n) || /^unit\.[0-9A-Za-z.]{1,40}$/.test(n),
  unknownFields: 'ignore',
  maxFiles: 21,
  maxFields: 120,
  maxFieldBytes: 8192,
  maxFileBytes: UPLOAD_LIMITS.maxBytes,
  maxTotalBytes: 21 * UPLOAD_LIMITS.maxBytes,
};
const REPLACE_FORM: MultipartSpec = {
  files: ['file'],
  fields: ['action', 'version', 'reason'],
  unknownFields: 'ignore',
  maxFiles: 1,
  maxFields: 5,
  maxFieldBytes: 4096,
  maxFileBytes: UPLOAD_LIMITS.maxBytes,
  maxTotalBytes: UPLOAD_LIMITS.maxBytes + 1024 * 1024,
};

/** The path after "body." of an error's first field, for the form's message. */
const fieldOf = (e: AppError) => e.details?.find((d) => d.path.startsWith('body.'))?.path.slice(5);

/**
 * The outgoing documents' pages (issue 18 item 6): the list and the documents released to my units,
 * the specialist's draft form, one document with its history, recipients and the caller's actions,
 * and the register with its PDF and XLSX. Forms post without a script; the operations decide who
 * may do what.
 */
export const outgoingDocumentPagesModule: Module = {
  name: 'documents-outgoing-pages',
  async routes(app, ctx) {
    const unitNamer = async (req: FastifyRequest) => {
      const units = await listUnits(ctx);
      return (id: string) => {
        const u = units.find((x) => x.id === id);
        return u ? pick(req.lang, u.name, u.nameEn ?? u.name) : id;
      };
    };
    const roles = (req: FastifyRequest) => (req.principal as Staff).roles.map((r) => r.role as string);
    const list = async (req: FastifyRequest, reply: FastifyReply, kind: 'all' | 'received', status?: string) => {
      const q = OutgoingListQuery.parse({ ...(status ? { status } : {}), ...(kind === 'received' ? { received: '1' } : {}), limit: 200 });
      const items = await listOutgoing(ctx, q, req.principal!);
      const r = roles(req);
      return sendPage(
        reply,
        OutgoingListPage({
          req,
          kind,
          items,
          status,
          canDraft: r.includes('specialist'),
          canRegister: r.some((x) => (REGISTER_READERS as readonly string[]).includes(x)),
          unitName: await unitNamer(req),
        }),
      );
    };
    const ListParams = z.object({ status: z.enum(STATUS_NAMES).or(z.literal('')).optional() });
    app.get(OUTGOING_URL, { config: { access: OUTGOING_READERS }, schema: { ...page, querystring: ListParams } }, (req, reply) =>
      list(req, reply, 'all', req.query.status || undefined),
    );
    app.get(OUTGOING_RECEIVED_URL, { config: { access: OUTGOING_READERS }, schema: page }, (req, reply) => list(req, reply, 'received'));

    const RegisterParams = z.object({ year: z.string().max(8).optional(), format: z.enum(['pdf', 'xlsx']).optional() });
    const yearOf = (s?: string) => {
      const y = Number(s);
      return Number.isInteger(y) && y >= 2000 && y <= 2200 ? y : vietnamYear(new Date(Date.now() + ctx.config.clockOffsetMs));
    };
    app.get(OUTGOING_REGISTER_URL, { config: { access: REGISTER_READERS }, schema: { ...page, querystring: RegisterParams } }, async (req, reply) => {
      const year = yearOf(req.query.year);
      return sendPage(reply, OutgoingRegisterPage({ req, year, entries: await outgoingRegister(ctx, year, req.principal!) }));
    });
    app.get(OUTGOING_REGISTER_FILE_URL, { config: { access: REGISTER_READERS }, schema: { ...page, querystring: RegisterParams } }, async (req, reply) => {
      const year = yearOf(req.query.year);
      const entries = await outgoingRegister(ctx, year, req.principal!);
      const xlsx = req.query.format === 'xlsx';
      const units = await listUnits(ctx);
      const agency = units.find((u) => u.parentId === null)?.name ?? '';
      const bytes = xlsx ? await outgoingRegisterWorkbook(year, entries) : await renderOutgoingRegister(ctx, year, entries, agency.toUpperCase());
      return reply
        .header('content-type', xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/pdf')
        .header('content-disposition', contentDisposition(`so-van-ban-di-${year}.${xlsx ? 'xlsx' : 'pdf'}`))
        .header('cache-control', 'no-store')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });

    const newPage = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>, status = 200) => {
      const p = req.principal as Staff;
      const [staff, units] = await Promise.all([listStaff(ctx), listUnits(ctx)]);
      const name = await unitNamer(req);
      // Signing leaders of the specialist's unit or above it (the operation checks the same).
      const mine = p.roles.find((r) => r.role === 'specialist')?.unitId;
      const above = new Set<string>();
      for (let u = units.find((x) => x.id === mine); u; u = units.find((x) => x.id === u!.parentId)) above.add(u.id);
      const signers = staff
        .filter((s) => s.active && s.roles.some((r) => r.role === 'signing_leader' && above.has(r.unitId)))
        .map((s) => ({ id: s.id, name: s.fullName }));
      const ticked = Object.keys(values)
        .filter((k) => k.startsWith('unit.'))
        .map((k) => k.slice(5));
      return sendPage(
        reply,
        NewOutgoingPage({
          req,
          values,
          units: ticked,
          errors,
          signers,
          unitOptions: units.filter((u) => u.id !== mine).map((u) => ({ id: u.id, name: name(u.id) })),
        }),
        status,
      );
    };
    app.get(OUTGOING_NEW_URL, { config: { access: ['specialist'] }, schema: page }, (req, reply) => newPage(req, reply, {}, {}));

    const detail = async (req: FastifyRequest, reply: FastifyReply, id: string, extra: Pick<OutgoingDetailProps, 'done' | 'error'> = {}, status = 200) => {
      const doc = await getOutgoing(ctx, id, req.principal!);
      return sendPage(reply, OutgoingDetailPage({ req, doc, unitName: await unitNamer(req), ...extra }), status);
    };
    app.get(
      `${OUTGOING_URL}/:id`,
      { config: { access: OUTGOING_READERS }, schema: { ...page, params: Id, querystring: z.object({ done: z.string().max(20).optional() }) } },
      (req, reply) => detail(req, reply, req.params.id, { done: req.query.done }),
    );
    app.post(`${OUTGOING_URL}/:id`, { config: { access: OUTGOING_ACTORS }, schema: { ...page, params: Id } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
      const action = str('action');
      const values: Record<string, string> = {};
      for (const k of ['text', 'reason', 'note', 'subject']) if (str(k)) values[k] = str(k);
      const parsed = OutgoingActionInput.safeParse({ action, version: Number(str('version')) || 0, ...values });
      try {
        if (!parsed.success) {
          const first = parsed.error.issues[0];
          throw new AppError('VALIDATION_FAILED', { vi: issueVietnamese(first), en: first.message }, [
            { path: `body.${String(first.path[0] ?? '')}`, message: issueVietnamese(first), messageEn: first.message },
          ]);
        }
        await takeOutgoingAction(ctx, req.params.id, parsed.data, req.principal!);
        return reply.redirect(`${outgoingUrl(req.params.id)}?done=${encodeURIComponent(action)}`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
        const field = fieldOf(e);
        const text = e.details?.find((d) => d.path.startsWith('body.'));
        return detail(
          req,
          reply,
          req.params.id,
          {
            error: {
              action,
              text: text ? t(req, text.message, text.messageEn) : t(req, e.text.vi, e.text.en),
              field: field === 'version' ? undefined : field,
              values,
            },
          },
          e.status,
        );
      }
    });
    app.get(
      `${OUTGOING_URL}/:id/tep/:seq`,
      {
        config: { access: OUTGOING_READERS },
        schema: { ...page, params: z.object({ id: z.string().max(64), seq: z.coerce.number().int().min(1).max(10_000) }) },
      },
      async (req, reply) => {
        const f = await getOutgoingFile(ctx, req.params.id, req.params.seq, req.principal!);
        if (!f) throw new AppError('NOT_FOUND', { vi: 'Không tìm thấy tệp', en: 'File not found' });
        return reply
          .header('content-type', f.contentType)
          .header('content-disposition', contentDisposition(f.name))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength));
      },
    );

    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, { limits: { files: 21, fileSize: UPLOAD_LIMITS.maxBytes, fields: 120, fieldSize: 8192 }, throwFileSizeLimit: true });
      const csrfQuery = z.object({ _csrf: z.string().max(200).optional() });
      scope.post(OUTGOING_NEW_URL, { config: { access: ['specialist'] }, schema: { ...page, querystring: csrfQuery } }, async (req, reply) => {
        let values: Record<string, string> = {};
        try {
          await using form = await readMultipart(ctx, req, reply, NEW_FORM);
          values = form.fields;
          const main = form.files.find((f) => f.field === 'mainFile' && f.size > 0);
          if (!main)
            throw new AppError('VALIDATION_FAILED', { vi: 'Cần tải lên tệp chính', en: 'Upload the main file' }, [
              { path: 'body.mainFile', message: 'Cần tải lên tệp chính (PDF)', messageEn: 'upload the main file (PDF)' },
            ]);
          const recipients: unknown[] = Object.keys(values)
            .filter((k) => k.startsWith('unit.'))
            .map((k) => ({ kind: 'internal', unitId: k.slice(5) }));
          for (const [i, line] of (values.external ?? '').split('\n').entries()) {
            if (!line.trim()) continue;
            const [organId, ...name] = line.split('|');
            if (!organId?.trim() || !name.join('|').trim())
              throw new AppError(
                'VALIDATION_FAILED',
                { vi: `Dòng ${i + 1}: ghi mã, dấu | rồi tên cơ quan`, en: `Line ${i + 1}: write the code, | and the name` },
                [{ path: 'body.external', message: `Dòng ${i + 1}: ghi mã, dấu | rồi tên cơ quan`, messageEn: `line ${i + 1}: code | name` }],
              );
            recipients.push({ kind: 'external', organId: organId.trim(), organName: name.join('|').trim() });
          }
          const mainUpload = await storeSpooledUpload(ctx, req.principal!, main);
          const appendixIds: string[] = [];
          for (const f of form.files) if (f.field === 'appendix' && f.size > 0) appendixIds.push((await storeSpooledUpload(ctx, req.principal!, f)).id);
          const input = CreateOutgoingInput.safeParse({
            seriesCode: values.seriesCode,
            subject: values.subject ?? '',
            ...(values.summary ? { summary: values.summary } : {}),
            ...(values.dueDate ? { dueDate: values.dueDate } : {}),
            ...(values.signerPosition ? { signerPosition: values.signerPosition } : {}),
            signer: { staffId: values.signerId ?? '' },
            recipients,
            mainUploadId: mainUpload.id,
            appendixUploadIds: appendixIds,
          });
          if (!input.success) {
            const first = input.error.issues[0];
            const k = first.path[0] === 'signer' ? 'signerId' : String(first.path[0] ?? '');
            throw new AppError('VALIDATION_FAILED', { vi: issueVietnamese(first), en: first.message }, [
              { path: `body.${k}`, message: issueVietnamese(first), messageEn: first.message },
            ]);
          }
          const r = await createOutgoing(ctx, input.data, req.principal!);
          return reply.redirect(`${outgoingUrl(r.id)}?done=create`, 303);
        } catch (e) {
          if (!(e instanceof AppError) || e.status === 403 || e.status >= 500) throw e;
          const errors: Record<string, string> = {};
          for (const d of e.details ?? []) {
            let k = d.path.replace(/^body\./, '').split('.')[0];
            if (k === 'signer') k = 'signerId';
            if (k === 'mainUploadId' || k === 'file') k = 'mainFile';
            if (k === 'appendixUploadIds') k = 'appendix';
            errors[k] ??= t(req, d.message, d.messageEn);
          }
          if (!Object.keys(errors).length) errors._ = t(req, e.text.vi, e.text.en);
          return newPage(req, reply, values, errors, e.status);
        }
      });
      scope.post(
        `${OUTGOING_URL}/:id/thay-the`,
        { config: { access: OUTGOING_ACTORS }, schema: { ...page, params: Id, querystring: csrfQuery } },
        async (req, reply) => {
          let values: Record<string, string> = {};
          try {
            await using form = await readMultipart(ctx, req, reply, REPLACE_FORM);
            values = form.fields;
            const file = form.files.find((f) => f.size > 0);
            if (!file)
              throw new AppError('VALIDATION_FAILED', { vi: 'Cần tải lên tệp chính', en: 'Upload the main file' }, [
                { path: 'body.mainUploadId', message: 'Cần tải lên tệp chính (PDF)', messageEn: 'upload the main file (PDF)' },
              ]);
            const parsed = OutgoingActionInput.safeParse({
              action: 'replace',
              version: Number(values.version) || 0,
              reason: values.reason ?? '',
              mainUploadId: '00000000-0000-4000-8000-000000000000',
            });
            if (!parsed.success || parsed.data.action !== 'replace') {
              const first = parsed.success ? undefined : parsed.error.issues[0];
              throw new AppError('VALIDATION_FAILED', { vi: first ? issueVietnamese(first) : 'Dữ liệu không hợp lệ', en: first?.message ?? 'Invalid input' }, [
                { path: `body.${String(first?.path[0] ?? 'reason')}`, message: first ? issueVietnamese(first) : '', messageEn: first?.message ?? '' },
              ]);
            }
            const upload = await storeSpooledUpload(ctx, req.principal!, file);
            const r = await takeOutgoingAction(ctx, req.params.id, { ...parsed.data, mainUploadId: upload.id }, req.principal!);
            return reply.redirect(`${outgoingUrl(r.replacementId ?? req.params.id)}?done=replace`, 303);
          } catch (e) {
            if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
            const field = fieldOf(e);
            const text = e.details?.find((d) => d.path.startsWith('body.'));
            return detail(
              req,
              reply,
              req.params.id,
              {
                error: {
                  action: 'replace',
                  text: text ? t(req, text.message, text.messageEn) : t(req, e.text.vi, e.text.en),
                  field: field === 'version' ? undefined : field,
                  values,
                },
              },
              e.status,
            );
          }
        },
      );
    });
  },
};
