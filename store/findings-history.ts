import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlLiteral } from "../core/sql.js";
import { RESOURCE_DESCRIPTORS } from "../resources/index.js";
import { inTransaction } from "./database.js";

// The findings history (findings, analysis_runs) is the store's: the rules stage hands it one run's
// matches as a query, and the store works out what is new, changed, seen again or resolved.

/**
 * SQL: how people name `count` resources of the type `typeSql` (1 EBS volume, 2 EBS snapshots), from
 * the descriptors; "resource(s)" for a type without one.
 */
function displayNameSql(typeSql: string, countSql: string): string {
  const arms = RESOURCE_DESCRIPTORS.map(
    (d) =>
      `WHEN ${sqlLiteral(d.type)} THEN CASE WHEN ${countSql} = 1 THEN ${sqlLiteral(d.displayName.one)} ELSE ${sqlLiteral(d.displayName.many)} END`,
  );
  return `CASE ${typeSql} ${arms.join(" ")} ELSE 'resource(s)' END`;
}

/** What a finding says, beside its id and history. */
const CONTENT_COLUMNS = [
  "rule",
  "resource_id",
  "resource_type",
  "account",
  "region",
  "team",
  "severity",
  "reason",
  "evidence",
  "monthly_cost",
  "monthly_cost_source",
  "monthly_cost_note",
  "savings",
  "action",
  "protected",
  "extra_cost_ids",
] as const;

/**
 * Runs fn with preserve_insertion_order off, set outside any transaction, so that a failed statement
 * cannot keep the reset from running.
 */
export async function withoutInsertionOrder<T>(
  connection: DuckDBConnection,
  fn: () => Promise<T>,
): Promise<T> {
  await connection.run("SET preserve_insertion_order = false");
  try {
    return await fn();
  } finally {
    await connection.run("RESET preserve_insertion_order");
  }
}

/**
 * Evaluates the matches into the temporary table run_findings: each finding with its content, whether it
 * is stored already, and whether its content changed. Nothing stored is written.
 */
