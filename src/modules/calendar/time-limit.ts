/**
 * A procedure's time limit as congso counts it. Limits in days end at the end of their last
 * day (a result returned any time that day is on time, as the receipt slip's date promises);
 * limits in working hours and same-day limits end at a moment inside office hours.
 */
export type TimeLimit =
  | { unit: 'WORKING_DAY'; n: number }
  | { unit: 'DAY'; n: number }
  | { unit: 'WORKING_HOUR'; n: number }
  /**
   * Same working day when received before the cut-off ('HH:MM'), else the next working day;
   * without a cut-off, same day whenever received in office hours.
   */
  | { unit: 'SAME_DAY'; cutoff?: string };

export type TimeUnit = TimeLimit['unit'];

/** Whether a limit ends at a time of day worth showing (hours, same day), not just at a date. */
export const countsHours = (unit: TimeUnit | string | null | undefined) => unit === 'WORKING_HOUR' || unit === 'SAME_DAY';
