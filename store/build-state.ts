import type { DuckDBConnection } from "@duckdb/node-api";

/**
 * Derived tables (the web view's cost aggregates, inventory_current, resource_facts) are rebuilt when
 * what they were built from changes: `aggregate_state` keeps, per name, a marker of their sources.
 */

/** True when `table` exists and was built from `marker`. */
export async function isBuiltFrom(
  connection: DuckDBConnection,
  name: string,
  table: string,
  marker: string,
): Promise<boolean> {
  return (await builtMarker(connection, name, table)) === marker;
}

/** The marker `table` was built from; null when it does not exist or its build was forgotten. */
export async function builtMarker(
  connection: DuckDBConnection,
  name: string,
  table: string,
): Promise<string | null> {
  await createState(connection);
  const reader = await connection.runAndReadAll(
    `SELECT (SELECT marker FROM aggregate_state WHERE name = $1) AS marker,
       EXISTS (SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
         AND table_name = $2) AS present`,
    [name, table],
  );
  const row = reader.getRowObjectsJson()[0];
  return row?.present === true && typeof row.marker === "string" ? row.marker : null;
}

async function createState(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    "CREATE TABLE IF NOT EXISTS aggregate_state (name VARCHAR PRIMARY KEY, marker VARCHAR NOT NULL, built_at TIMESTAMP NOT NULL)",
  );
}

/** Records that `name` was built from `marker` (in the transaction that built it). */
export async function recordBuilt(connection: DuckDBConnection, name: string, marker: string): Promise<void> {
  await connection.run("INSERT OR REPLACE INTO aggregate_state VALUES ($1, $2, now()::TIMESTAMP)", [
    name,
    marker,
  ]);
}

/**
 * Forgets that `name` was built (in the transaction that changes what it is built from): the next
 * ensure rebuilds it.
 */
export async function forgetBuilt(connection: DuckDBConnection, name: string): Promise<void> {
  await createState(connection);
  await connection.run("DELETE FROM aggregate_state WHERE name = $1", [name]);
}
