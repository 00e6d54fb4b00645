import type { DuckDBConnection } from "@duckdb/node-api";

/** How a route reaches the database: a connection of its own, so that requests never share a transaction. */
export type Connect = () => Promise<DuckDBConnection>;

/** Runs body with a fresh connection, closed afterwards whatever happens. */
export async function withConnection<T>(
  connect: Connect,
  body: (c: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const connection = await connect();
  try {
    return await body(connection);
  } finally {
    connection.closeSync();
  }
}
