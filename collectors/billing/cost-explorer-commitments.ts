import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CostExplorerClient,
  GetReservationCoverageCommand,
  GetReservationUtilizationCommand,
  GetSavingsPlansCoverageCommand,
  GetSavingsPlansUtilizationDetailsCommand,
} from "@aws-sdk/client-cost-explorer";
import { type AwsOptions, clientConfig } from "../../aws/clients.js";
import { awsErrorCode, describeAwsError, isAccessDenied } from "../../aws/errors.js";
import { countingPages, type FetchPage, type PageSource } from "../../aws/pages.js";
import type { Config } from "../../config/schema.js";
import { sqlLiteral } from "../../core/sql.js";
import { inTransaction, type Store } from "../../store/database.js";
import { scratchDirectory } from "../../store/scratch.js";
import type { CollectorReport } from "../run.js";
import {
  type CommitmentOperation,
  CommitmentPageError,
  type CoverageRow,
  commitmentScope,
  formatAmount,
  type ReservationCoveragePage,
  type ReservationUtilizationPage,
  RI_COVERAGE,
  RI_UTILIZATION,
  readReservationHours,
  readReservations,
  readSavingsPlans,
  readSavingsPlansCoverage,
  reservationCoverage,
  type SavingsPlansCoveragePage,
  type SavingsPlansDetailsPage,
  SP_COVERAGE,
  SP_UTILIZATION,
  type TermRow,
  type UsageRow,
} from "./cost-explorer-commitments-read.js";
import { addDays, daysToFetch, utcDay } from "./cost-explorer-days.js";

/**
 * Cost Explorer's view of Savings Plans and reservations, for estates whose commitments no billing
 * file describes: commitment_usage (per day and commitment), commitment_coverage (per day, type and
 * account) and commitment_terms (source 'cost-explorer'). The field mappings are documented beside
 * the code that reads each answer (cost-explorer-commitments-read.ts).
 *
 * Every call covers one day (and one service, for reservations): GetSavingsPlansUtilizationDetails has
 * no daily breakdown, and Cost Explorer does not promise daily groups when GroupBy is set. Days are
 * cached like Cost Explorer's costs: closed days already stored are never asked again (each request
 * costs $0.01), the last `restatementDays` are asked on every run. A first run asks 3 + (reservation
 * services) requests per day of the lookback; later runs the same per restated day.
 *
 * All days' answers are fetched first and stored in one transaction: a failed call (a refused
 * permission, an unreadable answer) leaves the tables as they were.
 */
export const COMMITMENTS_COLLECTOR = "billing:cost-explorer-commitments";

/** The cache key of the commitments' days in cost_explorer_days (its `query` column). */
const DAYS_QUERY = "commitments";

export const COMMITMENTS_IAM_ACTIONS = [
  `ce:${SP_UTILIZATION}`,
  `ce:${RI_UTILIZATION}`,
  `ce:${SP_COVERAGE}`,
  `ce:${RI_COVERAGE}`,
] as const;

export interface CommitmentsOptions {
  config: Config;
  aws: AwsOptions;
  now: Date;
  /** Live, recording or replaying (the pages go under the record folder's "caller"/global/ce). */
  pages: PageSource;
}

/** The days a first collection asks for: the lookback, ending with yesterday (today is still billed). */
export function commitmentWindow(now: Date, lookbackDays: number): { from: string; to: string } {
  const to = utcDay(now);
  return { from: addDays(to, -lookbackDays), to };
}

/** Whether a record folder holds Cost Explorer commitment pages (a replay then has them to read). */
export function recordedCommitments(dir: string): boolean {
  return existsSync(join(dir, "caller", "global", "ce"));
}

interface Fetched {
  days: string[];
  usage: UsageRow[];
  coverage: CoverageRow[];
  terms: Map<string, TermRow>;
}

