import type { ColumnType } from 'kysely';

/** Kysely types of the national portal's own tables (migrations/0031-national-portal-published.sql). */
export interface NationalPortalTables {
  national_portal_published: { dossier_code: string; published_at: ColumnType<Date, Date | string, Date | string> };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends NationalPortalTables {}
}
