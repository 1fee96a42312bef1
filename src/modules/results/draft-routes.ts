import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { AppError } from '../../platform/errors.ts';
import { PdfResponse, sendPdf } from '../../platform/http/pdf-reply.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { listUnits } from '../organisation/list-units.ts';
import { agencyHeader } from '../dossiers/issue-form.ts';
import { getResultDraft, ResultDraftInput, ResultDraftView, saveResultDraft } from './draft-result.ts';
import { resultDocument } from './sign-results.ts';
import { renderResult } from './templates/render-result.ts';

const OFFICIALS = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'] as const;
const Code = z.object({ code: z.string().max(60) });

export const resultDraftModule: Module = {
  name: 'results-drafts',
  routes(app, ctx) {
    app.get('/api/v1/dossiers/:code/result-draft', {
      config: { access: [...OFFICIALS] },
      schema: {
        tags: ['results'],
        summary: "The specialist's draft of the dossier's result document",
        params: Code,
        response: { 200: ResultDraftView, 404: ErrorBody },
      },
      handler: async (req) => {
        const d = await getResultDraft(ctx, req.params.code, req.principal!);
        if (!d) throw new AppError('NOT_FOUND', { vi: 'Hồ sơ chưa có dự thảo kết quả', en: 'The dossier has no draft result' });
        return d;
      },
    });
    app.put('/api/v1/dossiers/:code/result-draft', {
      config: { access: ['specialist'] },
      schema: {
        tags: ['results'],
        summary: 'The assigned specialist drafts the result document (while the dossier is being processed)',
        params: Code,
        body: ResultDraftInput,
        response: { 200: ResultDraftView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => saveResultDraft(ctx, req.params.code, req.body, req.principal!),
    });
    app.get('/api/v1/dossiers/:code/result-preview', {
      config: { access: [...OFFICIALS] },
      schema: {
        tags: ['results'],
        summary: 'The result document as it would be signed, unsigned and without its code (for the leader to read before approving)',
        params: Code,
        response: { 200: PdfResponse, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const d = await getDossier(ctx, req.params.code, req.principal!);
        const proc = await getProcedure(ctx, d.procedureCode, { version: d.procedureVersion });
        const issuer = proc.workflow.find((s) => s.step === 'approve')?.unit ?? d.handlingUnit;
        const agency = agencyHeader(new Map((await listUnits(ctx)).map((u) => [u.id, u])), issuer);
        const draft = await getResultDraft(ctx, d.code, req.principal!);
        const doc = resultDocument({ d, proc, agency, draft, resultCode: 'DU-THAO', signerName: '(chưa ký)', publicUrl: ctx.config.publicUrl });
        return sendPdf(reply, { bytes: (await renderResult(doc)).pdf, fileName: `${d.code}-du-thao.pdf` });
      },
    });
  },
};
