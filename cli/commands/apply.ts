import { Command } from "commander";
import { RuntimeError, UsageError } from "../../core/errors.js";
import { plural } from "../../core/plural.js";
import { applyPlan, PlanRefused } from "../../remediation/apply.js";
import { loadPlan } from "../../remediation/plan.js";
import { awsOptions, commandConfig, globalOptions, refuseNow, withStore } from "../context.js";
import { printJson, printLine, printTable } from "../output.js";

export function applyCommand(): Command {
  return new Command("apply")
    .description(
      "apply an approved, unexpired, unchanged plan: each resource is described again and skipped if it " +
        "changed; every AWS call is journaled; one apply at a time; a cap on actions per run",
    )
    .argument("<planId>", "the approved plan")
    .option("--max-actions <n>", "the most actions this run takes (default: remediation.maxActions, 25)")
    .action(async (planId: string, options: { maxActions?: string }, command: Command) => {
      const global = globalOptions(command);
      refuseNow(global, "apply", "an approval's expiry is checked against the clock");
      const config = commandConfig(global);
      const maxActions =
        options.maxActions === undefined ? config.remediation.maxActions : Number(options.maxActions);
      if (!Number.isInteger(maxActions) || maxActions < 1) {
        throw new UsageError(`--max-actions: "${options.maxActions}" is not a whole number of 1 or more`);
      }
      const results = await withStore(global, async (store) => {
        const plan = await loadPlan(store.connection, planId);
        if (!plan)
          throw new UsageError(
            `no plan ${planId}: \`finops history\` lists the plans, \`finops plan\` makes one`,
          );
        try {
          return await applyPlan(store.connection, config, awsOptions(global, config), plan, { maxActions });
        } catch (error) {
          if (error instanceof PlanRefused) throw new RuntimeError(`refused: ${error.message}`);
          throw error;
        }
      });
      if (global.json) printJson({ planId, results });
      else {
        printTable(
          ["resource", "action", "status", "detail"],
          results.map((r) => [r.resourceId, r.action, r.status, r.detail]),
        );
        const count = (s: string) => results.filter((r) => r.status === s).length;
        printLine(`${count("done")} done, ${count("skipped")} skipped, ${count("failed")} failed.`);
      }
      const failed = results.filter((r) => r.status === "failed");
      if (failed.length)
        throw new RuntimeError(
          `${plural(failed.length, "item")} failed: see finops history --plan ${planId}`,
        );
    });
}
