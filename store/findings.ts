import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { Decimal } from "./money.js";

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
}

const iso = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%SZ')`;

export async function queryFindings(connection: DuckDBConnection, query: FindingQuery): Promise<Finding[]> {
  const params: DuckDBValue[] = [];
  const filters: string[] = [];
  const param = (value: DuckDBValue) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.rules?.length) filters.push(`rule IN (${query.rules.map((r) => param(r)).join(", ")})`);
  if (query.team) filters.push(`team = ${param(query.team)}`);
  if (query.status === "open") filters.push("resolved_at IS NULL");
  if (query.status === "resolved") filters.push("resolved_at IS NOT NULL");
  if (query.runId) filters.push(`last_run_id = ${param(query.runId)}`);
  const reader = await connection.runAndReadAll(
    `SELECT id, rule, resource_id, resource_type, account, region, team, severity, reason, evidence::VARCHAR AS evidence,
       monthly_cost, monthly_cost_source, monthly_cost_note, estimated_monthly_savings, action, protected,
       ${iso("first_seen")} AS first_seen, ${iso("last_seen")} AS last_seen, ${iso("resolved_at")} AS resolved_at
     FROM findings ${filters.length ? `WHERE ${filters.join(" AND ")}` : ""}
     ORDER BY estimated_monthly_savings DESC NULLS LAST, monthly_cost DESC NULLS LAST, rule, account, resource_id`,
    params,
  );
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
    status: row.resolved_at === null ? "open" : "resolved",
    firstSeen: String(row.first_seen),
    lastSeen: String(row.last_seen),
    resolvedAt: row.resolved_at === null ? null : String(row.resolved_at),
  }));
}
