import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { Decimal } from "../core/money.js";
import { aggregateOf, aggregatesAnswer } from "./cost-aggregates.js";
import { type CostLine, type CostQuery, costRows } from "./cost-rows.js";
import { IDLE_SUFFIX } from "./kubernetes-costs.js";

export type { CostDimension, CostLine, CostQuery } from "./cost-rows.js";
export { costRows } from "./cost-rows.js";

/**
 * Billed and effective cost grouped by one dimension, summed as DECIMAL from the billing rows
 * (the `billing_costs` view, which never counts a Cost Explorer row that a billing file also covers).
 *
 * Tag dimensions also read Cost Explorer's tag-grouped results: its service-grouped rows carry no tags,
 * so for the days where a tag grouping was collected those rows are replaced by it, and every total
 * still reconciles with the untagged dimensions.
 *
 * Where the daily aggregates are current and hold the dimension (store/cost-aggregates.ts), the sums
 * are read from them: built by `costRows` itself, a window of whole days gives the same figures from a
 * table a fraction of the billing's size.
 */
export async function costsBy(connection: DuckDBConnection, query: CostQuery): Promise<CostLine[]> {
  const params: DuckDBValue[] = [];
  const param = (value: DuckDBValue) => {
    params.push(value);
    return `$${params.length}`;
  };
  const rows = (await aggregatesAnswer(connection, query))
    ? aggregateRows(query, param)
    : costRows(query, param);
  const sql = `
    SELECT key, sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
    FROM (${rows})
    GROUP BY key
    ORDER BY effective DESC NULLS LAST, billed DESC NULLS LAST, key NULLS LAST`;
  const reader = await connection.runAndReadAll(sql, params);
  const kubernetes = ["cluster", "namespace", "workload", "node"].includes(query.dimension.kind);
  return reader.getRowObjectsJson().map((row) => {
    const key = row.key === null || row.key === undefined ? null : String(row.key);
    return {
      key,
      billedCost: new Decimal(String(row.billed ?? "0")),
      effectiveCost: new Decimal(String(row.effective ?? "0")),
      ...(kubernetes ? { idle: key?.endsWith(IDLE_SUFFIX) ?? false } : {}),
    };
  });
}

/** The rows of an aggregate table in costRows' shape (key, BilledCost, EffectiveCost), the query's filters on its days. */
function aggregateRows(query: CostQuery, param: (value: DuckDBValue) => string): string {
  const aggregate = aggregateOf(query.dimension.kind);
  if (!aggregate) throw new Error(`no aggregate holds costs by ${query.dimension.kind}`);
  const filters: string[] = [];
  if (query.from) filters.push(`day >= CAST(CAST(${param(query.from)} AS TIMESTAMP) AS DATE)`);
  if (query.to) filters.push(`day < CAST(CAST(${param(query.to)} AS TIMESTAMP) AS DATE)`);
  if (query.provider) filters.push(`lower(provider) = lower(${param(query.provider)})`);
  return `SELECT ${aggregate.key} AS key, billed AS BilledCost, effective AS EffectiveCost FROM ${aggregate.table}
    ${filters.length ? `WHERE ${filters.join(" AND ")}` : ""}`;
}
