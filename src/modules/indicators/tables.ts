import type { ColumnType } from 'kysely';
import type { Counter } from './indicator-definitions.ts';

type Counts = { [K in Counter]: ColumnType<number, number | undefined, number> };
type Day = ColumnType<string, string, string>;

/** Kysely types of the service index's counts (migrations/0028-indicators.sql). */
export interface IndicatorTables {
  indicator_days: Counts & { unit_id: string; procedure_code: string; day: Day };
  indicator_unit_days: Counts & { unit_id: string; day: Day };
  indicator_totals: {
    unit_id: string;
    procedure_code: string;
    open_total: ColumnType<number, number | undefined, number>;
    overdue_total: ColumnType<number, number | undefined, number>;
  };
  indicator_unit_totals: {
    unit_id: string;
    open_total: ColumnType<number, number | undefined, number>;
    overdue_total: ColumnType<number, number | undefined, number>;
  };
  indicator_dossiers: { dossier_code: string; unit_id: string; procedure_code: string; entries: ColumnType<unknown, string, string> };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends IndicatorTables {}
}
