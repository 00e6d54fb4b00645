import { createHash } from "node:crypto";
import {
  type DuckDBConnection,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  DuckDBTimestampValue,
  StatementType,
} from "@duckdb/node-api";

/**
 * A user's SQL rule (kind: sql) is configuration, never code. Its text is never pasted into another
 * query: DuckDB's own parser must find exactly one statement in it, a SELECT; it runs alone as a
 * prepared statement, only on a store whose external access is off (no file read or written, nothing
 * attached), inside a transaction that is rolled back whatever it did; and its rows are kept, checked,
 * in a temporary table that the rule's select reads (see kinds/sql-rule.ts).
 */

/** The temporary table holding every user rule's rows of this run, by the query's key. */
export const USER_MATCHES_TABLE = "temp.user_rule_matches";

/** The key of a query's rows in USER_MATCHES_TABLE. */
export function userQueryKey(query: string): string {
  return createHash("sha256").update(query).digest("hex").slice(0, 32);
}

/** A user's SQL rule that cannot run: the message says why, for the caller to name the rule and line. */
export class UserSqlRejected extends Error {
  override readonly name = "UserSqlRejected";
}

const STATEMENT_NAMES = new Map<number, string>(
  Object.entries(StatementType)
    .filter(([, value]) => typeof value === "number")
    .map(([name, value]) => [value as number, name]),
);

/** Creates (empty) the table the user rules' rows go to; every run starts from none. */
export async function resetUserMatches(connection: DuckDBConnection): Promise<void> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE user_rule_matches (query_key VARCHAR, account VARCHAR,
    resource_id VARCHAR, reason VARCHAR, evidence JSON, savings_ratio DOUBLE)`);
}

/**
 * Runs one user query as the rules see the world at `now` (bound to `$now`, a TIMESTAMP in UTC) and
 * stores its rows under userQueryKey(query). Throws UserSqlRejected for a query that is not exactly one
 * SELECT, names a parameter other than $now, fails, or returns rows without the required columns.
 */
export async function runUserQuery(connection: DuckDBConnection, query: string, now: Date): Promise<number> {
  await assertConfined(connection);
  const statement = await singleSelect(connection, query);
  bindNow(statement, now);
  await connection.run("BEGIN TRANSACTION");
  const checked: UserRow[] = [];
  try {
    let result: DuckDBResult;
    try {
      result = await statement.stream();
    } catch (error) {
      throw new UserSqlRejected(firstLine(error));
    }
    const missing = ["account", "resource_id", "reason"].filter((c) => !result.columnNames().includes(c));
    if (missing.length) {
      throw new UserSqlRejected(
        `the query must return the columns account, resource_id and reason (evidence and savings_ratio are optional); it lacks ${missing.join(", ")}`,
      );
    }
    // Read a chunk at a time, and stop at the limits: a query returning a billion rows, or rows of
    // gigabytes, is refused with its figures instead of exhausting the process's memory.
    let bytes = 0;
    const chunks = result.yieldRowObjectJson();
    for (;;) {
      let next: IteratorResult<Record<string, unknown>[]>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw new UserSqlRejected(firstLine(error));
      }
      if (next.done) break;
      for (const row of next.value) {
        const one = checkedRow(row, checked.length);
        bytes += rowBytes(one);
        checked.push(one);
      }
      if (checked.length > MAX_USER_ROWS) {
        throw new UserSqlRejected(
          `the query returns more than ${MAX_USER_ROWS.toLocaleString("en-US")} rows: a rule flags resources, one row each; narrow its WHERE`,
        );
      }
      if (bytes > MAX_USER_BYTES) {
        throw new UserSqlRejected(
          `the query's rows hold more than ${MAX_USER_BYTES / 2 ** 20} MiB of text after ${checked.length.toLocaleString("en-US")} rows: keep reasons and evidence short`,
        );
      }
    }
  } finally {
    // Whatever a SELECT could change (a sequence, a setting's side effect) is undone.
    await connection.run("ROLLBACK");
  }
  for (let start = 0; start < checked.length; start += INSERT_BATCH_ROWS) {
    await connection.run(
      `INSERT INTO ${USER_MATCHES_TABLE}
       SELECT $1, m.account, m.resource_id, m.reason, m.evidence, m.savings_ratio
       FROM (SELECT unnest(from_json($2::JSON, '[{"account":"VARCHAR","resource_id":"VARCHAR","reason":"VARCHAR","evidence":"JSON","savings_ratio":"DOUBLE"}]'), recursive := true)) m`,
      [userQueryKey(query), JSON.stringify(checked.slice(start, start + INSERT_BATCH_ROWS))],
    );
  }
  return checked.length;
}

