import type { ColumnType, Generated } from 'kysely';
import type { PostalState, TrackedState } from './contract.ts';

/** Kysely types of the postal tables (migrations/0033-postal.sql); the central DB interface extends them. */
export interface PostalTables {
  postal_orders: PostalOrdersTable;
  postal_events: PostalEventsTable;
}

type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string, string>;

export interface PostalOrdersTable {
  id: Generated<string>;
  dossier_code: string;
  purpose: 'pickup' | 'delivery';
  order_number: string;
  item_code: string | null;
  state: PostalState;
  fee: number;
  sender: Json;
  receiver: Json;
  created_at: Generated<Date>;
  ordered_at: Timestamp;
  updated_at: Generated<Date>;
  polled_at: Timestamp;
}

export interface PostalEventsTable {
  order_id: string;
  event_time: ColumnType<Date, Date | string, Date | string>;
  status_code: string;
  state: TrackedState | null;
  status_message: Generated<string>;
  pos_id: string | null;
  item_code: string | null;
  notes: string | null;
  received_at: Generated<Date>;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends PostalTables {}
}
