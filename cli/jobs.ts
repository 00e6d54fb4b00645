import type { AwsOptions } from "../aws/clients.js";
import { livePages } from "../aws/pages.js";
import { COLLECTORS, collectAll } from "../collectors/collect-all.js";
import { newRunId } from "../collectors/run.js";
import type { Config } from "../config/schema.js";
import { plural } from "../core/plural.js";
import { runCleanup } from "../remediation/cleanup.js";
import { runNotify } from "../reports/notify/notify.js";
import { runWeeklyReport } from "../reports/weekly/run.js";
import { sendFailures, sendWeeklyReport } from "../reports/weekly/send.js";
import { analyze, ensureRuleMetricSummaries } from "../rules/evaluate.js";
import { ruleFixes } from "../rules/fixes.js";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import type { Store } from "../store/database.js";
import type { JobFn } from "./scheduler.js";

/** Runs body with a connection of its own, so that a job's transactions never mix with another's. */
async function withConnection(store: Store, body: (job: Store) => Promise<void>): Promise<void> {
  const connection = await store.connect();
  try {
    await body({ ...store, connection, close: () => connection.closeSync() });
  } finally {
    connection.closeSync();
  }
}

/**
 * The pipeline's stages as jobs of `finops serve`, each as its command would run it, as of the moment
 * it starts.
 */
export function pipelineJobs(store: Store, config: Config, aws: AwsOptions): Record<string, JobFn> {
  return {
    collect: () =>
      withConnection(store, async (job) => {
        const now = new Date();
        const reports = await collectAll(job, {
          config,
          aws,
          regions: config.aws.regions,
          now,
          runId: newRunId(),
          only: new Set(COLLECTORS),
          pages: livePages(),
        });
        // The rules' metric summaries for today, as the analyze job reads them.
        await ensureRuleMetricSummaries(job.connection, config, now);
        // The web view's daily sums follow the billing just collected.
        await ensureCostAggregates(job.connection, {
          teamKeys: config.tags.teamKeys,
          caseInsensitiveTags: config.tags.caseInsensitive,
        });
        const failed = reports.filter((r) => r.status === "failed");
        if (failed.length) {
          throw new Error(
            `${failed.length} of ${reports.length} collector runs failed: ${failed.map((r) => `${r.name} ${r.account ?? ""} ${r.region ?? ""}: ${r.error}`).join("; ")}`,
          );
        }
      }),
    analyze: () =>
      withConnection(store, async (job) => {
        await analyze(job.connection, config, new Date());
      }),
    report: () =>
      withConnection(store, async (job) => {
        const { report, files } = await runWeeklyReport(job.connection, config, { now: new Date() });
        // Sent when report.recipients names channels, as `finops report weekly --send` does.
        if (!config.report.recipients.length) return;
        const sent = await sendWeeklyReport(job.connection, config, report, files, { now: new Date() });
        const failures = sendFailures(sent);
        if (failures) throw new Error(failures);
      }),
    notify: () =>
      withConnection(store, async (job) => {
        const run = await runNotify(job.connection, config, {
          now: new Date(),
          dryRun: false,
          fixes: ruleFixes(config),
        });
        const failed = run.results.filter((r) => r.status === "failed");
        if (failed.length) {
          throw new Error(
            `${plural(failed.length, "notification")} failed: ${failed.map((r) => `${r.team} ${r.channel}: ${r.error}`).join("; ")}`,
          );
        }
      }),
    cleanup: () =>
      withConnection(store, async (job) => {
        const run = await runCleanup(job.connection, config, aws, { dryRun: false });
        const failed = run.auto.results?.filter((r) => r.status === "failed") ?? [];
        if (failed.length)
          throw new Error(`${plural(failed.length, "cleanup action")} failed: see finops history`);
      }),
  };
}
