import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config/schema.js";
import { ensureCostAggregates } from "../store/cost-aggregates.js";

/**
 * Brings the daily cost aggregates up to date after a write to the billing (only the billing periods
 * it changed are built again), so `finops costs`, the report and the web view read them at once. The
 * write is already committed: a failure here says so, and the faces sum the billing rows meanwhile.
 */
export async function refreshCostAggregates(
  connection: DuckDBConnection,
  config: Config,
  after: string,
): Promise<void> {
  try {
    await ensureCostAggregates(connection, {
      teamKeys: config.tags.teamKeys,
      caseInsensitiveTags: config.tags.caseInsensitive,
    });
  } catch (error) {
    throw new Error(
      `${after} is saved, but the daily cost aggregates could not be brought up to date (costs are summed from the billing rows until they are): ${(error as Error).message}`,
    );
  }
}
