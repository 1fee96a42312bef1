import type { ColumnType, Generated } from 'kysely';

/** Kysely types of this module's tables (see migrations/0004_notifications.sql, 0016, 0021); the central DB interface extends them. */
export interface NotificationTables {
  notifications: NotificationsTable;
  citizen_notifications: CitizenNotificationsTable;
}

/** A citizen's in-portal inbox (migrations/0021-citizen-inbox.sql). */
export interface CitizenNotificationsTable {
  id: Generated<string>;
  citizen_id: string;
  event: string;
  event_key: string;
  dossier_code: string | null;
  data: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Date>;
  read_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface NotificationsTable {
  id: Generated<string>;
  event: string;
  channel: 'email' | 'sms' | 'zalo';
  lang: 'vi' | 'en';
  recipient: string;
  recipient_name: string;
  dossier_code: string | null;
  data: ColumnType<Record<string, unknown>, string, string>;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  status: Generated<'queued' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  provider_id: string | null;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The dossier's current receiving and handling units: who may read the row (migrations/0016_notification_scope.sql). */
  dossier_units: ColumnType<string[], string[] | undefined, string[]>;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends NotificationTables {}
}