export async function collectCommitments(
  store: Store,
  options: CommitmentsOptions,
): Promise<CollectorReport> {
  const settings = options.config.billing.costExplorer;
  const pages = countingPages(options.pages);
  const report: CollectorReport = {
    name: COMMITMENTS_COLLECTOR,
    account: null,
    region: settings.region,
    status: "ok",
    rows: 0,
    apiCalls: 0,
  };
  const window = commitmentWindow(options.now, settings.lookbackDays);
  const client = new CostExplorerClient(clientConfig(options.aws, settings.region));
  try {
    const stored = await storedDays(store, window.from);
    const days = daysToFetch(window.from, window.to, stored, settings.restatementDays).flatMap((range) => {
      const out: string[] = [];
      for (let day = range.start; day < range.end; day = addDays(day, 1)) out.push(day);
      return out;
    });
    const fetched: Fetched = { days, usage: [], coverage: [], terms: new Map() };
    for (const day of days) await fetchDay(client, pages, day, settings.reservationServices, fetched);
    report.rows = await storeFetched(store, fetched);
  } catch (error) {
    report.status = "failed";
    report.error = describeFailure(error, options.aws.endpointUrl);
  } finally {
    client.destroy();
    report.apiCalls = pages.calls();
  }
  return report;
}

/** A failed call, named: which operation, which day, and for a refusal the permission it needs. */
class CallFailure extends Error {
  constructor(
    readonly operation: CommitmentOperation,
    readonly part: string,
    readonly error: unknown,
  ) {
    super(`${operation} ${part}: ${describeAwsError(error)}`);
  }
}

function describeFailure(error: unknown, endpointUrl: string | undefined): string {
  if (error instanceof CallFailure && isAccessDenied(error.error)) {
    return `${error.message} (the collector needs ce:${error.operation}, and all of ${COMMITMENTS_IAM_ACTIONS.join(", ")}: see finops iam-policy --role collector)`;
  }
  // An emulator (moto) serves Cost Explorer's costs but not these calls, and answers them with a web page.
  const cause = error instanceof CallFailure ? error.error : undefined;
  const text = cause instanceof Error ? cause.message : "";
  if (
    error instanceof CallFailure &&
    (awsErrorCode(cause) === "SyntaxError" || /Deserialization error/i.test(text))
  ) {
    const answered = /Unexpected token '?</.test(text) ? "HTML" : "something that is not JSON";
    return (
      `${error.operation} ${error.part}: the endpoint ${endpointUrl ?? "of Cost Explorer"} answered ${answered}, ` +
      "not Cost Explorer: it does not serve the Savings Plans and reservation calls (an emulator?); " +
      "set billing.costExplorer.commitments: false in rules.yaml to collect costs without them"
    );
  }
  return error instanceof CommitmentPageError || error instanceof CallFailure
    ? error.message
    : describeAwsError(error);
}

/**
 * Every page of one call. Cost Explorer answers DataUnavailableException where it has nothing for the
 * period (an estate without Savings Plans): that is an empty answer, on replay too (it is recorded as
 * the error it was). A replay folder without the call's pages fails: a silent empty day would erase
 * the stored one.
 */
async function allPages<P>(
  pages: PageSource,
  operation: CommitmentOperation,
  day: string,
  service: string | undefined,
  fetch: FetchPage<P>,
): Promise<P[]> {
  const scope = commitmentScope(operation, day, service);
  const out: P[] = [];
  try {
    for await (const page of pages.pages<P>(scope, fetch)) out.push(page);
  } catch (error) {
    if (awsErrorCode(error) === "DataUnavailableException") return [];
    throw new CallFailure(operation, scope.part ?? day, error);
  }
  if (out.length === 0) {
    throw new CallFailure(
      operation,
      scope.part ?? day,
      new Error("the replay folder holds no page of this call"),
    );
  }
  return out;
}

