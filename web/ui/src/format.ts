/** Display formatting: the API sends exact numbers and ISO dates; rounding happens only here. */

const money = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const moneyWhole = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 0,
});
const moneyCompact = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  notation: "compact",
  maximumFractionDigits: 1,
});
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

export const DASH = "—";

/** $12,345.67 */
export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  // -0.001 would show as "-$0.00".
  return money.format(Math.abs(value) < 0.005 ? 0 : value);
}

/** $12,346: for headline figures. */
export function formatMoneyWhole(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return moneyWhole.format(value);
}

/** $12.3K, $950: for chart axes and bar labels. */
export function formatMoneyCompact(value: number): string {
  return Math.abs(value) < 1000 ? moneyWhole.format(value) : moneyCompact.format(value);
}

export function formatCount(value: number): string {
  return integer.format(value);
}

/** 0.873 → 87.3% */
export function formatShare(value: number): string {
  return percent.format(value);
}

/** A change in percent, signed: +12.4%, −3.0%. */
export function formatChangePercent(value: number): string {
  const sign = value > 0 ? "+" : value < 0 ? "−" : "";
  const abs = Math.abs(value);
  if (abs > 0 && abs < 0.1) return "<0.1%";
  return `${sign}${abs.toFixed(abs >= 100 ? 0 : 1)}%`;
}

/** A signed amount: +$1,234.00, −$56.78. */
export function formatSignedMoney(value: number): string {
  if (Math.abs(value) < 0.005) return money.format(0);
  return `${value > 0 ? "+" : "−"}${money.format(Math.abs(value))}`;
}

const DAY_MS = 86_400_000;

/** A YYYY-MM-DD day as UTC midnight (billing days have no time zone). */
export function parseDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function toDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(parseDay(day).getTime() + days * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / DAY_MS);
}

export function isDay(value: string | null | undefined): value is string {
  return (
    typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(parseDay(value).getTime())
  );
}

const dayShort = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const dayLong = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});
const dateTime = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
  timeZone: "UTC",
  timeZoneName: "short",
});

/** Nov 22 */
export function formatDayShort(day: string): string {
  return dayShort.format(parseDay(day));
}

/** Nov 22, 2026 */
export function formatDay(day: string | null | undefined): string {
  if (!day) return DASH;
  const date = day.length === 10 ? parseDay(day) : new Date(day);
  return Number.isNaN(date.getTime()) ? day : dayLong.format(date);
}

/** Nov 22, 2026, 07:24 UTC */
export function formatDateTime(instant: string | null | undefined): string {
  if (!instant) return DASH;
  const date = new Date(instant);
  return Number.isNaN(date.getTime()) ? instant : dateTime.format(date);
}

/** "in 3 days", "2 hours ago": relative to now. */
export function formatRelative(instant: string, now = Date.now()): string {
  const ms = new Date(instant).getTime() - now;
  if (Number.isNaN(ms)) return instant;
  const rtf = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
  const abs = Math.abs(ms);
  if (abs < 3_600_000) return rtf.format(Math.round(ms / 60_000), "minute");
  if (abs < DAY_MS) return rtf.format(Math.round(ms / 3_600_000), "hour");
  return rtf.format(Math.round(ms / DAY_MS), "day");
}

/** Evidence values as a person reads them: numbers grouped, dates shortened, lists joined. */
export function formatEvidenceValue(value: unknown): string {
  if (value === null || value === undefined) return DASH;
  if (typeof value === "number") {
    return Number.isInteger(value)
      ? integer.format(value)
      : value.toLocaleString("en-US", { maximumFractionDigits: 2 });
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") {
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDay(value.slice(0, 10));
    return value;
  }
  if (Array.isArray(value)) return value.length ? value.map(formatEvidenceValue).join(", ") : "none";
  return JSON.stringify(value);
}

const BYTE_UNITS = ["bytes", "KB", "MB", "GB", "TB", "PB"];

/** 1,536,000 → "1.5 MB" (decimal units, as AWS bills storage). */
export function formatBytes(value: number): string {
  let unit = 0;
  let amount = value;
  while (Math.abs(amount) >= 1000 && unit < BYTE_UNITS.length - 1) {
    amount /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : amount < 10 ? 2 : 1;
  return `${amount.toLocaleString("en-US", { maximumFractionDigits: digits })} ${BYTE_UNITS[unit]}`;
}

/**
 * An evidence key no term names (a `sql` rule's own), split at its capitals: "lastLoginDays" is
 * "last login days". The same as core/evidence-words.ts keyInWords (the page imports nothing outside web/).
 */
export function keyInWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
}

/** An AWS action name in words. */
export function describeAction(action: string | null | undefined): string {
  switch (action) {
    case "stop":
      return "Stop";
    case "terminate":
      return "Terminate";
    case "delete":
      return "Delete";
    case "snapshot-and-delete":
      return "Snapshot, then delete";
    case "release":
      return "Release";
    case "set-retention":
      return "Set retention";
    case "add-lifecycle-rule":
      return "Add lifecycle rule";
    case "mark":
      return "Mark for cleanup";
    case "notify":
      return "Notify owner";
    case null:
    case undefined:
    case "":
      return DASH;
    default:
      return action.replace(/-/g, " ");
  }
}
