import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Grant } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { PdfResponse, sendPdf } from '../../platform/http/pdf-reply.ts';
import { getDigitisedItem, getDigitisedItemFile, recordDigitisedItem } from './record-digitised-item.ts';
import { confirmMetadata } from './confirm-metadata.ts';
import { digitisationStatus, exemptComponent } from './digitisation-status.ts';
import { searchDigitised } from './search-digitised.ts';
import {
  CONFIRMING_ROLES,
  ConfirmInput,
  DigitisationStatusView,
  DigitisedItemView,
  ExemptInput,
  ItemCode,
  RecordItemInput,
  SearchQuery,
  SearchResult,
} from './schemas-items.ts';

/** Every official who works with dossiers reads what their units digitised (and what is beneath them). */
const OFFICIALS: readonly Grant[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];
const DossierCode = z.object({ code: z.string().max(80) });

export const digitisationItemsModule: Module = {
  name: 'digitisation-items',
  async routes(app, ctx) {
    app.get('/api/v1/digitisation/search', {
      config: { access: [...OFFICIALS, 'citizen'] },
      schema: {
        tags: ['digitisation'],
        summary: 'Search what was digitised (OCR text and metadata): officials within their units, citizens and businesses in their own repository',
        description:
          'Case, diacritics and đ/d do not matter. Items matching more of the words come first, then metadata matches. Each hit has a snippet ' +
          'of the text around the first match with the offsets of every match (UTF-16, into snippet.text) and the same marked with «…». ' +
          'An empty q lists the newest items.',
        querystring: SearchQuery,
        response: { 200: SearchResult, 400: ErrorBody },
      },
      handler: async (req) => onReplica(ctx, (c) => searchDigitised(c, req.principal!, req.query)),
    });

    app.post('/api/v1/digitisation/items', {
      config: { access: CONFIRMING_ROLES },
      schema: {
        tags: ['digitisation'],
        summary: "Make a digitised item of a finished scan of a dossier's paper component: its code, holder and metadata suggested from the text",
        description: 'Answers 201 with the item; the same scan again answers 200 with the item already made. 409 SCAN_NOT_READY until the scan is read.',
        body: RecordItemInput,
        response: { 201: DigitisedItemView, 200: DigitisedItemView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        const { item, created } = await recordDigitisedItem(ctx, req.principal!, req.body.scanId);
        reply.code(created ? 201 : 200).header('location', `/api/v1/digitisation/items/${encodeURIComponent(item.code)}`);
        return item;
      },
    });

    app.get('/api/v1/digitisation/items/:code', {
      config: { access: [...OFFICIALS, 'citizen'] },
      schema: {
        tags: ['digitisation'],
        summary: 'A digitised item: its metadata (suggested or confirmed), the fields its form shows, and what each suggestion was read from',
        params: ItemCode,
        response: { 200: DigitisedItemView, 404: ErrorBody },
      },
      handler: async (req) => getDigitisedItem(ctx, req.principal!, req.params.code),
    });

    app.get('/api/v1/digitisation/items/:code/pdf', {
      config: { access: [...OFFICIALS, 'citizen'] },
      schema: {
        tags: ['digitisation'],
        summary: "The digitised item's searchable PDF/A (its holder, or the officials who see it)",
        params: ItemCode,
        response: { 200: PdfResponse, 404: ErrorBody },
      },
      handler: async (req, reply) => sendPdf(reply, await getDigitisedItemFile(ctx, req.principal!, req.params.code)),
    });

    app.put('/api/v1/digitisation/items/:code/confirm', {
      config: { access: CONFIRMING_ROLES },
      schema: {
        tags: ['digitisation'],
        summary: "Confirm a digitised item's metadata (as corrected by the officer); errors name each field by its label",
        params: ItemCode,
        body: ConfirmInput,
        response: { 200: DigitisedItemView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => confirmMetadata(ctx, req.principal!, req.params.code, req.body.metadata),
    });

    app.get('/api/v1/dossiers/:code/digitisation', {
      config: { access: [...OFFICIALS, 'citizen'] },
      schema: {
        tags: ['digitisation'],
        summary: 'Whether a dossier is digitised: each paper component (digitised, pending, not required), the result, and the dossier',
        params: DossierCode,
        response: { 200: DigitisationStatusView, 404: ErrorBody },
      },
      handler: async (req) => digitisationStatus(ctx, req.params.code, req.principal!),
    });

    app.post('/api/v1/dossiers/:code/digitisation/exemptions', {
      config: { access: CONFIRMING_ROLES },
      schema: {
        tags: ['digitisation'],
        summary: 'Mark a paper component "not required" to digitise, with the reason; answers the dossier\'s digitisation status',
        params: DossierCode,
        body: ExemptInput,
        response: { 200: DigitisationStatusView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => exemptComponent(ctx, req.principal!, req.params.code, req.body.componentCode, req.body.reason),
    });
  },
};
