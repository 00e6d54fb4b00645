import {
  AthenaClient,
  AthenaServiceException,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { type AwsOptions, type ClientConfig, clientConfig } from "../../aws/clients.js";
import { describeAwsError } from "../../aws/errors.js";
import type { AthenaSettings, RollupSettings } from "../../config/billing-engine.js";
import type { Config } from "../../config/schema.js";
import { UsageError } from "../../core/errors.js";
import type { Store } from "../../store/database.js";
import type { CollectorReport } from "../run.js";
import { firstPeriod, loadRollup } from "./rollup-load.js";
import { columnsSql, rollupSql, type TrinoColumns } from "./trino-rollup.js";

export const ATHENA_COLLECTOR = "billing:athena";

/** The Athena calls the collector makes, all on the configured workgroup (see cli/iam-policy.ts). */
export const ATHENA_IAM_ACTIONS = [
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
  "athena:StartQueryExecution",
] as const;

export interface AthenaBillingOptions {
  config: Config;
  aws: AwsOptions;
  now: Date;
}

/** How long a query is waited for, and how often Athena is asked in the meantime. */
export interface AthenaWait {
  /** Athena's own default DML timeout is 30 minutes: a query still running then is not waited for. */
  timeoutMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const ATHENA_WAIT: AthenaWait = { timeoutMs: 30 * 60_000, firstDelayMs: 250, maxDelayMs: 5_000 };

/** What the collector needs of an Athena client: its `send` (a fake one in unit tests). */
export type AthenaApi = Pick<AthenaClient, "send">;

/**
 * The Athena billing engine's collection: the Trino engine's roll-up (trino-rollup.ts; Athena engine 3
 * is Trino), run by Athena on a table of its catalog, and loaded as one FOCUS load as the Trino engine
 * loads it (rollup-load.ts).
 */
export async function collectAthenaBilling(
  store: Store,
  options: AthenaBillingOptions,
): Promise<CollectorReport> {
  const settings = options.config.billing.athena;
  if (!settings) throw new UsageError("billing.engine is athena: set billing.athena (database, table)");
  const config = athenaClientConfig(settings, options.aws);
  const report: CollectorReport = {
    name: ATHENA_COLLECTOR,
    account: null,
    region: config.region ?? null,
    status: "ok",
    rows: 0,
    apiCalls: 0,
  };
  const client = new AthenaClient(config);
  const countCall = () => report.apiCalls++;
  try {
    const target = rollupTarget(settings);
    const columns = await tableColumns(client, settings, countCall);
    const sql = rollupSql(target, columns, firstPeriod(options.now, settings.lookbackMonths));
    const rows = athenaQuery(client, settings, sql, "the roll-up", countCall);
    report.rows = await loadRollup(store, rows, "athena");
  } catch (error) {
    report.status = "failed";
    const message = error instanceof AthenaServiceException ? describeAwsError(error) : errorMessage(error);
    report.error = `Athena ${settings.catalog}.${settings.database}.${settings.table} (workgroup ${settings.workGroup}): ${message}`;
  } finally {
    client.destroy();
  }
  return report;
}

/**
 * The Athena client's configuration (the run's endpoint and retries): billing.athena.region, else the
 * run's first region (not "all", which names none), else AWS_REGION or the SDK's default.
 */
export function athenaClientConfig(settings: AthenaSettings, aws: AwsOptions): ClientConfig {
  const { region: firstRegion, ...rest } = aws;
  return clientConfig(rest, settings.region ?? (firstRegion === "all" ? undefined : firstRegion));
}

/** The roll-up's settings in Trino's terms: Athena's database is the schema. */
export function rollupTarget(settings: AthenaSettings): RollupSettings {
  return {
    catalog: settings.catalog,
    schema: settings.database,
    table: settings.table,
    grain: settings.grain,
    accounts: settings.accounts,
  };
}

async function tableColumns(
  client: AthenaApi,
  settings: AthenaSettings,
  countCall: () => void,
): Promise<TrinoColumns> {
  const columns = new Map<string, string>();
  const sql = columnsSql(rollupTarget(settings));
  for await (const row of athenaQuery(client, settings, sql, "the table's columns", countCall)) {
    if (row[0] && row[1]) columns.set(row[0], row[1]);
  }
  if (columns.size === 0) throw new Error("no such table, or it has no columns");
  return columns;
}

/** Runs one statement on Athena and yields its rows once it has succeeded. */
export async function* athenaQuery(
  client: AthenaApi,
  settings: AthenaSettings,
  sql: string,
  label: string,
  countCall: () => void,
  wait: AthenaWait = ATHENA_WAIT,
): AsyncGenerator<(string | null)[]> {
  countCall();
  const started = await client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      QueryExecutionContext: { Catalog: settings.catalog, Database: settings.database },
      WorkGroup: settings.workGroup,
      ...(settings.outputLocation
        ? { ResultConfiguration: { OutputLocation: settings.outputLocation } }
        : {}),
    }),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new Error(`StartQueryExecution (${label}) answered no QueryExecutionId`);
  await waitForQuery(client, id, label, countCall, wait);
  yield* resultRows(client, id, countCall);
}

/**
 * Asks GetQueryExecution until the query has SUCCEEDED, waiting longer each time (up to maxDelayMs).
 * FAILED or CANCELLED fails with Athena's reason and the query's id; so does a query still running at
 * the timeout.
 */
export async function waitForQuery(
  client: AthenaApi,
  id: string,
  label: string,
  countCall: () => void,
  wait: AthenaWait = ATHENA_WAIT,
): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  let delay = wait.firstDelayMs;
  for (;;) {
    countCall();
    const answer = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const status = answer.QueryExecution?.Status;
    const state = status?.State;
    if (state === "SUCCEEDED") return;
    if (state === "FAILED" || state === "CANCELLED") {
      const reason = status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? "no reason given";
      // Athena's reasons may span lines ("line 1:8: ..."): the collector's error is one line.
      throw new Error(`query ${id} (${label}) ${state}: ${reason.replace(/\s+/g, " ").trim()}`);
    }
    if (Date.now() + delay > deadline) {
      throw new Error(
        `query ${id} (${label}) still ${state ?? "unknown"} after ${Math.round(wait.timeoutMs / 1000)} s`,
      );
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, delay));
    delay = Math.min(delay * 2, wait.maxDelayMs);
  }
}

/**
 * The query's rows, every page of GetQueryResults (NextToken): the first row of the first page is the
 * header, and is skipped there only. Every value is text (a DECIMAL sum stays exact); a value without
 * VarCharValue is NULL.
 */
export async function* resultRows(
  client: AthenaApi,
  id: string,
  countCall: () => void,
): AsyncGenerator<(string | null)[]> {
  let token: string | undefined;
  let firstPage = true;
  do {
    countCall();
    const page = await client.send(
      new GetQueryResultsCommand({
        QueryExecutionId: id,
        MaxResults: 1000,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    const rows = page.ResultSet?.Rows ?? [];
    for (const row of firstPage ? rows.slice(1) : rows) {
      yield (row.Data ?? []).map((datum) => datum.VarCharValue ?? null);
    }
    firstPage = false;
    token = page.NextToken;
  } while (token);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
