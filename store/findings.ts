import { type DuckDBConnection, type DuckDBValue, listValue } from "@duckdb/node-api";
import { Decimal } from "../core/money.js";

/** A finding as the contract's `analyze --json` and `findings --json` show it. */
export interface Finding {
  id: string;
  rule: string;
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  team: string;
  severity: string;
  reason: string;
  evidence: unknown;
  monthlyCost: Decimal | null;
  /**
   * Where monthlyCost came from: "billing" (the resource's own rows), "billing-unit-price" (its usage at
   * the unit price billed for its kind), "price-list" (the AWS Price List), "no-usage", or null.
   */
  monthlyCostSource: string | null;
  /** How an estimated monthlyCost was reached, or why there is none. */
  monthlyCostNote: string | null;
  estimatedMonthlySavings: Decimal | null;
  action: string;
  protected: boolean;
  /** The other open findings on the same resource (its savings count once in totals: store/savings.ts). */
  overlaps: { rule: string; id: string }[];
  status: "open" | "resolved";
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
}

export interface FindingQuery {
  rules?: string[];
  team?: string;
  status?: "open" | "resolved";
  /** Only the findings of this analysis run. */
  runId?: string;
  /** Only these findings (by id). */
  ids?: readonly string[];
  severity?: string;
  account?: string;
  region?: string;
  /** Sort column (default: savings, then monthly cost), and a page of the result. */
  sort?: FindingSort;
  order?: "asc" | "desc";
  limit?: number;
  offset?: number;
}

/** What findings can be sorted by, and the column each sorts on. */
export const FINDING_SORTS = {
  savings: "estimated_monthly_savings",
  monthlyCost: "monthly_cost",
  rule: "rule",
  team: "team",
  severity: "CASE severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 END",
  account: "account",
  region: "region",
  firstSeen: "first_seen",
} as const;
export type FindingSort = keyof typeof FINDING_SORTS;

/** The WHERE clause of the query's filters (its sort and page aside), or nothing. */
export function findingFilters(query: FindingQuery, param: (value: DuckDBValue) => string): string {
  const filters: string[] = [];
  if (query.rules?.length) filters.push(`rule IN (${query.rules.map((r) => param(r)).join(", ")})`);
  if (query.team) filters.push(`team = ${param(query.team)}`);
  if (query.status === "open") filters.push("resolved_at IS NULL");
  if (query.status === "resolved") filters.push("resolved_at IS NOT NULL");
  if (query.runId) filters.push(`last_run_id = ${param(query.runId)}`);
  if (query.ids) filters.push(`id IN (SELECT unnest(${param(listValue([...query.ids]))}::VARCHAR[]))`);
  if (query.severity) filters.push(`severity = ${param(query.severity)}`);
  if (query.account) filters.push(`account = ${param(query.account)}`);
  if (query.region) filters.push(`region = ${param(query.region)}`);
  return filters.length ? `WHERE ${filters.join(" AND ")}` : "";
}

