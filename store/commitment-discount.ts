import type { DuckDBConnection } from "@duckdb/node-api";
import type { EligibleUsage } from "../config/commitments.js";
import { trimDecimal } from "../core/money.js";
import {
  eligibleUsageFilter,
  inWindow,
  ON_DEMAND_USAGE,
  Params,
  SAVINGS_PLAN_USED,
} from "./commitment-eligible.js";

/**
 * The discount a new Savings Plan would give: the account's own, learned from the plans it has, else the
 * Price List's rates weighted by the account's eligible usage. The store cannot fetch (collectors do):
 * the Price List comes in through a `SavingsPlanRates` reader that the caller makes
 * (collectors/pricing/savings-plan-rates.ts reads AWS's public offer files).
 */

/** One Savings Plan rate of an offer file: the price of an hour (or GB-second...) of one on-demand product. */
export interface SavingsPlanRate {
  /** The on-demand product's SKU (the billing's SkuId for that product). */
  sku: string;
  /** The on-demand usage type, e.g. "USE1-BoxUsage:m5.large" (the billing's SkuMeter). */
  usageType: string;
  /** The operation, e.g. "RunInstances" (Linux) or "RunInstances:0002" (Windows). */
  operation: string;
  /** Price per unit under the plan, in USD. */
  price: number;
}

/** One region's rates for one term and payment option. */
export interface RegionSavingsPlanRates {
  /** The offer file they were read from. */
  url: string;
  bySku: ReadonlyMap<string, SavingsPlanRate>;
  /** Every operation's rate of a usage type. */
  byUsageType: ReadonlyMap<string, readonly SavingsPlanRate[]>;
}

/** Where Savings Plan rates come from: the Price List's offer files (or a test's stand-in). */
export interface SavingsPlanRates {
  /** What is read, for reasons: the offer index's URL. */
  readonly source: string;
  /**
   * A region's rates for the term and payment option; null when the offer index lists no such region.
   * Rejects, with the reason as its message, when the files cannot be read.
   */
  regionRates(
    regionCode: string,
    purchase: { term: string; paymentOption: string },
  ): Promise<RegionSavingsPlanRates | null>;
}

export type DiscountResult =
  | { found: true; rate: number; source: "account" | "price-list"; note: string }
  | { found: false; reason: string };

const money = (value: unknown) => Number(String(value ?? "0"));
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/**
 * The account's discount: 1 − Σ EffectiveCost / Σ ListCost over eligible usage its Savings Plans covered
 * in the window (the amortized price it pays against the public price of the same usage).
 */
export async function accountDiscount(
  connection: DuckDBConnection,
  usage: readonly EligibleUsage[],
  window: { from: string; to: string },
): Promise<DiscountResult> {
  const params = new Params();
  const reader = await connection.runAndReadAll(
    `SELECT sum(EffectiveCost) AS effective, sum(ListCost) AS list, count(DISTINCT CommitmentDiscountId) AS plans
     FROM billing_costs
     WHERE ${SAVINGS_PLAN_USED} AND ${eligibleUsageFilter(usage, "Savings Plan", params)} AND ${inWindow(window, params)}`,
    params.values,
  );
  const row = reader.getRowObjectsJson()[0] ?? {};
  const list = money(row.list);
  const effective = money(row.effective);
  if (!(list > 0)) {
    return {
      found: false,
      reason: `no Savings Plan usage from ${window.from} to ${window.to} to learn the account's discount`,
    };
  }
  const rate = 1 - effective / list;
  const summary = `its ${String(row.plans)} Savings Plan(s) covered eligible usage listed at ${trimDecimal(String(row.list))} for ${trimDecimal(String(row.effective))} effective`;
  if (!(rate > 0 && rate < 1)) {
    // Not a discount a plan gives: Used rows without their amortized cost, or list prices below it.
    return { found: false, reason: `the account's Savings Plan discount is unusable (${summary}: ${rate})` };
  }
  return { found: true, rate, source: "account", note: `learned from the account: ${summary}` };
}

interface UsageGroup {
  region: string | null;
  usageType: string;
  sku: string | null;
  currency: string | null;
  quantity: number;
  cost: number;
  unitPrice: number | null;
}

/**
 * The rate of a billing row's product: by its SKU, else by its usage type. A usage type has one rate per
 * operation (operating system, licence), and billing rows do not name the operation: the candidate taken
 * is the highest rate below the on-demand unit price paid, which is the row's own operation's rate in
 * practice (another OS's rate is above the price or well below it) and, if not, the smaller discount.
 */
