import type { DuckDBConnection } from "@duckdb/node-api";
import type { Window } from "./model.js";

/** The currencies of a window's billing rows: the report names them instead of assuming dollars. */
export async function currencies(connection: DuckDBConnection, window: Window): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    `SELECT DISTINCT BillingCurrency AS currency FROM billing_costs
     WHERE ChargePeriodStart >= CAST($1 AS TIMESTAMP) AND ChargePeriodStart < CAST($2 AS TIMESTAMP)
       AND BillingCurrency IS NOT NULL
     ORDER BY 1`,
    [window.from, window.to],
  );
  return reader.getRowObjectsJson().map((row) => String(row.currency));
}

/**
 * Account names as the billing rows give them (FOCUS SubAccountName): "437210371508 (prod)" reads
 * better to a finance lead than the bare id. The key stays the id, as `finops costs --by account` has it.
 */
export async function accountNames(
  connection: DuckDBConnection,
  window: Window,
): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll(
    `SELECT id, arg_max(name, ChargePeriodStart) AS name FROM (
       SELECT coalesce(SubAccountId, BillingAccountId) AS id,
         CASE WHEN SubAccountId IS NULL THEN BillingAccountName ELSE SubAccountName END AS name, ChargePeriodStart
       FROM billing_costs
       WHERE ChargePeriodStart >= CAST($1 AS TIMESTAMP) AND ChargePeriodStart < CAST($2 AS TIMESTAMP)
     )
     WHERE id IS NOT NULL AND name IS NOT NULL AND name <> id
     GROUP BY id`,
    [window.from, window.to],
  );
  return new Map(
    reader
      .getRowObjectsJson()
      .filter((row) => row.id !== null && row.name !== null)
      .map((row) => [String(row.id), String(row.name)]),
  );
}
