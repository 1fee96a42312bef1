import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Module } from '../../platform/http/server.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { FILES_URL, FilesListPage, fileUrl, NEW_FILE_URL, NewFilePage, type NewFileValues } from '../pages/office/documents-files.tsx';
import { FilePage } from '../pages/office/documents-files-detail.tsx';
import { listStaff } from '../../modules/organisation/list-staff.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';
import { createFile } from '../../modules/documents/files/create-file.ts';
import { changeFile } from '../../modules/documents/files/change-file.ts';
import { getFile, listFiles } from '../../modules/documents/files/get-file.ts';
import { todayOf } from '../../modules/documents/files/file-store.ts';
import { FILE_READERS, FILE_WRITERS } from '../../modules/documents/files/schemas.ts';
import { documentUnits } from '../../modules/documents/search/visible-units.ts';
import { searchDocuments } from '../../modules/documents/search/search-documents.ts';

const page = { hide: true } as const;
const Id = z.object({ id: z.string().max(64) });
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

const ListQuery = z.object({
  nam: z.preprocess((v) => (typeof v === 'string' && /^\d{4}$/.test(v.trim()) ? Number(v) : undefined), z.number().int().min(2000).max(2200).optional()),
  trangThai: z.preprocess(blankToUndefined, z.enum(['open', 'closed']).optional()),
  han: z.preprocess(blankToUndefined, z.enum(['sap-den']).optional()),
});
const FileQuery = z.object({ q: z.string().max(200).default(''), xong: z.string().max(20).optional() });

/** An error as one line for a page: its text, then what each detail says (not the machine-readable current.* details). */
const errorText = (req: FastifyRequest, e: AppError) =>
  [t(req, e.text.vi, e.text.en), ...(e.details ?? []).filter((d) => d.message && !d.path.startsWith('current.')).map((d) => t(req, d.message, d.messageEn))]
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(' — ');

/** The units the official may open files in, and the officials who may keep them (the caller first). */
async function formChoices(ctx: Ctx, req: FastifyRequest) {
  const p = req.principal!;
  const [writable, units, staff] = await Promise.all([documentUnits(ctx, p, FILE_WRITERS), listUnits(ctx), listStaff(ctx)]);
  const inScope = new Set(writable);
  const me = p.kind === 'staff' ? p.id : '';
  const keepers = staff
    .filter((s) => s.active && s.roles.some((r) => inScope.has(r.unitId) && (FILE_WRITERS as readonly string[]).includes(r.role)))
    .sort((a, b) => (a.id === me ? -1 : b.id === me ? 1 : a.fullName.localeCompare(b.fullName, 'vi')));
  return {
    units: units.filter((u) => inScope.has(u.id)).map((u) => ({ id: u.id, name: u.name })),
    staff: keepers.map((s) => ({ id: s.id, name: s.fullName })),
  };
}

