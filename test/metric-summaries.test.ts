import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { DuckDBConnection } from "@duckdb/node-api";
import { recordCollectorRun } from "../collectors/run.js";
import { configSchema } from "../rules/config.js";
import {
  enabledRules,
  ensureRuleMetricSummaries,
  evaluationDay,
  matchesSql,
  ruleContext,
} from "../rules/evaluate.js";
import { inlineMetricSummary } from "../rules/metric-summary.js";
import { withCurrentInventory } from "../store/current-inventory.js";
import { openStore, type Store } from "../store/database.js";
import { type MetricDay, saveInventory, saveMetrics } from "../store/inventory.js";
import { builtMetricWindows, forgetMetricSummaries, type MetricWindow } from "../store/metric-summaries.js";
import { ensureResourceFacts } from "../store/resource-facts.js";
import { tempDir } from "./helpers/project.js";
import {
  ACCOUNT,
  cpu,
  daysAgo,
  instance,
  NOW,
  network,
  REGION,
  series,
  volume,
  volumeOps,
} from "./helpers/rule-kind.js";
import { seedInventory } from "./helpers/seed.js";

// metric_summaries (store/metric-summaries.ts) stands in for metrics_daily when the rules evaluate: it
// must say what a GROUP BY over metrics_daily says after every change to the metrics, or not be read.

const config = configSchema.parse({});
const DAY = evaluationDay(ruleContext(config, NOW));
const dir = tempDir("finops-metric-summaries-");
const db = join(dir.path, "finops.duckdb");
let store: Store;
let connection: DuckDBConnection;

const RECORDS = [
  instance("i-idle"),
  instance("i-busy"),
  instance("i-node", {}, { kubernetes: { cluster: "prod-eks" } }),
  volume("vol-quiet", "in-use", { sizeGiB: 200 }),
];
const METRICS: MetricDay[] = [
  ...cpu("i-idle", 14, 2, 1),
  ...network("i-idle", 14, 1),
  ...cpu("i-busy", 14, 80),
  ...network("i-busy", 10, 500),
  ...cpu("i-node", 7, 20, 4),
  ...volumeOps("vol-quiet", 12, 100),
  // Outside every window: older than 30 days, and today (not a whole day yet).
  ...series("i-idle", "AWS/EC2", "CPUUtilization", 40, { maximum: 99, average: 99 }).slice(30),
  { ...(cpu("i-busy", 1, 99)[0] as MetricDay), day: NOW.toISOString().slice(0, 10) },
];

before(async () => {
  await seedInventory(db, "run-1", RECORDS, new Date(daysAgo(0.1)), METRICS);
  store = await openStore(db);
  connection = store.connection;
  await ensureResourceFacts(connection, config.tags);
});
after(() => {
  store?.close();
  dir.remove();
});

/** The windows metric_summaries claims to hold for the evaluation's day. */
let builtKeys = new Set<string>();
function windows(): MetricWindow[] {
  return [...builtKeys].map((key) => {
    const [namespace, metric, days] = key.split("\u0000");
    return { namespace: String(namespace), metric: String(metric), lookbackDays: Number(days) };
  });
}

async function rows(sql: string): Promise<string[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson().map((row) => JSON.stringify(row));
}

/** metric_summaries holds exactly what metrics_daily gives now, for every window it claims. */
async function assertExact(label: string): Promise<void> {
  builtKeys = await builtMetricWindows(connection, DAY);
  assert.ok(builtKeys.size >= 6, `${label}: the default rules' windows are built (${builtKeys.size})`);
  const inline = inlineMetricSummary((days) => ruleContext(config, NOW).metricWindow(null, days));
  for (const w of windows()) {
    const columns = "resource_id, days, maximum, average, sum";
    const expected = await rows(
      `SELECT ${columns} FROM ${inline(w.namespace, w.metric, w.lookbackDays, ["maximum", "average", "sum"])} ORDER BY resource_id`,
    );
    const actual = await rows(
      `SELECT ${columns} FROM metric_summaries WHERE namespace = '${w.namespace}' AND metric = '${w.metric}'
       AND lookback_days = ${w.lookbackDays} ORDER BY resource_id`,
    );
    assert.deepEqual(actual, expected, `${label}: ${w.namespace} ${w.metric} ${w.lookbackDays} days`);
  }
}

