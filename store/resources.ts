import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { Decimal } from "../core/money.js";
import { sqlLiteral } from "../core/sql.js";
import { arnSql } from "../resources/arn.js";
import { RESOURCE_DESCRIPTORS } from "../resources/index.js";

export interface ResourceQuery {
  type?: string;
  account?: string;
  region?: string;
  /** Only resources without a value for any team tag key. */
  untagged?: boolean;
  teamKeys: string[];
  caseInsensitiveTags: boolean;
}

export interface ResourceLine {
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  state: string | null;
  createdAt: string | null;
  tags: Record<string, string>;
  team: string | null;
  /** EffectiveCost of the resource's billing rows over the last 30 days of billing; null without any. */
  monthlyCost: Decimal | null;
}

/**
 * How billing names a resource of each type besides its id: the ARN of its descriptor's shape (EC2
 * resources have none stored; snapshot ARNs name no account, but the CUR's resource ids for snapshots
 * do), else the ARN the Tagging API reported.
 */
export const ARN_OF = `CASE r.resource_type
    ${RESOURCE_DESCRIPTORS.map((d) => `WHEN ${sqlLiteral(d.type)} THEN ${arnSql(d, "r")}`).join("\n    ")}
    ELSE json_extract_string(r.attributes, '$.arn') END`;

/**
 * The names billing may give the current resource(s) with this id (a SQL expression of it, e.g. a
 * parameter): the id itself and ARN_OF, the same match as every resource's cost (RESOURCE_COST_CTE's
 * by_id / by_arn joins). Billing names snapshots, Elastic IPs and NAT gateways by ARN.
 */
export function billingNamesSql(id: string): string {
  return `SELECT CAST(${id} AS VARCHAR) AS name
    UNION SELECT ${ARN_OF} FROM resources_current r WHERE r.resource_id = CAST(${id} AS VARCHAR)`;
}

/**
 * `recent_billing`: the last 30 days of billing (the days up to the latest ChargePeriodStart); `cost`: each
 * billed resource id's EffectiveCost over them. Joined on a resource's id, else its ARN.
 */
export const RESOURCE_COST_CTE = `window_end AS (SELECT max(ChargePeriodStart) AS last FROM billing_costs),
    recent_billing AS (
      SELECT b.* FROM billing_costs b, window_end
      WHERE b.ChargePeriodStart >= date_trunc('day', window_end.last) - INTERVAL 29 DAY
    ),
    cost AS (
      SELECT ResourceId, sum(EffectiveCost) AS monthly FROM recent_billing
      WHERE ResourceId IS NOT NULL GROUP BY ResourceId
    )`;

/** The current inventory, with each resource's team and its cost from billing where billing names it. */
export async function currentResources(
  connection: DuckDBConnection,
  query: ResourceQuery,
): Promise<ResourceLine[]> {
  const params: DuckDBValue[] = [];
  const param = (value: DuckDBValue) => {
    params.push(value);
    return `$${params.length}`;
  };
  const lookup = query.caseInsensitiveTags ? "tag_value_ci" : "tag_value_exact";
  const team = `coalesce(${query.teamKeys.map((k) => `nullif(${lookup}(r.tags, ${param(k)}), '')`).join(", ")})`;
  const filters: string[] = [];
  if (query.type) filters.push(`r.resource_type = ${param(query.type)}`);
  if (query.account) filters.push(`r.account = ${param(query.account)}`);
  if (query.region) filters.push(`r.region = ${param(query.region)}`);
  if (query.untagged) filters.push(`${team} IS NULL`);
  const sql = `
    WITH ${RESOURCE_COST_CTE}
    SELECT r.resource_id, r.resource_type, r.account, r.region, r.state,
      strftime(r.created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at, r.tags::VARCHAR AS tags, ${team} AS team,
      coalesce(by_id.monthly, by_arn.monthly) AS monthly
    FROM resources_current r
    LEFT JOIN cost by_id ON by_id.ResourceId = r.resource_id
    LEFT JOIN cost by_arn ON by_arn.ResourceId = ${ARN_OF}
    ${filters.length ? `WHERE ${filters.join(" AND ")}` : ""}
    ORDER BY monthly DESC NULLS LAST, r.account, r.region, r.resource_type, r.resource_id`;
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson().map((row) => ({
    resourceId: String(row.resource_id),
    resourceType: String(row.resource_type),
    account: String(row.account),
    region: String(row.region),
    state: row.state === null ? null : String(row.state),
    createdAt: row.created_at === null ? null : String(row.created_at),
    tags: JSON.parse(String(row.tags ?? "{}")) as Record<string, string>,
    team: row.team === null ? null : String(row.team),
    monthlyCost: row.monthly === null ? null : new Decimal(String(row.monthly)),
  }));
}
