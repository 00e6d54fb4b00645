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

/** An account-level step that failed, as `collect --json` reports it: nothing collected. */
export function failedReport(
  name: string,
  account: string | null,
  error: string,
  apiCalls = 1,
): CollectorReport {
  return { name, account, region: "global", status: "failed", rows: 0, apiCalls, error };
}
