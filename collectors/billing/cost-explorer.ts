import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type GroupDefinition,
} from "@aws-sdk/client-cost-explorer";
import { type AwsOptions, clientConfig } from "../../aws/clients.js";
import { describeAwsError } from "../../aws/errors.js";
import type { Config } from "../../config/schema.js";
import { sqlLiteral } from "../../core/sql.js";
import { inTransaction, type Store } from "../../store/database.js";
import { scratchDirectory } from "../../store/scratch.js";
import type { CollectorReport } from "../run.js";
import { addDays, type DayRange, daysToFetch, utcDay } from "./cost-explorer-days.js";

/**
 * Cost Explorer's daily costs into the FOCUS billing table (x_Source 'cost-explorer').
 *
 * Two kinds of query, DAILY, both following NextPageToken:
 * - `service-account`: grouped by SERVICE and LINKED_ACCOUNT, stored as billing rows;
 * - `tag:KEY` for each team tag key: grouped by the tag and LINKED_ACCOUNT, stored in
 *   cost_explorer_tag_costs (the same money split another way; see store/costs.ts).
 *
 * Mapping: UnblendedCost -> BilledCost, AmortizedCost -> EffectiveCost, Unit -> BillingCurrency,
 * the day -> ChargePeriodStart/End, its month -> BillingPeriodStart/End. Cost Explorer has no list
 * price, region or resource in these groupings: ListCost, RegionId and ResourceId stay NULL.
 *
 * Each request costs $0.01: closed days already stored are never asked again (cost-explorer-days.ts).
 */
export const COST_EXPLORER_COLLECTOR = "billing:cost-explorer";

const METRICS = ["UnblendedCost", "AmortizedCost"];

interface CostExplorerQuery {
  id: string;
  groupBy: GroupDefinition[];
}

interface FetchedQuery {
  query: CostExplorerQuery;
  ranges: DayRange[];
  rows: CostRow[];
}

interface CostRow {
  day: string;
  first: string;
  account: string;
  billed: string;
  effective: string;
  currency: string | null;
}

export interface CostExplorerOptions {
  config: Config;
  aws: AwsOptions;
  now: Date;
}

