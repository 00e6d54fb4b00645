import { Command } from "commander";
import { RuntimeError, UsageError } from "../../core/errors.js";
import { plural } from "../../core/plural.js";
import { PlanRefused } from "../../remediation/apply.js";
import { runCleanup } from "../../remediation/cleanup.js";
import type { Plan } from "../../remediation/plan.js";
import { analyze } from "../../rules/evaluate.js";
import { awsOptions, commandConfig, globalOptions, isPreview, now, withStore } from "../context.js";
import { printJson, printLine } from "../output.js";

const summary = (plan: Plan) =>
  plan.content.items.map((i) => ({
    resourceId: i.resourceId,
    action: i.action,
    rule: i.rule,
    reason: i.reason,
    alsoFlaggedBy: i.alsoFlaggedBy ?? [],
  }));

export function cleanupCommand(): Command {
  return new Command("cleanup")
    .description(
      "the scheduled cleanup: plan and apply the rules with approval: auto; plan the others, which wait for " +
        "finops approve. --dry-run plans only",
    )
    .option("--dry-run", "plan only: change nothing in AWS")
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      const global = globalOptions(command);
      if (global.now !== undefined && !options.dryRun) {
        throw new UsageError(
          "cleanup: --now needs --dry-run: a real cleanup approves and applies by the clock; --now only previews a later day",
        );
      }
      const config = commandConfig(global);
      const previewing = options.dryRun === true && isPreview(global);
      const run = await withStore(global, async (store) => {
        // A later day's cleanup plans from that day's findings: the rules run first, as a preview too.
        if (previewing) await analyze(store.connection, config, now(global), { preview: true });
        return runCleanup(
          store.connection,
          config,
          awsOptions(global, config),
          options.dryRun ? { dryRun: true, now: now(global), preview: previewing } : { dryRun: false },
        ).catch((error: unknown) => {
          throw error instanceof PlanRefused ? new RuntimeError(`refused: ${error.message}`) : error;
        });
      });
      // A preview's plans were not stored: they have no id approve would accept.
      const preview = run.auto.plan.preview === true;
      const idOf = (plan: Plan) => (plan.preview ? null : plan.planId);
      if (global.json) {
        printJson({
          dryRun: !!options.dryRun,
          ...(preview ? { preview: true } : {}),
          auto: { planId: idOf(run.auto.plan), items: summary(run.auto.plan), results: run.auto.results },
          waiting: { planId: idOf(run.waiting.plan), items: summary(run.waiting.plan) },
        });
      } else if (preview) {
        printLine(
          `Preview as of ${run.auto.plan.evaluatedAt}: ${plural(run.auto.plan.content.items.length, "item")} the rules with approval: auto ` +
            `would act on, ${run.waiting.plan.content.items.length} waiting for approval. Nothing was stored or changed.`,
        );
      } else {
        const auto = run.auto.results;
        printLine(
          `Auto-approved rules: plan ${run.auto.plan.planId}, ${plural(run.auto.plan.content.items.length, "item")}` +
            (auto
              ? `: ${auto.filter((r) => r.status === "done").length} done, ${auto.filter((r) => r.status !== "done").length} not`
              : options.dryRun
                ? " (dry run: nothing changed)"
                : ""),
        );
        printLine(
          `Rules that need approval: plan ${run.waiting.plan.planId}, ${plural(run.waiting.plan.content.items.length, "item")} waiting for finops approve.`,
        );
      }
      if (run.auto.results?.some((r) => r.status === "failed")) {
        throw new RuntimeError(`some actions failed: see finops history --plan ${run.auto.plan.planId}`);
      }
    });
}
