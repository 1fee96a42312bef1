import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the result tables (migrations/0007_results.sql). */
export interface ResultTables {
  results: {
    id: Generated<string>;
    result_code: string;
    /** Null only for a legacy result (kind 'legacy'): it came from no dossier, and old papers name no procedure (0026). */
    dossier_code: string | null;
    procedure_code: string | null;
    document_name: string;
    kind: string;
    number: string;
    issuer_unit: string;
    issuer_name: string;
    holder_name: string;
    holder_identifier: string;
    owner_citizen_id: string | null;
    sha256: string;
    size: number;
    status: Generated<string>;
    replaced_by: string | null;
    issued_at: Generated<Date>;
    issued_by: string;
    /** Legacy results (migrations/0026-legacy-results.sql): the paper's own dates, YYYY-MM-DD, and the digitised item. */
    original_issue_date: ColumnType<string | null, string | null | undefined, string | null>;
    valid_until: ColumnType<string | null, string | null | undefined, string | null>;
    digitised_item_code: string | null;
  };
  result_events: { id: Generated<number>; result_id: string; event: string; reason: string | null; actor: string; at: Generated<Date> };
  result_counters: { unit_id: string; year: number; last: number };
  /** migrations/0017_share_links.sql */
  share_links: { id: Generated<string>; result_code: string; owner_citizen_id: string; created_at: Generated<Date>; expires_at: Date; revoked_at: Date | null };
  /** migrations/0009_result_drafts.sql */
  result_drafts: {
    dossier_code: string;
    kind: string;
    document_name: string;
    content: ColumnType<unknown, string, string>;
    updated_by: string;
    updated_at: Generated<Date>;
  };
  /** migrations/0037-demo-signing-keys.sql: demo mode's test CA and keys, one PKCS#12 per id ('ca', 'person-…', 'org-…'). */
  demo_signing_keys: { id: string; p12: Uint8Array; created_at: Generated<Date> };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends ResultTables {}
}
