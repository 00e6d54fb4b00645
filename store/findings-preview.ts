import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlLiteral } from "../core/sql.js";

/** The findings columns a run rewrites when a finding's content changed, and run_findings' name for each. */
const REWRITTEN: Record<string, string> = {
  team: "team",
  severity: "severity",
  reason: "reason",
  evidence: "evidence",
  monthly_cost: "monthly_cost",
  monthly_cost_source: "monthly_cost_source",
  monthly_cost_note: "monthly_cost_note",
  estimated_monthly_savings: "savings",
  action: "action",
  protected: "protected",
  resource_type: "resource_type",
  region: "region",
  content_hash: "content_hash",
  extra_cost_ids: "extra_cost_ids",
};

/**
 * A preview's findings: a temporary view named `findings` shadows the stored table for this connection
 * only, showing the history as the staged run (run_findings) would have left it: found again (seen now,
 * open, this run's), rewritten where its content changed, new, or resolved now (every open finding the run did not find again, a disabled rule's too). Every reader of
 * `findings` (summary, JSON, table) shows the preview unchanged, and nothing is written: a statement
 * that tried to write `findings` on this connection would fail on the view, not change the history.
 */
export async function showFindingsPreview(
  connection: DuckDBConnection,
  runId: string,
  nowLiteral: string,
): Promise<void> {
  // The stored table by its catalog's name: within a temporary view, main.findings is the view itself.
  const catalog = (await connection.runAndReadAll("SELECT current_database() AS name")).getRowObjectsJson()[0]
    ?.name;
  const stored = `"${String(catalog).replaceAll('"', '""')}".main.findings`;
  const run = sqlLiteral(runId);
  const rewritten = Object.entries(REWRITTEN)
    .map(([column, staged]) => `CASE WHEN n.changed THEN n.${staged} ELSE f.${column} END AS ${column}`)
    .join(",\n        ");
  await connection.run(`CREATE OR REPLACE TEMP VIEW findings AS
    SELECT f.* REPLACE (
        ${rewritten},
        CASE WHEN n.id IS NOT NULL THEN ${nowLiteral} ELSE f.last_seen END AS last_seen,
        CASE WHEN n.id IS NOT NULL THEN NULL
          WHEN f.resolved_at IS NULL THEN ${nowLiteral}
          ELSE f.resolved_at END AS resolved_at,
        CASE WHEN n.id IS NOT NULL THEN ${run} ELSE f.last_run_id END AS last_run_id)
    FROM ${stored} f LEFT JOIN temp.run_findings n ON n.id = f.id AND n.stored
    UNION ALL BY NAME
    SELECT id, rule, resource_id, resource_type, account, region, team, severity, reason, evidence, monthly_cost,
      monthly_cost_source, monthly_cost_note, savings AS estimated_monthly_savings, action, protected, content_hash, extra_cost_ids,
      ${nowLiteral} AS first_seen, ${nowLiteral} AS last_seen, NULL::TIMESTAMP AS resolved_at, ${run} AS last_run_id
    FROM temp.run_findings WHERE NOT stored`);
}

/** Takes a preview's view off this connection: `findings` names the stored history again. */
export async function dropFindingsPreview(connection: DuckDBConnection): Promise<void> {
  await connection.run("DROP VIEW IF EXISTS temp.findings");
}
