import type { ColumnType, Generated } from 'kysely';

/** Kysely types of migrations/0042-document-files.sql: the documents' search index and work files. */
export interface DocumentFilesTables {
  document_search: DocumentSearchTable;
  document_files: DocumentFilesTable;
  document_file_items: DocumentFileItemsTable;
}

export type IndexedKind = 'incoming' | 'outgoing';

export interface DocumentSearchTable {
  kind: IndexedKind;
  id: string;
  unit_id: string;
  number_notation: string | null;
  subject: string;
  organ: string | null;
  /** A calendar day, 'YYYY-MM-DD'. */
  doc_date: string | null;
  status: string | null;
  text: Generated<string>;
  meta_norm: string;
  search_norm: string;
  updated_at: Generated<Date>;
}

export interface DocumentFilesTable {
  id: Generated<string>;
  unit_id: string;
  code: string;
  title: string;
  year: number;
  retention_years: number | null;
  responsible_id: string;
  status: Generated<'open' | 'closed'>;
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** A calendar day, 'YYYY-MM-DD'. */
  transfer_due: string;
  version: Generated<number>;
  created_by: string;
  created_at: Generated<Date>;
}

export interface DocumentFileItemsTable {
  file_id: string;
  kind: IndexedKind;
  doc_id: string;
  added_by: string;
  added_at: Generated<Date>;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends DocumentFilesTables {}
}
