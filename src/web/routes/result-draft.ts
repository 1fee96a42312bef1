import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Module } from '../../platform/http/server.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { ONE_FILE_FORM_MAX_BYTES, readMultipart, type MultipartSpec } from '../../platform/http/multipart.ts';
import { AppError } from '../../platform/errors.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { draftToForm, ResultDraftPage, type DraftFormValues } from '../pages/office/result-draft.tsx';
import { storeSpooledUpload } from '../../modules/uploads/store-upload.ts';
import { certifyCopy } from '../../modules/results/certify-copy.ts';
import { getDossier } from '../../modules/dossiers/get-dossier.ts';
import { getProcedure } from '../../modules/catalog/get-procedure.ts';
import { getResultDraft, saveResultDraft, suggestResultDraft } from '../../modules/results/draft-result.ts';
import { officialLabel, staffDisplayNames } from '../../modules/organisation/staff-names.ts';
import { listDossierResults } from '../../modules/results/list-dossier-results.ts';

const OFFICIALS = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'] as const;
const Code = z.object({ code: z.string().max(60) });

/** The draft form's fields as the API's draft: "label: value" lines, paragraphs split on blank lines. */
function formToInput(v: DraftFormValues): unknown {
  const lines = (s: string) =>
    s
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  if (v.kind === 'written_reply')
    return {
      kind: v.kind,
      documentName: v.documentName,
      subject: v.subject,
      paragraphs: v.paragraphs
        .split(/\r?\n\s*\r?\n/)
        .map((p) => p.trim())
        .filter(Boolean),
    };
  return {
    kind: v.kind,
    documentName: v.documentName,
    fields: lines(v.fields).map((l) => {
      const i = l.indexOf(':');
      return i > 0 ? { label: l.slice(0, i).trim(), value: l.slice(i + 1).trim() } : { label: l, value: '' };
    }),
    validUntil: v.validUntil || undefined,
    notes: lines(v.notes).length ? lines(v.notes) : undefined,
  };
}

/** The dossier's result page: the specialist's draft, the results issued, and the counter's certified copies. */
export const resultDraftPagesModule: Module = {
  name: 'result-draft-pages',
  async routes(app, ctx) {
    const page = async (
      req: FastifyRequest,
      reply: FastifyReply,
      code: string,
      extra: { values?: DraftFormValues; errors?: { href: string; text: string }[]; saved?: boolean } = {},
      status = 200,
    ) => {
      const d = await getDossier(ctx, code, req.principal!);
      const draft = await getResultDraft(ctx, d.code, req.principal!);
      const editable = req.principal?.kind === 'staff' && d.assignee === req.principal.username && d.status === 'processing';
      const proc = await getProcedure(ctx, d.procedureCode, { version: d.procedureVersion });
      // No draft yet: the specialist starts from the e-form's answers, not from an empty form.
      const values = extra.values ?? draftToForm(draft ?? suggestResultDraft(d, proc), proc.resultType ?? `Kết quả giải quyết thủ tục ${proc.name}`);
      const issued = await listDossierResults(ctx, d.code, req.principal!);
      const canCertify = req.principal?.kind === 'staff' && req.principal.roles.some((r) => r.role === 'receiving_officer');
      const names = draft ? await staffDisplayNames(ctx, [draft.updatedBy]) : new Map();
      const updated = draft ? { by: officialLabel(req.lang, names, draft.updatedBy), at: draft.updatedAt } : undefined;
      return sendPage(
        reply,
        ResultDraftPage({
          req,
          d,
          values,
          editable,
          canCertify,
          errors: extra.errors ?? [],
          saved: extra.saved,
          issued,
          suggested: !draft && !extra.values,
          updated,
        }),
        status,
      );
    };
    app.get(
      '/can-bo/ho-so/:code/ket-qua',
      { config: { access: [...OFFICIALS] }, schema: { hide: true, params: Code, querystring: z.object({ saved: z.string().max(4).optional() }) } },
      async (req, reply) => page(req, reply, req.params.code, { saved: Boolean(req.query.saved) }),
    );
    app.post('/can-bo/ho-so/:code/ket-qua', { config: { access: ['specialist'] }, schema: { hide: true, params: Code } }, async (req, reply) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
      const values: DraftFormValues = {
        kind: str('kind'),
        documentName: str('documentName'),
        fields: str('fields'),
        validUntil: str('validUntil'),
        notes: str('notes'),
        subject: str('subject'),
        paragraphs: str('paragraphs'),
      };
      try {
        await saveResultDraft(ctx, req.params.code, formToInput(values), req.principal!);
        return reply.redirect(`/can-bo/ho-so/${encodeURIComponent(req.params.code.toUpperCase())}/ket-qua?saved=1`, 303);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const errors = e.details?.length
          ? e.details.map((x) => ({ href: `#${x.path.replace(/^(body\.)?/, '').split(/[.[]/)[0]}`, text: t(req, x.message, x.messageEn) }))
          : [{ href: '#kind', text: t(req, e.text.vi, e.text.en) }];
        return page(req, reply, req.params.code, { values, errors }, e.status);
      }
    });

    // The counter certifies a copy from this page: the scan is posted as multipart (token in the URL).
    // One file `file` and the name; other text fields are dropped, as the page sends none.
    const CERTIFY_FORM: MultipartSpec = {
      files: ['file'],
      fields: ['documentName'],
      unknownFields: 'ignore',
      repeatedFields: 'last',
      maxFiles: 1,
      maxFields: 2,
      maxFieldBytes: 1000,
      maxTotalBytes: ONE_FILE_FORM_MAX_BYTES,
    };
    await app.register(async (scope) => {
      await scope.register(multipart, {
        limits: { files: 1, fileSize: UPLOAD_LIMITS.maxBytes, fields: 2, fieldSize: 1000, parts: 3 },
        throwFileSizeLimit: true,
      });
      scope.post('/can-bo/ho-so/:code/chung-thuc', { config: { access: ['receiving_officer'] }, schema: { hide: true } }, async (req, reply) => {
        const code = String((req.params as { code: string }).code).slice(0, 60);
        await using posted = await readMultipart(ctx, req, reply, CERTIFY_FORM);
        const documentName = posted.fields.documentName ?? '';
        const file = posted.files.find((f) => f.size > 0) ?? null;
        const errors: { href: string; text: string }[] = [];
        if (documentName.trim().length < 3) errors.push({ href: '#certifyName', text: t(req, 'Nhập tên giấy tờ', 'Enter the document name') });
        if (!file) errors.push({ href: '#certifyFile', text: t(req, 'Chọn tệp PDF bản quét', 'Choose the PDF scan') });
        try {
          if (!errors.length) {
            const up = await storeSpooledUpload(ctx, req.principal!, file!);
            await certifyCopy(ctx, { dossierCode: code, uploadId: up.id, documentName }, req.principal!);
            return reply.redirect(`/can-bo/ho-so/${encodeURIComponent(code.toUpperCase())}/ket-qua`, 303);
          }
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          errors.push({ href: '#certifyFile', text: t(req, e.text.vi, e.text.en) });
        }
        return page(req, reply, code, { errors }, 400);
      });
    });
  },
};
