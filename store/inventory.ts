import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { sqlLiteral } from "../core/sql.js";
import { inTransaction } from "./database.js";
import { scratchDirectory } from "./scratch.js";

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
    await inTransaction(connection, () =>
      connection.run(
        `INSERT INTO inventory
         SELECT ${sqlLiteral(runId)}, ${sqlLiteral(collector)}, CAST(${sqlLiteral(collectedAt.toISOString())} AS TIMESTAMPTZ)::TIMESTAMP,
           ${sqlLiteral(scope)}, account, region, resourceId, resourceType, state,
           CAST(stateSince AS TIMESTAMPTZ)::TIMESTAMP, CAST(createdAt AS TIMESTAMPTZ)::TIMESTAMP,
           CAST(tags AS JSON), CAST(attributes AS JSON)
         FROM read_json(${sqlLiteral(file)}, format = 'newline_delimited', columns = {
           account: 'VARCHAR', region: 'VARCHAR', resourceId: 'VARCHAR', resourceType: 'VARCHAR', state: 'VARCHAR',
           stateSince: 'VARCHAR', createdAt: 'VARCHAR', tags: 'VARCHAR', attributes: 'VARCHAR'})`,
      ),
    );
  } finally {
    await rm(file, { force: true });
  }
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
    await inTransaction(connection, () =>
      connection.run(
        `INSERT OR REPLACE INTO metrics_daily
         SELECT account, region, resourceId, namespace, metric, day, average, maximum, sum, ${sqlLiteral(runId)}
         FROM read_json(${sqlLiteral(file)}, format = 'newline_delimited', columns = {
           account: 'VARCHAR', region: 'VARCHAR', resourceId: 'VARCHAR', namespace: 'VARCHAR', metric: 'VARCHAR',
           day: 'DATE', average: 'DOUBLE', maximum: 'DOUBLE', sum: 'DOUBLE'})`,
      ),
    );
  } finally {
    await rm(file, { force: true });
  }
}
