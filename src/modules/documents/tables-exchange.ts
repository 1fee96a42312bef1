import type { ColumnType, Generated } from 'kysely';

/** Kysely types of migrations/0041-edxml-exchange.sql. */
export interface ExchangeTables {
  edxml_deliveries: EdxmlDeliveriesTable;
  edxml_received: EdxmlReceivedTable;
  edxml_signing_keys: EdxmlSigningKeysTable;
}

type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type DeliveryState = 'pending' | 'sent' | 'failed' | 'dead';

export interface EdxmlDeliveriesTable {
  message_id: string;
  organ_id: string;
  document_id: string;
  kind: 'document' | 'status';
  status_code: string | null;
  blob: string;
  state: Generated<DeliveryState>;
  attempts: Generated<number>;
  last_error: string | null;
  axis_id: string | null;
  created_at: Generated<Date>;
  sent_at: Timestamp;
}

export interface EdxmlReceivedTable {
  sha256: string;
  via: 'axis' | 'inbox';
  kind: 'document' | 'status';
  sender: string;
  document_id: string;
  status_code: string | null;
  incoming_id: string | null;
  received_at: Generated<Date>;
}

export interface EdxmlSigningKeysTable {
  organ_id: string;
  p12: Buffer;
  created_at: Generated<Date>;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends ExchangeTables {}
}
