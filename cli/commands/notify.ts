import { Command } from "commander";
import { RuntimeError } from "../../core/errors.js";
import { plural } from "../../core/plural.js";
import { renderText } from "../../reports/notify/message.js";
import { money } from "../../reports/notify/money.js";
import { type NotifyResult, type NotifyRun, runNotify } from "../../reports/notify/notify.js";
import { ruleFixes } from "../../rules/fixes.js";
import { commandConfig, globalOptions, now, refusePreview, withStore } from "../context.js";
import { printJson, printLine, printTable } from "../output.js";

export function notifyCommand(): Command {
  return new Command("notify")
    .description(
      "send each team a digest of its new or changed findings (notify.teams, else notify.default) and " +
        "announce the plans waiting for approval (notify.approvers)",
    )
    .option("--dry-run", "print what would be sent; send and record nothing")
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      const global = globalOptions(command);
      if (!options.dryRun) {
        refusePreview(
          global,
          "notify",
          "what is sent today cannot be dated later: preview it with --dry-run",
        );
      }
      const config = commandConfig(global);
      const at = now(global);
      const run = await withStore(global, (store) =>
        runNotify(store.connection, config, {
          now: at,
          dryRun: !!options.dryRun,
          fixes: ruleFixes(config),
        }),
      );
      if (global.json)
        printJson({ dryRun: run.dryRun, messages: run.results.map((r) => jsonOf(r, run.dryRun)) });
      else if (run.dryRun) printDryRun(run);
      else printResults(run, config.notify.renotifyDays);
      const failed = run.results.filter((r) => r.status === "failed");
      if (failed.length) {
        // After every other message was tried: one summary, and exit 1.
        const lines = failed.map(
          (r) =>
            `  ${r.team} on ${r.channel}: ${r.error ?? "failed"}` +
            (r.attempts ? ` (${r.attempts} attempt${r.attempts === 1 ? "" : "s"})` : ""),
        );
        throw new RuntimeError(
          `${failed.length} of ${plural(run.results.length, "message")} ${run.dryRun ? "could not be sent" : "failed; they go out again on the next run"}:\n${lines.join("\n")}`,
        );
      }
    });
}

function jsonOf({ message, ...result }: NotifyResult, dryRun: boolean) {
  return { ...result, subject: message.subject, ...(dryRun ? { text: renderText(message) } : {}) };
}

function printDryRun(run: NotifyRun): void {
  if (!run.messages.length) {
    printLine("Nothing to send (dry run).");
    return;
  }
  for (const { message, channels } of run.messages) {
    printLine(
      `=== ${message.team}: ${plural(message.count, message.kind === "approvals" ? "plan" : "finding")}, ` +
        `${money(message.monthlyWaste, run.currency)}/month → ${channels.join(", ")} (dry run: not sent)`,
    );
    for (const r of run.results.filter((r) => r.message === message && r.status === "failed")) {
      printLine(`!!! ${r.channel}: ${r.error}`);
    }
    printLine("");
    printLine(renderText(message));
  }
}

function printResults(run: NotifyRun, renotifyDays: number): void {
  if (!run.results.length) {
    printLine(
      `Nothing new to tell: every team was told about its open findings (again after ${renotifyDays} days).`,
    );
    return;
  }
  printTable(
    ["team", "channel", "findings", "monthly waste", "status", "attempts", "error"],
    run.results.map((r) => [
      r.team,
      r.channel,
      String(r.findings),
      money(r.monthlyWaste.text, run.currency),
      r.status,
      String(r.attempts),
      r.error ?? "",
    ]),
    [2, 3, 5],
  );
}