export const documentFilesPagesModule: Module = {
  name: 'document-files-pages',
  async routes(app, ctx) {
    app.get(FILES_URL, { config: { access: FILE_READERS }, schema: { ...page, querystring: ListQuery } }, async (req, reply) => {
      const filter = { year: req.query.nam, status: req.query.trangThai, dueSoon: req.query.han === 'sap-den' };
      const [list, writable] = await Promise.all([
        onReplica(ctx, (c) => listFiles(c, req.principal!, { year: filter.year, status: filter.status, due: filter.dueSoon ? 'soon' : undefined })),
        documentUnits(ctx, req.principal!, FILE_WRITERS),
      ]);
      return sendPage(reply, FilesListPage({ req, list, filter, canCreate: writable.length > 0 }));
    });

    const newPage = async (req: FastifyRequest, reply: FastifyReply, values: NewFileValues, errors: Record<string, string>, status = 200) => {
      const choices = await formChoices(ctx, req);
      return sendPage(reply, NewFilePage({ req, ...choices, values, errors }), status);
    };

    app.get(NEW_FILE_URL, { config: { access: FILE_WRITERS }, schema: page }, async (req, reply) =>
      newPage(req, reply, { year: todayOf(ctx).slice(0, 4), retention: '10', responsibleId: req.principal!.kind === 'staff' ? req.principal!.id : '' }, {}),
    );

    app.post(NEW_FILE_URL, { config: { access: FILE_WRITERS }, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 1000) : '');
      const values: NewFileValues = {
        unitId: str('unitId'),
        code: str('code'),
        title: str('title'),
        year: str('year'),
        retention: str('retention'),
        responsibleId: str('responsibleId'),
      };
      const errors: Record<string, string> = {};
      const year = /^\d{4}$/.test(values.year!.trim()) ? Number(values.year) : Number.NaN;
      if (!values.code!.trim()) errors.code = t(req, 'Nhập số và ký hiệu hồ sơ', 'Enter the file code');
      if (values.title!.trim().length < 3) errors.title = t(req, 'Nhập tiêu đề hồ sơ (ít nhất 3 ký tự)', 'Enter a title (at least 3 characters)');
      if (!(year >= 2000 && year <= 2200)) errors.year = t(req, 'Nhập năm gồm 4 chữ số, ví dụ 2026', 'Enter a four-digit year, e.g. 2026');
      const retention = values.retention === 'permanent' ? null : Number(values.retention);
      if (retention !== null && !(Number.isInteger(retention) && retention >= 1 && retention <= 100))
        errors.retention = t(req, 'Chọn thời hạn bảo quản', 'Choose a retention period');
      if (Object.keys(errors).length) return newPage(req, reply, values, errors, 400);
      try {
        const f = await createFile(ctx, req.principal!, {
          unitId: values.unitId!,
          code: values.code!.trim(),
          title: values.title!.trim(),
          year,
          retentionYears: retention,
          ...(values.responsibleId ? { responsibleId: values.responsibleId } : {}),
        });
        return reply.redirect(`${fileUrl(f.id)}?xong=create`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || !['VALIDATION_FAILED', 'DOCUMENT_FILE_CODE_TAKEN', 'FORBIDDEN'].includes(e.code)) throw e;
        const field = e.code === 'FORBIDDEN' ? 'unitId' : (e.details?.[0]?.path.replace(/^body\./, '').split('.')[0] ?? 'code');
        errors[['unitId', 'code', 'title', 'year', 'retention', 'responsibleId'].includes(field) ? field : 'code'] = errorText(req, e);
        return newPage(req, reply, values, errors, e.status);
      }
    });

    const filePage = async (
      req: FastifyRequest,
      reply: FastifyReply,
      id: string,
      q: string,
      extra: { done?: string; error?: string; status?: number } = {},
    ) => {
      const f = await getFile(ctx, req.principal!, id);
      const found = q.trim() && f.status === 'open' && f.canChange ? await searchDocuments(ctx, req.principal!, { q, page: 1, pageSize: 10 }) : null;
      return sendPage(reply, FilePage({ req, f, q, found, done: extra.done, error: extra.error }), extra.status ?? 200);
    };

    app.get(`${FILES_URL}/:id`, { config: { access: FILE_READERS }, schema: { ...page, params: Id, querystring: FileQuery } }, async (req, reply) =>
      filePage(req, reply, req.params.id, req.query.q, { done: req.query.xong }),
    );

    app.post(`${FILES_URL}/:id`, { config: { access: FILE_WRITERS }, schema: { ...page, params: Id } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 200) : '');
      const q = str('q');
      // The file must be one the caller sees before anything else is said about it (404 otherwise).
      await getFile(ctx, req.principal!, req.params.id);
      const op = str('op');
      const version = Number(str('version'));
      const kind = str('kind');
      const documentId = str('documentId');
      try {
        if ((op !== 'add' && op !== 'remove' && op !== 'close') || !Number.isInteger(version) || version < 1)
          throw new AppError('VALIDATION_FAILED', { vi: 'Thao tác không hợp lệ', en: 'Not a valid action' });
        if (op === 'close') await changeFile(ctx, req.principal!, req.params.id, { action: 'close', version });
        else {
          if (kind !== 'incoming' && kind !== 'outgoing') throw new AppError('VALIDATION_FAILED', { vi: 'Thiếu văn bản', en: 'No document named' });
          await changeFile(ctx, req.principal!, req.params.id, { action: op, version, kind, documentId });
        }
      } catch (e) {
        if (!(e instanceof AppError) || !['VALIDATION_FAILED', 'STALE_VERSION', 'DOCUMENT_FILE_CLOSED', 'NOT_FOUND', 'FORBIDDEN'].includes(e.code)) throw e;
        return filePage(req, reply, req.params.id, q, { error: errorText(req, e), status: e.status });
      }
      const back = new URLSearchParams({ xong: op, ...(q && op === 'add' ? { q } : {}) });
      return reply.redirect(`${fileUrl(req.params.id)}?${back}${op === 'add' ? '#add' : ''}`, 303);
    });
  },
};
