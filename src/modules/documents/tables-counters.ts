/** Kysely types of migrations/0038-document-registers.sql. */
export interface DocumentCounterTables {
  document_counters: { register: string; year: number; last: number };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends DocumentCounterTables {}
}
