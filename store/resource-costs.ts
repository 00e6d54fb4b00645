import type { DuckDBConnection } from "@duckdb/node-api";
import { ensureCurrentInventory, inventoryMarker, withCurrentInventory } from "./current-inventory.js";
import { inTransaction } from "./database.js";
import { RESOURCE_COST_CTES } from "./price-basis.js";

/**
 * `resource_costs`: every current resource's monthly cost, its source and note (RESOURCE_COST_CTES), for
 * the findings to join. It depends on the collected data alone (inventory, billing, Price List prices),
 * not on rules or the instant they evaluate at, so it is built once per change of those: collection and
 * ingest build it, and analyze builds it when they have not. `aggregate_state` (name 'resource-costs')
 * keeps what it was built from.
 */
async function costMarker(connection: DuckDBConnection): Promise<string> {
  const reader = await connection.runAndReadAll(
    `SELECT (SELECT count(*) FROM billing) AS billing_rows,
       (SELECT coalesce(max(started_at)::VARCHAR, '') FROM loads) AS last_load,
       (SELECT count(*) || '|' || coalesce(max(fetched_at)::VARCHAR, '') FROM prices) AS prices`,
  );
  const row = reader.getRowObjectsJson()[0] ?? {};
  return JSON.stringify({
    inventory: await inventoryMarker(connection),
    billingRows: String(row.billing_rows),
    lastLoad: String(row.last_load),
    prices: String(row.prices),
  });
}

/** Builds inventory_current and resource_costs unless they are current; true when resource_costs was built. */
export async function ensureResourceCosts(connection: DuckDBConnection): Promise<boolean> {
  await ensureCurrentInventory(connection);
  const marker = await costMarker(connection);
  const current = await connection.runAndReadAll(
    "SELECT marker FROM aggregate_state WHERE name = 'resource-costs'",
  );
  const exists = await connection.runAndReadAll(
    "SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'resource_costs'",
  );
  if (current.getRowObjectsJson()[0]?.marker === marker && exists.currentRowCount > 0) return false;
  await withCurrentInventory(connection, () =>
    inTransaction(connection, async () => {
      await connection.run(`CREATE OR REPLACE TABLE main.resource_costs AS
        WITH ${RESOURCE_COST_CTES}
        SELECT account, resource_id, monthly, source, note FROM resource_cost`);
      await connection.run(
        "INSERT OR REPLACE INTO aggregate_state VALUES ('resource-costs', $1, now()::TIMESTAMP)",
        [marker],
      );
    }),
  );
  return true;
}
