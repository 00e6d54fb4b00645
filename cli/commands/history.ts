import { Command } from "commander";
import { formatMoney } from "../../core/money.js";
import { type HistoryEntry, remediationHistory } from "../../remediation/history.js";
import { MIN_DAYS_AFTER } from "../../remediation/realised.js";
import { globalOptions, withStore } from "../context.js";
import { printJson, printLine, printTable } from "../output.js";
import { type Omitted, pageOf, printOmitted, slicePage, withPageOptions } from "../paging.js";

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
  return withPageOptions(
    new Command("history")
      .description(
        "the remediation journal: every action, its plan, approver, times, before and after, result, and savings estimated vs realised on the bill",
      )
      .option("--plan <planId>", "only this plan"),
  ).action(async (options: { plan?: string; limit?: string; offset?: string }, command: Command) => {
    const global = globalOptions(command);
    const page = pageOf(options);
    const entries = await withStore(global, (store) => remediationHistory(store.connection, options.plan));
    const shown = slicePage(entries, page);
    const omitted: Omitted = {
      total: entries.length,
      shown: shown.length,
      page,
      noun: ["journal entry", "journal entries"],
    };
    if (global.json) {
      printJson(shown);
      printOmitted(omitted, true);
      return;
    }
    if (entries.length === 0) {
      printLine("No remediation yet.");
      return;
    }
    if (shown.length) {
      printTable(
        [
          { head: "finished", priority: 60, cut: "none" },
          { head: "plan", priority: 50, minWidth: 14 },
          { head: "resource", priority: 100, minWidth: 16 },
          { head: "action", priority: 90, minWidth: 10 },
          { head: "status", priority: 95, cut: "none" },
          { head: "approved by", priority: 40 },
          { head: "estimated/mo", priority: 70, align: "right", cut: "none" },
          { head: "realised/mo", priority: 65, align: "right", minWidth: 14 },
          { head: "detail", priority: 20, cut: "end", minWidth: 20 },
        ],
        shown.map((e) => [
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
      );
    }
    printOmitted(omitted);
  });
}
