import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { UsageError } from "../cli/errors.js";
import { sqlLiteral } from "../core/sql.js";
import { tagValueSql, withCurrentInventory } from "../store/current-inventory.js";
import { inTransaction } from "../store/database.js";
import { ensureResourceFacts } from "../store/resource-facts.js";
import { RULE_KINDS } from "./catalogue.js";
import { type Config, configLocation } from "./config.js";
import { dropFindingsPreview, showFindingsPreview } from "./preview.js";
import type { RuleContext } from "./rule-kind.js";
import { resetUserMatches, runUserQuery, UserSqlRejected } from "./user-sql.js";

type EnabledRule = { rule: Config["rules"][number]; index: number };

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
] as const;

export interface AnalyzeOptions {
  /**
   * Evaluate without storing (a preview of a later day, `--now` in the future): the findings history and
   * analysis_runs are left as they were, and this connection's `findings` shows what the run would have
   * made of them (see rules/preview.ts) until it closes or dropFindingsPreview is called.
   */
  preview?: boolean;
}

export interface AnalysisRun {
  runId: string;
  evaluatedRules: string[];
  preview: boolean;
}

/** Runs every enabled rule as one set-based query and merges the matches into the findings history. */
export async function analyze(
  connection: DuckDBConnection,
  config: Config,
  now: Date,
  options: AnalyzeOptions = {},
): Promise<AnalysisRun> {
  const context = ruleContext(config, now);
  const nowLiteral = context.now;
  const enabled = enabledRules(config);
  const runId = `analysis-${now.toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;

  // A preview made earlier on this connection shadows the stored history: this run reads and writes that.
  await dropFindingsPreview(connection);
  // The view is a join and a window over the inventory history, and every rule reads it: rules read its
  // materialized copy instead (see store/current-inventory.ts), and each resource's team, protection,
  // exemption and monthly cost come from resource_facts. A collection builds both; a run after a change
  // not yet built (or with other tag keys) builds them here.
  await ensureResourceFacts(connection, config.tags);
  return withCurrentInventory(connection, () =>
    evaluate(connection, config, context, enabled, runId, nowLiteral, options.preview === true),
  );
}

/** What every rule's SQL may use: the instant as a literal, the tag lookup, the required tags, the metric window. */
export function ruleContext(config: Config, now: Date): RuleContext {
  const nowLiteral = `TIMESTAMP ${sqlLiteral(now.toISOString().replace("T", " ").replace("Z", ""))}`;
  return {
    now: nowLiteral,
    instant: now,
    tag: (alias, key) => tagValueSql(alias, key, config.tags.caseInsensitive),
    requiredTags: config.tags.required,
    metricWindow: (alias, lookbackDays) => {
      const day = alias === null ? "day" : `${alias}.day`;
      const today = `CAST(${nowLiteral} AS DATE)`;
      return `${day} >= ${today} - ${sqlLiteral(lookbackDays)} AND ${day} < ${today}`;
    },
  };
}

/**
 * One rule's matches with the columns every rule yields (rule, severity, action, account, resource_id,
 * reason, evidence, savings_ratio, extra_cost_ids); null for a kind that does not exist (rejected when
 * the config was loaded).
 */
export function ruleSelect(rule: Config["rules"][number], context: RuleContext): string | null {
  const kind = RULE_KINDS.get(rule.kind ?? rule.id);
  if (!kind) return null;
  const params = kind.params.parse(rule.params);
  return `SELECT ${sqlLiteral(rule.id)} AS rule, ${sqlLiteral(rule.severity ?? kind.defaultSeverity)} AS severity,
      ${sqlLiteral(rule.action ?? kind.defaultAction)} AS action, CAST(m.account AS VARCHAR) AS account,
      CAST(m.resource_id AS VARCHAR) AS resource_id, CAST(m.reason AS VARCHAR) AS reason,
      CAST(m.evidence AS JSON) AS evidence, CAST(m.savings_ratio AS DECIMAL(9,6)) AS savings_ratio,
      ${kind.extraCostIds ? "CAST(m.extra_cost_ids AS VARCHAR[])" : "[]::VARCHAR[]"} AS extra_cost_ids
    FROM (${kind.sql(params, context)}) m`;
}

async function evaluate(
  connection: DuckDBConnection,
  config: Config,
  context: RuleContext,
  enabled: EnabledRule[],
  runId: string,
  nowLiteral: string,
  preview: boolean,
): Promise<AnalysisRun> {
  const matches = await matchesSql(connection, config, context, enabled);
  const evaluatedRules = enabled.map(({ rule }) => rule.id);
  if (preview) {
    await stageRun(connection, matches, nowLiteral);
    await showFindingsPreview(connection, evaluatedRules, runId, nowLiteral);
  } else {
    // Stored rows have no order (every read sorts): without keeping the query's order, DuckDB writes from
    // both threads (inserting 822k new findings: 2.0 s -> 1.6 s).
    await withoutInsertionOrder(connection, () => storeRun(connection, matches, enabled, runId, nowLiteral));
  }
  return { runId, evaluatedRules, preview };
}

/** The enabled rules with their place in rules.yaml, for naming a broken one. */
export function enabledRules(config: Config): EnabledRule[] {
  return config.rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => rule.enabled);
}

/**
 * Every enabled rule's matches as one set-based query (a UNION ALL of ruleSelect). Each rule is checked
 * on its own first, so a broken rule (a user's SQL) is named with its place in rules.yaml instead of
 * failing the whole query anonymously. Reads resources_current: run within withCurrentInventory.
 */
export async function matchesSql(
  connection: DuckDBConnection,
  config: Config,
  context: RuleContext,
  enabled: EnabledRule[],
): Promise<string> {
  const selects: string[] = [];
  await resetUserMatches(connection);
  for (const { rule, index } of enabled) {
    const kind = RULE_KINDS.get(rule.kind ?? rule.id);
    const select = ruleSelect(rule, context);
    if (!kind || !select) continue;
    const where = () =>
      configLocation(config, ["rules", index, ...(kind.userQuery ? ["params", "query"] : ["id"])]);
    try {
      if (kind.userQuery) {
        await runUserQuery(connection, kind.userQuery(kind.params.parse(rule.params)), context.instant);
      }
      await connection.run(`SELECT * FROM (${select}) LIMIT 0`);
    } catch (error) {
      // A user rule's own faults are the config's; anything else (a store that can read files) is ours.
      if (kind.userQuery && !(error instanceof UserSqlRejected)) throw error;
      throw new UsageError(
        `${where()}: rule "${rule.id}" cannot run: ${(error as Error).message.split("\n")[0]}`,
      );
    }
    selects.push(select);
  }
  return selects.length
    ? selects.join("\nUNION ALL\n")
    : "SELECT NULL AS rule, NULL AS severity, NULL AS action, NULL AS account, NULL AS resource_id, NULL AS reason, NULL::JSON AS evidence, NULL::DECIMAL(9,6) AS savings_ratio, []::VARCHAR[] AS extra_cost_ids WHERE false";
}

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
async function stageRun(connection: DuckDBConnection, matches: string, nowLiteral: string): Promise<void> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE run_findings AS
      WITH matches AS (${matches}),
      -- Resources whose cost is part of a finding's (a stopped instance's volumes), where still in inventory.
      extras AS (
        SELECT e.rule, e.account, e.resource_id, sum(c.monthly) AS monthly,
          CASE WHEN bool_or(c.source = 'price-list') THEN 'price-list'
            WHEN bool_or(c.source = 'billing-unit-price') THEN 'billing-unit-price'
            WHEN bool_and(c.source = 'billing') THEN 'billing' END AS source,
          'with its ' || count(*) || ' volume(s) (' || string_agg(e.extra_id, ', ' ORDER BY e.extra_id) || ') costing '
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
          own.monthly AS own_monthly, own.source AS own_source, own.note AS own_note,
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
        x.action, x.protected
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
          savings, action, protected, resource_type, region) AS content_hash
        FROM found
      ) n
      LEFT JOIN findings f ON f.id = n.id`);
}