function rateOf(
  rates: RegionSavingsPlanRates,
  group: UsageGroup,
  onDemandUnit: number,
): SavingsPlanRate | null {
  const bySku = group.sku ? rates.bySku.get(group.sku) : undefined;
  if (bySku && bySku.price < onDemandUnit) return bySku;
  let best: SavingsPlanRate | null = null;
  for (const rate of rates.byUsageType.get(group.usageType) ?? []) {
    if (rate.price < onDemandUnit && (!best || rate.price > best.price)) best = rate;
  }
  return best;
}

/**
 * The Price List's discount for the account's eligible on-demand usage in the window:
 * 1 − Σ quantity × plan rate / Σ quantity × on-demand rate over the usage the offer files price, where the
 * on-demand rate is the billed ListUnitPrice (else ListCost / PricingQuantity). Usage without a rate (a
 * usage type or region the files lack, no quantity, not billed in USD) is left out and counted in the note.
 */
export async function priceListDiscount(
  connection: DuckDBConnection,
  usage: readonly EligibleUsage[],
  window: { from: string; to: string },
  purchase: { term: string; paymentOption: string },
  rates: SavingsPlanRates | undefined,
): Promise<DiscountResult> {
  if (!rates) {
    return {
      found: false,
      reason: "no reader of the Price List's Savings Plan rates was given to the recommendation",
    };
  }
  const params = new Params();
  const reader = await connection.runAndReadAll(
    `SELECT RegionId AS region, SkuMeter AS usage_type, SkuId AS sku, BillingCurrency AS currency,
       CAST(sum(PricingQuantity) AS DOUBLE) AS quantity, sum(coalesce(ListCost, BilledCost)) AS cost,
       max(ListUnitPrice) AS unit_price
     FROM billing_costs
     WHERE ${ON_DEMAND_USAGE} AND ${eligibleUsageFilter(usage, "Savings Plan", params)} AND ${inWindow(window, params)}
     GROUP BY ALL ORDER BY ALL`,
    params.values,
  );
  const groups: UsageGroup[] = reader.getRowObjectsJson().map((row) => ({
    region: row.region === null ? null : String(row.region),
    usageType: String(row.usage_type),
    sku: row.sku === null ? null : String(row.sku),
    currency: row.currency === null ? null : String(row.currency),
    quantity: Number(row.quantity ?? 0),
    cost: money(row.cost),
    unitPrice: row.unit_price === null ? null : money(row.unit_price),
  }));
  const regions = [...new Set(groups.flatMap((g) => (g.region ? [g.region] : [])))].sort();
  const byRegion = new Map<string, RegionSavingsPlanRates | null>();
  try {
    for (const region of regions) byRegion.set(region, await rates.regionRates(region, purchase));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { found: false, reason: `the Price List's Savings Plan rates could not be read: ${why}` };
  }
  let planCost = 0;
  let onDemandCost = 0;
  let pricedSpend = 0;
  let totalSpend = 0;
  const usageTypes = new Set<string>();
  const pricedTypes = new Set<string>();
  for (const group of groups) {
    usageTypes.add(group.usageType);
    totalSpend += group.cost;
    const regionRates = group.region ? byRegion.get(group.region) : null;
    if (!regionRates || group.currency !== "USD" || !(group.quantity > 0)) continue;
    const onDemandUnit = group.unitPrice ?? group.cost / group.quantity;
    const rate = rateOf(regionRates, group, onDemandUnit);
    if (!rate) continue;
    planCost += group.quantity * rate.price;
    onDemandCost += group.quantity * onDemandUnit;
    pricedSpend += group.cost;
    pricedTypes.add(group.usageType);
  }
  const coverage = `rates found for ${pricedTypes.size} of ${usageTypes.size} usage types, ${percent(totalSpend > 0 ? pricedSpend / totalSpend : 0)} of the spend`;
  if (!(onDemandCost > 0)) {
    return {
      found: false,
      reason: `the Price List (${rates.source}) has no ${purchase.term} ${purchase.paymentOption} Savings Plan rate for the account's eligible usage (${coverage})`,
    };
  }
  const rate = 1 - planCost / onDemandCost;
  return {
    found: true,
    rate,
    source: "price-list",
    note: `${purchase.term} ${purchase.paymentOption} Savings Plan rates of the Price List (${rates.source}): ${coverage}`,
  };
}
