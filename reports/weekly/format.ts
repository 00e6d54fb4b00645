import { type Decimal, formatMoney } from "../../core/money.js";
import type { WeeklyReport } from "./model.js";

// How figures read in the human formats (md, html): rounded to cents, signed changes, short dates.
// The json and csv formats keep every digit.

/** "1,234.56", "−0.01" (a real minus sign, like the signed changes beside it). */
export function money(value: Decimal): string {
  const text = formatMoney(value);
  return text.startsWith("-") ? `\u2212${text.slice(1)}` : text;
}

/** "+1,234.56" or "−1,234.56" (a real minus sign, which does not break across lines). */
export function signedMoney(value: Decimal): string {
  const text = formatMoney(value);
  if (text === "0.00" || text === "-0.00") return "0.00";
  return text.startsWith("-") ? `\u2212${text.slice(1)}` : `+${text}`;
}

/** "+2.5%", "−0.4%"; "new" where the earlier figure was (under a cent from) zero and this one is not. */
export function signedPercent(value: number | null, current?: Decimal): string {
  if (value === null) return current && Math.abs(current.toNumber()) >= 0.005 ? "new" : "\u2013";
  if (value === 0) return "0.0%";
  return `${value > 0 ? "+" : "\u2212"}${Math.abs(value).toFixed(1)}%`;
}

export function percent(value: number | null): string {
  return value === null ? "\u2013" : `${value.toFixed(1)}%`;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const parts = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  return {
    day: date.getUTCDate(),
    month: MONTHS[date.getUTCMonth()] ?? "",
    year: date.getUTCFullYear(),
    weekday: WEEKDAYS[date.getUTCDay()] ?? "",
  };
};

/** "9 – 15 September 2024", "30 September – 6 October 2024", "30 December 2024 – 5 January 2025". */
export function dateRange(first: string, last: string): string {
  const a = parts(first);
  const b = parts(last);
  if (a.year !== b.year) return `${a.day} ${a.month} ${a.year} \u2013 ${b.day} ${b.month} ${b.year}`;
  if (a.month !== b.month) return `${a.day} ${a.month} \u2013 ${b.day} ${b.month} ${b.year}`;
  return `${a.day} \u2013 ${b.day} ${b.month} ${b.year}`;
}

/** "9 – 15 Sep", "26 Aug – 1 Sep", "30 Dec 2024 – 5 Jan 2025": for table rows, where the year is in the title. */
export function shortRange(first: string, last: string): string {
  const a = parts(first);
  const b = parts(last);
  const mon = (p: { month: string }) => p.month.slice(0, 3);
  if (a.year !== b.year) return `${a.day} ${mon(a)} ${a.year} \u2013 ${b.day} ${mon(b)} ${b.year}`;
  if (a.month !== b.month) return `${a.day} ${mon(a)} \u2013 ${b.day} ${mon(b)}`;
  return `${a.day} \u2013 ${b.day} ${mon(b)}`;
}

/** "Mon 9 Sep". */
export function shortDay(day: string): string {
  const p = parts(day);
  return `${p.weekday} ${p.day} ${p.month.slice(0, 3)}`;
}

/** "September 2024" from "2024-09". */
export function monthName(month: string): string {
  const p = parts(`${month}-01`);
  return `${p.month} ${p.year}`;
}

/** The day before an exclusive end date. */
export function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

export function currencyNote(report: WeeklyReport): string {
  const [first, ...others] = report.currencies;
  if (!first) return "Amounts in the billing currency";
  if (!others.length) return `Amounts in ${first}`;
  return `Amounts in ${report.currencies.join(", ")} added together as the billing rows carry them (mixed currencies)`;
}

export const count = (n: number): string => n.toLocaleString("en-US");

export { plural } from "../../core/plural.js";

/** A remediation or finding time as "2024-09-18 14:05 UTC". */
export function instant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Says what a week still being billed holds, and what it is compared with. */
export function partialWeek(report: WeeklyReport): string {
  const span = `${shortDay(report.compared.from)} \u2013 ${shortDay(dayBefore(report.compared.to))}`;
  return (
    `Partial week: billing has ${report.billedDays} of its 7 days` +
    (report.billedDays ? ` (${span}); the earlier weeks are compared over the same days.` : ".")
  );
}

/** A rate kept as a fraction (commitments' utilization, coverage, ESR) as a percentage: "85.1%". */
export function rate(fraction: number | null): string {
  if (fraction === null) return "\u2013";
  // A negative effective savings rate (commitments cost more than on demand): a real minus, as money has.
  const text = percent(fraction * 100);
  return text.startsWith("-") ? `\u2212${text.slice(1)}` : text;
}

/** A change of a rate kept as fractions, in percentage points: "+2.0 pts", "−0.4 pts". */
export function signedPoints(change: number | null): string {
  if (change === null) return "\u2013";
  const points = Math.round(change * 1000) / 10;
  if (points === 0) return "0.0 pts";
  return `${points > 0 ? "+" : "\u2212"}${Math.abs(points).toFixed(1)} pts`;
}
