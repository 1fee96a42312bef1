/**
 * Small counts are never published: a count from 1 to 4 of dossiers of one procedure at one unit
 * in one month could point at the few people who filed them. Such a count is published as null
 * (an empty cell in CSV); 0 stays 0, since it says nobody filed. The same rule holds for every
 * figure of the public statistics page and the open data.
 */
export const SMALL_COUNT = 5;

export const SUPPRESSION_RULE = {
  vi:
    'Số liệu nhỏ được ẩn để không ai bị nhận diện: số từ 1 đến 4 được để trống (null trong JSON, ô trống trong CSV). ' +
    'Số hồ sơ đã giải quyết cũng được để trống khi số đúng hạn hoặc quá hạn bị ẩn (vì đã giải quyết = đúng hạn + quá hạn), ' +
    'và một tỷ lệ chỉ được công bố khi cả tử số, mẫu số và phần còn lại đều bằng 0 hoặc từ 5 trở lên.',
  en:
    'Small counts are hidden so that nobody can be singled out: counts from 1 to 4 are left empty (null in JSON, an empty cell in CSV). ' +
    'The number processed is left empty too when the number on time or late is hidden (processed = on time + late), ' +
    'and a share is published only when its numerator, its denominator and the rest are each 0 or at least 5.',
} as const;

/** Whether a count must not be published. */
export const isSmall = (n: number) => n > 0 && n < SMALL_COUNT;

/** A count as published: null when it is from 1 to 4. */
export const hideSmall = (n: number): number | null => (isSmall(n) ? null : n);

/**
 * A share in percent (one decimal) of `part` in `whole`, or null when it would let a small count
 * be worked out: the part, the whole or the rest (whole − part) from 1 to 4, or no whole at all.
 */
export function publishableShare(part: number, whole: number): number | null {
  if (whole <= 0 || isSmall(part) || isSmall(whole) || isSmall(whole - part)) return null;
  return Math.round((part / whole) * 1000) / 10;
}

/** The counts of dossiers the statistics publish, raw. */
export interface RawFigures {
  received: number;
  receivedOnline: number;
  processed: number;
  onTime: number;
  late: number;
  inProgress: number;
}

/** The same as published: small counts hidden, `suppressed` when any was. */
export interface PublishedFigures {
  received: number | null;
  receivedOnline: number | null;
  processed: number | null;
  onTime: number | null;
  late: number | null;
  inProgress: number | null;
  suppressed: boolean;
}

/** Hides the small counts of one row; `processed` too when on time or late is hidden, since it is their sum. */
export function publishFigures(f: RawFigures): PublishedFigures {
  const onTime = hideSmall(f.onTime);
  const late = hideSmall(f.late);
  const out = {
    received: hideSmall(f.received),
    receivedOnline: hideSmall(f.receivedOnline),
    processed: onTime === null || late === null ? (f.processed === 0 ? 0 : null) : hideSmall(f.processed),
    onTime,
    late,
    inProgress: hideSmall(f.inProgress),
  };
  return { ...out, suppressed: Object.values(out).some((v) => v === null) };
}

/** Sums rows of raw counts (a unit's procedures, a field's procedures). */
export function addFigures(rows: readonly RawFigures[]): RawFigures {
  const sum: RawFigures = { received: 0, receivedOnline: 0, processed: 0, onTime: 0, late: 0, inProgress: 0 };
  for (const r of rows) for (const k of Object.keys(sum) as (keyof RawFigures)[]) sum[k] += r[k];
  return sum;
}
