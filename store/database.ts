import { readFileSync, realpathSync, statSync } from "node:fs";
import { sep } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { UsageError } from "../core/errors.js";
import { sqlList } from "../core/sql.js";
import { migrate } from "./migrations.js";
import { scratchDirectory } from "./scratch.js";

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
  /**
   * Local files and folders DuckDB may read (the billing exports an ingest names). DuckDB reads no other
   * file but the database's own and those in this process's scratch folder (see confineFileAccess).
   */
  readable?: string[];
}

/**
 * Settings for bulk billing loads: with both, a 10M-row file loads within a bounded memory (measured by
 * `npm run bench -- ingest`); a memory limit alone makes DuckDB keep the file's order by spilling, 3x slower.
 */
export const BULK_LOAD: OpenOptions = { memoryLimit: "512MB", preserveInsertionOrder: false };

/**
 * DuckDB's memory limit when neither the environment nor the opener says one: DuckDB's own default is 80%
 * of the machine's memory, and at 10M billing rows the aggregates' build grew to 5.6 GiB and the weekly
 * report to 2.5 GiB (`npm run bench -- ingest --input parquet`). Beyond the limit DuckDB spills to its
 * temporary directory (beside the database, or FINOPS_TEMP_DIRECTORY) instead of growing.
 */
export const DEFAULT_MEMORY_LIMIT = "1GB";

const MEMORY_SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/**
 * The DuckDB settings a user gives in the environment, which win over the opener's own: FINOPS_MEMORY_LIMIT
 * ("2GB"), FINOPS_TEMP_DIRECTORY (where DuckDB spills) and FINOPS_THREADS. A bad value is refused by name.
 */
export function environmentSettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const settings: Record<string, string> = {};
  const memory = env.FINOPS_MEMORY_LIMIT?.trim();
  if (memory) {
    if (!MEMORY_SIZE.test(memory))
      throw new UsageError(`FINOPS_MEMORY_LIMIT: "${memory}" is not a memory size such as 512MB or 2GB`);
    settings.memory_limit = memory;
  }
  const temp = env.FINOPS_TEMP_DIRECTORY?.trim();
  if (temp) settings.temp_directory = temp;
  const threads = env.FINOPS_THREADS?.trim();
  if (threads) {
    if (!/^[1-9]\d*$/.test(threads))
      throw new UsageError(`FINOPS_THREADS: "${threads}" is not a whole number of threads (1 or more)`);
    settings.threads = threads;
  }
  return settings;
}

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

/** Where `finops serve` notes that it holds a database, and where it listens: beside the database. */
export function serverNotePath(dbPath: string): string {
  return `${dbPath}.serve.json`;
}

/** What `finops serve` notes while it holds a database. */
export interface ServerNote {
  pid: number;
  url: string;
}

/**
 * Why a database cannot be opened: another process holds it. When that process is `finops serve` (its
 * note names the same pid), the way in is its web API, or stopping it: waiting would never end.
 */
function busyMessage(path: string, program: string, pid: number): string {
  let server: ServerNote | undefined;
  try {
    const note = JSON.parse(readFileSync(serverNotePath(path), "utf8")) as Partial<ServerNote>;
    if (note.pid === pid && typeof note.url === "string") server = { pid, url: note.url };
  } catch {
    // No note, or not readable: another kind of holder.
  }
  return server
    ? `the database ${path} is held by finops serve (pid ${pid}) at ${server.url}: read it there (the web view, or its API such as ${server.url}/api/findings), or stop the server to use the CLI on this file`
    : `the database ${path} is in use by another process (${program}, pid ${pid}): DuckDB lets one process write it at a time; try again when it is done`;
}

export function resolveDbPath(flag: string | undefined): string {
  return flag ?? process.env.FINOPS_DB ?? "./finops.duckdb";
}

export async function openStore(path: string, options: OpenOptions = {}): Promise<Store> {
  const config: Record<string, string> = {
    ...SAFE_CONFIG,
    memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
    ...environmentSettings(),
  };
  if (options.preserveInsertionOrder === false) config.preserve_insertion_order = "false";
  const instance = await DuckDBInstance.create(path, config).catch((error: Error) => {
    const holder = /Conflicting lock is held in (.*) \(PID (\d+)\)/.exec(error.message);
    if (!holder) throw error;
    // DuckDB allows one process to write a database at a time: an apply running, a collect, a serve.
    throw new DatabaseBusy(busyMessage(path, holder[1] ?? "?", Number(holder[2])));
  });
  const connection = await instance.connect();
  // Billing timestamps are UTC; naive timestamps in files are read as UTC too.
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await confineFileAccess(connection, options.readable ?? []);
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

/**
 * Turns DuckDB's external access off for the whole instance, for good (DuckDB cannot turn it back on):
 * no query can read, write, copy or attach a file, except the database's own files, this process's
 * scratch folder and the inputs the opener names. SQL that comes from configuration (a user's rule)
 * therefore cannot read a credentials file or write one, whatever it says.
 */
async function confineFileAccess(connection: DuckDBConnection, readable: string[]): Promise<void> {
  // DuckDB compares the real path of what a query opens (symbolic links resolved) with these.
  const directories = [realpathSync(scratchDirectory())];
  const files: string[] = [];
  for (const path of readable) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      continue; // a missing input is reported by the command that reads it, with its name
    }
    (statSync(real).isDirectory() ? directories : files).push(real);
  }
  await connection.run(
    `SET allowed_directories = ${sqlList(directories.map((d) => (d.endsWith(sep) ? d : d + sep)))}`,
  );
  if (files.length) await connection.run(`SET allowed_paths = ${sqlList(files)}`);
  await connection.run("SET enable_external_access = false");
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
