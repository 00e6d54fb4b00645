import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { configLocation } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { UsageError } from "../core/errors.js";
import { sqlLiteral } from "../core/sql.js";
import { tagValueSql, withCurrentInventory } from "../store/current-inventory.js";
import { stageRun, storeRun, withoutInsertionOrder } from "../store/findings-history.js";
import { dropFindingsPreview, showFindingsPreview } from "../store/findings-preview.js";
import { builtMetricWindows, ensureMetricSummaries } from "../store/metric-summaries.js";
import { ensureResourceFacts } from "../store/resource-facts.js";
import { RULE_KINDS } from "./catalogue.js";
import { inlineMetricSummary, SharedMetricSummaries } from "./metric-summary.js";
import type { RuleContext } from "./rule-kind.js";
import { resetUserMatches, runUserQuery, UserSqlRejected } from "./user-sql.js";

type EnabledRule = { rule: Config["rules"][number]; index: number };

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
  // The rules' metric summaries for this day, unless a collection built them; a preview of another day
  // reads metrics_daily rather than replacing them.
  if (options.preview !== true) await ensureRuleMetricSummaries(connection, config, now);
  return withCurrentInventory(connection, () =>
    evaluate(connection, config, context, enabled, runId, nowLiteral, options.preview === true),
  );
}

/** What every rule's SQL may use: the instant as a literal, the tag lookup, the required tags, the metric window. */
export function ruleContext(config: Config, now: Date): RuleContext {
  const nowLiteral = `TIMESTAMP ${sqlLiteral(now.toISOString().replace("T", " ").replace("Z", ""))}`;
  const metricWindow: RuleContext["metricWindow"] = (alias, lookbackDays) => {
    const day = alias === null ? "day" : `${alias}.day`;
    const today = `CAST(${nowLiteral} AS DATE)`;
    return `${day} >= ${today} - ${sqlLiteral(lookbackDays)} AND ${day} < ${today}`;
  };
  return {
    now: nowLiteral,
    instant: now,
    tag: (alias, key) => tagValueSql(alias, key, config.tags.caseInsensitive),
    requiredTags: config.tags.required,
    metricWindow,
    // Each summary its own GROUP BY; ruleSelect and matchesSql share one pass per namespace instead.
    metricSummary: inlineMetricSummary((days) => metricWindow(null, days)),
  };
}

/**
 * One rule's matches with the columns every rule yields (rule, severity, action, account, resource_id,
 * reason, evidence, savings_ratio, extra_cost_ids); null for a kind that does not exist (rejected when
 * the config was loaded).
 */
export function ruleSelect(
  rule: Config["rules"][number],
  context: RuleContext,
  builtWindows: ReadonlySet<string> = new Set(),
): string | null {
  // Alone, a rule still reads each namespace of metrics once, whatever it asks of it.
  const summaries = new SharedMetricSummaries((days) => context.metricWindow(null, days), builtWindows);
  const select = selectOf(rule, { ...context, metricSummary: summaries.summary });
  const ctes = summaries.ctes();
  return select && ctes ? `WITH ${ctes}\n${select}` : select;
}

/** ruleSelect without the metric summaries' CTEs, which the query it is part of defines. */
function selectOf(rule: Config["rules"][number], context: RuleContext): string | null {
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
    await showFindingsPreview(connection, runId, nowLiteral);
  } else {
    // Stored rows have no order (every read sorts): without keeping the query's order, DuckDB writes from
    // both threads (inserting 822k new findings: 2.0 s -> 1.6 s).
    await withoutInsertionOrder(connection, () =>
      storeRun(connection, matches, evaluatedRules, runId, nowLiteral),
    );
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
  // The rules' metric summaries, computed once for all of them (rules/metric-summary.ts), or read from
  // metric_summaries where it holds them for this day.
  const built = await builtMetricWindows(connection, evaluationDay(context));
  const summaries = new SharedMetricSummaries((days) => context.metricWindow(null, days), built);
  const shared: RuleContext = { ...context, metricSummary: summaries.summary };
  await resetUserMatches(connection);
  for (const { rule, index } of enabled) {
    const kind = RULE_KINDS.get(rule.kind ?? rule.id);
    // Checked alone, run with the others (its metric summaries shared with theirs).
    const select = ruleSelect(rule, context, built);
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
    selects.push(selectOf(rule, shared) ?? select);
  }
  const ctes = summaries.ctes();
  return selects.length
    ? `${ctes ? `WITH ${ctes}\n` : ""}${selects.join("\nUNION ALL\n")}`
    : "SELECT NULL AS rule, NULL AS severity, NULL AS action, NULL AS account, NULL AS resource_id, NULL AS reason, NULL::JSON AS evidence, NULL::DECIMAL(9,6) AS savings_ratio, []::VARCHAR[] AS extra_cost_ids WHERE false";
}

/** The UTC day rules evaluate at (the day their metric windows end before), YYYY-MM-DD. */
export function evaluationDay(context: RuleContext): string {
  return context.instant.toISOString().slice(0, 10);
}

/**
 * Builds metric_summaries (store/metric-summaries.ts) for the metric windows the enabled rules read as
 * of `now`, unless it holds them already: what a collection does at its end, and analyze when it did not.
 */
export async function ensureRuleMetricSummaries(
  connection: DuckDBConnection,
  config: Config,
  now: Date,
): Promise<boolean> {
  const context = ruleContext(config, now);
  const asked = new SharedMetricSummaries((days) => context.metricWindow(null, days));
  for (const { rule } of enabledRules(config)) selectOf(rule, { ...context, metricSummary: asked.summary });
  return ensureMetricSummaries(connection, evaluationDay(context), asked.windows());
}
