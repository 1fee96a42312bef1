import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the scan tables (migrations/0023-digitisation-scans.sql); the central DB interface extends them. */
export interface ScanTables {
  scans: ScansTable;
  scan_pages: ScanPagesTable;
}

export type ScanStatus = 'draft' | 'queued' | 'processing' | 'done' | 'failed';
export type ScanPurpose = 'component' | 'legacy_result';
/** A failure as stored: the error code and its text in both languages. */
export interface StoredError {
  code: string;
  vi: string;
  en: string;
}

type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface ScansTable {
  id: Generated<string>;
  unit_id: string;
  created_by: string;
  purpose: ScanPurpose;
  dossier_code: string | null;
  component_code: string | null;
  status: Generated<ScanStatus>;
  progress: Generated<number>;
  page_count: number;
  source_upload_id: string;
  output_upload_id: string | null;
  error: ColumnType<StoredError | null, string | null | undefined, string | null>;
  idempotency_key: string | null;
  idempotency_hash: string | null;
  created_at: Generated<Date>;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export interface ScanPagesTable {
  scan_id: string;
  page: number;
  text: string;
  error: ColumnType<{ vi: string; en: string } | null, string | null | undefined, string | null>;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends ScanTables {}
}
