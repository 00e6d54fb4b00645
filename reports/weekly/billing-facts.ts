import type { DuckDBConnection } from "@duckdb/node-api";
import { accountNames as storedAccountNames } from "../../store/known-values.js";
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
 * Account names as the billing rows of the window give them: "437210371508 (prod)" reads better to a
 * finance lead than the bare id. The key stays the id, as `finops costs --by account` has it.
 */
export const accountNames = (connection: DuckDBConnection, window: Window): Promise<Map<string, string>> =>
  storedAccountNames(connection, window);