export async function collectCostExplorer(
  store: Store,
  options: CostExplorerOptions,
): Promise<CollectorReport> {
  const settings = options.config.billing.costExplorer;
  const report: CollectorReport = {
    name: COST_EXPLORER_COLLECTOR,
    account: null,
    region: settings.region,
    status: "ok",
    rows: 0,
    apiCalls: 0,
  };
  const queries: CostExplorerQuery[] = [
    {
      id: "service-account",
      groupBy: [
        { Type: "DIMENSION", Key: "SERVICE" },
        { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
      ],
    },
    ...options.config.tags.teamKeys.map((key) => ({
      id: `tag:${key}`,
      groupBy: [
        { Type: "TAG" as const, Key: key },
        { Type: "DIMENSION" as const, Key: "LINKED_ACCOUNT" },
      ],
    })),
  ];
  // Today is still being billed: the window ends with yesterday.
  const windowEnd = utcDay(options.now);
  const windowStart = addDays(windowEnd, -settings.lookbackDays);

  const client = new CostExplorerClient(clientConfig(options.aws, settings.region));
  try {
    const fetched: FetchedQuery[] = [];
    for (const query of queries) {
      const stored = await storedDays(store, query.id, windowStart);
      const ranges = daysToFetch(windowStart, windowEnd, stored, settings.restatementDays);
      const rows: CostRow[] = [];
      for (const range of ranges) {
        for await (const row of fetchRange(client, query, range, () => report.apiCalls++)) rows.push(row);
      }
      fetched.push({ query, ranges, rows });
    }
    report.rows = await storeFetched(store, fetched, report.apiCalls);
  } catch (error) {
    report.status = "failed";
    report.error = describeAwsError(error);
  } finally {
    client.destroy();
  }
  return report;
}

async function storedDays(store: Store, queryId: string, from: string): Promise<Set<string>> {
  const reader = await store.connection.runAndReadAll(
    "SELECT strftime(day, '%Y-%m-%d') AS day FROM cost_explorer_days WHERE query = $1 AND day >= CAST($2 AS DATE)",
    [queryId, from],
  );
  return new Set(reader.getRowObjectsJson().map((row) => String(row.day)));
}

async function* fetchRange(
  client: CostExplorerClient,
  query: CostExplorerQuery,
  range: DayRange,
  countRequest: () => void,
): AsyncGenerator<CostRow> {
  let token: string | undefined;
  do {
    const input: GetCostAndUsageCommandInput = {
      TimePeriod: { Start: range.start, End: range.end },
      Granularity: "DAILY",
      Metrics: METRICS,
      GroupBy: query.groupBy,
      ...(token ? { NextPageToken: token } : {}),
    };
    countRequest();
    const page = await client.send(new GetCostAndUsageCommand(input));
    for (const result of page.ResultsByTime ?? []) {
      const day = result.TimePeriod?.Start;
      if (!day) continue;
      for (const group of result.Groups ?? []) {
        const [first = "", account = ""] = group.Keys ?? [];
        const billed = group.Metrics?.UnblendedCost;
        const effective = group.Metrics?.AmortizedCost;
        yield {
          day: day.slice(0, 10),
          first,
          account,
          billed: billed?.Amount ?? "0",
          effective: effective?.Amount ?? billed?.Amount ?? "0",
          currency: billed?.Unit ?? effective?.Unit ?? null,
        };
      }
    }
    token = page.NextPageToken || undefined;
  } while (token);
}

/**
 * Replaces the fetched days of every query in one transaction, so a failed run leaves the stored
 * figures as they were. The rows go through a temporary JSON file into DuckDB in one statement.
 */
async function storeFetched(store: Store, fetched: FetchedQuery[], apiCalls: number): Promise<number> {
  const connection = store.connection;
  const loadId = `ce-${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const file = join(scratchDirectory(), `finops-${loadId}.ndjson`);
  let rows = 0;
  try {
    await inTransaction(connection, async () => {
      await connection.run(
        "INSERT INTO loads (load_id, source, files, started_at, api_calls) VALUES ($1, 'cost-explorer', '[]', now()::TIMESTAMP, $2)",
        [loadId, apiCalls],
      );
      for (const { query, ranges, rows: fetchedRows } of fetched) {
        if (ranges.length === 0) continue;
        await writeFile(file, fetchedRows.map((row) => JSON.stringify(row)).join("\n"));
        const source = `read_json(${sqlLiteral(file)}, format = 'newline_delimited', columns = {day: 'DATE', first: 'VARCHAR', account: 'VARCHAR', billed: 'VARCHAR', effective: 'VARCHAR', currency: 'VARCHAR'})`;
        const inRanges = (column: string) =>
          `(${ranges.map((r) => `(${column} >= DATE ${sqlLiteral(r.start)} AND ${column} < DATE ${sqlLiteral(r.end)})`).join(" OR ")})`;
        if (query.id === "service-account") {
          await connection.run(
            `DELETE FROM billing WHERE x_Source = 'cost-explorer' AND ${inRanges("CAST(ChargePeriodStart AS DATE)")}`,
          );
          if (fetchedRows.length) {
            const result = await connection.run(
              `INSERT INTO billing (ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd,
                 ProviderName, PublisherName, InvoiceIssuerName, ServiceName, SubAccountId, BilledCost, EffectiveCost,
                 BillingCurrency, ChargeCategory, ChargeFrequency, x_Source, x_LoadId)
               SELECT day, day + INTERVAL 1 DAY, date_trunc('month', day), date_trunc('month', day) + INTERVAL 1 MONTH,
                 'AWS', 'Amazon Web Services', 'Amazon Web Services, Inc.', first, account,
                 CAST(billed AS DECIMAL(38,12)), CAST(effective AS DECIMAL(38,12)), currency,
                 CASE WHEN first = 'Tax' THEN 'Tax' ELSE 'Usage' END, 'Usage-Based', 'cost-explorer', ${sqlLiteral(loadId)}
               FROM ${source}`,
            );
            rows += Number(result.rowsChanged);
          }
        } else {
          const tagKey = query.id.slice("tag:".length);
          await connection.run(
            `DELETE FROM cost_explorer_tag_costs WHERE tag_key = ${sqlLiteral(tagKey)} AND ${inRanges("day")}`,
          );
          if (fetchedRows.length) {
            // Cost Explorer writes a tag group as "key$value"; "key$" holds the untagged costs.
            const result = await connection.run(
              `INSERT INTO cost_explorer_tag_costs
               SELECT day, account, ${sqlLiteral(tagKey)}, nullif(substr(first, strpos(first, '$') + 1), ''),
                 CAST(billed AS DECIMAL(38,12)), CAST(effective AS DECIMAL(38,12)), currency, ${sqlLiteral(loadId)}
               FROM ${source}`,
            );
            rows += Number(result.rowsChanged);
          }
        }
        await connection.run(
          `INSERT OR REPLACE INTO cost_explorer_days (query, day, fetched_at)
           SELECT ${sqlLiteral(query.id)}, CAST(d AS DATE), now()::TIMESTAMP
           FROM (${ranges.map((r) => `SELECT unnest(generate_series(DATE ${sqlLiteral(r.start)}, DATE ${sqlLiteral(r.end)} - INTERVAL 1 DAY, INTERVAL 1 DAY)) AS d`).join(" UNION ALL ")})`,
        );
      }
      await connection.run(
        "UPDATE loads SET finished_at = now()::TIMESTAMP, rows_loaded = $2 WHERE load_id = $1",
        [loadId, rows],
      );
    });
  } finally {
    await rm(file, { force: true });
  }
  return rows;
}

/** The IAM actions the Cost Explorer collector calls. */
export const COST_EXPLORER_IAM_ACTIONS = ["ce:GetCostAndUsage"] as const;
