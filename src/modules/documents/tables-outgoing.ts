import type { ColumnType, Generated } from 'kysely';

type DateCol = ColumnType<string | null, string | null | undefined, string | null>;

/** Kysely types of migrations/0039-outgoing-documents.sql. */
export interface OutgoingDocumentTables {
  outgoing_documents: {
    id: Generated<string>;
    series_code: string;
    subject: string;
    summary: string | null;
    drafting_unit: string;
    drafter: string;
    drafter_name: string;
    signer_id: string;
    signer_username: string;
    signer_name: string;
    signer_position: string | null;
    due_date: DateCol;
    steering_type: number | null;
    priority: number | null;
    status: Generated<string>;
    version: Generated<number>;
    number: number | null;
    year: number | null;
    notation: string | null;
    document_id: string | null;
    promulgation_date: DateCol;
    released_at: Date | null;
    replaces_id: string | null;
    replaced_by_id: string | null;
    created_at: Generated<Date>;
  };
  outgoing_document_files: {
    document_id: string;
    seq: number;
    role: 'main' | 'signed' | 'sealed' | 'appendix';
    sha256: string;
    file_name: string;
    content_type: string;
    size: number;
    upload_id: string | null;
    current: Generated<boolean>;
    created_at: Generated<Date>;
  };
  outgoing_document_recipients: {
    document_id: string;
    seq: number;
    kind: 'external' | 'internal';
    organ_id: string | null;
    unit_id: string | null;
    name: string;
    recalled_at: Date | null;
  };
  outgoing_document_statuses: {
    document_id: string;
    organ_id: string;
    code: string;
    description: string;
    at: Date;
    received_at: Generated<Date>;
  };
  outgoing_document_history: {
    document_id: string;
    seq: number;
    action: string;
    actor: string;
    actor_name: string;
    at: Date;
    from_status: string | null;
    to_status: string;
    note: string | null;
    data: ColumnType<unknown, string | null, string | null>;
  };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends OutgoingDocumentTables {}
}
