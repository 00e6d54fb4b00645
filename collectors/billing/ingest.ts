import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import type { AwsOptions } from "../../aws/clients.js";
import { UsageError } from "../../core/errors.js";
import { sqlLiteral } from "../../core/sql.js";
import { BILLING_COLUMN_NAMES } from "../../store/billing-columns.js";
import { inTransaction, type Store } from "../../store/database.js";
import { scratchDirectory } from "../../store/scratch.js";
import { checkGzipIntegrity } from "./file-checks.js";
import {
  describeColumns,
  explainLoadFailure,
  type FileKind,
  fileKind,
  locateBadValue,
  rawRelationFor,
  typedRelation,
} from "./file-reader.js";
import { type BillingFormat, COMMITMENT_TERM_COLUMNS, notNullSource } from "./format.js";
import { chooseFormat, type FormatChoice } from "./formats.js";
import { downloadPrefix } from "./s3-objects.js";
import { refuseShrinkingPeriods } from "./shrink-guard.js";

export interface IngestOptions {
  format?: FormatChoice;
  aws?: AwsOptions;
  /** Let a load replace a billing period with less than half of its stored rows or cost. */
  allowShrink?: boolean;
}

export interface IngestResult {
  loadId: string;
  rowsLoaded: number;
  rowsReplaced: number;
  files: string[];
  providers: string[];
  billingPeriods: string[];
  /** Files that loaded nothing (a header only): said, never an error, and they replace nothing. */
  warnings: string[];
}

interface BillingFile {
  path: string;
  /** What the user named: the local path or the s3:// URI of the object. */
  label: string;
  kind: FileKind;
  columns: Map<string, string>;
  format: BillingFormat;
}

/**
 * Loads billing files into the billing table as one load, in one transaction.
 *
 * A load replaces, for each (provider, billing account, billing period) it contains, every row that an
 * earlier file load brought for the same key: loading a file again, or a newer export of the same
 * month, never doubles a figure. Every file of one export (CUR 2.0 splits a month into parts) must
 * therefore be given in one command, as a prefix, a folder or several paths.
 */
