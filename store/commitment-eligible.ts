import type { DuckDBValue } from "@duckdb/node-api";
import type { CommitmentType, EligibleUsage } from "../config/commitments.js";

/**
 * SQL over billing rows (the `billing_costs` view) shared by the Savings Plan recommendation's queries.
 * Values go in as numbered parameters, never spliced: usage type patterns come from rules.yaml.
 */
export class Params {
  readonly values: DuckDBValue[] = [];
  /** The placeholder of a new parameter holding `value`. */
  add(value: DuckDBValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Rows of usage that a commitment of `type` can cover, as rules.yaml's commitments.eligibleUsage says:
 * the ServiceName equal and the usage type (SkuMeter) LIKE one of the patterns. FALSE when the
 * configuration names no such usage, so that the query finds nothing rather than everything.
 */
export function eligibleUsageFilter(
  usage: readonly EligibleUsage[],
  type: CommitmentType,
  params: Params,
): string {
  const entries = usage
    .filter((entry) => entry.type === type)
    .map((entry) => {
      const patterns = entry.usageTypes.map((pattern) => `SkuMeter LIKE ${params.add(pattern)}`);
      return `(ServiceName = ${params.add(entry.service)} AND (${patterns.join(" OR ")}))`;
    });
  return entries.length ? `(${entries.join(" OR ")})` : "FALSE";
}

/**
 * On-demand usage: usage charged at the public rate, which a new commitment would cover.
 * - PricingCategory 'Standard', or NULL: a FOCUS file may leave the column empty (it is only required
 *   from FOCUS 1.1 on), and its usage is on-demand unless another column says otherwise. 'Committed'
 *   (covered already), 'Dynamic' (Spot) and 'Other' are not.
 * - Spot usage types are left out by name too: a file without PricingCategory names them only there.
 * - No CommitmentDiscountId: usage a plan or reservation covered is not on-demand whatever its category.
 * - No Correction: a refund or a charge for an earlier period says nothing about the hours it is dated in.
 */
export const ON_DEMAND_USAGE = `(ChargeCategory = 'Usage'
  AND (PricingCategory = 'Standard' OR PricingCategory IS NULL)
  AND CommitmentDiscountId IS NULL
  AND ChargeClass IS DISTINCT FROM 'Correction'
  AND SkuMeter NOT LIKE '%SpotUsage%')`;

/**
 * Usage a Savings Plan covered: what the account's own discount is learned from. FOCUS names the type
 * 'Savings Plan'; some exports name the kind ('Compute Savings Plans', 'EC2 Instance Savings Plans'),
 * which is a Savings Plan all the same.
 */
export const SAVINGS_PLAN_USED = `(ChargeCategory = 'Usage'
  AND CommitmentDiscountType ILIKE '%savings plan%'
  AND CommitmentDiscountStatus = 'Used'
  AND ChargeClass IS DISTINCT FROM 'Correction')`;

/** Rows dated (by ChargePeriodStart, as `finops costs` attributes them) in [from, to). */
export function inWindow(window: { from: string; to: string }, params: Params): string {
  return `(ChargePeriodStart >= CAST(${params.add(window.from)} AS TIMESTAMP)
    AND ChargePeriodStart < CAST(${params.add(window.to)} AS TIMESTAMP))`;
}
