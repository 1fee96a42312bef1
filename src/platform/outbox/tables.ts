import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the integration tables (migrations/0030-integrations.sql); the central DB interface extends them. */
export interface OutboxTables {
  outbox_messages: OutboxMessagesTable;
  integration_adapters: IntegrationAdaptersTable;
  integration_calls: IntegrationCallsTable;
}

type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string, string>;

export interface OutboxMessagesTable {
  id: Generated<string>;
  adapter: string;
  key: string;
  dedupe: string;
  kind: string;
  payload: Json;
  status: Generated<'pending' | 'sent' | 'dead'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  claimed_until: Timestamp;
  last_error: string | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  sent_at: Timestamp;
  dead_at: Timestamp;
}

export interface IntegrationAdaptersTable {
  name: string;
  paused: Generated<boolean>;
  paused_by: string | null;
  paused_at: Timestamp;
  last_success_at: Timestamp;
  last_failure_at: Timestamp;
  last_error: string | null;
}

export interface IntegrationCallsTable {
  hour: ColumnType<Date, Date | string, Date | string>;
  adapter: string;
  ok: Generated<number>;
  failed: Generated<number>;
  ms_total: ColumnType<string, number | string | undefined, number | string>;
}
