import type { ColumnType, Generated } from 'kysely';

/** Kysely types of migrations/0040-incoming-documents.sql. */
export interface IncomingDocumentTables {
  incoming_documents: IncomingDocumentsTable;
  incoming_document_files: IncomingDocumentFilesTable;
  incoming_document_history: IncomingDocumentHistoryTable;
}

export type IncomingChannel = 'axis' | 'inbox' | 'paper' | 'email';
export type IncomingStatus = 'arrived' | 'refused' | 'awaiting_direction' | 'directed' | 'in_progress' | 'done' | 'recalled';

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DateColumn = ColumnType<string | null, string | null | undefined, string | null>;

export interface IncomingDocumentsTable {
  id: Generated<string>;
  channel: IncomingChannel;
  receiving_unit: string;
  directing_unit: string | null;
  status: IncomingStatus;
  version: Generated<number>;
  sender_organ_id: string | null;
  sender_name: string;
  document_id: string | null;
  business_type: Generated<number>;
  code_number: string | null;
  code_notation: string | null;
  subject: string;
  summary: string | null;
  promulgation_place: string | null;
  promulgation_date: DateColumn;
  document_type: string | null;
  signer: string | null;
  due_date: DateColumn;
  steering_type: number | null;
  priority: number | null;
  response_for: ColumnType<unknown[], string | undefined, string>;
  related_id: string | null;
  superseded_by: string | null;
  signature: NullableJson<unknown>;
  raw_blob: string | null;
  email_from: string | null;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  incoming_year: number | null;
  incoming_number: number | null;
  registered_at: Timestamp;
  directed_by: string | null;
  handler_id: string | null;
  co_handler_ids: ColumnType<string[], string[] | undefined, string[]>;
  instructions: string | null;
  deadline: DateColumn;
  first_progress_at: Timestamp;
  completed_at: Timestamp;
  recall_pending: Generated<boolean>;
  recall_reason: string | null;
  ocr_status: Generated<'none' | 'queued' | 'done' | 'failed'>;
  ocr_text: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface IncomingDocumentFilesTable {
  incoming_id: string;
  n: number;
  name: string;
  content_type: string;
  size: ColumnType<number, number, number>;
  sha256: string;
}

export interface IncomingDocumentHistoryTable {
  incoming_id: string;
  seq: number;
  action: string;
  at: ColumnType<Date, Date | string | undefined, Date | string>;
  actor: string;
  actor_name: string;
  from_status: string | null;
  to_status: string;
  status_code: string | null;
  note: string | null;
  data: Json<Record<string, unknown>>;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends IncomingDocumentTables {}
}
