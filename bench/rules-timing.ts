/**
 * What the rules benchmark times, as of the store's instant (NOW) with the default config: the evaluate
 * child (every enabled rule as analyze() runs it, one query whose matches are stored in a temporary
 * table, not merged into the findings), the engine child (analyze() alone), each printing its own
 * timing as JSON; and the breakdown, in the benchmark's process, of each rule's query and the views it
 * reads.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { configSchema } from "../rules/config.js";
import {
  analyze,
  enabledRules,
  evaluationDay,
  matchesSql,
  ruleContext,
  ruleSelect,
} from "../rules/evaluate.js";
import { withCurrentInventory } from "../store/current-inventory.js";
import { openStore } from "../store/database.js";
import { queryFindings } from "../store/findings.js";
import { withoutInsertionOrder } from "../store/findings-history.js";
import { builtMetricWindows } from "../store/metric-summaries.js";
import { ensureResourceFacts } from "../store/resource-facts.js";
import { RESOURCE_COST_CTE } from "../store/resources.js";
import { round } from "./figures.js";
import { readRows } from "./measure.js";
import type { SizeResult } from "./rules-report.js";
import { NOW } from "./rules-store.js";

/**
 * The evaluate child: open the store, then time what analyze() does before it merges (the per-rule checks,
 * and every rule in one query with its matches stored), as of NOW with the default config.
 */
export async function evaluateChild(db: string): Promise<number> {
  const store = await openStore(db);
  try {
    const connection = store.connection;
    const config = configSchema.parse({});
    // Built by the generation as by a collection: this only checks its marker.
    await ensureResourceFacts(connection, config.tags);
    const started = performance.now();
    const matches = await withCurrentInventory(connection, async () => {
      const sql = await matchesSql(
        connection,
        config,
        ruleContext(config, new Date(NOW)),
        enabledRules(config),
      );
      return withoutInsertionOrder(connection, async () => {
        const [row] = await readRows(connection, `CREATE TEMP TABLE bench_matches AS ${sql}`);
        return Number(row?.Count ?? 0);
      });
    });
    const evaluateSeconds = (performance.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify({ evaluateSeconds, matches })}\n`);
  } finally {
    store.close();
  }
  return 0;
}

/** The engine child: open the store, analyze() as of NOW with the default config, report the seconds. */
export async function analyzeChild(db: string): Promise<number> {
  let started = performance.now();
  const store = await openStore(db);
  const openSeconds = (performance.now() - started) / 1000;
  try {
    started = performance.now();
    const run = await analyze(store.connection, configSchema.parse({}), new Date(NOW));
    const analyzeSeconds = (performance.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify({ runId: run.runId, openSeconds, analyzeSeconds })}\n`);
  } finally {
    store.close();
  }
  return 0;
}

/**
 * In this process, on the engine's store: each enabled rule's query alone as evaluate.ts builds it (the
 * best of two), resources_current alone, the billing cost CTE alone, and reading the last run's findings
 * back as the CLI does after analyze().
 */
export async function measureBreakdown(
  connection: DuckDBConnection,
  runId: string,
): Promise<SizeResult["breakdown"]> {
  const config = configSchema.parse({});
  const now = new Date(NOW);
  const context = ruleContext(config, now);
  const rules: { rule: string; seconds: number; matches: number }[] = [];
  let together = { seconds: 0, n: 0 };
  // Read from metric_summaries where it holds them, as analyze() reads them.
  const built = await builtMetricWindows(connection, evaluationDay(context));
  await withCurrentInventory(connection, async () => {
    for (const rule of config.rules.filter((r) => r.enabled)) {
      const select = ruleSelect(rule, context, built);
      if (!select) continue;
      // Reason and evidence are read, so that projection pushdown cannot skip building them.
      const timed = await bestOf(
        connection,
        `SELECT count(*) AS n, sum(length(reason) + coalesce(length(CAST(evidence AS VARCHAR)), 0)) AS chars
         FROM (${select})`,
      );
      rules.push({ rule: rule.id, seconds: timed.seconds, matches: timed.n });
    }
    // Every rule as analyze() runs them: one query, its matches stored in a temporary table.
    const matches = await matchesSql(connection, config, context, enabledRules(config));
    together = await withoutInsertionOrder(connection, () =>
      bestOf(
        connection,
        `CREATE OR REPLACE TEMP TABLE bench_matches AS ${matches}; SELECT count(*) AS n FROM bench_matches`,
      ),
    );
    await connection.run("DROP TABLE temp.bench_matches");
  });
  const current = await bestOf(
    connection,
    "SELECT count(*) AS n, sum(length(CAST(tags AS VARCHAR)) + length(CAST(attributes AS VARCHAR))) FROM main.resources_current",
  );
  const cost = await bestOf(
    connection,
    `WITH ${RESOURCE_COST_CTE} SELECT count(*) AS n, sum(monthly) FROM cost`,
  );
  const started = performance.now();
  await queryFindings(connection, { runId, status: "open" });
  const queryFindingsSeconds = (performance.now() - started) / 1000;
  return {
    note:
      "in-process on the engine's store: each rule is its kind's query alone with its default parameters, " +
      "over inventory_current as analyze() runs it (best of two), and all of them as one query with the " +
      "matches stored (rulesTogetherSeconds, as analyze() runs them); resourcesCurrent and costCte are the " +
      "resources_current view (which collection materializes as inventory_current) and the billing CTE alone; " +
      "queryFindings reads the last run's findings back as the CLI does",
    rules: [...rules].sort((a, b) => b.seconds - a.seconds),
    rulesTotalSeconds: round(
      rules.reduce((sum, r) => sum + r.seconds, 0),
      3,
    ),
    rulesTogetherSeconds: together.seconds,
    resourcesCurrentSeconds: current.seconds,
    costCteSeconds: cost.seconds,
    queryFindingsSeconds: round(queryFindingsSeconds, 3),
  };
}

async function bestOf(connection: DuckDBConnection, sql: string): Promise<{ seconds: number; n: number }> {
  let best = Number.POSITIVE_INFINITY;
  let n = 0;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    const [row] = await readRows(connection, sql);
    best = Math.min(best, (performance.now() - started) / 1000);
    n = Number(row?.n ?? 0);
  }
  return { seconds: round(best, 3), n };
}
