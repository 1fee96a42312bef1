import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Module } from '../../platform/http/server.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Principal, StaffRole } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { ONE_FILE_FORM_MAX_BYTES, readMultipart, type MultipartSpec } from '../../platform/http/multipart.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import {
  applyArrangeOp,
  arrangedFromForm,
  partsOf,
  SCAN_URL,
  ScanArrangePage,
  ScanProgressPage,
  ScanUploadPage,
  scanUrl,
  type ArrangedPage,
  type ScanDossier,
} from '../pages/office/digitisation-scan.tsx';
import { idOfPath, ItemConfirmPage, itemUrl, valuesOf, type MetadataValues } from '../pages/office/digitisation-item.tsx';
import { DigitisedSearchPage, SEARCH_URL } from '../pages/office/digitisation-search.tsx';
import { getDossier } from '../../modules/dossiers/get-dossier.ts';
import { createScan, SCANNING_ROLES } from '../../modules/digitisation/create-scan.ts';
import { getScan } from '../../modules/digitisation/get-scan.ts';
import { acceptScan, scanSiblings } from '../../modules/digitisation/accept-scan.ts';
import { digitisationStatus } from '../../modules/digitisation/digitisation-status.ts';
import { getDigitisedItem, recordDigitisedItem } from '../../modules/digitisation/record-digitised-item.ts';
import { confirmMetadata } from '../../modules/digitisation/confirm-metadata.ts';
import { searchDigitised } from '../../modules/digitisation/search-digitised.ts';
import { describeFields, fieldsFor } from '../../modules/digitisation/metadata-fields.ts';
import { CONFIRMING_ROLES, type DigitisedItemView } from '../../modules/digitisation/schemas-items.ts';
import { SCAN_LIMITS, type ScanView } from '../../modules/digitisation/schemas-scans.ts';

const READERS: StaffRole[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];
const SCANNERS = [...SCANNING_ROLES];
const CONFIRMERS = [...CONFIRMING_ROLES];
const page = { hide: true } as const;
const Id = z.object({ id: z.string().max(64) });
const Code = z.object({ code: z.string().max(80) });

const holds = (p: Principal | null | undefined, roles: readonly string[]) => p?.kind === 'staff' && p.roles.some((r) => roles.includes(r.role));

/** The scanning form: files under `file` (the chooser and the camera), the dossier and the component it starts in. */
const UPLOAD_FORM: MultipartSpec = {
  files: ['file'],
  fields: ['hoSo', 'thanhPhan'],
  maxFiles: SCAN_LIMITS.maxFiles,
  maxFields: 2,
  maxFieldBytes: 200,
  maxFileBytes: UPLOAD_LIMITS.maxBytes,
  maxTotalBytes: ONE_FILE_FORM_MAX_BYTES,
};
const LIMITS = { files: SCAN_LIMITS.maxFiles, fileSize: UPLOAD_LIMITS.maxBytes, fields: 3, fieldSize: 200, parts: 60, headerPairs: 20 };

/** The dossier a scan is for, with its components to choose from (their digitisation names). */
async function scanDossier(ctx: Ctx, p: Principal, code: string): Promise<ScanDossier> {
  const [d, status] = await Promise.all([getDossier(ctx, code, p), digitisationStatus(ctx, code, p)]);
  return { code: d.code, procedureName: d.procedureName, components: status.components.map((c) => ({ code: c.code, name: c.name })) };
}

/** An error as one line for a page: its text, then what each detail says. */
const errorText = (req: FastifyRequest, e: AppError) =>
  [t(req, e.text.vi, e.text.en), ...(e.details ?? []).filter((d) => d.message).map((d) => t(req, d.message, d.messageEn))]
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(' — ');

