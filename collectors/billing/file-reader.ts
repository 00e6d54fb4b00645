import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { UsageError } from "../../core/errors.js";
import { sqlLiteral } from "../../core/sql.js";
import { utf16Problem } from "./file-checks.js";
import { type BillingFormat, ident, notNullSource, type SourceColumns } from "./format.js";

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
    const names = await readCsvHeader(path, label).catch((error) => {
      if (error instanceof UsageError) throw error;
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

async function readCsvHeader(path: string, label: string): Promise<string[]> {
  const handle = await open(path, "r");
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  const raw = createReadStream(path);
  const stream = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      const encoding = utf16Problem(line, label);
      if (encoding) throw encoding;
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
    // Date-times are read as text and parsed by isoTimestamp, which accepts every ISO 8601 form
    // exporters write; everything else is typed by the reader.
    const spec = [...columns.keys()]
      .map((name) => {
        const type = format.sourceTypes[name] ?? "VARCHAR";
        return `${sqlLiteral(name)}: ${sqlLiteral(isTimestampType(type) ? "VARCHAR" : type)}`;
      })
      .join(", ");
    const dates = [...columns.keys()].filter((name) => isTimestampType(format.sourceTypes[name] ?? ""));
    const reader = `read_csv(${sqlLiteral(path)}, ${CSV_DIALECT}, ${CSV_NULLS}, auto_detect = false, columns = {${spec}})`;
    if (dates.length === 0) return reader;
    const parsed = dates.map(
      (name) => `${isoTimestamp(ident(name), format.sourceTypes[name] ?? "", "strict")} AS ${ident(name)}`,
    );
    return `(SELECT * REPLACE (${parsed.join(", ")}) FROM ${reader})`;
  }
  // Nested columns (a MAP of tags) keep their type: the select list turns them into JSON itself, and a
  // cast to text would turn them into DuckDB's "{k=v}" notation instead.
  const casts = [...columns.entries()]
    .filter(([name, type]) => format.sourceTypes[name] && !/^(MAP|STRUCT)|\[\]$/.test(type))
    .map(([name, sourceType]) => {
      const type = format.sourceTypes[name] ?? "VARCHAR";
      const value =
        isTimestampType(type) && sourceType === "VARCHAR"
          ? isoTimestamp(ident(name), type, "strict")
          : `CAST(${ident(name)} AS ${type})`;
      return `${value} AS ${ident(name)}`;
    });
  const select = casts.length ? `* REPLACE (${casts.join(", ")})` : "*";
  return `(SELECT ${select} FROM read_parquet(${sqlLiteral(path)}))`;
}

function isTimestampType(type: string): boolean {
  return type.startsWith("TIMESTAMP");
}

/**
 * A text date-time as `type`, for every date column of every format: DuckDB's own cast, and for the
 * ISO 8601 forms it refuses, minutes without seconds before a zone ("2024-07-01T00:00Z", as Microsoft's
 * FOCUS exports write, or "+02:00"), the same text with ":00" seconds. "strict" fails the query on a
 * value that is no date-time (the load then locates it); "try" gives NULL, for diagnostics.
 */
export function isoTimestamp(expression: string, type: string, mode: "strict" | "try"): string {
  // '' is no value (Parquet exports write it for one, e.g. a reservation's end on a row of no reservation).
  const text = `NULLIF(CAST(${expression} AS VARCHAR), '')`;
  const withSeconds = `regexp_replace(${text}, '^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2})([Zz]|[+-]\\d{2}(:?\\d{2})?)?$', '\\1:00\\2')`;
  return `coalesce(TRY_CAST(${text} AS ${type}), ${mode === "strict" ? "CAST" : "TRY_CAST"}(${withSeconds} AS ${type}))`;
}

/** The same file with every value as read, untyped, and a 1-based data row number: for diagnostics. */
function rawRelation(path: string, kind: FileKind): string {
  return kind === "csv"
    ? `(SELECT row_number() OVER () AS __row, * FROM read_csv(${sqlLiteral(path)}, ${CSV_DIALECT}, ${CSV_NULLS}, all_varchar = true, auto_detect = false, columns = __COLUMNS__))`
    : `(SELECT file_row_number + 1 AS __row, * FROM read_parquet(${sqlLiteral(path)}, file_row_number = true))`;
}

export function rawRelationFor(path: string, kind: FileKind, columns: SourceColumns): string {
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
    return new UsageError(`${where}: ${csvErrorReason(message)}`);
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
  const checks: {
    column: string;
    condition: string;
    problem: (value: string | null) => string;
    counted?: boolean;
  }[] = [];
  for (const name of columns.keys()) {
    const type = format.sourceTypes[name];
    const column = ident(name);
    if (type && type !== "VARCHAR") {
      const typed = isTimestampType(type)
        ? isoTimestamp(column, type, "try")
        : `TRY_CAST(${column} AS ${type})`;
      const present = isTimestampType(type) ? `NULLIF(CAST(${column} AS VARCHAR), '')` : column;
      checks.push({
        column: name,
        condition: `${present} IS NOT NULL AND ${typed} IS NULL`,
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
  // Named by the file's own column (CUR's line_item_unblended_cost, not BilledCost); '' is no value.
  for (const name of new Set(format.notNullColumns.map((column) => notNullSource(format, column)))) {
    if (columns.has(name)) {
      checks.push({
        column: name,
        condition: `NULLIF(CAST(${ident(name)} AS VARCHAR), '') IS NULL`,
        problem: () => "the value is missing",
      });
    }
  }
  // The format's rules on what a row means, as they read on the file's own columns.
  for (const rule of format.rowRules?.(columns) ?? []) {
    checks.push({
      column: rule.column,
      condition: rule.source,
      problem: () => rule.problem,
      counted: rule.counted,
    });
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
  // A rule may name a column the file lacks (its absence is the problem): there is no value to show.
  const valueRows = columns.has(check.column)
    ? (
        await connection.runAndReadAll(
          `SELECT ${ident(check.column)}::VARCHAR AS v FROM ${rawRelationFor(path, kind, columns)} WHERE __row = ${Number(row.__row)}`,
        )
      ).getRowObjectsJson()
    : [];
  const value = valueRows[0]?.v ?? null;
  const count = check.counted
    ? (
        await connection.runAndReadAll(
          `SELECT count(*) AS n FROM ${rawRelationFor(path, kind, columns)} WHERE ${check.condition}`,
        )
      ).getRowObjectsJson()[0]?.n
    : undefined;
  const counted =
    count === undefined ? "" : ` (${Number(count)} such row${Number(count) === 1 ? "" : "s"} in the file)`;
  return new UsageError(
    `${label}: row ${row.__row}${kind === "csv" ? ` (line ${Number(row.__row) + 1})` : ""}, column ${check.column}: ${check.problem(value === null ? null : String(value))}${counted}`,
  );
}

function describeType(type: string): string {
  if (type.startsWith("DECIMAL") || type === "DOUBLE" || type.includes("INT")) return "a number";
  if (type.startsWith("TIMESTAMP") || type === "DATE")
    return "a date-time (expected ISO 8601, e.g. 2024-09-18T22:00:00Z)";
  return `a valid ${type}`;
}

/**
 * DuckDB's reason for a CSV error, which it writes after the line number and the offending line, on
 * lines of its own (the first line alone is often just "CSV Error on Line: 11"). Its advice on reader
 * options (ignore_errors...) is left out: those are not finops options.
 */
export function csvErrorReason(message: string): string {
  if (/Invalid unicode|not utf-8 encoded/i.test(message)) {
    return "the file is not UTF-8 (latin-1? convert it with iconv -f latin1 -t utf-8)";
  }
  const reason: string[] = [];
  for (const [i, line] of message.split("\n").entries()) {
    const text = (i === 0 ? line.replace(/^.*CSV Error on Line: \d+/, "") : line).trim();
    if (i > 0 && (text === "" || /^Possible (fixes|Solution)/i.test(text))) break;
    if (text !== "" && !text.startsWith("Original Line:")) reason.push(text);
  }
  return reason.join(" ") || "the reader gave no reason";
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