/** Every rule's matches read through metric_summaries equal those read from metrics_daily. */
async function assertSameMatches(label: string): Promise<string[]> {
  const context = ruleContext(config, NOW);
  return withCurrentInventory(connection, async () => {
    const read = async () => {
      const sql = await matchesSql(connection, config, context, enabledRules(config));
      return {
        cached: sql.includes("main.metric_summaries"),
        rows: await rows(
          `SELECT rule, resource_id, reason, CAST(evidence AS VARCHAR) AS evidence FROM (${sql}) ORDER BY ALL`,
        ),
      };
    };
    const viaSummaries = await read();
    assert.ok(viaSummaries.cached, `${label}: read through metric_summaries`);
    await forgetMetricSummaries(connection);
    const viaMetrics = await read();
    assert.ok(!viaMetrics.cached, `${label}: read from metrics_daily once forgotten`);
    assert.deepEqual(viaSummaries.rows, viaMetrics.rows, label);
    await ensureRuleMetricSummaries(connection, config, NOW);
    return viaSummaries.rows.filter((row) => row.includes("idle-instance") || row.includes("oversized"));
  });
}

test("built for the evaluation's day, metric_summaries gives what metrics_daily gives", async () => {
  assert.equal(await ensureRuleMetricSummaries(connection, config, NOW), true);
  assert.equal(await ensureRuleMetricSummaries(connection, config, NOW), false, "built once");
  await assertExact("first build");
  const flagged = await assertSameMatches("first build");
  assert.ok(
    flagged.some((row) => row.includes("i-idle")),
    "the idle instance is found",
  );
  // Another day's windows are other rows: nothing is read from a table built for this day.
  assert.equal((await builtMetricWindows(connection, "2024-10-16")).size, 0);
});

test("a re-saved day (same rows, other values) is never read from the stale table, and the rebuild has it", async () => {
  await ensureRuleMetricSummaries(connection, config, NOW);
  const busy = cpu("i-idle", 1, 90, 90);
  await saveMetrics(connection, "run-2", busy);
  assert.equal((await builtMetricWindows(connection, DAY)).size, 0, "forgotten by the save");
  assert.equal(await ensureRuleMetricSummaries(connection, config, NOW), true);
  await assertExact("re-saved day");
  const flagged = await assertSameMatches("re-saved day");
  assert.ok(!flagged.some((row) => row.includes('"idle-instance"') && row.includes("i-idle")));
});

test("a late day (a new row inside the window) and a day outside it are summarized exactly", async () => {
  await saveMetrics(connection, "run-3", [
    ...series("vol-quiet", "AWS/EBS", "VolumeReadOps", 13, { sum: 5e6 }).slice(12),
    ...series("i-node", "AWS/EC2", "CPUUtilization", 60, { maximum: 1, average: 1 }).slice(59),
  ]);
  assert.equal(await ensureRuleMetricSummaries(connection, config, NOW), true);
  await assertExact("late day");
  await assertSameMatches("late day");
});

test("a deleted resource: its metrics stay summarized as stored, and its findings go with it", async () => {
  // The next inventory run no longer sees i-idle.
  const at = new Date(daysAgo(0.05));
  const kept = RECORDS.filter((r) => r.resourceType === "ec2:instance" && r.resourceId !== "i-idle");
  const collector = "inventory:ec2:instance";
  await saveInventory(connection, "run-4", collector, REGION, at, kept);
  await recordCollectorRun(
    connection,
    "run-4",
    { name: collector, account: ACCOUNT, region: REGION, status: "ok", rows: kept.length, apiCalls: 0 },
    at,
  );
  await ensureResourceFacts(connection, config.tags);
  // Metrics rows removed by anything but saveMetrics change the row count the build is marked with.
  await connection.run(
    "DELETE FROM metrics_daily WHERE resource_id = 'vol-quiet' AND metric = 'VolumeWriteOps'",
  );
  assert.equal((await builtMetricWindows(connection, DAY)).size, 0, "a changed row count is not read");
  assert.equal(await ensureRuleMetricSummaries(connection, config, NOW), true);
  await assertExact("deleted resource");
  const flagged = await assertSameMatches("deleted resource");
  assert.ok(!flagged.some((row) => row.includes("i-idle")), "a resource no longer collected is not flagged");
});
