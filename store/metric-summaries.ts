import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlLiteral } from "../core/sql.js";
import { builtMarker, forgetBuilt, recordBuilt } from "./build-state.js";
import { inTransaction } from "./database.js";

/**
 * `metric_summaries`: each resource's figures of one metric over one window of whole UTC days, as the
 * metric rules read them (rules/metric-summary.ts), materialized for the windows the enabled rules ask
 * for as of one day: one row per (namespace, metric, lookback_days, resource_id) with at least one
 * metrics_daily row of that metric in the `lookback_days` days before `as_of`, with days (their count),
 * maximum (max of maximum), average (avg of average) and sum (sum of sum), what a GROUP BY resource_id
 * over those rows gives.
 *
 * Why: evaluating the rules otherwise scans and groups each namespace's window of metrics_daily (tens of
 * millions of rows at a million resources) on every analysis; this table has one row per resource and
 * window. A rollup kept per resource as metrics are saved cannot serve the rules instead: their windows
 * end at the evaluation's day, so each new day moves every resource's window, not only the resources
 * just saved, and a per-day series per resource costs as much to reduce over a window as the scan it
 * replaces (measured at 1M resources). So the table is built as the other derived tables are
 * (store/build-state.ts): at the end of a collection, for that day, and by an analysis that finds it
 * built for another day, other windows, or other metrics; an analysis of another day without building
 * it (a preview) reads metrics_daily as before.
 *
 * Exactness: saveMetrics forgets the table's build in the transaction that writes the metrics (so a
 * re-saved day or a late day is never read from a stale table), and the marker also holds the row count
 * of metrics_daily (so a writer that forgot to is caught when it added rows).
 */
export interface MetricWindow {
  namespace: string;
  metric: string;
  lookbackDays: number;
}

const NAME = "metric-summaries";
export const METRIC_SUMMARIES_TABLE = "metric_summaries";

export const windowKey = (w: MetricWindow) => `${w.namespace}\u0000${w.metric}\u0000${w.lookbackDays}`;

interface Marker {
  asOf: string;
  metricRows: string;
  windows: string[];
}

async function metricRows(connection: DuckDBConnection): Promise<string> {
  const reader = await connection.runAndReadAll("SELECT count(*) AS n FROM metrics_daily");
  return String(reader.getRowObjectsJson()[0]?.n ?? "");
}

/**
 * The windows metric_summaries holds exactly, as of `asOf` (a UTC day, YYYY-MM-DD): none when it was
 * built for another day, or metrics were saved since it was built.
 */
export async function builtMetricWindows(connection: DuckDBConnection, asOf: string): Promise<Set<string>> {
  const stored = await builtMarker(connection, NAME, METRIC_SUMMARIES_TABLE);
  if (stored === null) return new Set();
  const marker = JSON.parse(stored) as Marker;
  if (marker.asOf !== asOf || marker.metricRows !== (await metricRows(connection))) return new Set();
  return new Set(marker.windows);
}

/**
 * Builds metric_summaries for `windows` as of `asOf` unless it already holds them exactly; true when
 * built. The windows of one namespace and lookback are one pass over that part of metrics_daily.
 */
export async function ensureMetricSummaries(
  connection: DuckDBConnection,
  asOf: string,
  windows: readonly MetricWindow[],
): Promise<boolean> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new RangeError(`asOf must be a day (YYYY-MM-DD), not ${asOf}`);
  const keys = [...new Set(windows.map(windowKey))].sort();
  if (keys.length === 0) return false;
  const built = await builtMetricWindows(connection, asOf);
  if (keys.every((key) => built.has(key))) return false;
  const day = `DATE ${sqlLiteral(asOf)}`;
  const passes = new Map<string, { namespace: string; lookbackDays: number; metrics: string[] }>();
  for (const w of windows) {
    const id = `${w.namespace}\u0000${w.lookbackDays}`;
    const pass = passes.get(id) ?? { namespace: w.namespace, lookbackDays: w.lookbackDays, metrics: [] };
    if (!pass.metrics.includes(w.metric)) pass.metrics.push(w.metric);
    passes.set(id, pass);
  }
  const selects = [...passes.values()].map(
    (p) => `SELECT namespace, metric, ${sqlLiteral(p.lookbackDays)}::INTEGER AS lookback_days, resource_id,
        count(*) AS days, max(maximum) AS maximum, avg(average) AS average, sum(sum) AS sum
      FROM metrics_daily
      WHERE namespace = ${sqlLiteral(p.namespace)} AND metric IN (${p.metrics.map(sqlLiteral).join(", ")})
        AND day >= ${day} - ${sqlLiteral(p.lookbackDays)} AND day < ${day}
      GROUP BY namespace, metric, resource_id`,
  );
  const empty = `SELECT NULL::VARCHAR AS namespace, NULL::VARCHAR AS metric, NULL::INTEGER AS lookback_days,
      NULL::VARCHAR AS resource_id, NULL::BIGINT AS days, NULL::DOUBLE AS maximum, NULL::DOUBLE AS average,
      NULL::DOUBLE AS sum WHERE false`;
  await inTransaction(connection, async () => {
    // Sorted by window: a rule reading one window skips the other windows' row groups.
    await connection.run(`CREATE OR REPLACE TABLE main.${METRIC_SUMMARIES_TABLE} AS
      SELECT * FROM (${[empty, ...selects].join("\nUNION ALL\n")})
      ORDER BY namespace, metric, lookback_days, resource_id`);
    const marker: Marker = { asOf, metricRows: await metricRows(connection), windows: keys };
    await recordBuilt(connection, NAME, JSON.stringify(marker));
  });
  return true;
}

/** Forgets metric_summaries' build: what writes metrics_daily calls, in the same transaction. */
export async function forgetMetricSummaries(connection: DuckDBConnection): Promise<void> {
  await forgetBuilt(connection, NAME);
}

/** SQL for one window's relation (resource_id, days, and `stats`) read from metric_summaries. */
export function builtSummarySql(w: MetricWindow, stats: readonly string[]): string {
  return `(
      SELECT resource_id, days${stats.map((s) => `, ${s}`).join("")}
      FROM main.${METRIC_SUMMARIES_TABLE}
      WHERE namespace = ${sqlLiteral(w.namespace)} AND metric = ${sqlLiteral(w.metric)}
        AND lookback_days = ${sqlLiteral(w.lookbackDays)}
    )`;
}
