import type { ColumnType, Generated } from 'kysely';
import type { BlobTables } from '../blobs/tables.ts';
import type { OutboxTables } from '../outbox/tables.ts';

/** Typed view of the tables in migrations/. Keep in step with the SQL. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface OrgUnitsTable {
  id: string;
  parent_id: string | null;
  kind: 'ministry' | 'department' | 'unit';
  name: string;
  name_en: string | null;
  created_at: Generated<Date>;
}

export interface StaffTable {
  id: Generated<string>;
  username: string;
  full_name: string;
  email: string | null;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: number | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  /** Set by an administrator's credential reset; the official's sessions reach only the change-password page. */
  must_change_password: Generated<boolean>;
  password_changed_at: Date | null;
  /** A TOTP secret shown for enrolment, not yet confirmed by a code. */
  totp_pending_secret: string | null;
}

export interface StaffRolesTable {
  staff_id: string;
  unit_id: string;
  role: string;
}

export interface SignInFailuresTable {
  username: string;
  failures: number;
  locked_until: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface CitizensTable {
  id: Generated<string>;
  issuer: string;
  subject: string;
  kind: 'citizen' | 'business';
  full_name: string;
  identifier: string | null;
  email: string | null;
  phone: string | null;
  /** One-line postal address from the SSO's `address` claim (migrations/0021-citizen-inbox.sql). */
  address: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  last_login_at: Timestamp | null;
}

export interface ServiceAccountsTable {
  client_id: string;
  name: string;
  secret_hash: string;
  scopes: string[];
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  id_hash: string;
  principal: Json | null;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface AuditLogTable {
  id: number;
  at: Timestamp;
  actor: string;
  action: string;
  target: string | null;
  data: Json<Record<string, unknown>>;
  chain: Generated<number>;
  prev_hash: string;
  hash: string;
}

export interface ProceduresTable {
  code: string;
  created_at: Generated<Date>;
}

export interface ProcedureVersionsTable {
  id: Generated<number>;
  procedure_code: string;
  version: number;
  effective_from: Timestamp;
  effective_to: Timestamp | null;
  name: string;
  field: string;
  agency_code: string | null;
  level: 'full' | 'partial';
  name_norm: string;
  search_norm: string;
  search_doc: Generated<string>;
  summary: Json<ProcedureSummaryColumn>;
  content_hash: string;
  created_at: Generated<Date>;
}

export interface ProcedureSummaryColumn {
  agencyName: string | null;
  processingTime: number | null;
  processingTimeUnit: string | null;
  feeFrom: number | null;
}

export interface ProcedureDocumentsTable {
  version_id: number;
  data: Json;
  raw: Json;
}

/**
 * Every table. Modules that own tables declare them in their own tables.ts and merge them
 * into this interface there (`declare module '…/platform/db/schema.ts'`), so the platform
 * imports no module.
 */
export interface DB extends BlobTables, OutboxTables {
  org_units: OrgUnitsTable;
  staff: StaffTable;
  staff_roles: StaffRolesTable;
  citizens: CitizensTable;
  service_accounts: ServiceAccountsTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  audit_log: AuditLogTable;
  procedures: ProceduresTable;
  procedure_versions: ProcedureVersionsTable;
  procedure_documents: ProcedureDocumentsTable;
  catalog_words: { word: string };
}
