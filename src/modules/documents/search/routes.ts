import type { Module } from '../../../platform/http/server.ts';
import { ErrorBody } from '../../../platform/http/schemas.ts';
import { onReplica } from '../../../platform/db/replica.ts';
import { FILE_READERS } from '../files/schemas.ts';
import { searchDocuments } from './search-documents.ts';
import { DocumentSearchQuery, DocumentSearchResult } from './schemas.ts';

export const documentSearchModule: Module = {
  name: 'document-search',
  async routes(app, ctx) {
    app.get('/api/v1/documents/search', {
      config: { access: FILE_READERS },
      schema: {
        tags: ['documents'],
        summary: 'Search official documents (incoming and outgoing): number and notation, subject, agency, summary and OCR text',
        description:
          'Case, diacritics and đ/d do not matter. Documents of the units the official holds a role in and those beneath. Documents matching ' +
          'more of the words come first, then those whose metadata holds the whole query. Each hit has a snippet around its first match with ' +
          'the offsets of every match (UTF-16, into snippet.text). An empty q lists the newest documents.',
        querystring: DocumentSearchQuery,
        response: { 200: DocumentSearchResult, 400: ErrorBody },
      },
      handler: async (req) => onReplica(ctx, (c) => searchDocuments(c, req.principal!, req.query)),
    });
  },
};
