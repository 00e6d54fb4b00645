import { UsageError } from "../../core/errors.js";

/** An ISO 8601 week: Monday to Sunday, in UTC, as billing's ChargePeriodStart is. */
export interface IsoWeek {
  /** "2024-W37". */
  label: string;
  year: number;
  week: number;
  /** The Monday, 00:00 UTC. */
  start: Date;
}

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of a UTC instant. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** 00:00 UTC of the instant's day. */
export function utcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** The Monday (00:00 UTC) of the ISO week holding the instant. */
function mondayOf(date: Date): Date {
  const day = utcDay(date);
  return addDays(day, -((day.getUTCDay() + 6) % 7));
}

/** The ISO week holding a day: its year is the year of the week's Thursday, not always the day's. */
export function weekOf(date: Date): IsoWeek {
  const start = mondayOf(date);
  const thursday = addDays(start, 3);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return { label: `${year}-W${String(week).padStart(2, "0")}`, year, week, start };
}

/** The last ISO week that had ended by the instant: the one before the instant's own week. */
export function lastFullWeek(now: Date): IsoWeek {
  return weekOf(addDays(mondayOf(now), -7));
}

/** The week n weeks after (negative: before) the given one. */
export function shiftWeek(week: IsoWeek, weeks: number): IsoWeek {
  return weekOf(addDays(week.start, 7 * weeks));
}

/** Parses --week YYYY-Www; a week the year does not have (W53 of most years) is a usage error. */
export function parseWeek(text: string): IsoWeek {
  const match = /^(\d{4})-W(\d{2})$/i.exec(text.trim());
  const usage = (why: string) =>
    new UsageError(`--week: "${text}" ${why}; give an ISO week as YYYY-Www, e.g. 2024-W37`);
  if (!match) throw usage("is not an ISO week");
  const year = Number(match[1]);
  const week = Number(match[2]);
  // 4 January is always in week 1, and 28 December always in the year's last week.
  const weeks = weekOf(new Date(Date.UTC(year, 11, 28))).week;
  if (week < 1 || week > weeks) throw usage(`is not a week of ${year} (it has weeks 01 to ${weeks})`);
  return weekOf(addDays(mondayOf(new Date(Date.UTC(year, 0, 4))), 7 * (week - 1)));
}
