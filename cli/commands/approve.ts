import { Command } from "commander";
import { RuntimeError, UsageError } from "../../core/errors.js";
import { approvePlan } from "../../remediation/approvals.js";
import { loadPlan } from "../../remediation/plan.js";
import { commandConfig, globalOptions, refuseNow, withStore } from "../context.js";
import { printJson, printLine } from "../output.js";

export function approveCommand(): Command {
  return new Command("approve")
    .description(
      "record who approved which exact plan, and when; the approval expires (remediation.approvalHours)",
    )
    .argument("<planId>", "the plan's id, as plan printed it")
    .requiredOption("--by <name>", "who approves")
    .action(async (planId: string, options: { by: string }, command: Command) => {
      const global = globalOptions(command);
      refuseNow(global, "approve", "an approval is recorded at the clock's time and expires by it");
      const approver = options.by.trim();
      if (!approver) throw new UsageError(`--by: "${options.by}" names no one: give the approver's name`);
      const config = commandConfig(global);
      const approval = await withStore(global, async (store) => {
        const plan = await loadPlan(store.connection, planId);
        if (!plan)
          throw new UsageError(
            `no plan ${planId}: \`finops history\` lists the plans, \`finops plan\` makes one`,
          );
        try {
          return await approvePlan(store.connection, plan, approver, config.remediation.approvalHours);
        } catch (error) {
          throw new RuntimeError((error as Error).message);
        }
      });
      if (global.json) printJson(approval);
      else printLine(`Plan ${planId} approved by ${approval.approvedBy} until ${approval.expiresAt}.`);
    });
}
