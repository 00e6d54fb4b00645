import { Command } from "commander";
import { livePages, type PageSource, recordingPages } from "../../aws/pages.js";
import { replayPages } from "../../aws/record-replay.js";
import { recordedCommitments } from "../../collectors/billing/cost-explorer-commitments.js";
import { COLLECTORS, type CollectorName, collectAll } from "../../collectors/collect-all.js";
import { type CollectorReport, newRunId } from "../../collectors/run.js";
import { RuntimeError, UsageError } from "../../core/errors.js";
import { ensureRuleMetricSummaries } from "../../rules/evaluate.js";
import { refreshCostAggregates } from "../aggregates.js";
import { awsOptions, commandConfig, globalOptions, now, refusePreview, withStore } from "../context.js";
import { printJson, printTable } from "../output.js";

interface CollectOptions {
  only?: string;
  record?: string;
  replay?: string;
}

export function collectCommand(): Command {
  return new Command("collect")
    .description(
      "pull data from AWS into the database: billing (Cost Explorer's costs, and its Savings Plans and reservations' utilization and coverage), inventory (EC2, EBS, snapshots, Elastic IPs, " +
        "NAT gateways, S3, the Tagging API), kubernetes (the configured clusters' nodes and pods, from their API servers), " +
        "utilization (CloudWatch), across the configured accounts and regions, " +
        "and pricing (the AWS Price List, only for the kinds of resource that billing does not price)",
    )
    .option("--only <collectors>", `comma-separated: ${COLLECTORS.join(", ")} (default: all)`)
    .option("--record <dir>", "also save every raw API response page as JSON under this folder")
    .option("--replay <dir>", "read the API pages saved by --record instead of calling AWS and the clusters")
    .action(async (options: CollectOptions, command: Command) => {
      const only = selectCollectors(options);
      const global = globalOptions(command);
      refusePreview(
        global,
        "collect",
        "a collection records what AWS answers today: it cannot preview a later day (run it without --now)",
      );
      const config = commandConfig(global);
      const aws = awsOptions(global, config);
      const at = now(global);
      const runId = newRunId();
      const pages: PageSource = options.replay
        ? replayPages(options.replay)
        : options.record
          ? recordingPages(options.record)
          : livePages();
      const regions = global.regions?.split(",").filter(Boolean) ?? config.aws.regions;

      const collectors: CollectorReport[] = await withStore(
        global,
        async (store) => {
          const reports = await collectAll(store, {
            config,
            aws,
            regions,
            now: at,
            runId,
            only,
            pages,
            ...(options.replay ? { replayDir: options.replay } : {}),
          });
          // The rules' metric summaries for today, as analyze reads them (built here, not by its first run).
          await ensureRuleMetricSummaries(store.connection, config, at);
          await refreshCostAggregates(store.connection, config, `collect run ${runId}`);
          return reports;
        },
        { create: true },
      );
      if (global.json) {
        printJson({ runId, collectors });
      } else {
        printTable(
          ["collector", "account", "region", "status", "rows", "API calls", "error"],
          collectors.map((c) => [
            c.name,
            c.account ?? "all",
            c.region ?? "",
            c.status,
            String(c.rows),
            String(c.apiCalls),
            c.error ?? "",
          ]),
          [4, 5],
        );
      }
      const failed = collectors.filter((c) => c.status === "failed");
      if (failed.length) {
        throw new RuntimeError(
          `${failed.length} of ${collectors.length} collector runs failed: ` +
            failed.map((c) => `${c.name} ${c.account ?? ""} ${c.region ?? ""}: ${c.error}`).join("; "),
        );
      }
    });
}

function selectCollectors(options: CollectOptions): Set<CollectorName> {
  if (options.record && options.replay) throw new UsageError("--record and --replay cannot be used together");
  if (options.only === undefined) {
    // Cost Explorer's costs and Price List answers are not recorded: a replay has neither to read. Its
    // commitment answers are: billing replays them where the folder holds them.
    if (!options.replay) return new Set(COLLECTORS);
    return new Set<CollectorName>(
      recordedCommitments(options.replay)
        ? ["billing", "inventory", "kubernetes", "utilization"]
        : ["inventory", "kubernetes", "utilization"],
    );
  }
  const names = options.only
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(COLLECTORS as readonly string[]).includes(name));
  if (unknown.length || names.length === 0) {
    throw new UsageError(
      `--only: unknown collector "${unknown.join(", ")}": choose from ${COLLECTORS.join(", ")}`,
    );
  }
  if (options.replay && names.includes("billing") && !recordedCommitments(options.replay)) {
    throw new UsageError(
      `--replay: ${options.replay} holds no Cost Explorer commitment pages, and Cost Explorer's costs are not recorded; load billing exports with finops ingest`,
    );
  }
  if (options.replay && names.includes("pricing")) {
    throw new UsageError("--replay: Price List answers are not recorded; collect pricing live");
  }
  return new Set(names as CollectorName[]);
}
