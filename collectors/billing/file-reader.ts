import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { UsageError } from "../../cli/errors.js";
import { sqlLiteral } from "../../core/sql.js";
import { type BillingFormat, ident, type SourceColumns } from "./format.js";

export type FileKind = "csv" | "parquet";

const CSV_DIALECT = `header = true, delim = ',', quote = '"', escape = '"'`;
// FOCUS exporters write a missing value as an empty field or as the literal NULL.
const CSV_NULLS = `nullstr = ['NULL', '']`;

/** Parquet by its magic bytes, anything else is read as CSV (optionally compressed, by extension). */
export async function fileKind(path: string): Promise<FileKind> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.toString("latin1") === "PAR1" ? "parquet" : "csv";
  } finally {
    await handle.close();
  }
}

/** The file's header: column names and the types its reader gives them (text for CSV). */
export async function describeColumns(
  connection: DuckDBConnection,
  path: string,
  kind: FileKind,
  label = path,
): Promise<Map<string, string>> {
  if (kind === "csv" && !/\.zst$/i.test(path)) {
    // Read the header line itself: DuckDB's dialect sniffer rejects a file that is truncated further
    // down, and then the error could not say where.
    const names = await readCsvHeader(path).catch((error) => {
      throw new UsageError(`${label}: not a readable CSV file: ${firstLine(error)}`);
    });
    if (names.length === 0) throw new UsageError(`${label}: empty file: no CSV header`);
    return new Map(names.map((name) => [name, "VARCHAR"]));
  }
  const relation =
    kind === "parquet"
      ? `read_parquet(${sqlLiteral(path)})`
      : `read_csv(${sqlLiteral(path)}, ${CSV_DIALECT}, all_varchar = true, sample_size = 64)`;
  try {
    const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
    const columns = new Map<string, string>();
    for (const row of reader.getRowObjectsJson())
      columns.set(String(row.column_name), String(row.column_type));
    return columns;
  } catch (error) {
    throw new UsageError(
      `${label}: not a readable ${kind === "parquet" ? "Parquet" : "CSV"} file: ${firstLine(error)}`,
    );
  }
}

async function readCsvHeader(path: string): Promise<string[]> {
  const handle = await open(path, "r");
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  const raw = createReadStream(path);
  const stream = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      const [names = []] = parse(line.replace(/^\uFEFF/, "")) as string[][];
      return names;
    }
    return [];
  } finally {
    lines.close();
    raw.destroy();
  }
}

/**
 * The FROM clause that reads a file with its known columns already typed. For CSV the reader does the
 * typing, so a bad value fails with the reader's line number.
 */
export function typedRelation(
  path: string,
  kind: FileKind,
  columns: SourceColumns,
  format: BillingFormat,
): string {
  if (kind === "csv") {
    const spec = [...columns.keys()]
      .map((name) => `${sqlLiteral(name)}: ${sqlLiteral(format.sourceTypes[name] ?? "VARCHAR")}`)
      .join(", ");
    return `read_csv(${sqlLiteral(path)}, ${CSV_DIALECT}, ${CSV_NULLS}, auto_detect = false, columns = {${spec}})`;
  }
  // Nested columns (a MAP of tags) keep their type: the select list turns them into JSON itself, and a
  // cast to text would turn them into DuckDB's "{k=v}" notation instead.
  const casts = [...columns.entries()]
    .filter(([name, type]) => format.sourceTypes[name] && !/^(MAP|STRUCT)|\[\]$/.test(type))
    .map(([name]) => name)
    .map((name) => `CAST(${ident(name)} AS ${format.sourceTypes[name]}) AS ${ident(name)}`);
  const select = casts.length ? `* REPLACE (${casts.join(", ")})` : "*";
  return `(SELECT ${select} FROM read_parquet(${sqlLiteral(path)}))`;
}

/** The same file with every value as read, untyped, and a 1-based data row number: for diagnostics. */
function rawRelation(path: string, kind: FileKind): string {
  return kind === "csv"
    ? `(SELECT row_number() OVER () AS __row, * FROM read_csv(${sqlLiteral(path)}, ${CSV_DIALECT}, ${CSV_NULLS}, all_varchar = true, auto_detect = false, columns = __COLUMNS__))`
    : `(SELECT file_row_number + 1 AS __row, * FROM read_parquet(${sqlLiteral(path)}, file_row_number = true))`;
}

