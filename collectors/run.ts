import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";

/** One collector's outcome for one account and region, as the contract's `collect --json` shows it. */
export interface CollectorReport {
  name: string;
  account: string | null;
  region: string | null;
  status: "ok" | "failed";
  rows: number;
  apiCalls: number;
  error?: string;
}

export function newRunId(): string {
  return `run-${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
}

export async function recordCollectorRun(
  connection: DuckDBConnection,
  runId: string,
  report: CollectorReport,
  startedAt: Date,
): Promise<void> {
  await connection.run(
    `INSERT INTO collector_runs (run_id, collector, account, region, status, rows, api_calls, error, started_at, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS TIMESTAMP), now()::TIMESTAMP)`,
    [
      runId,
      report.name,
      report.account,
      report.region,
      report.status,
      report.rows,
      report.apiCalls,
      report.error ?? null,
      startedAt.toISOString(),
    ],
  );
}

/** An AWS SDK error as one line: its name (the API's error code) and message. */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