/** The most rows one user rule may return: one per resource flagged, a million resources' worth. */
export const MAX_USER_ROWS = 1_000_000;
/** The most text (ids, reasons, evidence) its rows may hold in all. */
export const MAX_USER_BYTES = 64 * 2 ** 20;
/** Rows handed to DuckDB per insert: one JSON parameter each, a bounded string. */
const INSERT_BATCH_ROWS = 50_000;

/** About what a checked row holds in memory: its text, as JSON. */
function rowBytes(row: UserRow): number {
  const evidence = row.evidence === null ? 0 : JSON.stringify(row.evidence).length;
  return (row.account?.length ?? 0) + (row.resource_id?.length ?? 0) + (row.reason?.length ?? 0) + evidence;
}

/** External access must be off for the whole instance (see store/database.ts), or no user SQL runs. */
async function assertConfined(connection: DuckDBConnection): Promise<void> {
  const reader = await connection.runAndReadAll("SELECT current_setting('enable_external_access') AS open");
  if (reader.getRowObjectsJson()[0]?.open !== false) {
    throw new Error(
      "a user SQL rule runs only on a store opened with external access off (openStore); this connection can read files",
    );
  }
}

async function singleSelect(connection: DuckDBConnection, query: string): Promise<DuckDBPreparedStatement> {
  let extracted: Awaited<ReturnType<DuckDBConnection["extractStatements"]>>;
  try {
    extracted = await connection.extractStatements(query);
  } catch (error) {
    throw new UserSqlRejected(firstLine(error));
  }
  if (extracted.count !== 1) {
    throw new UserSqlRejected(
      `the query must be exactly one SELECT statement; DuckDB's parser finds ${extracted.count}`,
    );
  }
  let statement: DuckDBPreparedStatement;
  try {
    statement = await extracted.prepare(0);
  } catch (error) {
    throw new UserSqlRejected(firstLine(error));
  }
  if (statement.statementType !== StatementType.SELECT) {
    const name = STATEMENT_NAMES.get(statement.statementType) ?? String(statement.statementType);
    throw new UserSqlRejected(`the query must be a SELECT statement; it is ${name.replace(/_/g, " ")}`);
  }
  return statement;
}

function bindNow(statement: DuckDBPreparedStatement, now: Date): void {
  for (let index = 1; index <= statement.parameterCount; index++) {
    const name = statement.parameterName(index);
    if (name !== "now") {
      throw new UserSqlRejected(
        `the query names the parameter $${name}: the only parameter a rule is given is $now (the instant rules evaluate at)`,
      );
    }
    statement.bindTimestamp(index, new DuckDBTimestampValue(BigInt(now.getTime()) * 1000n));
  }
}

interface UserRow {
  account: string | null;
  resource_id: string | null;
  reason: string | null;
  /** A JSON value, kept as itself (from_json's JSON type takes it whole). */
  evidence: unknown;
  savings_ratio: number;
}

function checkedRow(row: Record<string, unknown>, index: number): UserRow {
  const ratio = row.savings_ratio === null || row.savings_ratio === undefined ? 0 : Number(row.savings_ratio);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new UserSqlRejected(
      `row ${index + 1}: savings_ratio ${String(row.savings_ratio)} is not between 0 and 1 (the share of the resource's cost the action saves)`,
    );
  }
  return {
    account: text(row.account),
    resource_id: text(row.resource_id),
    reason: text(row.reason),
    evidence: evidenceJson(row.evidence),
    savings_ratio: ratio,
  };
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** JSON text as the value it holds; any other value (a struct, a number, plain text) as itself. */
function evidenceJson(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
