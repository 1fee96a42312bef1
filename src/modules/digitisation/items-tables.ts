import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

/**
 * Kysely types of the digitised-item tables (migrations/0024-digitised-items.sql). The
 * generated tsvector columns (`search_doc`, `meta_doc`) are left out: they are read only in SQL.
 */
export interface DigitisedItemTables {
  digitised_items: {
    id: Generated<string>;
    code: string;
    kind: 'component' | 'result' | 'legacy_result';
    unit_id: string;
    dossier_code: string | null;
    procedure_code: string | null;
    component_code: string | null;
    result_code: string | null;
    scan_id: string | null;
    upload_id: string | null;
    holder_identifier: string | null;
    holder_name: string | null;
    owner_citizen_id: string | null;
    metadata: Json;
    suggested: Json;
    confirmed_by: string | null;
    confirmed_at: Timestamp | null;
    text: Generated<string>;
    search_norm: string;
    meta_norm: string;
    created_by: string;
    created_at: Generated<Date>;
  };
  digitisation_counters: { unit_id: string; year: number; last: number };
  digitisation_exemptions: { dossier_code: string; component_code: string; reason: string; exempted_by: string; exempted_at: Generated<Date> };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends DigitisedItemTables {}
}