export async function ingestFiles(
  store: Store,
  inputs: string[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  if (inputs.length === 0)
    throw new UsageError("ingest: name at least one file, folder or s3://bucket/prefix");
  // Inside the process's scratch folder: a killed ingest's downloads go with it (store/scratch.ts).
  const scratch = await mkdtemp(join(scratchDirectory(), "ingest-"));
  try {
    const located = await locateInputs(inputs, scratch, options.aws ?? {});
    const files: BillingFile[] = [];
    for (const { path, label } of located) {
      await checkGzipIntegrity(path, label);
      const kind = await fileKind(path);
      const columns = await describeColumns(store.connection, path, kind, label);
      files.push({
        path,
        label,
        kind,
        columns,
        format: chooseFormat(columns, options.format ?? "auto", label),
      });
    }
    try {
      return await loadAll(store.connection, files, options.allowShrink ?? false);
    } catch (error) {
      // Diagnosis reads the file again, which an aborted transaction cannot do: it runs after rollback.
      if (!(error instanceof FileLoadFailure)) throw error;
      const { file, cause } = error;
      if (cause === undefined) {
        // The load's rows were checked once for all the files of one format and header: the first of them
        // with an offending row is named.
        let located: UsageError | undefined;
        for (const candidate of error.candidates) {
          located = await locateBadValue(
            store.connection,
            candidate.path,
            candidate.kind,
            candidate.columns,
            candidate.format,
            candidate.label,
          );
          if (located) break;
        }
        const rules = (file.format.rowRules?.(file.columns) ?? []).map((rule) => `, or ${rule.problem}`);
        throw (
          located ??
          new UsageError(
            `${file.label}: rows without ${[...new Set(file.format.notNullColumns.map((c) => notNullSource(file.format, c)))].join(", ")}${[...new Set(rules)].join("")}`,
          )
        );
      }
      throw await explainLoadFailure(
        store.connection,
        file.path,
        file.kind,
        file.columns,
        file.format,
        cause,
        file.label,
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function locateInputs(
  inputs: string[],
  scratch: string,
  aws: AwsOptions,
): Promise<{ path: string; label: string }[]> {
  const located: { path: string; label: string }[] = [];
  for (const input of inputs) {
    if (input.startsWith("s3://")) {
      const target = join(scratch, `s3-${located.length}`);
      // Objects land at target/bucket/key: the label is the object's own URI.
      for (const path of await downloadPrefix(input, target, aws)) {
        located.push({ path, label: `s3://${relative(target, path)}` });
      }
      continue;
    }
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new UsageError(`${input}: no such file or folder`);
    if (info.isDirectory()) {
      const entries = (await readdir(input, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && /\.(csv|csv\.gz|csv\.zst|parquet)$/i.test(e.name))
        .map((e) => join(e.parentPath, e.name))
        .sort();
      if (entries.length === 0)
        throw new UsageError(`${input}: no billing files (.csv, .csv.gz, .parquet) in this folder`);
      for (const path of entries) located.push({ path: resolve(path), label: path });
    } else {
      located.push({ path: resolve(input), label: input });
    }
  }
  return located;
}

async function loadAll(
  connection: DuckDBConnection,
  files: BillingFile[],
  allowShrink: boolean,
): Promise<IngestResult> {
  const loadId = `load-${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const sources = [...new Set(files.map((f) => f.format.name))];
  const warnings: string[] = [];
  const empty = {
    loadId,
    rowsLoaded: 0,
    rowsReplaced: 0,
    files: files.map((f) => f.label),
    providers: [],
    billingPeriods: [],
    warnings,
  };
  try {
    return await inTransaction(connection, async () => {
      await connection.run(
        "INSERT INTO loads (load_id, source, files, started_at) VALUES ($1, $2, $3, now()::TIMESTAMP)",
        [loadId, sources.join(","), JSON.stringify(files.map((f) => f.label))],
      );
      const loaded: BillingFile[] = [];
      for (const file of files) {
        // A file without rows brings no (provider, account, period) key, so it replaces nothing.
        if ((await loadFile(connection, file, loadId)) === 0)
          warnings.push(
            `${file.label}: no billing rows in this file (a header only): nothing loaded from it`,
          );
        else loaded.push(file);
      }
      await checkRowRules(connection, loaded, loadId);
      // Every file empty: the load is rolled back, so not even its record changes the database.
      if (warnings.length === files.length) throw new NothingLoaded();
      await runLoadChecks(connection, loadId, files);
      if (!allowShrink)
        await refuseShrinkingPeriods(
          connection,
          loadId,
          files.map((f) => f.label),
        );
      return await recordLoad(connection, loadId, files, warnings);
    });
  } catch (error) {
    if (error instanceof NothingLoaded) return empty;
    throw error;
  }
}

/** The formats' checks across the whole load (a split row's node may be in another part): refuse loudly. */
async function runLoadChecks(
  connection: DuckDBConnection,
  loadId: string,
  files: BillingFile[],
): Promise<void> {
  const query = async (sql: string) =>
    (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  for (const file of files) {
    const problem = await file.format.loadChecks?.({
      query,
      loadId,
      columns: file.columns,
      rawRelation: rawRelationFor(file.path, file.kind, file.columns),
      rowLabel: (row) => `row ${row}${file.kind === "csv" ? ` (line ${row + 1})` : ""}`,
    });
    if (problem) throw new UsageError(`${file.label}: ${problem}`);
  }
}

/** Every file of the load was empty: thrown to roll the load back. */
class NothingLoaded extends Error {}

/** Replaces what earlier loads brought for the periods this load covers, and records the load. */
async function recordLoad(
  connection: DuckDBConnection,
  loadId: string,
  files: BillingFile[],
  warnings: string[],
): Promise<IngestResult> {
  const rowsReplaced = await replaceEarlierLoads(connection, loadId);
  const summary = (
    await connection.runAndReadAll(
      `SELECT count(*) AS rows,
         coalesce(list(DISTINCT ProviderName ORDER BY ProviderName) FILTER (WHERE ProviderName IS NOT NULL), []) AS providers,
         coalesce(list(DISTINCT strftime(BillingPeriodStart, '%Y-%m') ORDER BY strftime(BillingPeriodStart, '%Y-%m')), []) AS periods
       FROM billing WHERE x_LoadId = $1`,
      [loadId],
    )
  ).getRowObjectsJson()[0];
  const rowsLoaded = Number(summary?.rows ?? 0);
  const billingPeriods = (summary?.periods ?? []) as string[];
  await connection.run(
    `UPDATE loads SET finished_at = now()::TIMESTAMP, rows_loaded = $2, rows_replaced = $3, billing_periods = $4
     WHERE load_id = $1`,
    [loadId, rowsLoaded, rowsReplaced, JSON.stringify(billingPeriods)],
  );
  return {
    loadId,
    rowsLoaded,
    rowsReplaced,
    files: files.map((f) => f.label),
    providers: (summary?.providers ?? []) as string[],
    billingPeriods,
    warnings,
  };
}

/** Inserts one file's rows under the load; returns how many. */
async function loadFile(connection: DuckDBConnection, file: BillingFile, loadId: string): Promise<number> {
  const expressions = file.format.selectList(file.columns);
  const split = Object.entries(file.format.splitColumns?.(file.columns) ?? {});
  const targets = [...BILLING_COLUMN_NAMES, ...split.map(([name]) => name)]
    .map((name) => `"${name}"`)
    .join(", ");
  const values = [
    ...BILLING_COLUMN_NAMES.map((name) => expressions[name] ?? "NULL"),
    ...split.map(([, v]) => v),
  ].join(",\n  ");
  const relation = typedRelation(file.path, file.kind, file.columns, file.format);
  // A source row that is two billing rows is read once: the file joined with the part numbers, the
  // second part kept only for the rows that have one.
  const second = file.format.secondRow?.(file.columns);
  const from = second
    ? `${relation} AS __source CROSS JOIN (VALUES (1), (2)) AS __parts(__part) WHERE __part = 1 OR (${second})`
    : relation;
  const sql = `INSERT INTO billing (${targets}, x_Source, x_LoadId)
    SELECT ${values}, ${sqlLiteral(file.format.name)}, ${sqlLiteral(loadId)} FROM ${from}`;
  let inserted: number;
  try {
    inserted = Number((await connection.run(sql)).rowsChanged);
  } catch (error) {
    throw new FileLoadFailure(file, error);
  }
  await saveCommitmentTerms(connection, file, relation);
  return inserted;
}

/**
 * Writes the terms of the commitments the file names, in the load's transaction (a refused load leaves
 * them as they were). A newer load replaces a commitment's terms, except where it has no value: one part
 * of a month's export may lack the fee rows that say the buying account.
 */
async function saveCommitmentTerms(
  connection: DuckDBConnection,
  file: BillingFile,
  relation: string,
): Promise<void> {
  const terms = file.format.commitmentTerms?.(file.columns, relation);
  if (!terms) return;
  const columns = COMMITMENT_TERM_COLUMNS.join(", ");
  const updates = COMMITMENT_TERM_COLUMNS.filter((c) => c !== "commitment_id").map(
    (c) => `${c} = coalesce(EXCLUDED.${c}, commitment_terms.${c})`,
  );
  try {
    await connection.run(
      `INSERT INTO commitment_terms (${columns}, source, updated_at)
       SELECT *, ${sqlLiteral(file.format.name)}, now()::TIMESTAMP FROM (${terms})
       ON CONFLICT (commitment_id, source) DO UPDATE SET ${updates.join(", ")}, updated_at = EXCLUDED.updated_at`,
    );
  } catch (error) {
    throw new FileLoadFailure(file, error);
  }
}

/** A file that did not load: `cause` is DuckDB's error, or undefined where required values are missing. */
class FileLoadFailure extends Error {
  constructor(
    readonly file: BillingFile,
    override readonly cause: unknown,
    /** Where a broken row rule may lie: the files checked together (the first is `file`). */
    readonly candidates: BillingFile[] = [file],
  ) {
    super(`${file.label}: load failed`);
  }
}

/**
 * Refuses the load when one of its rows lacks a required value or breaks a row rule. One query over the
 * load's rows for all the files that share a condition (one format, one header), after they are all
 * inserted: a check after each file read every row loaded so far again, which grew with the square of
 * the files (a 100M-row month is 20 files and more).
 */
async function checkRowRules(
  connection: DuckDBConnection,
  files: BillingFile[],
  loadId: string,
): Promise<void> {
  const groups = new Map<string, BillingFile[]>();
  for (const file of files) {
    const conditions = new Set([
      ...file.format.notNullColumns.map((name) => `"${name}" IS NULL`),
      ...(file.format.rowRules?.(file.columns) ?? []).map((rule) => `(${rule.billing})`),
    ]);
    if (conditions.size === 0) continue;
    const condition = [...conditions].join(" OR ");
    groups.set(condition, [...(groups.get(condition) ?? []), file]);
  }
  for (const [condition, group] of groups) {
    const reader = await connection.runAndReadAll(
      `SELECT count(*) AS n FROM (SELECT 1 FROM billing WHERE x_LoadId = $1 AND (${condition}) LIMIT 1)`,
      [loadId],
    );
    const [first] = group;
    if (first && Number(reader.getRowObjectsJson()[0]?.n ?? 0) > 0)
      throw new FileLoadFailure(first, undefined, group);
  }
}

/** Deletes what earlier file loads brought for the billing periods this load now covers. */
async function replaceEarlierLoads(connection: DuckDBConnection, loadId: string): Promise<number> {
  // The keys this load covers (a few: providers, billing accounts, periods), then one DELETE naming them:
  // joined row by row, DuckDB could build its hash table of a whole period's stored rows (33M at 100M rows).
  const covered = (
    await connection.runAndReadAll(
      `SELECT DISTINCT ProviderName AS provider, BillingAccountId AS account,
         CAST(BillingPeriodStart AS VARCHAR) AS period
       FROM billing WHERE x_LoadId = $1`,
      [loadId],
    )
  ).getRowObjectsJson();
  if (covered.length === 0) return 0;
  const params: DuckDBValue[] = [loadId];
  const param = (value: unknown) => {
    params.push(value === null || value === undefined ? null : String(value));
    return `$${params.length}`;
  };
  const keys = covered.map(
    (key) =>
      `(ProviderName IS NOT DISTINCT FROM ${param(key.provider)}
        AND BillingAccountId IS NOT DISTINCT FROM ${param(key.account)}
        AND BillingPeriodStart IS NOT DISTINCT FROM CAST(${param(key.period)} AS TIMESTAMP))`,
  );
  const result = await connection.run(
    `DELETE FROM billing
     WHERE x_LoadId <> $1 AND x_Source <> 'cost-explorer' AND (${keys.join(" OR ")})`,
    params,
  );
  return Number(result.rowsChanged);
}