async function fetchDay(
  client: CostExplorerClient,
  pages: PageSource,
  day: string,
  reservationServices: readonly string[],
  fetched: Fetched,
): Promise<void> {
  const period = { Start: day, End: addDays(day, 1) };
  const plans = readSavingsPlans(
    day,
    await allPages<SavingsPlansDetailsPage>(pages, SP_UTILIZATION, day, undefined, async (token) => {
      const page = await client.send(
        new GetSavingsPlansUtilizationDetailsCommand({
          TimePeriod: period,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      return { page, next: page.NextToken };
    }),
  );
  addUsage(fetched, SP_UTILIZATION, day, plans);

  const spCoverage = await allPages<SavingsPlansCoveragePage>(
    pages,
    SP_COVERAGE,
    day,
    undefined,
    async (token) => {
      const page = await client.send(
        new GetSavingsPlansCoverageCommand({
          TimePeriod: period,
          Granularity: "DAILY",
          GroupBy: [{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }],
          ...(token ? { NextToken: token } : {}),
        }),
      );
      return { page, next: page.NextToken };
    },
  );
  fetched.coverage.push(...readSavingsPlansCoverage(day, spCoverage));

  const riCoverage = new Map<string, CoverageRow>();
  for (const service of reservationServices) {
    const filter = { Dimensions: { Key: "SERVICE" as const, Values: [service] } };
    const reservations = readReservations(
      day,
      service,
      await allPages<ReservationUtilizationPage>(pages, RI_UTILIZATION, day, service, async (token) => {
        // GroupBy and Granularity cannot be asked together: the one-day period is the day's figure.
        const page = await client.send(
          new GetReservationUtilizationCommand({
            TimePeriod: period,
            GroupBy: [{ Type: "DIMENSION", Key: "SUBSCRIPTION_ID" }],
            Filter: filter,
            ...(token ? { NextPageToken: token } : {}),
          }),
        );
        return { page, next: page.NextPageToken };
      }),
    );
    addUsage(fetched, RI_UTILIZATION, day, reservations);
    const hours = readReservationHours(
      day,
      service,
      await allPages<ReservationCoveragePage>(pages, RI_COVERAGE, day, service, async (token) => {
        const page = await client.send(
          new GetReservationCoverageCommand({
            TimePeriod: period,
            GroupBy: [{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }],
            Metrics: ["Hour", "Cost"],
            Filter: filter,
            ...(token ? { NextPageToken: token } : {}),
          }),
        );
        return { page, next: page.NextPageToken };
      }),
    );
    const usedEquivalent = reservations.usage.reduce((sum, row) => sum + row.onDemandEquivalent, 0n);
    // A day's row per account sums the services' figures (the table has no service column).
    for (const row of reservationCoverage(day, hours, usedEquivalent)) {
      const sum = riCoverage.get(row.account);
      if (sum) {
        sum.covered += row.covered;
        sum.onDemand += row.onDemand;
      } else riCoverage.set(row.account, { ...row });
    }
  }
  fetched.coverage.push(...riCoverage.values());
}

/** Adds one day's commitments; days come in order, so a commitment's terms are its latest day's. */
function addUsage(
  fetched: Fetched,
  operation: CommitmentOperation,
  day: string,
  read: { usage: UsageRow[]; terms: TermRow[] },
): void {
  const seen = new Set(fetched.usage.filter((row) => row.day === day).map((row) => row.commitmentId));
  for (const row of read.usage) {
    if (seen.has(row.commitmentId)) {
      throw new CommitmentPageError(`${operation} ${day}: ${row.commitmentId} is answered twice`);
    }
    seen.add(row.commitmentId);
    fetched.usage.push(row);
  }
  for (const term of read.terms) fetched.terms.set(term.commitmentId, term);
}

async function storedDays(store: Store, from: string): Promise<Set<string>> {
  const reader = await store.connection.runAndReadAll(
    "SELECT strftime(day, '%Y-%m-%d') AS day FROM cost_explorer_days WHERE query = $1 AND day >= CAST($2 AS DATE)",
    [DAYS_QUERY, from],
  );
  return new Set(reader.getRowObjectsJson().map((row) => String(row.day)));
}

/**
 * Replaces the fetched days' usage and coverage and rewrites the named commitments' terms, in one
 * transaction. Rows go through a temporary JSON file into DuckDB, one statement per table. No `loads`
 * row: the billing table is untouched, and a load would make the cost aggregates be rebuilt for nothing.
 */
async function storeFetched(store: Store, fetched: Fetched): Promise<number> {
  if (fetched.days.length === 0) return 0;
  const connection = store.connection;
  const runKey = `ce-commitments-${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const file = (name: string) => join(scratchDirectory(), `finops-${runKey}-${name}.ndjson`);
  const files = { usage: file("usage"), coverage: file("coverage"), terms: file("terms") };
  const days = fetched.days.map((day) => `DATE ${sqlLiteral(day)}`).join(", ");
  let rows = 0;
  try {
    await writeFile(
      files.usage,
      fetched.usage
        .map((r) =>
          JSON.stringify({
            day: r.day,
            id: r.commitmentId,
            type: r.type,
            account: r.account,
            used: formatAmount(r.used),
            unused: formatAmount(r.unused),
            od: formatAmount(r.onDemandEquivalent),
          }),
        )
        .join("\n"),
    );
    await writeFile(
      files.coverage,
      fetched.coverage
        .map((r) =>
          JSON.stringify({
            day: r.day,
            type: r.type,
            account: r.account,
            covered: formatAmount(r.covered),
            od: formatAmount(r.onDemand),
          }),
        )
        .join("\n"),
    );
    await writeFile(files.terms, [...fetched.terms.values()].map((t) => JSON.stringify(t)).join("\n"));
    const read = (path: string, columns: string) =>
      `read_json(${sqlLiteral(path)}, format = 'newline_delimited', columns = {${columns}})`;
    await inTransaction(connection, async () => {
      await connection.run(`DELETE FROM commitment_usage WHERE day IN (${days})`);
      await connection.run(`DELETE FROM commitment_coverage WHERE day IN (${days})`);
      if (fetched.usage.length) {
        const result = await connection.run(
          `INSERT INTO commitment_usage (day, commitment_id, type, account_id, used_cost, unused_cost, on_demand_equivalent)
           SELECT day, id, type, account, CAST(used AS DECIMAL(38,12)), CAST(unused AS DECIMAL(38,12)), CAST(od AS DECIMAL(38,12))
           FROM ${read(files.usage, "day: 'DATE', id: 'VARCHAR', type: 'VARCHAR', account: 'VARCHAR', used: 'VARCHAR', unused: 'VARCHAR', od: 'VARCHAR'")}`,
        );
        rows += Number(result.rowsChanged);
      }
      if (fetched.coverage.length) {
        const result = await connection.run(
          `INSERT INTO commitment_coverage (day, type, account_id, covered_cost, on_demand_cost)
           SELECT day, type, account, CAST(covered AS DECIMAL(38,12)), CAST(od AS DECIMAL(38,12))
           FROM ${read(files.coverage, "day: 'DATE', type: 'VARCHAR', account: 'VARCHAR', covered: 'VARCHAR', od: 'VARCHAR'")}`,
        );
        rows += Number(result.rowsChanged);
      }
      if (fetched.terms.size) {
        await connection.run(
          `INSERT OR REPLACE INTO commitment_terms (commitment_id, source, type, account_id, service, region, start_at,
             end_at, term, purchase_option, scope, hourly_commitment, updated_at)
           SELECT commitmentId, 'cost-explorer', type, account, service, region, CAST(startAt AS TIMESTAMP),
             CAST(endAt AS TIMESTAMP), term, purchaseOption, scope, CAST(hourlyCommitment AS DECIMAL(38,12)), now()::TIMESTAMP
           FROM ${read(files.terms, "commitmentId: 'VARCHAR', type: 'VARCHAR', account: 'VARCHAR', service: 'VARCHAR', region: 'VARCHAR', startAt: 'VARCHAR', endAt: 'VARCHAR', term: 'VARCHAR', purchaseOption: 'VARCHAR', scope: 'VARCHAR', hourlyCommitment: 'VARCHAR'")}`,
        );
      }
      await connection.run(
        `INSERT OR REPLACE INTO cost_explorer_days (query, day, fetched_at)
         SELECT ${sqlLiteral(DAYS_QUERY)}, d, now()::TIMESTAMP FROM (SELECT unnest([${days}]) AS d)`,
      );
    });
  } finally {
    await Promise.all(Object.values(files).map((path) => rm(path, { force: true })));
  }
  return rows;
}
