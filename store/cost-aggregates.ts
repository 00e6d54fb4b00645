import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { isBuiltFrom, recordBuilt } from "./build-state.js";
import { costRows } from "./costs.js";
import { inTransaction } from "./database.js";
import { IDLE_SUFFIX } from "./kubernetes-costs.js";

export interface TeamTagging {
  teamKeys: readonly string[];
  caseInsensitiveTags: boolean;
}

/**
 * Daily sums of the billing, for views that must answer fast on a large bill (the web view): a day
 * holds a few thousand groups where the bill holds millions of rows. Built with `costRows`, the query
 * `finops costs` sums, so a window of whole days gives exactly its figures:
 * - cost_daily: by day, provider, service, account and region;
 * - cost_daily_team: by day and team (Cost Explorer's tag groupings in place of its untagged rows);
 * - cost_daily_resource: by day and resource id;
 * - cost_daily_cluster, cost_daily_namespace: by day and Kubernetes cluster or `CLUSTER/NAMESPACE`, from
 *   split cost allocation data (store/kubernetes-costs.ts): `idle` marks a cluster's unused capacity, the
 *   key NULL the rest of the bill.
 * `aggregate_state` keeps what they were built from (and which tables: a version that adds one rebuilds);
 * they are rebuilt when that changes.
 */
const TABLES = [
  "cost_daily",
  "cost_daily_team",
  "cost_daily_resource",
  "cost_daily_cluster",
  "cost_daily_namespace",
] as const;

/** What the aggregates depend on: the billing rows (loads replace rows) and the team tag keys. */
async function sourceMarker(connection: DuckDBConnection, tagging: TeamTagging): Promise<string> {
  const reader = await connection.runAndReadAll(
    `SELECT (SELECT count(*) FROM billing) AS billing_rows,
       (SELECT coalesce(max(started_at)::VARCHAR, '') FROM loads) AS last_load,
       (SELECT count(*) FROM cost_explorer_tag_costs) AS tag_rows`,
  );
  const row = reader.getRowObjectsJson()[0] ?? {};
  return JSON.stringify({
    billingRows: String(row.billing_rows),
    lastLoad: String(row.last_load),
    tagRows: String(row.tag_rows),
    teamKeys: tagging.teamKeys,
    caseInsensitive: tagging.caseInsensitiveTags,
    tables: TABLES,
  });
}

/** Builds the aggregates unless they are already built from the current billing; true when built. */
export async function ensureCostAggregates(
  connection: DuckDBConnection,
  tagging: TeamTagging,
): Promise<boolean> {
  const marker = await sourceMarker(connection, tagging);
  if (await isBuiltFrom(connection, "costs", "cost_daily_namespace", marker)) return false;
  await rebuildCostAggregates(connection, tagging, marker);
  return true;
}

async function rebuildCostAggregates(connection: DuckDBConnection, tagging: TeamTagging, marker: string) {
  const build = (dimension: Parameters<typeof costRows>[0]["dimension"]) => {
    const params: DuckDBValue[] = [];
    const sql = costRows({ dimension, caseInsensitiveTags: tagging.caseInsensitiveTags }, (value) => {
      params.push(value);
      return `$${params.length}`;
    });
    return { sql, params };
  };
  const team = build({ kind: "team", tagKeys: [...tagging.teamKeys] });
  const resource = build({ kind: "resource" });
  const kubernetes = (["cluster", "namespace"] as const).map((kind) => ({ kind, ...build({ kind }) }));
  await inTransaction(connection, async () => {
    // Sorted by day: a window of days reads only the row groups of those days.
    await connection.run(`CREATE OR REPLACE TABLE cost_daily AS
      SELECT CAST(ChargePeriodStart AS DATE) AS day, ProviderName AS provider, ServiceName AS service,
        coalesce(SubAccountId, BillingAccountId) AS account, RegionId AS region,
        sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
      FROM billing_costs GROUP BY ALL ORDER BY day`);
    await connection.run(
      `CREATE OR REPLACE TABLE cost_daily_team AS
       SELECT day, provider, key AS team, sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
       FROM (${team.sql}) GROUP BY ALL ORDER BY day`,
      team.params,
    );
    await connection.run(
      `CREATE OR REPLACE TABLE cost_daily_resource AS
       SELECT day, key AS resource_id, sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
       FROM (${resource.sql}) GROUP BY ALL ORDER BY day`,
      resource.params,
    );
    for (const { kind, sql, params } of kubernetes) {
      await connection.run(
        `CREATE OR REPLACE TABLE cost_daily_${kind} AS
         SELECT day, provider, key AS ${kind}, coalesce(ends_with(key, '${IDLE_SUFFIX}'), false) AS idle,
           sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
         FROM (${sql}) GROUP BY ALL ORDER BY day`,
        params,
      );
    }
    await recordBuilt(connection, "costs", marker);
  });
}

/**
 * The aggregate table and key column of a dimension the aggregates hold, or null; kubernetes: the table
 * has an `idle` column and its key NULL is the bill outside any cluster.
 */
export function aggregateOf(
  by: string,
): { table: (typeof TABLES)[number]; key: string; kubernetes?: true } | null {
  switch (by) {
    case "service":
    case "account":
    case "region":
      return { table: "cost_daily", key: by };
    case "team":
      return { table: "cost_daily_team", key: "team" };
    case "resource":
      return { table: "cost_daily_resource", key: "resource_id" };
    case "cluster":
    case "namespace":
      return { table: `cost_daily_${by}`, key: by, kubernetes: true };
    default:
      return null;
  }
}
