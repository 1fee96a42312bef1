import { z } from 'zod';

export const DocumentKind = z.enum(['incoming', 'outgoing']);

export const DocumentSearchQuery = z.object({
  q: z.string().max(200).default(''),
  kind: DocumentKind.optional(),
  year: z.coerce.number().int().min(2000).max(2200).optional(),
  page: z.coerce.number().int().min(1).max(50).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export type DocumentSearchQuery = z.input<typeof DocumentSearchQuery>;

const Snippet = z.object({
  from: z.enum(['text', 'metadata']).describe('Where the words were found: the summary and OCR text, or the number, subject and agency'),
  text: z.string().describe('As written, diacritics kept; "…" where cut'),
  highlights: z.array(z.object({ start: z.number().int(), end: z.number().int() })).describe('[start, end) UTF-16 offsets of each match in text'),
});

/** What the index holds of a document: a search hit and a row of a work file's table of documents. */
export const IndexedDocumentView = z.object({
  kind: DocumentKind,
  id: z.string(),
  unitId: z.string(),
  numberNotation: z.string().nullable().describe('"05/QĐ-BCT"'),
  subject: z.string(),
  organ: z.string().nullable().describe('The issuing (incoming) or signing (outgoing) agency'),
  date: z.string().nullable().describe('Promulgation date, YYYY-MM-DD'),
  status: z.string().nullable(),
});
export type IndexedDocumentView = z.infer<typeof IndexedDocumentView>;

export const DocumentHit = IndexedDocumentView.extend({
  matchedWords: z.number().int().describe('How many of the query words it contains'),
  snippet: Snippet.nullable(),
});
export type DocumentHit = z.infer<typeof DocumentHit>;

export const DocumentSearchResult = z.object({
  items: z.array(DocumentHit),
  total: z.number().int(),
  totalCapped: z.boolean().describe('More matched than total says (counting stops at 1000)'),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type DocumentSearchResult = z.infer<typeof DocumentSearchResult>;
