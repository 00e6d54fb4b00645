import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { migrate } from "./migrations.js";

export interface Store {
  readonly path: string;
  readonly connection: DuckDBConnection;
  /**
   * Another connection to the same database, for work that runs beside this one (a scheduled job, a web
   * request): each connection has its own transactions. The caller closes it.
   */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

export interface OpenOptions {
  /** DuckDB's memory limit, e.g. "512MB"; large loads spill to disk instead of growing the heap. */
  memoryLimit?: string;
  /** False lets DuckDB stream a load without keeping rows in file order (billing rows have no order). */
  preserveInsertionOrder?: boolean;
}

/**
 * Settings for bulk billing loads: with both, a 10M-row file loads within a bounded memory (measured by
 * `npm run bench -- ingest`); a memory limit alone makes DuckDB keep the file's order by spilling, 3x slower.
 */
export const BULK_LOAD: OpenOptions = { memoryLimit: "512MB", preserveInsertionOrder: false };

// Extensions must never be fetched at run time: the machines that run this have no internet, and a
// cost tool that downloads code while holding cloud credentials is a risk of its own. json, parquet
// and icu are compiled into the DuckDB binary.
const SAFE_CONFIG = {
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
};

/** The database is held by another process. */
export class DatabaseBusy extends Error {
  override readonly name = "DatabaseBusy";
}

export function resolveDbPath(flag: string | undefined): string {
  return flag ?? process.env.FINOPS_DB ?? "./finops.duckdb";
}

export async function openStore(path: string, options: OpenOptions = {}): Promise<Store> {
  const config: Record<string, string> = { ...SAFE_CONFIG };
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  if (options.preserveInsertionOrder === false) config.preserve_insertion_order = "false";
  const instance = await DuckDBInstance.create(path, config).catch((error: Error) => {
    const holder = /Conflicting lock is held in (.*) \(PID (\d+)\)/.exec(error.message);
    if (!holder) throw error;
    // DuckDB allows one process to write a database at a time: an apply running, a collect, a serve.
    throw new DatabaseBusy(
      `the database ${path} is in use by another process (${holder[1]}, pid ${holder[2]}): DuckDB lets one process write it at a time; try again when it is done`,
    );
  });
  const connection = await instance.connect();
  // Billing timestamps are UTC; naive timestamps in files are read as UTC too.
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await migrate(connection);
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  return {
    path,
    connection,
    async connect() {
      const extra = await instance.connect();
      await extra.run("SET TimeZone = 'UTC'");
      return extra;
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs `body` in one transaction: either everything it wrote is kept, or nothing is. */
export async function inTransaction<T>(connection: DuckDBConnection, body: () => Promise<T>): Promise<T> {
  await connection.run("BEGIN TRANSACTION");
  try {
    const result = await body();
    await connection.run("COMMIT");
    return result;
  } catch (error) {
    await connection.run("ROLLBACK");
    throw error;
  }
}
