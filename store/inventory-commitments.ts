import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlLiteral } from "../core/sql.js";
import { descriptorOf } from "../resources/index.js";
import { MONEY } from "./billing-columns.js";

/** One inventory snapshot: a collector's rows of one run for one account-and-region scope. */
export interface SnapshotKey {
  runId: string;
  collector: string;
  scope: string;
}

/**
 * Writes the terms of the commitments in one inventory snapshot (the types whose descriptor has
 * `commitment`: reservations, Savings Plans) to commitment_terms, source 'inventory', from the rows just
 * inserted. Called inside the snapshot's own transaction, so a save that fails leaves neither the rows
 * nor the terms; a collection that failed saves nothing at all. A commitment collected again replaces
 * its inventory terms (they are what the API says now).
 */
export async function saveInventoryCommitmentTerms(
  connection: DuckDBConnection,
  snapshot: SnapshotKey,
  resourceTypes: Iterable<string>,
): Promise<void> {
  for (const type of new Set(resourceTypes)) {
    const terms = descriptorOf(type)?.commitment;
    if (!terms) continue;
    const timestamp = (sql: string) => `CAST(CAST(${sql} AS TIMESTAMPTZ) AS TIMESTAMP)`;
    await connection.run(
      `INSERT OR REPLACE INTO commitment_terms (commitment_id, source, type, account_id, service, region, start_at,
         end_at, term, purchase_option, scope, hourly_commitment, updated_at)
       SELECT r.resource_id, 'inventory', ${sqlLiteral(terms.type)}, r.account, ${terms.service}, ${terms.region},
         ${timestamp(terms.startAt)}, ${timestamp(terms.endAt)}, ${terms.term}, ${terms.purchaseOption},
         ${terms.scope}, CAST(${terms.hourlyCommitment} AS ${MONEY}), r.collected_at
       FROM inventory r
       WHERE r.run_id = ${sqlLiteral(snapshot.runId)} AND r.collector = ${sqlLiteral(snapshot.collector)}
         AND r.scope = ${sqlLiteral(snapshot.scope)} AND r.resource_type = ${sqlLiteral(type)}`,
    );
  }
}
