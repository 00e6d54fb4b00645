import { Command } from "commander";
import { formatMoney } from "../../core/money.js";
import { type HistoryEntry, remediationHistory } from "../../remediation/history.js";
import { MIN_DAYS_AFTER } from "../../remediation/realised.js";
import { globalOptions, withStore } from "../context.js";
import { printJson, printLine, printTable } from "../output.js";

/** The realised column: the bill's figure, or why there is none yet. */
function realisedCell(e: HistoryEntry): string {
  switch (e.realisedStatus) {
    case null:
      return "";
    case "measured":
      return e.realisedMonthlySavings ? formatMoney(e.realisedMonthlySavings) : "";
    case "pending":
      return `pending (${e.billedDaysAfter ?? 0}/${MIN_DAYS_AFTER} days billed)`;
    case "unmatched":
      return "not in billing";
  }
}

export function historyCommand(): Command {
  return new Command("history")
    .description(
      "the remediation journal: every action, its plan, approver, times, before and after, result, and savings estimated vs realised on the bill",
    )
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
        [
          "finished",
          "plan",
          "resource",
          "action",
          "status",
          "approved by",
          "estimated/mo",
          "realised/mo",
          "detail",
        ],
        entries.map((e) => [
          e.finishedAt,
          e.planId,
          e.resourceId,
          e.action,
          e.status,
          e.approvedBy ?? "",
          e.estimatedMonthlySavings ? formatMoney(e.estimatedMonthlySavings) : "",
          realisedCell(e),
          e.detail ?? "",
        ]),
        [6, 7],
      );
    });
}
