import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Grant } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { FILING_FORM_MAX_BYTES, readMultipart, type MultipartSpec } from '../../platform/http/multipart.ts';
import { campaignXlsx, getCampaign, setCampaignDeadline } from './campaign.ts';
import { getLegacyBatch, importLegacyResults } from './import-legacy-results.ts';
import { LEGACY_COLUMNS, LEGACY_CSV_LIMITS } from './legacy-csv.ts';

/** Every official who works with dossiers reads their units' batches and campaign. */
const OFFICIALS: readonly Grant[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];
/** Clerks import old results; administrators may, acting as their unit's clerk (import-legacy-results.ts). */
export const IMPORT_ROLES: readonly Grant[] = ['clerk', 'administrator'];

/** A batch: a ZIP (up to the filing form's 100 MiB), or a folder's files with their CSV, or one scan with its fields. */
export const LEGACY_FORM: MultipartSpec = {
  files: ['file'],
  fields: ['unitId', ...LEGACY_COLUMNS.filter((c) => c !== 'file')],
  maxFiles: LEGACY_CSV_LIMITS.maxRows + 1,
  maxFields: LEGACY_COLUMNS.length + 1,
  maxFieldBytes: 4000,
  maxFileBytes: FILING_FORM_MAX_BYTES,
  maxTotalBytes: FILING_FORM_MAX_BYTES,
};
const LIMITS = { files: LEGACY_FORM.maxFiles, fileSize: FILING_FORM_MAX_BYTES, fields: LEGACY_FORM.maxFields, fieldSize: 4000, parts: 600, headerPairs: 20 };

const Problem = z.object({ field: z.string(), vi: z.string(), en: z.string() });
export const LegacyBatchView = z.object({
  id: z.string(),
  unitId: z.string(),
  source: z.enum(['zip', 'folder', 'single']),
  status: z.enum(['running', 'done']),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: z.object({ rejected: z.number(), ocr: z.number(), done: z.number(), failed: z.number() }),
  total: z.number(),
  progress: z.number(),
  rows: z.array(
    z.object({
      line: z.number(),
      file: z.string(),
      holderIdentifier: z.string().nullable(),
      status: z.enum(['rejected', 'ocr', 'done', 'failed']),
      problems: z.array(Problem),
      scanId: z.string().nullable(),
      itemCode: z.string().nullable(),
      resultCode: z.string().nullable(),
      confirmed: z.boolean(),
    }),
  ),
});
export const CampaignView = z.object({
  deadline: z.string(),
  deadlineSet: z.boolean(),
  today: z.string(),
  daysLeft: z.number(),
  units: z.array(
    z.object({
      unitId: z.string(),
      name: z.string(),
      nameEn: z.string().nullable(),
      known: z.number(),
      digitised: z.number(),
      confirmed: z.number(),
      progress: z.number(),
      confirmedProgress: z.number(),
    }),
  ),
  totals: z.object({ known: z.number(), digitised: z.number(), confirmed: z.number(), progress: z.number() }),
});

export const digitisationLegacyModule: Module = {
  name: 'digitisation-legacy',
  async routes(app, ctx) {
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, { limits: LIMITS, throwFileSizeLimit: true });
      scope.post('/api/v1/digitisation/legacy-batches', {
        // Each batch starts OCR of many scans: bounded like heavy anonymous work.
        config: { access: IMPORT_ROLES, limit: 'verify' },
        schema: {
          tags: ['digitisation'],
          summary: 'Import results issued before the system: a ZIP of scans with a metadata CSV, a folder of scans with its CSV, or one scan with its fields',
          description:
            'multipart/form-data. `file`: one ZIP (scans + one .csv), or several files of which one is the .csv, or one scan (PDF, TIFF, JPEG, PNG) ' +
            `with the fields ${LEGACY_COLUMNS.filter((c) => c !== 'file').join(', ')}. \`unitId\` (optional): the unit importing. ` +
            'CSV: UTF-8 (BOM optional), comma or semicolon, header row in Vietnamese or English: tệp/file, số định danh/holder identifier ' +
            '(CCCD 12 digits or tax code 10/13), người được cấp/holder name, tên giấy tờ/document name, loại giấy tờ/document type, số/number, ' +
            'ký hiệu/notation, cơ quan ban hành/issuing agency, ngày ban hành/issue date (dd/mm/yyyy or yyyy-mm-dd), có giá trị đến/valid until ' +
            `(empty = no limit). At most ${LEGACY_CSV_LIMITS.maxRows} rows. Bad rows are reported by line, the others imported. ` +
            'Answers 202 with the batch; follow GET /api/v1/digitisation/legacy-batches/{id}.',
          consumes: ['multipart/form-data'],
          response: { 202: LegacyBatchView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody },
        },
        handler: async (req, reply) => {
          await using form = await readMultipart(ctx, req, reply, LEGACY_FORM);
          const files = [];
          for (const f of form.files.filter((x) => x.size > 0)) {
            const b = await readFile(f.path);
            files.push({ fileName: f.fileName, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
          }
          const batch = await importLegacyResults(ctx, req.principal!, { files, fields: form.fields });
          reply.code(202).header('location', `/api/v1/digitisation/legacy-batches/${batch.id}`);
          return batch;
        },
      });
    });

    app.get('/api/v1/digitisation/legacy-batches/:id', {
      config: { access: OFFICIALS },
      schema: {
        tags: ['digitisation'],
        summary: "An import batch of old results: each CSV row's state (rejected with reasons, being read, registered, failed) and the progress",
        params: z.object({ id: z.string().max(64) }),
        response: { 200: LegacyBatchView, 404: ErrorBody },
      },
      handler: async (req) => getLegacyBatch(ctx, req.principal!, req.params.id),
    });

    app.get('/api/v1/digitisation/campaign', {
      config: { access: OFFICIALS },
      schema: {
        tags: ['digitisation'],
        summary: 'The digitisation campaign per unit the official covers: valid results known, digitised and confirmed, against the deadline',
        response: { 200: CampaignView, 403: ErrorBody },
      },
      handler: async (req) => onReplica(ctx, (c) => getCampaign(c, req.principal!)),
    });

    app.get('/api/v1/digitisation/campaign.xlsx', {
      config: { access: OFFICIALS },
      schema: {
        tags: ['digitisation'],
        summary: 'The campaign table as an XLSX workbook',
        querystring: z.object({ lang: z.enum(['vi', 'en']).default('vi') }),
        response: { 200: z.any().describe('XLSX'), 403: ErrorBody },
      },
      handler: async (req, reply) => {
        const bytes = await campaignXlsx(await onReplica(ctx, (c) => getCampaign(c, req.principal!)), req.query.lang);
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', 'attachment; filename="chien-dich-so-hoa.xlsx"')
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
    });

    app.put('/api/v1/digitisation/campaign/deadline', {
      config: { access: ['administrator'] },
      schema: {
        tags: ['digitisation'],
        summary: "Set the campaign's deadline (administrators)",
        body: z.object({ deadline: z.string().max(20) }),
        response: { 200: z.object({ deadline: z.string() }), 400: ErrorBody, 403: ErrorBody },
      },
      handler: async (req) => setCampaignDeadline(ctx, req.principal!, req.body.deadline),
    });
  },
};
