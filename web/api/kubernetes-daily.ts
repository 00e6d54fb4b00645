import type { DuckDBConnection } from "@duckdb/node-api";
import type * as Contract from "../contract.js";
import type { Sendable } from "./wire.js";

/** The label of the key NULL of a Kubernetes dimension: what `finops costs --by namespace` prints. */
export const NOT_KUBERNETES = "(not Kubernetes)";

/**
 * The daily series of a Kubernetes dimension (cluster, namespace) over [from, to): the top keys by
 * effective cost, the rest as "Other", as for the other dimensions; but a cluster's idle capacity is
 * never folded into "Other" (the top idle keys are series of their own, the rest "Other (idle)"), and the
 * bill outside Kubernetes is one series of its own, so every day still adds up to the bill.
 * `split`: the range has split cost allocation data (a divided node-hour leaves an idle row, even of 0).
 */
export async function kubernetesDaily(
  connection: DuckDBConnection,
  aggregate: { table: string; key: string },
  window: { from: string; to: string; top: number; days: string[] },
): Promise<{ series: Sendable<Contract.DailySeries>[]; total: number[]; split: boolean }> {
  const reader = await connection.runAndReadAll(
    `WITH rows AS (
       SELECT day, ${aggregate.key} AS key, idle, sum(effective)::DOUBLE AS effective
       FROM ${aggregate.table} WHERE day >= CAST($1 AS DATE) AND day < CAST($2 AS DATE) GROUP BY 1, 2, 3
     ),
     ranked AS (
       SELECT key, idle,
         row_number() OVER (PARTITION BY idle, key IS NULL ORDER BY sum(effective) DESC, key) AS rank
       FROM rows GROUP BY key, idle
     )
     SELECT r.day::VARCHAR AS day, r.idle,
       CASE WHEN r.key IS NULL THEN NULL WHEN k.rank <= $3 THEN r.key
         WHEN r.idle THEN 'Other (idle)' ELSE 'Other' END AS key,
       sum(r.effective) AS effective
     FROM rows r JOIN ranked k ON k.key IS NOT DISTINCT FROM r.key AND k.idle = r.idle
     GROUP BY 1, 2, 3`,
    [window.from, window.to, window.top],
  );
  const index = new Map(window.days.map((d, i) => [d, i]));
  const series = new Map<string, { key: string; values: number[]; idle: boolean; kubernetes: boolean }>();
  const total = window.days.map(() => 0);
  let split = false;
  for (const row of reader.getRowObjectsJson()) {
    const idle = row.idle === true;
    split ||= idle;
    const i = index.get(String(row.day));
    if (i === undefined) continue;
    const key = row.key === null ? NOT_KUBERNETES : String(row.key);
    const entry = series.get(key) ?? {
      key,
      values: window.days.map(() => 0),
      idle,
      kubernetes: row.key !== null,
    };
    entry.values[i] = (entry.values[i] ?? 0) + Number(row.effective);
    total[i] = (total[i] ?? 0) + Number(row.effective);
    series.set(key, entry);
  }
  // Stacked from the bottom: the keys, "Other", the idle capacity, then the rest of the bill.
  const place = (s: { key: string; idle: boolean; kubernetes: boolean }) =>
    !s.kubernetes ? 4 : s.key === "Other (idle)" ? 3 : s.idle ? 2 : s.key === "Other" ? 1 : 0;
  const sumOf = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const ordered = [...series.values()].sort(
    (a, b) => place(a) - place(b) || sumOf(b.values) - sumOf(a.values) || a.key.localeCompare(b.key),
  );
  return { series: ordered, total, split };
}
