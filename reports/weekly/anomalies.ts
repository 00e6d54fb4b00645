import { add, compare, fromNumber, mulDiv, subtract, ZERO } from "../../core/decimal.js";
import { Decimal } from "../../core/money.js";
import type { Anomalies, Anomaly } from "./model.js";

// A day is anomalous when its spend leaves a robust band around the days before it. The median and
// the median absolute deviation (MAD) are not pulled by the outliers they are meant to find, unlike a
// mean and standard deviation, and the floors keep small services from raising alarms over cents.

/** Days before each day that form its baseline. */
export const BASELINE_DAYS = 14;
/** A baseline needs this many days with billing, else the day is not judged. */
const MIN_BASELINE_DAYS = 7;
/** Band half-width in robust standard deviations (1.4826 × MAD estimates σ for normal noise). */
const K = 3;
/** No day is an anomaly for less than this much money (in the billing currency)... */
const MINIMUM_AMOUNT = new Decimal("25");
/** ...nor for less than this share of its baseline: weekends below weekdays are not anomalies. */
const MINIMUM_SHARE = 0.15;

export const METHOD =
  `For each day of the week and each service and team: the baseline is the median of its daily ` +
  `effective cost over the ${BASELINE_DAYS} days before (days with billing only; at least ${MIN_BASELINE_DAYS}). ` +
  `A day is flagged when it differs from the baseline by more than the largest of ${K} × 1.4826 × MAD ` +
  `(median absolute deviation), ${MINIMUM_SHARE * 100}% of the baseline and ${MINIMUM_AMOUNT.text} in the billing currency.`;

export interface DailySeries {
  key: string | null;
  label: string;
  /** One value per day of `days`; a day without rows for the key is 0. */
  values: Decimal[];
}

export interface AnomalyInput {
  dimension: "service" | "team";
  days: string[];
  /** Whether the billing has any row on each day (a day before the data began is no baseline). */
  hasBilling: boolean[];
  /** Index in `days` of the first day to judge (the report week's Monday). */
  firstJudged: number;
  series: DailySeries[];
}

function median(sorted: Decimal[]): Decimal {
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? ZERO;
  if (sorted.length % 2) return upper;
  return mulDiv(add(sorted[middle - 1] ?? ZERO, upper), 1, 2);
}

function medianNumber(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function detectAnomalies(input: AnomalyInput): Anomaly[] {
  const found: Anomaly[] = [];
  for (const series of input.series) {
    for (let i = input.firstJudged; i < input.days.length; i++) {
      if (!input.hasBilling[i]) continue;
      const baseline: Decimal[] = [];
      for (let j = Math.max(0, i - BASELINE_DAYS); j < i; j++) {
        if (input.hasBilling[j]) baseline.push(series.values[j] ?? ZERO);
      }
      if (baseline.length < MIN_BASELINE_DAYS) continue;
      const center = median([...baseline].sort(compare));
      const value = series.values[i] ?? ZERO;
      const deviation = subtract(value, center);
      const mad = medianNumber(baseline.map((b) => Math.abs(b.toNumber() - center.toNumber())));
      const threshold = Math.max(
        K * 1.4826 * mad,
        MINIMUM_SHARE * Math.abs(center.toNumber()),
        MINIMUM_AMOUNT.toNumber(),
      );
      if (Math.abs(deviation.toNumber()) <= threshold) continue;
      found.push({
        day: input.days[i] ?? "",
        dimension: input.dimension,
        key: series.key,
        label: series.label,
        direction: compare(deviation, ZERO) > 0 ? "spike" : "drop",
        effectiveCost: value,
        baseline: center,
        deviation,
        threshold: fromNumber(threshold),
      });
    }
  }
  return found;
}

/** Both dimensions' anomalies, the largest deviations in money first. */
export function anomalies(found: Anomaly[]): Anomalies {
  const items = [...found].sort(
    (a, b) =>
      Math.abs(b.deviation.toNumber()) - Math.abs(a.deviation.toNumber()) ||
      a.day.localeCompare(b.day) ||
      a.label.localeCompare(b.label),
  );
  return {
    method: METHOD,
    baselineDays: BASELINE_DAYS,
    k: K,
    minimumAmount: MINIMUM_AMOUNT,
    minimumShare: MINIMUM_SHARE,
    items,
  };
}
