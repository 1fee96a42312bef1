import type { Generated } from 'kysely';

/** Kysely types of the upload tables (migrations/0003_uploads.sql); the central DB interface extends them. */
export interface BlobTables {
  uploads: UploadsTable;
}

/** One uploaded file: who uploaded it under which name; the bytes are the blob `sha256`. */
export interface UploadsTable {
  id: Generated<string>;
  sha256: string;
  size: number;
  content_type: string;
  kind: 'pdf' | 'jpeg' | 'png' | 'docx' | 'xlsx';
  file_name: string;
  /** actorOf(principal): `citizen:<id>`, `staff:<username>` or `service:<clientId>`. */
  owner: string;
  /** migrations/0008: the result code this upload was taken from, when reused from the e-data repository. */
  reused_from: string | null;
  created_at: Generated<Date>;
}
