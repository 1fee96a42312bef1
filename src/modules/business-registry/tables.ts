import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Kysely types of the registry's cache (migrations/0034-business-registry.sql). */
export interface BusinessRegistryTables {
  business_registry_cache: {
    tax_code: string;
    /** The business as we keep it (contract.ts `Business`), null for a code the registry does not know. */
    business: ColumnType<unknown, string | null, string | null>;
    fetched_at: Timestamp;
    expires_at: Timestamp;
  };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends BusinessRegistryTables {}
}