/** How many findings the query matches (without its page). */
export async function countFindings(connection: DuckDBConnection, query: FindingQuery): Promise<number> {
  const params: DuckDBValue[] = [];
  const where = findingFilters(query, (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM findings ${where}`, params);
  return Number(reader.getRowObjectsJson()[0]?.n ?? 0);
}

const iso = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%SZ')`;

/**
 * The query's page of findings (`page`), each with the other open findings on its resource as a LIST of
 * {rule, id} in `overlap_list` (`overlaps` is a SQL keyword): empty for a resolved finding or one alone
 * on its resource. Only the page's resources are grouped: grouping every open finding made a page of
 * 100 out of 822k findings take 5 s.
 */
function withOverlaps(page: string): string {
  return `WITH page AS (${page}),
    shared AS (
      SELECT f.account, f.resource_id, list({rule: f.rule, id: f.id} ORDER BY f.rule, f.id) AS members
      FROM findings f SEMI JOIN (SELECT DISTINCT account, resource_id FROM page WHERE resolved_at IS NULL) p
        ON p.account = f.account AND p.resource_id = f.resource_id
      WHERE f.resolved_at IS NULL GROUP BY f.account, f.resource_id HAVING count(*) > 1
    )
    SELECT p.*, CASE WHEN p.resolved_at IS NULL AND o.members IS NOT NULL
      THEN list_filter(o.members, m -> m.id <> p.id) ELSE [] END AS overlap_list
    FROM page p LEFT JOIN shared o ON o.account = p.account AND o.resource_id = p.resource_id`;
}

/**
 * The query's sort: its column, else the most savings first. Findings that tie on savings (the many
 * that save nothing, a rule's equal shares) follow their monthly cost, in the same direction, then id:
 * the order is the same on every page and in every face.
 */
function orderOf(query: FindingQuery): string {
  if (!query.sort)
    return "estimated_monthly_savings DESC NULLS LAST, monthly_cost DESC NULLS LAST, rule, account, resource_id";
  const direction = query.order === "asc" ? "ASC" : "DESC";
  const ties = query.sort === "savings" ? `, monthly_cost ${direction} NULLS LAST` : "";
  return `${FINDING_SORTS[query.sort]} ${direction} NULLS LAST${ties}, id`;
}

/**
 * The findings the query matches after its page (offset + limit) in its order: how many, and their
 * estimated savings summed (each finding's own figure), for the line under a page of the table.
 */
export async function findingsAfterPage(
  connection: DuckDBConnection,
  query: FindingQuery,
): Promise<{ count: number; estimatedMonthlySavings: Decimal }> {
  const params: DuckDBValue[] = [];
  const where = findingFilters(query, (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  params.push((query.offset ?? 0) + (query.limit ?? 0));
  const reader = await connection.runAndReadAll(
    `SELECT count(*) AS n, CAST(coalesce(sum(estimated_monthly_savings), 0) AS VARCHAR) AS savings
     FROM (SELECT estimated_monthly_savings FROM findings ${where} ORDER BY ${orderOf(query)} OFFSET $${params.length})`,
    params,
  );
  const row = reader.getRowObjectsJson()[0] ?? {};
  return { count: Number(row.n ?? 0), estimatedMonthlySavings: new Decimal(String(row.savings ?? "0")) };
}

/** `SELECT <select> FROM findings` filtered, sorted and paged as the query says. */
export function findingsSql(
  query: FindingQuery,
  select: string,
  param: (value: DuckDBValue) => string,
): string {
  const where = findingFilters(query, param);
  const order = orderOf(query);
  const page =
    query.limit !== undefined
      ? `LIMIT ${param(query.limit)} OFFSET ${param(query.offset ?? 0)}`
      : query.offset
        ? `OFFSET ${param(query.offset)}`
        : "";
  // Only a page is sorted before its overlaps are found (then again, for the output); a whole list once.
  const rows = page
    ? `SELECT * FROM findings ${where} ORDER BY ${order} ${page}`
    : `SELECT * FROM findings ${where}`;
  return `SELECT ${select} FROM (${withOverlaps(rows)}) findings ORDER BY ${order}`;
}

export async function queryFindings(connection: DuckDBConnection, query: FindingQuery): Promise<Finding[]> {
  const params: DuckDBValue[] = [];
  const sql = findingsSql(
    query,
    `id, rule, resource_id, resource_type, account, region, team, severity, reason, evidence::VARCHAR AS evidence,
       monthly_cost, monthly_cost_source, monthly_cost_note, estimated_monthly_savings, action, protected,
       to_json(overlap_list)::VARCHAR AS overlap_list, ${iso("first_seen")} AS first_seen, ${iso("last_seen")} AS last_seen, ${iso("resolved_at")} AS resolved_at`,
    (value) => {
      params.push(value);
      return `$${params.length}`;
    },
  );
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson().map((row) => ({
    id: String(row.id),
    rule: String(row.rule),
    resourceId: String(row.resource_id),
    resourceType: String(row.resource_type),
    account: String(row.account),
    region: String(row.region),
    team: String(row.team),
    severity: String(row.severity),
    reason: String(row.reason),
    evidence: row.evidence === null ? null : JSON.parse(String(row.evidence)),
    monthlyCost: row.monthly_cost === null ? null : new Decimal(String(row.monthly_cost)),
    monthlyCostSource: row.monthly_cost_source === null ? null : String(row.monthly_cost_source),
    monthlyCostNote: row.monthly_cost_note === null ? null : String(row.monthly_cost_note),
    estimatedMonthlySavings:
      row.estimated_monthly_savings === null ? null : new Decimal(String(row.estimated_monthly_savings)),
    action: String(row.action),
    protected: Boolean(row.protected),
    overlaps: JSON.parse(String(row.overlap_list)) as { rule: string; id: string }[],
    status: row.resolved_at === null ? "open" : "resolved",
    firstSeen: String(row.first_seen),
    lastSeen: String(row.last_seen),
    resolvedAt: row.resolved_at === null ? null : String(row.resolved_at),
  }));
}
