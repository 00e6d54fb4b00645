/**
 * Strict ISO 8601 dates and date-times for command-line flags. JavaScript's Date.parse and DuckDB's
 * casts are both lenient in ways that move money between months: Date.parse("2024-02-30") is 1 March,
 * and DuckDB refuses "2024-07-01T00:00Z" (no seconds) that the standard allows. Every component is
 * checked here, so a date that does not exist is refused rather than rolled over.
 */

/** YYYY-MM-DD, optionally T (or a space) HH:MM[:SS[.fraction]] and Z or an offset ±HH[:MM]. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

export interface IsoInstant {
  /** The instant (UTC; a date-time without zone is read as UTC, as billing timestamps are). */
  readonly date: Date;
  /** True when the text was a bare date (YYYY-MM-DD), midnight UTC. */
  readonly dateOnly: boolean;
}

/** The instant the text names, or undefined if it is not a strict ISO 8601 date or date-time. */
export function parseIsoInstant(text: string): IsoInstant | undefined {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  const h = Number(hour ?? 0);
  const mi = Number(minute ?? 0);
  const s = Number(second ?? 0);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== "Z") {
    const [, sign, oh, om] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) ?? [];
    if (Number(oh) > 23 || Number(om ?? 0) > 59) return undefined;
    offsetMinutes = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om ?? 0));
  }
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, millis) - offsetMinutes * 60_000;
  const date = new Date(utc);
  // Years before 100 would be mapped to 19xx by Date.UTC: set the year explicitly.
  if (y < 100) date.setUTCFullYear(y);
  return { date, dateOnly: hour === undefined };
}

/**
 * The flag's value as a UTC timestamp text DuckDB casts exactly ("2024-09-01" or
 * "2024-09-01 12:30:00.000"), or a UsageError-ready message naming the flag and value.
 */
export function isoFlagValue(
  flag: string,
  text: string,
): { ok: true; value: string; date: Date } | { ok: false; message: string } {
  const parsed = parseIsoInstant(text);
  if (!parsed) {
    const problem = ISO_DATE_TIME.test(text.trim())
      ? "no such date or time (the calendar has no such day, or a field is out of range)"
      : "not an ISO 8601 date (e.g. 2024-09-01 or 2024-09-01T00:00:00Z)";
    return { ok: false, message: `${flag} ${JSON.stringify(text)}: ${problem}` };
  }
  const iso = parsed.date.toISOString();
  const value = parsed.dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  return { ok: true, value, date: parsed.date };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
