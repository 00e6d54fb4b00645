import assert from "node:assert/strict";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { inlineMetricSummary, type MetricStat, SharedMetricSummaries } from "./metric-summary.js";

const TODAY = "DATE '2025-03-15'";
const window = (days: number) => `day >= ${TODAY} - ${days} AND day < ${TODAY}`;

/** Rows of two namespaces, inside and outside the windows, with NULL statistics on some days. */
const ROWS = `
  SELECT 'i-' || (r % 5) AS resource_id, CASE WHEN r % 2 = 0 THEN 'AWS/EC2' ELSE 'AWS/EBS' END AS namespace,
    m AS metric, ${TODAY} - CAST(d AS INTEGER) AS day,
    CASE WHEN d % 4 = 0 THEN NULL ELSE r * 1.5 + d END AS average, r * 2.0 + d AS maximum,
    CASE WHEN d % 3 = 0 THEN NULL ELSE r + d * 0.25 END AS sum
  FROM range(10) t(r), range(0, 40) s(d), (VALUES ('CPUUtilization'), ('NetworkIn'), ('VolumeReadOps')) v(m)
  -- Resources lacking some days and some metrics: not every request finds every resource.
  WHERE (r + d) % 7 <> 0 AND NOT (r = 3 AND m = 'NetworkIn') AND NOT (r = 1 AND d < 20)`;

test("a shared pass gives each request what its own GROUP BY gives: the same resources, days and statistics", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE metrics_daily AS ${ROWS}`);
    const requests: [string, string, number, MetricStat[]][] = [
      ["AWS/EC2", "CPUUtilization", 14, ["maximum"]],
      ["AWS/EC2", "CPUUtilization", 7, ["average"]],
      ["AWS/EC2", "CPUUtilization", 14, ["average", "sum"]],
      ["AWS/EC2", "NetworkIn", 30, ["sum"]],
      ["AWS/EBS", "VolumeReadOps", 14, ["sum", "maximum"]],
      ["AWS/EBS", "NoSuchMetric", 14, ["sum"]],
    ];
    const shared = new SharedMetricSummaries(window);
    const relations = requests.map((r) => shared.summary(...r));
    const inline = inlineMetricSummary(window);
    for (const [index, request] of requests.entries()) {
      const read = async (sql: string) =>
        (await connection.runAndReadAll(sql)).getRowObjectsJson().map((row) => JSON.stringify(row));
      const columns = ["resource_id", "days", ...request[3]].join(", ");
      const expected = await read(`SELECT ${columns} FROM ${inline(...request)} ORDER BY resource_id`);
      const actual = await read(
        `WITH ${shared.ctes()} SELECT ${columns} FROM ${relations[index]} ORDER BY resource_id`,
      );
      assert.deepEqual(actual, expected, `${request.join(" ")}`);
      if (request[1] === "NoSuchMetric") assert.deepEqual(actual, []);
      else assert.ok(actual.length > 0);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});
