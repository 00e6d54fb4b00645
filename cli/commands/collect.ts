import { Command } from "commander";
import { collectCostExplorer } from "../../collectors/billing/cost-explorer.js";
import { type CollectorReport, newRunId, recordCollectorRun } from "../../collectors/run.js";
import { awsOptions, commandConfig, globalOptions, now, withStore } from "../context.js";
import { RuntimeError, UsageError } from "../errors.js";
import { printJson, printTable } from "../output.js";

/** The collectors this version has; inventory and utilization come with their own collectors. */
const AVAILABLE = ["billing"] as const;

export function collectCommand(): Command {
  return new Command("collect")
    .description("pull data from AWS into the database: billing (Cost Explorer)")
    .option("--only <collectors>", `comma-separated: ${AVAILABLE.join(", ")}`, AVAILABLE.join(","))
    .action(async (options: { only: string }, command: Command) => {
      const only = options.only
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = only.filter((name) => !(AVAILABLE as readonly string[]).includes(name));
      if (unknown.length || only.length === 0) {
        throw new UsageError(
          `--only: unknown collector "${unknown.join(", ")}": this version has ${AVAILABLE.join(", ")}`,
        );
      }
      const global = globalOptions(command);
      const config = commandConfig(global);
      const aws = awsOptions(global, config);
      const at = now(global);
      const runId = newRunId();
      const collectors: CollectorReport[] = await withStore(global, async (store) => {
        const reports: CollectorReport[] = [];
        if (only.includes("billing")) {
          const startedAt = new Date();
          const report = await collectCostExplorer(store, { config, aws, now: at });
          await recordCollectorRun(store.connection, runId, report, startedAt);
          reports.push(report);
        }
        return reports;
      });
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
          `${failed.length} collector${failed.length > 1 ? "s" : ""} failed: ${failed.map((c) => `${c.name}: ${c.error}`).join("; ")}`,
        );
      }
    });
}