function rawRelationFor(path: string, kind: FileKind, columns: SourceColumns): string {
  const spec = [...columns.keys()].map((name) => `${sqlLiteral(name)}: 'VARCHAR'`).join(", ");
  return rawRelation(path, kind).replace("__COLUMNS__", `{${spec}}`);
}

/**
 * Turns a failed load into a message naming the file, the row and the column. DuckDB's CSV reader
 * names the line itself; otherwise the first offending value is looked up.
 */
export async function explainLoadFailure(
  connection: DuckDBConnection,
  path: string,
  kind: FileKind,
  columns: SourceColumns,
  format: BillingFormat,
  error: unknown,
  label = path,
): Promise<UsageError> {
  const message = error instanceof Error ? error.message : String(error);
  const csvLine = /CSV Error on Line: (\d+)/.exec(message);
  if (csvLine) {
    const line = Number(csvLine[1]);
    const where = `${label}: row ${line - 1} (line ${line})`;
    const conversion = /converting column "([^"]+)"\. Could not convert string "(.*)" to '([^']+)'/.exec(
      message,
    );
    if (conversion) {
      const [, column, value, type] = conversion;
      return new UsageError(`${where}, column ${column}: "${value}" is not ${describeType(type ?? "")}`);
    }
    const count = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
    if (count) {
      return new UsageError(
        `${where}: expected ${count[1]} columns, found ${count[2]}: the file is truncated or malformed`,
      );
    }
    if (/unterminated quote/i.test(message)) {
      return new UsageError(`${where}: a quoted value is never closed: the file is truncated or malformed`);
    }
    return new UsageError(`${where}: ${firstLine(error).replace(/^.*CSV Error on Line: \d+\s*/, "")}`);
  }
  const located = await locateBadValue(connection, path, kind, columns, format, label).catch(() => undefined);
  if (located) return located;
  return new UsageError(`${label}: cannot be loaded: ${firstLine(error)}`);
}

/** The first row whose value does not convert to its column's type, or is missing where required. */
export async function locateBadValue(
  connection: DuckDBConnection,
  path: string,
  kind: FileKind,
  columns: SourceColumns,
  format: BillingFormat,
  label = path,
): Promise<UsageError | undefined> {
  const checks: { column: string; condition: string; problem: (value: string | null) => string }[] = [];
  for (const name of columns.keys()) {
    const type = format.sourceTypes[name];
    const column = ident(name);
    if (type && type !== "VARCHAR") {
      checks.push({
        column: name,
        condition: `${column} IS NOT NULL AND TRY_CAST(${column} AS ${type}) IS NULL`,
        problem: (value) => `"${value}" is not ${describeType(type)}`,
      });
    }
    if (name === "Tags" && !(columns.get(name) ?? "").startsWith("MAP")) {
      checks.push({
        column: name,
        condition: `${column} IS NOT NULL AND NOT json_valid(${column}::VARCHAR)`,
        problem: (value) => `${JSON.stringify(value)} is not a JSON object`,
      });
    }
  }
  for (const name of format.notNullColumns) {
    if (columns.has(name)) {
      checks.push({
        column: name,
        condition: `${ident(name)} IS NULL`,
        problem: () => "the value is missing",
      });
    }
  }
  if (checks.length === 0) return undefined;
  const cases = checks.map((check, i) => `WHEN ${check.condition} THEN ${i}`).join(" ");
  const sql = `SELECT __row, CASE ${cases} END AS check_index FROM ${rawRelationFor(path, kind, columns)}
    WHERE (${checks.map((c) => c.condition).join(") OR (")}) ORDER BY __row LIMIT 1`;
  const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson();
  const row = rows[0];
  if (!row) return undefined;
  const check = checks[Number(row.check_index)];
  if (!check) return undefined;
  const valueRows = (
    await connection.runAndReadAll(
      `SELECT ${ident(check.column)}::VARCHAR AS v FROM ${rawRelationFor(path, kind, columns)} WHERE __row = ${Number(row.__row)}`,
    )
  ).getRowObjectsJson();
  const value = valueRows[0]?.v ?? null;
  return new UsageError(
    `${label}: row ${row.__row}${kind === "csv" ? ` (line ${Number(row.__row) + 1})` : ""}, column ${check.column}: ${check.problem(value === null ? null : String(value))}`,
  );
}

function describeType(type: string): string {
  if (type.startsWith("DECIMAL") || type === "DOUBLE" || type.includes("INT")) return "a number";
  if (type.startsWith("TIMESTAMP") || type === "DATE")
    return "a date-time (expected ISO 8601, e.g. 2024-09-18T22:00:00Z)";
  return `a valid ${type}`;
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
