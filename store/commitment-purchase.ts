import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config/schema.js";
import { Decimal } from "../core/money.js";
import {
  accountDiscount,
  type DiscountResult,
  priceListDiscount,
  type SavingsPlanRates,
} from "./commitment-discount.js";
import { eligibleUsageFilter, inWindow, ON_DEMAND_USAGE, Params } from "./commitment-eligible.js";
import { bestCommitment, HourlySpend, millisText } from "./commitment-optimum.js";

export type { SavingsPlanRates } from "./commitment-discount.js";

/** AWS's month for commitments: 730 hours (8,760 a year / 12). */
const HOURS_PER_MONTH = 730;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The Savings Plan to buy, with the figures it was chosen from. */
export interface SavingsPlanPurchase {
  kind: "savings-plan";
  /** How the commitment was chosen, in a sentence with this recommendation's numbers. */
  method: string;
  /** "hourly" when every eligible row covers at most an hour; "daily" when days were spread evenly over their hours. */
  granularity: "hourly" | "daily";
  /** rules.yaml's commitments.lookbackDays. */
  lookbackDays: number;
  /** The hours the spend was read from: [from, to), ISO UTC. Shorter than lookbackDays when the bill is. */
  from: string;
  to: string;
  /** The plan's term and payment option (rules.yaml commitments.purchase). */
  term: "1yr" | "3yr";
  paymentOption: "No Upfront" | "Partial Upfront" | "All Upfront";
  /** d: a plan charges (1 − d) × the on-demand price of the usage it covers. */
  discountRate: number;
  /** Where d comes from: the account's own Savings Plans, or the Price List's rates. */
  discountSource: "account" | "price-list";
  /** How d was found (which plans or rates, how much of the spend they price). */
  discountNote: string;
  /** The commitment to buy, per hour, in AWS's $0.001 steps. */
  hourlyCommitment: Decimal;
  /** hourlyCommitment × 730: what the plan costs a month, used or not (exact). */
  monthlyCommitmentCost: Decimal;
  /** Net savings a month had the plan run over the window: on-demand spend it covers − its cost, × 730 / hours, to the cent. */
  expectedMonthlySavings: Decimal;
  /** Share of the commitment the window's usage would have used: Σ min(s_h, x) / (hours × x). */
  expectedUtilization: number;
  /** 1 − d: the plan pays for itself when at least this share of its commitment is used. */
  breakEvenUtilization: number;
  /** x = hourlyCommitment / (1 − d): the on-demand spend an hour the plan covers, to 6 decimals. */
  coveredOnDemandPerHour: Decimal;
  /** Eligible on-demand spend in the window (Σ ListCost, else BilledCost), exact. */
  onDemandSpend: Decimal;
  /** The window's length in hours; hours without eligible usage count as zero spend. */
  hoursObserved: number;
  /** The billing currency of the eligible usage (the commitment is in it). */
  currency: string;
}

export type SavingsPlanRecommendation = SavingsPlanPurchase | { kind: "none"; reason: string };
/** The brief's name for the result. */
export type Recommendation = SavingsPlanRecommendation;

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const roundTo = (value: number, places: number) => new Decimal(value.toFixed(places));

/**
 * The window: lookbackDays of whole days ending at the start of `now`'s UTC day, moved back to the last
 * hour the bill covers (exports lag a day or two: hours not billed yet are not hours without spend) and cut
 * at the first hour it covers. What the bill covers is read from its usage rows, each taken for at most a
 * day: a tax or fee row dated over its whole month says nothing of which days were delivered.
 * Null when nothing is billed before `now`'s day.
 */
async function spendWindow(
  connection: DuckDBConnection,
  now: Date,
  lookbackDays: number,
): Promise<{ from: number; to: number } | null> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const reader = await connection.runAndReadAll(
    `SELECT CAST(epoch_ms(min(ChargePeriodStart)) AS DOUBLE) AS first,
       CAST(epoch_ms(max(least(coalesce(ChargePeriodEnd, ChargePeriodStart), ChargePeriodStart + INTERVAL 1 DAY))) AS DOUBLE) AS last
     FROM billing_costs WHERE ChargeCategory = 'Usage' AND ChargePeriodStart < CAST($1 AS TIMESTAMP)`,
    [iso(today)],
  );
  const row = reader.getRowObjectsJson()[0];
  if (!row || row.first === null || row.last === null) return null;
  const to = Math.min(today, Math.floor(Number(row.last) / HOUR_MS) * HOUR_MS);
  const from = Math.max(to - lookbackDays * DAY_MS, Math.floor(Number(row.first) / HOUR_MS) * HOUR_MS);
  return from < to ? { from, to } : null;
}

interface Spend {
  spends: number[];
  hourly: boolean;
  total: Decimal;
  currencies: string[];
}

/**
 * Eligible on-demand spend per hour of the window. A row is spread evenly over the hours of its charge
 * period: an hourly row stays in its hour, a daily row (a daily FOCUS export) gives each hour of its day a
 * 24th of its cost. Rows are taken by ChargePeriodStart, as `finops costs` takes them.
 */
