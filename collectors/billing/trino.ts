import { BasicAuth, type QueryResult, Trino } from "trino-client";
import type { TrinoSettings } from "../../config/billing-engine.js";
import type { Config } from "../../config/schema.js";
import { UsageError } from "../../core/errors.js";
import type { Store } from "../../store/database.js";
import type { CollectorReport } from "../run.js";
import { firstPeriod, loadRollup } from "./rollup-load.js";
import { columnsSql, rollupSql, type TrinoColumns } from "./trino-rollup.js";

export { firstPeriod } from "./rollup-load.js";

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
  try {
    const trino = connect(settings);
    const columns = await tableColumns(trino, settings, () => report.apiCalls++);
    const sql = rollupSql(settings, columns, firstPeriod(options.now, settings.lookbackMonths));
    report.rows = await loadRollup(
      store,
      rollupRows(trino, sql, () => report.apiCalls++),
      "trino",
    );
  } catch (error) {
    report.status = "failed";
    report.error = `${settings.server} ${settings.catalog}.${settings.schema}.${settings.table}: ${error instanceof Error ? error.message : String(error)}`;
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
  const columns = new Map<string, string>();
  for await (const { row } of queryRows(trino, columnsSql(settings), onRequest))
    columns.set(String(row[0]), String(row[1]));
  if (columns.size === 0) throw new Error("no such table, or it has no columns");
  return columns;
}

/** The roll-up's rows, each in ROLLUP_COLUMNS' order. */
async function* rollupRows(trino: Trino, sql: string, onRequest: () => void): AsyncGenerator<unknown[]> {
  for await (const { row } of queryRows(trino, sql, onRequest)) yield row;
}