export const digitisationPagesModule: Module = {
  name: 'digitisation-pages',
  async routes(app, ctx) {
    const uploadPage = async (
      req: FastifyRequest,
      reply: FastifyReply,
      hoSo: string | undefined,
      component: string | undefined,
      error?: { text: string; at: 'files' | 'hoSo' },
      status = 200,
    ) => {
      // A code typed on the form that names no dossier the official sees is asked for again, with the error beside it.
      let dossier: ScanDossier | null = null;
      if (hoSo && error?.at !== 'hoSo') {
        try {
          dossier = await scanDossier(ctx, req.principal!, hoSo);
        } catch (e) {
          if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
          error = { text: t(req, e.text.vi, e.text.en), at: 'hoSo' };
          status = 404;
        }
      }
      return sendPage(reply, ScanUploadPage({ req, dossier, component, error: error?.text, errorAt: error?.at, hoSo }), status);
    };

    app.get(
      SCAN_URL,
      {
        config: { access: SCANNERS },
        schema: { ...page, querystring: z.object({ hoSo: z.string().max(60).optional(), thanhPhan: z.string().max(100).optional() }) },
      },
      async (req, reply) => uploadPage(req, reply, req.query.hoSo?.trim() || undefined, req.query.thanhPhan),
    );

    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, { limits: LIMITS, throwFileSizeLimit: true });
      // The files become a draft: nothing is read until the officer has arranged the pages and accepted them.
      scope.post(
        SCAN_URL,
        { config: { access: SCANNERS, limit: 'verify' }, schema: { ...page, querystring: z.object({ _csrf: z.string().max(200).optional() }) } },
        async (req, reply) => {
          let hoSo: string | undefined;
          let component: string | undefined;
          try {
            await using form = await readMultipart(ctx, req, reply, UPLOAD_FORM);
            hoSo = form.fields.hoSo?.trim() || undefined;
            component = form.fields.thanhPhan?.trim() || undefined;
            const files = [];
            for (const f of form.files.filter((x) => x.size > 0 || x.fileName)) {
              const b = await readFile(f.path);
              files.push({ fileName: f.fileName, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
            }
            // The counter scans a dossier's papers; old results have their own import.
            if (!hoSo) return uploadPage(req, reply, undefined, component, { text: t(req, 'Nhập mã hồ sơ', 'Enter the dossier code'), at: 'hoSo' }, 400);
            const fields: Record<string, string> = { draft: 'true', dossierCode: hoSo };
            if (component) fields.componentCode = component;
            const r = await createScan(ctx, req.principal!, { files, fields });
            return reply.redirect(scanUrl(r.id), 303);
          } catch (e) {
            if (!(e instanceof AppError) || e.status === 403) throw e;
            if (e.status === 404) return uploadPage(req, reply, hoSo, component, { text: t(req, e.text.vi, e.text.en), at: 'hoSo' }, 404);
            return uploadPage(req, reply, hoSo, component, { text: errorText(req, e), at: 'files' }, e.status);
          }
        },
      );
    });

    const initialPages = (scan: ScanView): ArrangedPage[] =>
      Array.from({ length: scan.pageCount }, (_, i) => ({ page: i + 1, rotate: 0, component: scan.componentCode ?? '' }));

    const progressPage = async (req: FastifyRequest, reply: FastifyReply, id: string, error?: string, status = 200) => {
      const first = await getScan(ctx, req.principal!, id);
      const ids = await scanSiblings(ctx, first.id);
      const scans = await Promise.all(ids.map((x) => (x === first.id ? first : getScan(ctx, req.principal!, x))));
      const dossier = first.dossierCode ? await scanDossier(ctx, req.principal!, first.dossierCode) : null;
      return sendPage(reply, ScanProgressPage({ req, id: first.id, scans, dossier, canConfirm: holds(req.principal, CONFIRMERS), error }), status);
    };

    app.get(`${SCAN_URL}/:id`, { config: { access: READERS }, schema: { ...page, params: Id } }, async (req, reply) => {
      const scan = await getScan(ctx, req.principal!, req.params.id);
      if (scan.status !== 'draft') return progressPage(req, reply, scan.id);
      const dossier = scan.dossierCode ? await scanDossier(ctx, req.principal!, scan.dossierCode) : null;
      return sendPage(reply, ScanArrangePage({ req, scan, dossier, pages: initialPages(scan) }));
    });

    // Every button of the arrangement posts here: move, turn, remove (the page again, changed) or accept.
    app.post(`${SCAN_URL}/:id`, { config: { access: SCANNERS }, schema: { ...page, params: Id } }, async (req, reply) => {
      const scan = await getScan(ctx, req.principal!, req.params.id);
      if (scan.status !== 'draft') return reply.redirect(scanUrl(scan.id), 303);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const dossier = scan.dossierCode ? await scanDossier(ctx, req.principal!, scan.dossierCode) : null;
      let pages = arrangedFromForm(body, scan.pageCount);
      const op = typeof body.op === 'string' ? body.op : '';
      if (op === 'accept') {
        if (!pages.length) {
          const errors = [t(req, 'Không còn trang nào: hãy giữ lại ít nhất một trang', 'No page is left: keep at least one page')];
          return sendPage(reply, ScanArrangePage({ req, scan, dossier, pages, errors }), 400);
        }
        try {
          await acceptScan(ctx, req.principal!, scan.id, { parts: partsOf(pages) });
          return reply.redirect(scanUrl(scan.id), 303);
        } catch (e) {
          if (!(e instanceof AppError) || e.status === 404 || e.status === 403) throw e;
          return sendPage(reply, ScanArrangePage({ req, scan, dossier, pages, errors: [errorText(req, e)] }), e.status);
        }
      }
      pages = applyArrangeOp(pages, op);
      return sendPage(reply, ScanArrangePage({ req, scan, dossier, pages }));
    });

    // A read scan becomes a digitised item (the same item again if it already is one), then its metadata is confirmed.
    app.post(`${SCAN_URL}/:id/tai-lieu`, { config: { access: CONFIRMERS }, schema: { ...page, params: Id } }, async (req, reply) => {
      try {
        const { item } = await recordDigitisedItem(ctx, req.principal!, req.params.id);
        return reply.redirect(itemUrl(item.code), 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status === 404 || e.status === 403) throw e;
        return progressPage(req, reply, req.params.id, errorText(req, e), e.status);
      }
    });

    /** The OCR text of the item's scan; empty when the official sees the item through its dossier but not the scan's unit. */
    const scanText = async (req: FastifyRequest, item: DigitisedItemView) => {
      if (!item.scanId) return '';
      try {
        return (await getScan(ctx, req.principal!, item.scanId)).text;
      } catch (e) {
        if (e instanceof AppError && e.code === 'NOT_FOUND') return '';
        throw e;
      }
    };
    /** The fields of the type chosen on the form (the item's own component decides its extras). */
    const fieldsOf = async (req: FastifyRequest, item: DigitisedItemView, documentType: string) => {
      const procedureCode = item.dossierCode ? (await getDossier(ctx, item.dossierCode, req.principal!)).procedureCode : null;
      return describeFields(fieldsFor({ procedureCode, componentCode: item.componentCode, documentType: documentType || item.metadata.documentType }));
    };

    app.get(
      '/can-bo/so-hoa/tai-lieu/:code',
      { config: { access: READERS }, schema: { ...page, params: Code, querystring: z.object({ xong: z.string().max(4).optional() }) } },
      async (req, reply) => {
        const item = await getDigitisedItem(ctx, req.principal!, req.params.code);
        return sendPage(
          reply,
          ItemConfirmPage({
            req,
            item,
            fields: item.fields,
            values: valuesOf(item),
            text: await scanText(req, item),
            canConfirm: holds(req.principal, CONFIRMERS),
            confirmed: req.query.xong === '1' && item.confirmed,
          }),
        );
      },
    );

    app.post('/can-bo/so-hoa/tai-lieu/:code', { config: { access: CONFIRMERS }, schema: { ...page, params: Code } }, async (req, reply) => {
      const item = await getDigitisedItem(ctx, req.principal!, req.params.code);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values: MetadataValues = { common: {}, extra: {} };
      for (const [k, v] of Object.entries(body)) {
        if (typeof v !== 'string') continue;
        if (k.startsWith('m.')) values.common[k.slice(2)] = v.slice(0, 4000);
        if (k.startsWith('x.')) values.extra[k.slice(2)] = v.slice(0, 4000);
      }
      const fields = await fieldsOf(req, item, values.common.documentType ?? '');
      const show = async (errors: Record<string, string>, status: number) =>
        sendPage(reply, ItemConfirmPage({ req, item, fields, values, text: await scanText(req, item), errors, canConfirm: true }), status);
      if (body.op === 'type') return show({}, 200);
      const blank = (v: string | undefined) => (v?.trim() ? v : null);
      const metadata = {
        ...Object.fromEntries(Object.entries(values.common).map(([k, v]) => [k, blank(v)])),
        extra: Object.fromEntries(Object.entries(values.extra).map(([k, v]) => [k, blank(v)])),
      };
      try {
        const confirmed = await confirmMetadata(ctx, req.principal!, item.code, metadata);
        return reply.redirect(`${itemUrl(confirmed.code)}?xong=1`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'VALIDATION_FAILED') throw e;
        const errors: Record<string, string> = {};
        for (const d of e.details ?? []) errors[idOfPath(d.path)] ??= t(req, d.message, d.messageEn);
        if (!Object.keys(errors).length) errors[idOfPath('documentName')] = t(req, e.text.vi, e.text.en);
        return show(errors, 400);
      }
    });

    app.get(
      SEARCH_URL,
      {
        config: { access: READERS },
        schema: { ...page, querystring: z.object({ q: z.string().max(200).default(''), page: z.coerce.number().int().min(1).max(50).default(1) }) },
      },
      async (req, reply) => {
        const result = await onReplica(ctx, (c) => searchDigitised(c, req.principal!, { q: req.query.q, page: req.query.page, pageSize: 20 }));
        return sendPage(reply, DigitisedSearchPage({ req, q: req.query.q, result }));
      },
    );
  },
};