/** Evaluates the matches and merges them into the findings history, in one transaction. */
async function storeRun(
  connection: DuckDBConnection,
  matches: string,
  enabled: EnabledRule[],
  runId: string,
  nowLiteral: string,
): Promise<void> {
  await inTransaction(connection, async () => {
    await stageRun(connection, matches, nowLiteral);
    await connection.run(
      `INSERT INTO analysis_runs VALUES ($1, ${nowLiteral}, now()::TIMESTAMP, NULL, $2, NULL)`,
      [runId, JSON.stringify(enabled.map(({ rule }) => rule.id))],
    );
    // Most findings say the same as last run: those are only marked seen (three narrow columns), and
    // the few whose content hash changed are rewritten.
    await connection.run(`UPDATE findings f SET last_seen = ${nowLiteral}, resolved_at = NULL, last_run_id = '${runId}'
      FROM (SELECT id FROM run_findings WHERE stored) n WHERE f.id = n.id`);
    await connection.run(`UPDATE findings f SET
        team = n.team, severity = n.severity, reason = n.reason, evidence = n.evidence, monthly_cost = n.monthly_cost,
        monthly_cost_source = n.monthly_cost_source, monthly_cost_note = n.monthly_cost_note, estimated_monthly_savings = n.savings, action = n.action,
        protected = n.protected, resource_type = n.resource_type, region = n.region, content_hash = n.content_hash
      FROM (SELECT * FROM run_findings WHERE stored AND changed) n WHERE f.id = n.id`);
    await connection.run(`INSERT INTO findings BY NAME
      SELECT id, rule, resource_id, resource_type, account, region, team, severity, reason, evidence, monthly_cost,
        monthly_cost_source, monthly_cost_note, savings AS estimated_monthly_savings, action, protected, content_hash,
        ${nowLiteral} AS first_seen, ${nowLiteral} AS last_seen, NULL AS resolved_at, '${runId}' AS last_run_id
      FROM run_findings WHERE NOT stored`);
    // Open findings of the rules just evaluated that this run did not find again are resolved.
    await connection.run(
      `UPDATE findings SET resolved_at = ${nowLiteral}
       WHERE resolved_at IS NULL AND last_run_id <> '${runId}'
         AND list_contains([${["''", ...enabled.map(({ rule }) => sqlLiteral(rule.id))].join(", ")}], rule)`,
    );
    await connection.run(
      `UPDATE analysis_runs SET finished_at = now()::TIMESTAMP,
         findings = (SELECT count(*) FROM run_findings) WHERE run_id = $1`,
      [runId],
    );
  });
}
