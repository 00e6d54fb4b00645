import type { AwsOptions } from "../aws/clients.js";
import type { PageSource } from "../aws/pages.js";
import type { Config } from "../config/schema.js";
import type { Store } from "../store/database.js";
import { ensureResourceFacts } from "../store/resource-facts.js";
import { collectAthenaBilling } from "./billing/athena.js";
import { collectCostExplorer } from "./billing/cost-explorer.js";
import { collectCommitments } from "./billing/cost-explorer-commitments.js";
import { collectTrinoBilling } from "./billing/trino.js";
import { collectInventoryAndUtilization } from "./collect-run.js";
import { collectKubernetes } from "./kubernetes/collect.js";
import { collectPrices } from "./pricing/price-list.js";
import { type CollectorReport, recordCollectorRun } from "./run.js";

export const COLLECTORS = ["billing", "inventory", "kubernetes", "utilization", "pricing"] as const;
export type CollectorName = (typeof COLLECTORS)[number];

export interface CollectAllOptions {
  config: Config;
  aws: AwsOptions;
  regions: string[];
  now: Date;
  runId: string;
  only: ReadonlySet<CollectorName>;
  pages: PageSource;
  replayDir?: string;
}

/** Runs the chosen collectors in order (billing, inventory and utilization, Kubernetes, then pricing) into the store. */
export async function collectAll(store: Store, options: CollectAllOptions): Promise<CollectorReport[]> {
  const { config, aws, now, runId, only } = options;
  const reports: CollectorReport[] = [];
  if (only.has("billing")) {
    // The Trino engine: the billing table's roll-up, in place of Cost Explorer's coarser costs.
    if (config.billing.engine === "trino" && !options.replayDir) {
      const startedAt = new Date();
      const report = await collectTrinoBilling(store, { config, now });
      await recordCollectorRun(store.connection, runId, report, startedAt);
      reports.push(report);
    }
    // The Athena engine: the same roll-up, run by Athena.
    if (config.billing.engine === "athena" && !options.replayDir) {
      const startedAt = new Date();
      const report = await collectAthenaBilling(store, { config, aws, now });
      await recordCollectorRun(store.connection, runId, report, startedAt);
      reports.push(report);
    }
    // Cost Explorer's costs are not recorded: a replay has only the commitments' pages to read.
    if (!options.replayDir && config.billing.engine === "duckdb") {
      const startedAt = new Date();
      const report = await collectCostExplorer(store, { config, aws, now });
      await recordCollectorRun(store.connection, runId, report, startedAt);
      reports.push(report);
    }
    // A collector of its own: a refused commitments permission fails it alone, the costs stay collected.
    if (config.billing.costExplorer.commitments) {
      const startedAt = new Date();
      const report = await collectCommitments(store, { config, aws, now, pages: options.pages });
      await recordCollectorRun(store.connection, runId, report, startedAt);
      reports.push(report);
    }
  }
  if (only.has("inventory") || only.has("utilization")) {
    reports.push(
      ...(await collectInventoryAndUtilization(store, {
        config,
        aws,
        regions: options.regions,
        now,
        runId,
        inventory: only.has("inventory"),
        utilization: only.has("utilization"),
        pages: options.pages,
        ...(options.replayDir ? { replayDir: options.replayDir } : {}),
      })),
    );
  }
  // The configured clusters' nodes and pods, from their API servers (none configured: nothing to do).
  if (only.has("kubernetes")) {
    reports.push(
      ...(await collectKubernetes(store, {
        config,
        now,
        runId,
        pages: options.pages,
        ...(options.replayDir ? { replayDir: options.replayDir } : {}),
      })),
    );
  }
  // After inventory: what needs a list price depends on the resources just collected.
  if (only.has("pricing")) {
    const startedAt = new Date();
    const report = await collectPrices(store, { aws, now });
    await recordCollectorRun(store.connection, runId, report, startedAt);
    reports.push(report);
  }
  // The current inventory and each resource's team, protection and monthly cost, as analyze reads them,
  // are built here once rather than by the first analysis after the collection.
  await ensureResourceFacts(store.connection, config.tags);
  return reports;
}
