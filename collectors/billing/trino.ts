import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { BasicAuth, type QueryResult, Trino } from "trino-client";
import type { TrinoSettings } from "../../config/billing-engine.js";
import type { Config } from "../../config/schema.js";
import { UsageError } from "../../core/errors.js";
import type { Store } from "../../store/database.js";
import { scratchDirectory } from "../../store/scratch.js";
import type { CollectorReport } from "../run.js";
import { ingestFiles } from "./ingest.js";
import { ROLLUP_COLUMNS, rollupSql, type TrinoColumns } from "./trino-rollup.js";

export const TRINO_COLLECTOR = "billing:trino";

export interface TrinoBillingOptions {
  config: Config;
  now: Date;
}

/**
 * The Trino billing engine's collection: Trino sums the FOCUS table where it lives (trino-rollup.ts)
 * and the roll-up is loaded as one FOCUS load (ingest.ts), so it replaces what an earlier pull brought
 * for the same provider, billing account and billing period, and every query of the local store (costs,
 * the web's aggregates, the report, the rules' money) reads it as it reads a loaded file.
 */
export async function collectTrinoBilling(
  store: Store,
  options: TrinoBillingOptions,
): Promise<CollectorReport> {
  const settings = options.config.billing.trino;
  if (!settings)
    throw new UsageError("billing.engine is trino: set billing.trino (server, catalog, schema, table)");
  const report: CollectorReport = {
    name: TRINO_COLLECTOR,
    account: null,
    region: null,
    status: "ok",
    rows: 0,
    apiCalls: 0,
  };
  const scratch = await mkdtemp(join(scratchDirectory(), "trino-"));
  try {
    const trino = connect(settings);
    const columns = await tableColumns(trino, settings, () => report.apiCalls++);
    const since = firstPeriod(options.now, settings.lookbackMonths);
    const path = join(scratch, "rollup.csv");
    const written = await writeRollup(
      trino,
      rollupSql(settings, columns, since),
      path,
      () => report.apiCalls++,
    );
    if (written > 0) {
      // The roll-up has fewer rows than the line items an earlier file load of the same period held.
      const result = await ingestFiles(store, [path], { format: "focus", allowShrink: true });
      report.rows = result.rowsLoaded;
    }
  } catch (error) {
    report.status = "failed";
    report.error = `${settings.server} ${settings.catalog}.${settings.schema}.${settings.table}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return report;
}

function connect(settings: TrinoSettings): Trino {
  const password = settings.passwordEnv ? process.env[settings.passwordEnv] : undefined;
  if (settings.passwordEnv && !password)
    throw new Error(`billing.trino.passwordEnv: the variable ${settings.passwordEnv} is not set`);
  return Trino.create({
    server: settings.server,
    catalog: settings.catalog,
    schema: settings.schema,
    source: settings.source,
    auth: new BasicAuth(settings.user, password),
  });
}

/** The first day of the oldest billing period pulled: `months` periods back, counting the current one. */
export function firstPeriod(now: Date, months: number): string {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  return first.toISOString().slice(0, 10);
}

/** Runs one statement and yields its rows, failing with Trino's own message. */
export async function* queryRows(
  trino: Trino,
  sql: string,
  onRequest: () => void,
): AsyncGenerator<{ columns: string[]; row: unknown[] }> {
  let columns: string[] | undefined;
  onRequest();
  for await (const page of (await trino.query(sql)) as AsyncIterable<QueryResult>) {
    onRequest();
    if (page.error) throw new Error(`${page.error.errorName}: ${page.error.message}`);
    columns ??= page.columns?.map((c) => c.name);
    for (const row of page.data ?? []) yield { columns: columns ?? [], row };
  }
}

async function tableColumns(
  trino: Trino,
  settings: TrinoSettings,
  onRequest: () => void,
): Promise<TrinoColumns> {
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const columns = new Map<string, string>();
  const sql = `SELECT lower(column_name), data_type FROM ${quote(settings.catalog)}.information_schema.columns
    WHERE table_schema = ${literal(settings.schema)} AND table_name = ${literal(settings.table)}`;
  for await (const { row } of queryRows(trino, sql, onRequest)) columns.set(String(row[0]), String(row[1]));
  if (columns.size === 0) throw new Error("no such table, or it has no columns");
  return columns;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Streams the roll-up's rows to a FOCUS CSV file (every field quoted; an empty field is NULL). */
async function writeRollup(trino: Trino, sql: string, path: string, onRequest: () => void): Promise<number> {
  const out = createWriteStream(path);
  const line = (fields: string[]) => `${fields.join(",")}\n`;
  const field = (value: unknown) =>
    value === null || value === undefined ? "" : `"${String(value).replace(/"/g, '""')}"`;
  let rows = 0;
  try {
    out.write(line(ROLLUP_COLUMNS.map((name) => field(name))));
    for await (const { row } of queryRows(trino, sql, onRequest)) {
      if (!out.write(line(row.map(field)))) await once(out, "drain");
      rows++;
    }
  } finally {
    out.end();
    await once(out, "close");
  }
  return rows;
}
