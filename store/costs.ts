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
  const { sql, params } = await groupedSql(connection, query);
  const reader = await connection.runAndReadAll(`${sql} ORDER BY ${LINE_ORDER}`, params);
  return reader.getRowObjectsJson().map((row) => lineOf(query, row));
}

/** costsBy's order: the largest effective cost first, then billed, then the key. */
export const LINE_ORDER = "effective DESC NULLS LAST, billed DESC NULLS LAST, key NULLS LAST";
const KUBERNETES = new Set(["cluster", "namespace", "workload", "node"]);

/**
 * The rows the query's figures are summed from, in costRows' shape (day, key, BilledCost, EffectiveCost):
 * the daily aggregates' where they answer it (current, a dimension they hold, whole days), else the
 * billing rows'. Both give the same sums.
 */
export async function costRowsFor(
  connection: DuckDBConnection,
  query: CostQuery,
  param: (value: DuckDBValue) => string,
): Promise<string> {
  return (await aggregatesAnswer(connection, query)) ? aggregateRows(query, param) : costRows(query, param);
}

async function groupedSql(connection: DuckDBConnection, query: CostQuery) {
  const params: DuckDBValue[] = [];
  const rows = await costRowsFor(connection, query, (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  const sql = `
    SELECT key, sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
    FROM (${rows})
    GROUP BY key`;
  return { sql, params };
}

/** A grouped row (key, billed, effective) as a CostLine of the query. */
export function lineOf(query: CostQuery, row: Record<string, unknown>): CostLine {
  const key = row.key === null || row.key === undefined ? null : String(row.key);
  return {
    key,
    billedCost: new Decimal(String(row.billed ?? "0")),
    effectiveCost: new Decimal(String(row.effective ?? "0")),
    ...(KUBERNETES.has(query.dimension.kind) ? { idle: key?.endsWith(IDLE_SUFFIX) ?? false } : {}),
  };
}

/**
 * costsBy's lines for a result too large to hold (`--by resource` of a large bill: millions of keys): the
 * grouped lines are kept by DuckDB, in costsBy's order, and read a chunk at a time, as often as needed.
 */
export interface GroupedCosts {
  /** How many keys. */
  count: number;
  billed: Decimal;
  effective: Decimal;
  /** The effective cost of the lines from this 0-based position on (what a page leaves out after it). */
  effectiveFrom(position: number): Promise<Decimal>;
  /** The lines from `offset`, at most `limit`, in chunks. */
  lines(offset: number, limit?: number): AsyncIterable<CostLine[]>;
  /** Drops what DuckDB keeps. */
  close(): Promise<void>;
}

let groupedCount = 0;

export async function groupedCosts(connection: DuckDBConnection, query: CostQuery): Promise<GroupedCosts> {
  const { sql, params } = await groupedSql(connection, query);
  const table = `costs_grouped_${process.pid}_${++groupedCount}`;
  await connection.run(
    `CREATE TEMP TABLE ${table} AS
     SELECT row_number() OVER (ORDER BY ${LINE_ORDER}) - 1 AS position, key, billed, effective FROM (${sql})
     ORDER BY position`,
    params,
  );
  const totals = await connection.runAndReadAll(
    `SELECT count(*) AS n, coalesce(sum(billed), 0) AS billed, coalesce(sum(effective), 0) AS effective FROM ${table}`,
  );
  const row = totals.getRowObjectsJson()[0] ?? {};
  return {
    count: Number(row.n ?? 0),
    billed: new Decimal(String(row.billed ?? "0")),
    effective: new Decimal(String(row.effective ?? "0")),
    async effectiveFrom(position) {
      const reader = await connection.runAndReadAll(
        `SELECT coalesce(sum(effective), 0) AS effective FROM ${table} WHERE position >= $1`,
        [position],
      );
      return new Decimal(String(reader.getRowObjectsJson()[0]?.effective ?? "0"));
    },
    async *lines(offset, limit) {
      const end = limit === undefined ? "" : ` AND position < ${Number(offset) + Number(limit)}`;
      const result = await connection.stream(
        `SELECT key, billed, effective FROM ${table} WHERE position >= ${Number(offset)}${end} ORDER BY position`,
      );
      for await (const rows of result.yieldRowObjectJson()) yield rows.map((r) => lineOf(query, r));
    },
    async close() {
      await connection.run(`DROP TABLE IF EXISTS ${table}`);
    },
  };
}

/** The rows of an aggregate table in costRows' shape (key, BilledCost, EffectiveCost), the query's filters on its days. */
function aggregateRows(query: CostQuery, param: (value: DuckDBValue) => string): string {
  const aggregate = aggregateOf(query.dimension.kind);
  if (!aggregate) throw new Error(`no aggregate holds costs by ${query.dimension.kind}`);
  const filters: string[] = [];
  if (query.from) filters.push(`day >= CAST(CAST(${param(query.from)} AS TIMESTAMP) AS DATE)`);
  if (query.to) filters.push(`day < CAST(CAST(${param(query.to)} AS TIMESTAMP) AS DATE)`);
  if (query.provider) filters.push(`lower(provider) = lower(${param(query.provider)})`);
  return `SELECT day, ${aggregate.key} AS key, billed AS BilledCost, effective AS EffectiveCost FROM ${aggregate.table}
    ${filters.length ? `WHERE ${filters.join(" AND ")}` : ""}`;
}
