import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { actionStrengthSql } from "../core/actions.js";
import { type FindingQuery, findingFilters } from "./findings.js";

/**
 * Money counted once. Several findings can name one resource (expired and idle-instance; gp2-volume,
 * unattached-volume and missing-tags), each with its own savings figure, but only one action is taken
 * on a resource. `resourceSavingsSql` is the one relation every total reads: per resource (account and
 * id) among the findings the WHERE clause selects, the savings of the one action counted, the largest
 * figure (among equal figures, the strongest action, core/actions.ts, then the first rule by id),
 * capped at the resource's monthly cost (the largest any of its findings names: a stopped instance's
 * includes its volumes, whose own findings therefore count under the instance, as one resource). A terminate's figure (the whole cost) therefore subsumes a stop's and a gp3
 * conversion's. Columns: account, resource_id, team (the counted finding's), findings (how many),
 * claiming (how many with savings above zero), gross (their figures summed), savings (counted once),
 * cost (the resource's monthly cost, once: with a stopped instance's volumes under it), counted_id and counted_rule;
 * with `findingIds`, finding_ids too (every finding counted under the resource, by id).
 */
export function resourceSavingsSql(where: string, options: { findingIds?: boolean } = {}): string {
  const counted = `ORDER BY estimated_monthly_savings DESC NULLS LAST, ${actionStrengthSql("action")} DESC, rule, id`;
  // A resource whose cost is part of another selected finding's (a stopped instance's volume, an unused
  // AMI's snapshot) counts under that resource: the instance's figure already holds the volume's cost.
  return `WITH selected AS (SELECT * FROM findings ${where}),
    parents AS (
      SELECT account, extra_id, min(resource_id) AS parent_id
      FROM (SELECT account, resource_id, unnest(extra_cost_ids) AS extra_id FROM selected)
      GROUP BY account, extra_id
    ),
    keyed AS (
      SELECT s.* REPLACE (coalesce(p.parent_id, s.resource_id) AS resource_id)
      FROM selected s LEFT JOIN parents p ON p.account = s.account AND p.extra_id = s.resource_id
    )
    SELECT account, resource_id, first(team ${counted}) AS team, count(*) AS findings,
      count(*) FILTER (WHERE estimated_monthly_savings > 0) AS claiming, sum(estimated_monthly_savings) AS gross,
      least(max(estimated_monthly_savings), max(monthly_cost)) AS savings, max(monthly_cost) AS cost,
      first(id ${counted}) AS counted_id, first(rule ${counted}) AS counted_rule${options.findingIds ? ", list(id ORDER BY id) AS finding_ids" : ""}
    FROM keyed GROUP BY account, resource_id`;
}

/** The savings of a set of findings, counted once per resource, and what the plain sum would say. */
export interface SavingsTotals {
  /** Σ per resource of the one action's savings (resourceSavingsSql), exact DECIMAL text. */
  estimatedMonthlySavings: string;
  /** The plain sum of the findings' own figures: what each rule claims. */
  grossEstimatedMonthlySavings: string;
  /**
   * What the flagged resources cost a month, each resource once (a resource two rules flag, or a volume
   * whose cost its stopped instance's finding already holds, is not added again). Exact DECIMAL text.
   */
  monthlyCost: string;
  findings: number;
  resources: number;
  /**
   * Findings claiming savings on a resource where another finding of the set claims some too (whose
   * figures would count twice in a plain sum), and those resources.
   */
  overlappingFindings: number;
  overlappingResources: number;
}

const TOTALS = `CAST(coalesce(sum(savings), 0) AS VARCHAR) AS net, CAST(coalesce(sum(gross), 0) AS VARCHAR) AS gross,
  CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost,
  coalesce(sum(findings), 0) AS findings, count(*) AS resources,
  coalesce(sum(claiming) FILTER (WHERE claiming > 1), 0) AS overlapping_findings,
  count(*) FILTER (WHERE claiming > 1) AS overlapping_resources`;

const totalsOf = (row: Record<string, unknown>): SavingsTotals => ({
  estimatedMonthlySavings: String(row.net ?? "0"),
  grossEstimatedMonthlySavings: String(row.gross ?? "0"),
  monthlyCost: String(row.cost ?? "0"),
  findings: Number(row.findings ?? 0),
  resources: Number(row.resources ?? 0),
  overlappingFindings: Number(row.overlapping_findings ?? 0),
  overlappingResources: Number(row.overlapping_resources ?? 0),
});

function filtered(query: FindingQuery): { where: string; params: DuckDBValue[] } {
  const params: DuckDBValue[] = [];
  const where = findingFilters(query, (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  return { where, params };
}

/** The query's findings' savings, counted once per resource (its sort and page aside). */
export async function savingsTotals(
  connection: DuckDBConnection,
  query: FindingQuery,
): Promise<SavingsTotals> {
  const { where, params } = filtered(query);
  const reader = await connection.runAndReadAll(
    `SELECT ${TOTALS} FROM (${resourceSavingsSql(where)})`,
    params,
  );
  return totalsOf(reader.getRowObjectsJson()[0] ?? {});
}

/** savingsTotals per team (a resource counts in its counted finding's team), largest savings first. */
export async function savingsTotalsByTeam(
  connection: DuckDBConnection,
  query: FindingQuery,
): Promise<({ team: string } & SavingsTotals)[]> {
  const { where, params } = filtered(query);
  const reader = await connection.runAndReadAll(
    `SELECT team, ${TOTALS} FROM (${resourceSavingsSql(where)}) GROUP BY team
     ORDER BY sum(savings) DESC NULLS LAST, team`,
    params,
  );
  return reader.getRowObjectsJson().map((row) => ({ team: String(row.team), ...totalsOf(row) }));
}

/** One resource's money, counted once: what a digest lists per resource. */
export interface ResourceSavings {
  account: string;
  /** The resource the findings count under (a stopped instance for its volumes' findings). */
  resourceId: string;
  /** Its savings: the one action's (exact DECIMAL text); null when no finding names a figure. */
  savings: string | null;
  /** Its monthly cost, once; null when unknown. */
  cost: string | null;
  /** The finding whose action is counted, and its rule: the one action the resource needs. */
  countedId: string;
  countedRule: string;
  /** Every finding counted under it. */
  findingIds: string[];
}

/** The query's findings per resource, each resource's savings counted once (resourceSavingsSql). */
export async function resourceSavings(
  connection: DuckDBConnection,
  query: FindingQuery,
): Promise<ResourceSavings[]> {
  const { where, params } = filtered(query);
  const reader = await connection.runAndReadAll(
    `SELECT account, resource_id, CAST(savings AS VARCHAR) AS savings, CAST(cost AS VARCHAR) AS cost,
       counted_id, counted_rule, to_json(finding_ids)::VARCHAR AS finding_ids
     FROM (${resourceSavingsSql(where, { findingIds: true })})
     ORDER BY savings DESC NULLS LAST, cost DESC NULLS LAST, account, resource_id`,
    params,
  );
  return reader.getRowObjectsJson().map((row) => ({
    account: String(row.account),
    resourceId: String(row.resource_id),
    savings: row.savings === null ? null : String(row.savings),
    cost: row.cost === null ? null : String(row.cost),
    countedId: String(row.counted_id),
    countedRule: String(row.counted_rule),
    findingIds: JSON.parse(String(row.finding_ids)) as string[],
  }));
}
