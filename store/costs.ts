import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { Decimal } from "../core/money.js";
import { IDLE_SUFFIX, type KubernetesDimension, kubernetesCostRows } from "./kubernetes-costs.js";

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
  const dimension = query.dimension;
  if (dimension.kind === "team" || dimension.kind === "tag") {
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
      FROM billing_costs b
      ${where([...filters, `(x_Source <> 'cost-explorer' OR NOT EXISTS (SELECT 1 FROM cost_explorer_tag_costs t WHERE t.account_id = b.SubAccountId AND t.day = CAST(b.ChargePeriodStart AS DATE) AND ${tagKeyMatch}))`])}
      UNION ALL
      SELECT CAST(t.day AS DATE), 'AWS', nullif(t.tag_value, ''), t.billed_cost, t.effective_cost FROM cost_explorer_tag_costs t
      ${where([
        ...dayFilters,
        tagKeyMatch,
        `NOT EXISTS (SELECT 1 FROM billing f WHERE f.x_Source <> 'cost-explorer' AND f.SubAccountId = t.account_id
           AND f.BillingPeriodStart = date_trunc('month', t.day))`,
      ])}`;
  }
  if (
    dimension.kind === "cluster" ||
    dimension.kind === "namespace" ||
    dimension.kind === "workload" ||
    dimension.kind === "node"
  ) {
    return kubernetesCostRows(dimension.kind, `SELECT * FROM billing_costs ${where(filters)}`);
  }
  const keyExpression = {
    service: "ServiceName",
    account: "coalesce(SubAccountId, BillingAccountId)",
    region: "RegionId",
    resource: "ResourceId",
  }[dimension.kind];
  return `SELECT CAST(ChargePeriodStart AS DATE) AS day, ProviderName AS provider, ${keyExpression} AS key,
      BilledCost, EffectiveCost FROM billing_costs ${where(filters)}`;
}

/**
 * Billed and effective cost grouped by one dimension, summed as DECIMAL from the billing rows
 * (the `billing_costs` view, which never counts a Cost Explorer row that a billing file also covers).
 *
 * Tag dimensions also read Cost Explorer's tag-grouped results: its service-grouped rows carry no tags,
 * so for the days where a tag grouping was collected those rows are replaced by it, and every total
 * still reconciles with the untagged dimensions.
 */
export async function costsBy(connection: DuckDBConnection, query: CostQuery): Promise<CostLine[]> {
  const params: DuckDBValue[] = [];
  const rows = costRows(query, (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  const sql = `
    SELECT key, sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
    FROM (${rows})
    GROUP BY key
    ORDER BY effective DESC NULLS LAST, billed DESC NULLS LAST, key NULLS LAST`;
  const reader = await connection.runAndReadAll(sql, params);
  const kubernetes = ["cluster", "namespace", "workload", "node"].includes(query.dimension.kind);
  return reader.getRowObjectsJson().map((row) => {
    const key = row.key === null || row.key === undefined ? null : String(row.key);
    return {
      key,
      billedCost: new Decimal(String(row.billed ?? "0")),
      effectiveCost: new Decimal(String(row.effective ?? "0")),
      ...(kubernetes ? { idle: key?.endsWith(IDLE_SUFFIX) ?? false } : {}),
    };
  });
}
