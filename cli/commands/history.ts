import { Command } from "commander";
import { remediationHistory } from "../../remediation/history.js";
import { globalOptions, withStore } from "../context.js";
import { printJson, printLine, printTable } from "../output.js";

export function historyCommand(): Command {
  return new Command("history")
    .description("the remediation journal: every action, its plan, approver, times, before and after, result")
    .option("--plan <planId>", "only this plan")
    .action(async (options: { plan?: string }, command: Command) => {
      const global = globalOptions(command);
      const entries = await withStore(global, (store) => remediationHistory(store.connection, options.plan));
      if (global.json) {
        printJson(entries);
        return;
      }
      if (entries.length === 0) {
        printLine("No remediation yet.");
        return;
      }
      printTable(
        ["finished", "plan", "resource", "action", "status", "approved by", "detail"],
        entries.map((e) => [
          e.finishedAt,
          e.planId,
          e.resourceId,
          e.action,
          e.status,
          e.approvedBy ?? "",
          e.detail ?? "",
        ]),
      );
    });
}
