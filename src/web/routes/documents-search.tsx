import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { sendPage } from '../render.tsx';
import { DOC_SEARCH_URL, DocumentSearchPage } from '../pages/office/documents-search.tsx';
import { searchDocuments } from '../../modules/documents/search/search-documents.ts';
import { FILE_READERS } from '../../modules/documents/files/schemas.ts';

/** A year typed on the form: ignored unless it is one. */
const Year = z.preprocess((v) => (typeof v === 'string' && /^\d{4}$/.test(v.trim()) ? Number(v) : undefined), z.number().int().min(2000).max(2200).optional());

export const SearchPageQuery = z.object({
  q: z.string().max(200).default(''),
  loai: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['incoming', 'outgoing']).optional()),
  nam: Year,
  page: z.coerce.number().int().min(1).max(50).default(1),
});

export const documentSearchPagesModule: Module = {
  name: 'document-search-pages',
  async routes(app, ctx) {
    app.get(DOC_SEARCH_URL, { config: { access: FILE_READERS }, schema: { hide: true, querystring: SearchPageQuery } }, async (req, reply) => {
      const form = { q: req.query.q, kind: req.query.loai, year: req.query.nam };
      const result = await onReplica(ctx, (c) => searchDocuments(c, req.principal!, { ...form, page: req.query.page, pageSize: 20 }));
      return sendPage(reply, DocumentSearchPage({ req, form, result }));
    });
  },
};
