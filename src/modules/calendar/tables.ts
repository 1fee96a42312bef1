import type { ColumnType } from 'kysely';

/** Kysely types of this module's tables (see migrations/0002_calendar.sql); the central DB interface extends them. */
export interface CalendarTables {
  calendar_years: CalendarYearsTable;
}

/**
 * A year's official working schedule, entered by an administrator. Read the date arrays
 * as text (`days_off::text[]`): node-postgres would turn `date` values into local-time
 * JavaScript Dates, which shift a day under some server time zones.
 */
export interface CalendarYearsTable {
  year: number;
  days_off: ColumnType<string[], string[], string[]>;
  make_up_working_days: ColumnType<string[], string[], string[]>;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends CalendarTables {}
}