export async function stageRun(
  connection: DuckDBConnection,
  matches: string,
  nowLiteral: string,
): Promise<void> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE run_findings AS
      WITH matches AS (${matches}),
      -- Resources whose cost is part of a finding's (a stopped instance's volumes, an AMI's snapshots),
      -- where still in inventory.
      extras AS (
        SELECT e.rule, e.account, e.resource_id, sum(c.monthly) AS monthly,
          CASE WHEN bool_or(c.source = 'price-list') THEN 'price-list'
            WHEN bool_or(c.source = 'billing-unit-price') THEN 'billing-unit-price'
            WHEN bool_and(c.source = 'billing') THEN 'billing' END AS source,
          'with its ' || count(*) || ' ' || CASE WHEN count(DISTINCT c.resource_type) = 1
              THEN ${displayNameSql("min(c.resource_type)", "count(*)")} ELSE 'related resources' END
            || ' (' || string_agg(e.extra_id, ', ' ORDER BY e.extra_id) || ') costing '
            || coalesce(CAST(round(sum(c.monthly), 2) AS VARCHAR), 'an unknown amount') || ' a month'
            || CASE WHEN bool_or(c.source <> 'billing') THEN ', estimated where billing does not name them' ELSE '' END
            AS note
        FROM (SELECT rule, account, resource_id, unnest(extra_cost_ids) AS extra_id FROM matches) e
        JOIN resource_facts c ON c.account = e.account AND c.resource_id = e.extra_id
        GROUP BY e.rule, e.account, e.resource_id
      ),
      -- A match of a resource no longer in inventory (a user's SQL can name any id) is dropped here.
      priced AS (
        SELECT x.*, own.resource_type, own.region, own.team, own.protected, own.exemption, own.retain_until,
          own.monthly AS own_monthly, own.source AS own_source,
          -- A resource with no cost of its own (an AMI: its snapshots bill) is priced by the note of its extras.
          CASE WHEN own.monthly IS NULL AND ex.note IS NOT NULL THEN NULL ELSE own.note END AS own_note,
          ex.monthly AS extra_monthly, ex.source AS extra_source, ex.note AS extra_note,
          CASE WHEN own.monthly IS NOT NULL OR ex.monthly IS NOT NULL
            THEN coalesce(own.monthly, 0) + coalesce(ex.monthly, 0) END AS monthly_cost
        FROM matches x
        JOIN resource_facts own ON own.account = x.account AND own.resource_id = x.resource_id
        LEFT JOIN extras ex ON ex.rule = x.rule AND ex.account = x.account AND ex.resource_id = x.resource_id
      ),
      found AS (
      SELECT substr(md5(x.rule || '|' || x.account || '|' || x.resource_id), 1, 16) AS id,
        x.rule, x.resource_id, x.resource_type, x.account, x.region, x.team, x.severity, x.reason,
        x.evidence, x.monthly_cost,
        CASE WHEN x.monthly_cost IS NULL THEN NULL
          WHEN list_contains([x.own_source, x.extra_source], 'price-list') THEN 'price-list'
          WHEN list_contains([x.own_source, x.extra_source], 'billing-unit-price') THEN 'billing-unit-price'
          WHEN list_contains([x.own_source, x.extra_source], 'billing') THEN 'billing'
          ELSE x.own_source END AS monthly_cost_source,
        nullif(concat_ws('; ', x.own_note, x.extra_note), '') AS monthly_cost_note,
        -- A share of the cost is an estimate: worked in DOUBLE and rounded to micro-dollars (DECIMAL(38,12)
        -- products are 128-bit arithmetic, half a second at a million findings). The whole or none is exact.
        CASE x.savings_ratio WHEN 1 THEN x.monthly_cost WHEN 0 THEN 0
          ELSE CAST(round(CAST(x.monthly_cost AS DOUBLE) * x.savings_ratio, 6) AS DECIMAL(38,12)) END AS savings,
        x.action, x.protected,
        CASE WHEN len(x.extra_cost_ids) > 0 THEN list_sort(x.extra_cost_ids) END AS extra_cost_ids
      FROM priced x
      -- An exemption tag names the rules it exempts from (comma-separated), or * for all.
      WHERE (x.exemption = '' OR NOT list_has_any(string_split(replace(x.exemption, ' ', ''), ','), ['*', x.rule]))
        -- A backup finops took is no rule's finding until its retention ends (remediation.backupRetentionDays).
        AND (x.retain_until IS NULL OR x.retain_until <= ${nowLiteral})
      )
      -- Whether each finding is stored already, and whether its content changed (or it is new): only then
      -- does the run keep its content, for the statements below to write.
      SELECT n.id, n.content_hash, f.id IS NOT NULL AS stored, f.content_hash IS DISTINCT FROM n.content_hash AS changed,
        ${CONTENT_COLUMNS.map((c) => `CASE WHEN f.content_hash IS DISTINCT FROM n.content_hash THEN n.${c} END AS ${c}`).join(", ")}
      FROM (
        SELECT *, hash(team, severity, reason, evidence, monthly_cost, monthly_cost_source, monthly_cost_note,
          savings, action, protected, resource_type, region, extra_cost_ids) AS content_hash
        FROM found
      ) n
      LEFT JOIN findings f ON f.id = n.id`);
}

/**
 * Evaluates the matches and merges them into the findings history, in one transaction: the run of the
 * rules `evaluatedRules` as of `nowLiteral` (a SQL TIMESTAMP literal); their open findings it did not
 * find again are resolved.
 */
export async function storeRun(
  connection: DuckDBConnection,
  matches: string,
  evaluatedRules: string[],
  runId: string,
  nowLiteral: string,
): Promise<void> {
  await inTransaction(connection, async () => {
    await stageRun(connection, matches, nowLiteral);
    await connection.run(
      `INSERT INTO analysis_runs VALUES ($1, ${nowLiteral}, now()::TIMESTAMP, NULL, $2, NULL)`,
      [runId, JSON.stringify(evaluatedRules)],
    );
    // Most findings say the same as last run: those are only marked seen (three narrow columns), and
    // the few whose content hash changed are rewritten.
    await connection.run(`UPDATE findings f SET last_seen = ${nowLiteral}, resolved_at = NULL, last_run_id = ${sqlLiteral(runId)}
      FROM (SELECT id FROM run_findings WHERE stored) n WHERE f.id = n.id`);
    await connection.run(`UPDATE findings f SET
        team = n.team, severity = n.severity, reason = n.reason, evidence = n.evidence, monthly_cost = n.monthly_cost,
        monthly_cost_source = n.monthly_cost_source, monthly_cost_note = n.monthly_cost_note, estimated_monthly_savings = n.savings, action = n.action,
        protected = n.protected, resource_type = n.resource_type, region = n.region, content_hash = n.content_hash,
        extra_cost_ids = n.extra_cost_ids
      FROM (SELECT * FROM run_findings WHERE stored AND changed) n WHERE f.id = n.id`);
    await connection.run(`INSERT INTO findings BY NAME
      SELECT id, rule, resource_id, resource_type, account, region, team, severity, reason, evidence, monthly_cost,
        monthly_cost_source, monthly_cost_note, savings AS estimated_monthly_savings, action, protected, content_hash,
        extra_cost_ids, ${nowLiteral} AS first_seen, ${nowLiteral} AS last_seen, NULL AS resolved_at, ${sqlLiteral(runId)} AS last_run_id
      FROM run_findings WHERE NOT stored`);
    // Open findings this run did not find again are resolved. A run evaluates every enabled rule, so a
    // finding of a rule since disabled or removed from rules.yaml is resolved too: left open, it would
    // count in every total (findings, web, report, digests) that analyze no longer shows.
    await connection.run(
      `UPDATE findings SET resolved_at = ${nowLiteral}
       WHERE resolved_at IS NULL AND last_run_id <> ${sqlLiteral(runId)}`,
    );
    await connection.run(
      `UPDATE analysis_runs SET finished_at = now()::TIMESTAMP,
         findings = (SELECT count(*) FROM run_findings) WHERE run_id = $1`,
      [runId],
    );
  });
}
