import type { ColumnType, Generated } from 'kysely';

type Json<T = unknown> = ColumnType<T, string | null | undefined, string | null>;

/** Kysely types of the legacy-import and campaign tables (migrations/0026-legacy-results.sql). */
export interface LegacyTables {
  legacy_batches: {
    id: Generated<string>;
    unit_id: string;
    created_by: string;
    created_by_id: string;
    source: 'zip' | 'folder' | 'single';
    total: number;
    status: Generated<'running' | 'done'>;
    created_at: Generated<Date>;
    finished_at: ColumnType<Date | null, Date | undefined, Date>;
  };
  legacy_batch_rows: {
    batch_id: string;
    line: number;
    file_name: string;
    holder_identifier: string | null;
    holder_name: string | null;
    metadata: ColumnType<unknown, string, string>;
    complete: Generated<boolean>;
    status: 'rejected' | 'ocr' | 'done' | 'failed';
    errors: Json;
    scan_id: string | null;
    item_code: string | null;
    result_code: string | null;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  digitisation_campaign: {
    id: Generated<boolean>;
    deadline: ColumnType<string, string, string>;
    set_by: string;
    set_at: ColumnType<Date, Date | undefined, Date>;
  };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends LegacyTables {}
}