async function hourlySpend(
  connection: DuckDBConnection,
  config: Config,
  window: { from: string; to: string },
  hours: number,
): Promise<Spend> {
  const params = new Params();
  const from = params.add(window.from);
  const rows = `SELECT ChargePeriodStart AS start_at, coalesce(ListCost, BilledCost) AS cost, BillingCurrency AS currency,
      greatest(1, CAST(ceil(epoch(coalesce(ChargePeriodEnd, ChargePeriodStart) - ChargePeriodStart) / 3600) AS BIGINT)) AS span
    FROM billing_costs
    WHERE ${ON_DEMAND_USAGE} AND ${eligibleUsageFilter(config.commitments.eligibleUsage, "Savings Plan", params)}
      AND ${inWindow(window, params)}`;
  const reader = await connection.runAndReadAll(
    `WITH eligible AS (${rows}),
     spread AS (
       SELECT first_hour + offset_hour AS hour, cost FROM (
         SELECT CAST((epoch(date_trunc('hour', start_at)) - epoch(CAST(${from} AS TIMESTAMP))) / 3600 AS BIGINT) AS first_hour,
           unnest(range(span)) AS offset_hour, CAST(cost AS DOUBLE) / span AS cost
         FROM eligible)
     )
     SELECT 'hour' AS kind, hour, sum(cost) AS cost, NULL AS total FROM spread GROUP BY hour
     UNION ALL
     SELECT 'totals', max(span), NULL, CAST(sum(cost) AS VARCHAR) FROM eligible
     UNION ALL
     SELECT 'currency', NULL, NULL, currency FROM (SELECT DISTINCT coalesce(currency, '') AS currency FROM eligible)`,
    params.values,
  );
  const spends = new Array<number>(hours).fill(0);
  let hourly = true;
  let total = "0";
  const currencies: string[] = [];
  for (const row of reader.getRowObjectsJson()) {
    if (row.kind === "hour") {
      const hour = Number(row.hour);
      // A row near the window's end may spread past it: its later hours are outside the window.
      if (hour >= 0 && hour < hours) spends[hour] = (spends[hour] ?? 0) + Number(row.cost);
    } else if (row.kind === "totals") {
      hourly = row.hour === null || Number(row.hour) <= 1;
      total = String(row.total ?? "0");
    } else {
      currencies.push(String(row.total));
    }
  }
  return { spends, hourly, total: new Decimal(total), currencies };
}

/**
 * What Savings Plan to buy: the hourly commitment that would have saved the most, net of its cost, over
 * the last lookbackDays of eligible on-demand spend, at the discount the account already gets from its
 * Savings Plans, else at the Price List's rates (through `options.rates`), else none with the reason.
 */
export async function savingsPlanRecommendation(
  connection: DuckDBConnection,
  config: Config,
  options: { now: Date; rates?: SavingsPlanRates },
): Promise<SavingsPlanRecommendation> {
  const { lookbackDays, eligibleUsage, purchase } = config.commitments;
  const span = await spendWindow(connection, options.now, lookbackDays);
  if (!span)
    return { kind: "none", reason: `no usage billed before ${iso(options.now.getTime()).slice(0, 10)}` };
  const window = { from: iso(span.from), to: iso(span.to) };
  const hours = Math.round((span.to - span.from) / HOUR_MS);
  const spend = await hourlySpend(connection, config, window, hours);
  const during = `from ${window.from} to ${window.to}`;
  if (spend.currencies.length === 0 || Number(spend.total.text) <= 0) {
    return {
      kind: "none",
      reason: `no on-demand usage eligible for a Savings Plan ${during} (commitments.eligibleUsage)`,
    };
  }
  if (spend.currencies.length > 1) {
    return {
      kind: "none",
      reason: `eligible usage ${during} is billed in several currencies (${spend.currencies.join(", ")}): one commitment cannot be sized for them`,
    };
  }

  let discount: DiscountResult = await accountDiscount(connection, eligibleUsage, window);
  if (!discount.found) {
    const account = discount.reason;
    discount = await priceListDiscount(connection, eligibleUsage, window, purchase, options.rates);
    if (!discount.found) return { kind: "none", reason: `${account}, and ${discount.reason}` };
  }
  const d = discount.rate;
  if (!(d > 0 && d < 1)) {
    return { kind: "none", reason: `a Savings Plan would give no discount: ${discount.note} (d = ${d})` };
  }

  const hourlySpends = new HourlySpend(spend.spends);
  const best = bestCommitment(hourlySpends, d);
  const breakEven = 1 - d;
  if (!best) {
    return {
      kind: "none",
      reason: `no hourly commitment saves money ${during}: at a ${(d * 100).toFixed(1)}% discount a plan must be used ${(breakEven * 100).toFixed(1)}% of the time to pay off, and no level of eligible on-demand spend lasts that long`,
    };
  }
  const commitment = millisText(best.commitmentMillis);
  const hoursAbove = hourlySpends.sorted.filter((s) => s >= best.coveredPerHour).length;
  return {
    kind: "savings-plan",
    method:
      `the hourly commitment C that maximises net savings Σ_h min(s_h, C / (1 − d)) − H × C over the ${hours} hours of ` +
      `eligible on-demand spend s_h ${during} (${spend.hourly ? "hourly rows" : "daily rows spread evenly over their hours"}, hours without usage at 0), ` +
      `at d = ${d.toFixed(4)}: C covers ${best.coveredPerHour.toFixed(2)} of on-demand spend an hour, a level ${hoursAbove} of the ${hours} hours reach; rounded to $0.001`,
    granularity: spend.hourly ? "hourly" : "daily",
    lookbackDays,
    from: window.from,
    to: window.to,
    term: purchase.term,
    paymentOption: purchase.paymentOption,
    discountRate: d,
    discountSource: discount.source,
    discountNote: discount.note,
    hourlyCommitment: new Decimal(commitment),
    monthlyCommitmentCost: new Decimal(millisText(best.commitmentMillis * HOURS_PER_MONTH)),
    expectedMonthlySavings: roundTo((best.netSavings * HOURS_PER_MONTH) / hours, 2),
    expectedUtilization: best.coveredSpend / (hours * best.coveredPerHour),
    breakEvenUtilization: breakEven,
    coveredOnDemandPerHour: roundTo(best.coveredPerHour, 6),
    onDemandSpend: spend.total,
    hoursObserved: hours,
    currency: spend.currencies[0] ?? "",
  };
}
