import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { bi } from '../../platform/http/validation.ts';
import { FORM_CODES, issueForm, issueRegister } from './issue-form.ts';
import { PdfResponse as Pdf, sendPdf } from '../../platform/http/pdf-reply.ts';

const STAFF_DOSSIER_ROLES = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'] as const;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, bi('Phải là ngày dạng YYYY-MM-DD', 'Expected a YYYY-MM-DD day'));

export const dossierFormsModule: Module = {
  name: 'dossiers-forms',
  routes(app, ctx) {
    app.get('/api/v1/dossiers/:code/forms/:form', {
      config: { access: ['citizen', ...STAFF_DOSSIER_ROLES] },
      schema: {
        tags: ['dossiers'],
        summary:
          'A one-stop form of the dossier as PDF (Circular 03/2025/TT-VPCP): 01 receipt and appointment, 02 supplement request, 03 refusal, 04 apology and request to extend the time limit, 05 notice of stopping, 06 processing-control slip, 07 the receiving unit’s register for the month of submission, 08 the record of handing the result to the postal service (dossiers returned by post). The applicant may get 01–05; 409 when the dossier’s history does not call for the form.',
        params: z.object({ code: z.string().max(60), form: z.enum(FORM_CODES) }),
        response: { 200: Pdf, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => sendPdf(reply, await issueForm(ctx, req.params.code, req.params.form, req.principal!)),
    });
    app.get('/api/v1/registers/:unitId', {
      config: { access: [...STAFF_DOSSIER_ROLES] },
      schema: {
        tags: ['dossiers'],
        summary: 'Form 07, the register of dossiers (sổ theo dõi hồ sơ) of a unit the official covers, for a period of at most 366 days, as PDF',
        params: z.object({ unitId: z.string().max(40) }),
        querystring: z.object({ from: day, to: day }),
        response: { 200: Pdf, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      handler: async (req, reply) => sendPdf(reply, await issueRegister(ctx, req.params.unitId, req.query, req.principal!)),
    });
  },
};
