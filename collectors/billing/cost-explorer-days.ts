/** Day arithmetic on UTC calendar days written as YYYY-MM-DD. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return utcDay(date);
}

export interface DayRange {
  /** First day, inclusive. */
  start: string;
  /** Day after the last, exclusive (as Cost Explorer's TimePeriod.End). */
  end: string;
}

/**
 * The days a Cost Explorer query must ask for: every day of the window not stored yet, plus the most
 * recent `restatementDays` days, which AWS still revises. Closed days that are stored are never asked
 * again: each request costs money. Returns contiguous ranges, one request series each.
 */
export function daysToFetch(
  windowStart: string,
  windowEnd: string,
  storedDays: ReadonlySet<string>,
  restatementDays: number,
): DayRange[] {
  const restateFrom = addDays(windowEnd, -restatementDays);
  const ranges: DayRange[] = [];
  let current: DayRange | undefined;
  for (let day = windowStart; day < windowEnd; day = addDays(day, 1)) {
    const needed = !storedDays.has(day) || day >= restateFrom;
    if (needed && current && current.end === day) {
      current.end = addDays(day, 1);
    } else if (needed) {
      current = { start: day, end: addDays(day, 1) };
      ranges.push(current);
    }
  }
  return ranges;
}
