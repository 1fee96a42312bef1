import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the analytics tables (migrations/0029-analytics.sql); the central DB interface extends them. */
export interface AnalyticsTables {
  analytics_days: AnalyticsDaysTable;
}

export type UsageKind = 'page_view' | 'service_view' | 'funnel' | 'eform_step' | 'bot_hit' | 'emc_sent';
export type DeviceClass = 'mobile' | 'tablet' | 'desktop' | 'bot' | 'unknown';

export interface AnalyticsDaysTable {
  /** `YYYY-MM-DD`, the Vietnam day. */
  day: ColumnType<string, string, string>;
  kind: UsageKind;
  key: string;
  device: DeviceClass;
  slot: Generated<number>;
  count: number;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends AnalyticsTables {}
}
