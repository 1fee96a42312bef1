import type { ColumnType } from 'kysely';
import type { OfficePeriod } from './office-hours.ts';

/** Kysely types of this module's tables (see migrations/0002_calendar.sql); the central DB interface extends them. */
export interface CalendarTables {
  calendar_years: CalendarYearsTable;
  calendar_office_hours: CalendarOfficeHoursTable;
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

/**
 * An agency's office hours (migrations/0043-office-hours.sql): one row per unit code, '*' for the
 * default of every unit without its own. `periods` is written as JSON text.
 */
export interface CalendarOfficeHoursTable {
  unit_code: string;
  periods: ColumnType<OfficePeriod[], string, string>;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends CalendarTables {}
}
