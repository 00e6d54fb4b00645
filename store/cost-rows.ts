import type { DuckDBValue } from "@duckdb/node-api";
import type { Decimal } from "../core/money.js";
import { type KubernetesDimension, kubernetesCostRows } from "./kubernetes-costs.js";

export type CostDimension =
  | { kind: "service" }
  | { kind: "account" }
  | { kind: "region" }
  | { kind: "resource" }
  | { kind: KubernetesDimension }
  | { kind: "team"; tagKeys: string[] }
  | { kind: "tag"; tagKeys: string[] };

export interface CostQuery {
  dimension: CostDimension;
  /** Inclusive, on ChargePeriodStart. */
  from?: string;
  /** Exclusive, on ChargePeriodStart. */
  to?: string;
  provider?: string;
  caseInsensitiveTags: boolean;
  /**
   * Only the rows of this billing period (its BillingPeriodStart, as text; null: the rows without one),
   * which the aggregates are built one at a time from (store/cost-aggregates.ts). Undefined: every period.
   */
  billingPeriod?: string | null;
}

export interface CostLine {
  /** The group's value; null where the rows have none (untagged, no region). */
  key: string | null;
  billedCost: Decimal;
  effectiveCost: Decimal;
  /** Kubernetes dimensions: the unused part of a cluster's or node's cost (its key ends "(idle)"). */
  idle?: boolean;
}

/**
 * The rows every cost figure sums, with their UTC day, provider and group key: one query shared by
 * `costsBy` and the daily aggregates the web view reads (store/cost-aggregates.ts), so both always
 * give the same figures.
 */
export function costRows(query: CostQuery, param: (value: DuckDBValue) => string): string {
  const filters: string[] = [];
  const dayFilters: string[] = [];
  if (query.from) {
    const p = param(query.from);
    filters.push(`ChargePeriodStart >= CAST(${p} AS TIMESTAMP)`);
    dayFilters.push(`t.day >= CAST(${p} AS TIMESTAMP)`);
  }
  if (query.to) {
    const p = param(query.to);
    filters.push(`ChargePeriodStart < CAST(${p} AS TIMESTAMP)`);
    dayFilters.push(`t.day < CAST(${p} AS TIMESTAMP)`);
  }
  if (query.provider) {
    const p = param(query.provider);
    filters.push(`lower(ProviderName) = lower(${p})`);
    dayFilters.push(`lower('AWS') = lower(${p})`);
  }
  const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(" AND ")}` : "");
  const source = billingCostsOf(query.billingPeriod, param);
  const dimension = query.dimension;
  if (dimension.kind === "team" || dimension.kind === "tag") {
    if (query.billingPeriod !== undefined) {
      // Cost Explorer's tag rows have no billing period: theirs is the month of their day.
      dayFilters.push(
        query.billingPeriod === null
          ? "false"
          : `CAST(date_trunc('month', t.day) AS TIMESTAMP) = CAST(${param(query.billingPeriod)} AS TIMESTAMP)`,
      );
    }
    const lookup = query.caseInsensitiveTags ? "tag_value_ci" : "tag_value_exact";
    const keyParams = dimension.tagKeys.map((k) => param(k));
    const fileKey = `coalesce(${keyParams.map((p) => `nullif(${lookup}(Tags, ${p}), '')`).join(", ")})`;
    // Cost Explorer groups by one tag key a query; a team is read from the first team key's grouping.
    const ceKey = keyParams[0] ?? "NULL";
    const tagKeyMatch = query.caseInsensitiveTags
      ? `lower(t.tag_key) = lower(${ceKey})`
      : `t.tag_key = ${ceKey}`;
    return `
      SELECT CAST(ChargePeriodStart AS DATE) AS day, ProviderName AS provider, ${fileKey} AS key, BilledCost, EffectiveCost
      FROM ${source} b
      ${where([...filters, `(x_Source <> 'cost-explorer' OR NOT EXISTS (SELECT 1 FROM cost_explorer_tag_costs t WHERE t.account_id = b.SubAccountId AND t.day = CAST(b.ChargePeriodStart AS DATE) AND ${tagKeyMatch}))`])}
      UNION ALL
      SELECT CAST(t.day AS DATE), 'AWS', nullif(t.tag_value, ''), t.billed_cost, t.effective_cost FROM cost_explorer_tag_costs t
      ${where([
        ...dayFilters,
        tagKeyMatch,
        `NOT EXISTS (SELECT 1 FROM (SELECT DISTINCT SubAccountId, BillingPeriodStart FROM billing
             WHERE x_Source <> 'cost-explorer') f
           WHERE f.SubAccountId = t.account_id AND f.BillingPeriodStart = date_trunc('month', t.day))`,
      ])}`;
  }
  if (
    dimension.kind === "cluster" ||
    dimension.kind === "namespace" ||
    dimension.kind === "workload" ||
    dimension.kind === "node"
  ) {
    return kubernetesCostRows(dimension.kind, `SELECT * FROM ${source} ${where(filters)}`);
  }
  const keyExpression = {
    service: "ServiceName",
    account: "coalesce(SubAccountId, BillingAccountId)",
    region: "RegionId",
    resource: "ResourceId",
  }[dimension.kind];
  return `SELECT CAST(ChargePeriodStart AS DATE) AS day, ProviderName AS provider, ${keyExpression} AS key,
      BilledCost, EffectiveCost FROM ${source} ${where(filters)}`;
}

/**
 * The `billing_costs` view, or its rows of one billing period. The view checks each Cost Explorer row
 * against the file coverage of the whole bill; its coverage is per account and billing period, so one
 * period's rows need only that period's coverage, and the period's filter, inside both scans, lets
 * DuckDB skip every other period's row groups.
 */
export function billingCostsOf(
  period: string | null | undefined,
  param: (value: DuckDBValue) => string,
): string {
  if (period === undefined) return "billing_costs";
  const inPeriod = (alias: string) =>
    period === null
      ? `${alias}.BillingPeriodStart IS NULL`
      : `${alias}.BillingPeriodStart = CAST(${param(period)} AS TIMESTAMP)`;
  // The coverage DISTINCT first, as the view's: correlated with the rows themselves, DuckDB would build
  // its hash table of every file row of the period (at 100M rows a 512 MiB table, beyond a load's limit).
  return `(SELECT p.* FROM billing p
    WHERE ${inPeriod("p")} AND (p.x_Source <> 'cost-explorer' OR NOT EXISTS (
      SELECT 1 FROM (SELECT DISTINCT SubAccountId, BillingPeriodStart FROM billing f
          WHERE ${inPeriod("f")} AND f.x_Source <> 'cost-explorer') f
        WHERE f.SubAccountId = p.SubAccountId AND f.BillingPeriodStart = p.BillingPeriodStart)))`;
}

/**
 * Each row's account id and the name billing gives it (FOCUS SubAccountName, else BillingAccountName for
 * a row without a sub account), where the name says more than the id: what account names are read from,
 * over the rows of `source` (a table or subquery) that `where` keeps.
 */
export function accountNameRows(source: string, where = ""): string {
  return `SELECT id, name, ChargePeriodStart FROM (
      SELECT coalesce(SubAccountId, BillingAccountId) AS id, ChargePeriodStart,
        CASE WHEN SubAccountId IS NULL THEN BillingAccountName ELSE SubAccountName END AS name
      FROM ${source} ${where})
    WHERE id IS NOT NULL AND name IS NOT NULL AND name <> id`;
}
