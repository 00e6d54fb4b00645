import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlLiteral } from "../core/sql.js";
import { inTransaction } from "./database.js";
import { saveInventoryCommitmentTerms } from "./inventory-commitments.js";
import { forgetMetricSummaries } from "./metric-summaries.js";
import { scratchDirectory } from "./scratch.js";

/**
 * One resource as an inventory collector saw it: the row of `finops resources`. Type names are the
 * contract's: its descriptor's (resources/index.ts), and service:type (as in the ARN) for anything else
 * the Tagging API reports.
 */
export interface ResourceRecord {
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  /** running, stopped, available, in-use, associated, ... as the API says; null where it has none. */
  state: string | null;
  /** When the resource entered its state, where the API tells (an instance's state transition). */
  stateSince: string | null;
  /** ISO 8601 creation (launch, create, start) time, where the API tells. */
  createdAt: string | null;
  tags: Record<string, string>;
  /** Everything else a rule may need (type, size, attachments, ...): kept as JSON. */
  attributes: Record<string, unknown>;
}

/**
 * Writes one collector's records for one account and region as a snapshot of the given run. The rows
 * go through a temporary NDJSON file into DuckDB in one statement, in one transaction.
 */
export async function saveInventory(
  connection: DuckDBConnection,
  runId: string,
  collector: string,
  /** The region the collector ran for, or "global" for an account-wide one. */
  scope: string,
  collectedAt: Date,
  records: ResourceRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const file = join(scratchDirectory(), `finops-inventory-${randomUUID()}.ndjson`);
  try {
    await writeFile(
      file,
      records
        .map((r) =>
          JSON.stringify({ ...r, tags: JSON.stringify(r.tags), attributes: JSON.stringify(r.attributes) }),
        )
        .join("\n"),
    );
    await inTransaction(connection, async () => {
      await connection.run(
        `INSERT INTO inventory
         SELECT ${sqlLiteral(runId)}, ${sqlLiteral(collector)}, CAST(${sqlLiteral(collectedAt.toISOString())} AS TIMESTAMPTZ)::TIMESTAMP,
           ${sqlLiteral(scope)}, account, region, resourceId, resourceType, state,
           CAST(stateSince AS TIMESTAMPTZ)::TIMESTAMP, CAST(createdAt AS TIMESTAMPTZ)::TIMESTAMP,
           CAST(tags AS JSON), CAST(attributes AS JSON)
         FROM read_json(${sqlLiteral(file)}, format = 'newline_delimited', columns = {
           account: 'VARCHAR', region: 'VARCHAR', resourceId: 'VARCHAR', resourceType: 'VARCHAR', state: 'VARCHAR',
           stateSince: 'VARCHAR', createdAt: 'VARCHAR', tags: 'VARCHAR', attributes: 'VARCHAR'})`,
      );
      if (records.some((r) => r.state === "stopped" && !r.stateSince)) {
        await dateStoppedFromHistory(connection, runId, collector, scope, collectedAt);
      }
      await saveInventoryCommitmentTerms(
        connection,
        { runId, collector, scope },
        records.map((r) => r.resourceType),
      );
    });
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * Dates the stopped resources of a snapshot whose stop time AWS did not say (an instance's
 * StateTransitionReason without a date): the first collection of the unbroken run of 'stopped'
 * observations that ends with this one (a start in between begins a new run), or the stop time an
 * observation of that run did carry. A resource first seen stopped now is dated now: it has been
 * stopped at least since then, so a rule's "stopped for N days" never overstates.
 */
async function dateStoppedFromHistory(
  connection: DuckDBConnection,
  runId: string,
  collector: string,
  scope: string,
  collectedAt: Date,
): Promise<void> {
  const at = `CAST(${sqlLiteral(collectedAt.toISOString())} AS TIMESTAMPTZ)::TIMESTAMP`;
  const undatedIn = (alias: string) => `${alias}.run_id = ${sqlLiteral(runId)}
    AND ${alias}.collector = ${sqlLiteral(collector)} AND ${alias}.scope = ${sqlLiteral(scope)}
    AND ${alias}.state = 'stopped' AND ${alias}.state_since IS NULL`;
  await connection.run(
    `UPDATE inventory AS t SET state_since = s.since FROM (
       WITH undated AS (SELECT account, resource_id FROM inventory i WHERE ${undatedIn("i")}),
       history AS (
         SELECT h.account, h.resource_id, h.collected_at, h.state, h.state_since FROM inventory h
         SEMI JOIN undated u ON u.account = h.account AND u.resource_id = h.resource_id
         WHERE h.collector = ${sqlLiteral(collector)} AND h.collected_at <= ${at}
       ),
       last_other AS (
         SELECT account, resource_id, max(collected_at) AS at FROM history
         WHERE state IS DISTINCT FROM 'stopped' GROUP BY account, resource_id
       )
       SELECT h.account, h.resource_id, coalesce(min(h.state_since), min(h.collected_at)) AS since
       FROM history h LEFT JOIN last_other o ON o.account = h.account AND o.resource_id = h.resource_id
       WHERE h.state = 'stopped' AND (o.at IS NULL OR h.collected_at > o.at)
       GROUP BY h.account, h.resource_id
     ) s
     WHERE t.account = s.account AND t.resource_id = s.resource_id AND ${undatedIn("t")}`,
  );
}

/** One day of one metric of one resource. */
export interface MetricDay {
  account: string;
  region: string;
  resourceId: string;
  namespace: string;
  metric: string;
  day: string;
  average: number | null;
  maximum: number | null;
  sum: number | null;
}

/** Upserts daily metric aggregates: a day collected again replaces the stored one. */
export async function saveMetrics(
  connection: DuckDBConnection,
  runId: string,
  days: MetricDay[],
): Promise<void> {
  if (days.length === 0) return;
  const file = join(scratchDirectory(), `finops-metrics-${randomUUID()}.ndjson`);
  try {
    await writeFile(file, days.map((d) => JSON.stringify(d)).join("\n"));
    const rows = `read_json(${sqlLiteral(file)}, format = 'newline_delimited', columns = {
           account: 'VARCHAR', region: 'VARCHAR', resourceId: 'VARCHAR', namespace: 'VARCHAR', metric: 'VARCHAR',
           day: 'DATE', average: 'DOUBLE', maximum: 'DOUBLE', sum: 'DOUBLE'})`;
    await inTransaction(connection, async () => {
      await connection.run(
        `INSERT OR REPLACE INTO metrics_daily
         SELECT account, region, resourceId, namespace, metric, day, average, maximum, sum, ${sqlLiteral(runId)}
         FROM ${rows}`,
      );
      // The days with metrics, per account and region: what the rules judging silence count (migration 9).
      await connection.run(
        `INSERT OR IGNORE INTO metric_days SELECT DISTINCT account, region, day FROM ${rows}`,
      );
      // The rules' summaries of the metrics (store/metric-summaries.ts) are rebuilt from these rows.
      await forgetMetricSummaries(connection);
    });
  } finally {
    await rm(file, { force: true });
  }
}
