import { Command } from "commander";
import { z } from "zod";
import { savingsPlanOfferRates } from "../../collectors/pricing/savings-plan-rates.js";
import { isoFlagValue } from "../../core/dates.js";
import { UsageError } from "../../core/errors.js";
import { formatMoney } from "../../core/money.js";
import { type CommitmentReport, commitmentsOverview } from "../../reports/commitments/overview.js";
import { commandConfig, globalOptions, now, withStore } from "../context.js";
import { printJson, printLine, printTable } from "../output.js";

const commitmentsOptions = z.object({
  by: z.enum(["commitment", "type", "account", "service"]).default("commitment"),
  from: z.string().optional(),
  to: z.string().optional(),
});

const DAY_MS = 86_400_000;

export function commitmentsCommand(): Command {
  return new Command("commitments")
    .description(
      "Savings Plans and reservations: utilization, coverage, effective savings rate, unused money, what expires, what to buy",
    )
    .option("--from <date>", "first day, inclusive (on ChargePeriodStart; default: 30 days before --now)")
    .option("--to <date>", "end day, exclusive (default: the day of --now)")
    .option("--by <dimension>", "commitment | type | account | service", "commitment")
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const parsed = commitmentsOptions.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const flag = String(issue?.path[0] ?? "");
        throw new UsageError(`--${flag}: expected ${issue?.message} (got "${String(raw[flag])}")`);
      }
      const options = parsed.data;
      const global = globalOptions(command);
      const config = commandConfig(global);
      const at = now(global);
      const today = at.toISOString().slice(0, 10);
      const to = options.to === undefined ? today : strictDay("--to", options.to);
      const from =
        options.from === undefined
          ? new Date(Date.parse(to) - 30 * DAY_MS).toISOString().slice(0, 10)
          : strictDay("--from", options.from);
      if (from >= to) throw new UsageError(`--from ${from} is not before --to ${to}`);
      const report = await withStore(global, (store) =>
        commitmentsOverview(
          store.connection,
          config,
          { from, to, now: at, by: options.by },
          // Read only when the account has no Savings Plan of its own to take the discount from.
          savingsPlanOfferRates(config.commitments.purchase.offerIndexUrl),
        ),
      );
      if (global.json) {
        printJson(report);
        return;
      }
      printCommitments(report);
    });
}

function strictDay(flag: string, text: string): string {
  const parsed = isoFlagValue(flag, text);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed.value.slice(0, 10);
}

export function percent(rate: number | null): string {
  return rate === null ? "-" : `${(rate * 100).toFixed(1)}%`;
}

/** The human form: the summary, the commitments (or groups), what expires, what to buy. */
export function printCommitments(report: CommitmentReport): void {
  const s = report.summary;
  printLine(`Commitments ${report.from} to ${report.to} (end exclusive)`);
  if (report.commitments.length === 0 && s.eligibleOnDemandCost.toNumber() === 0) {
    printLine(
      "No commitment rows and no eligible usage in this window. Load billing with `finops ingest FILE` or `finops collect --only billing`.",
    );
  }
  printTable(
    ["Figure", "Value"],
    [
      ["Commitment cost (amortized)", formatMoney(s.commitmentCost)],
      ["  used", formatMoney(s.usedCost)],
      ["  unused", formatMoney(s.unusedCost)],
      ["Utilization", percent(s.utilization)],
      ["On-demand equivalent of covered usage", formatMoney(s.onDemandEquivalentCost)],
      ["Savings", formatMoney(s.savings)],
      ["Eligible usage on demand", formatMoney(s.eligibleOnDemandCost)],
      ["Coverage", percent(s.coverage)],
      ["Effective savings rate", percent(s.effectiveSavingsRate)],
    ],
    [1],
  );
  if (report.by === "commitment") {
    if (report.commitments.length > 0) {
      printTable(
        ["Commitment", "Type", "Account", "End", "Cost", "Unused", "Utilization", "Savings"],
        report.commitments.map((c) => [
          c.commitmentId,
          c.type ?? "-",
          c.account ?? "-",
          c.end?.slice(0, 10) ?? "-",
          formatMoney(c.commitmentCost),
          formatMoney(c.unusedCost),
          percent(c.utilization),
          formatMoney(c.savings),
        ]),
        [4, 5, 6, 7],
      );
    }
  } else if (report.groups.length > 0) {
    printTable(
      [report.by, "Cost", "Used", "Unused", "Utilization", "Savings"],
      report.groups.map((g) => [
        g.key ?? "(none)",
        formatMoney(g.commitmentCost),
        formatMoney(g.usedCost),
        formatMoney(g.unusedCost),
        percent(g.utilization),
        formatMoney(g.savings),
      ]),
      [1, 2, 3, 4, 5],
    );
  }
  if (report.expiring.length > 0) {
    printLine("Expiring:");
    printTable(
      ["Commitment", "Type", "Ends", "Days left", "On-demand cost that returns / month"],
      report.expiring.map((e) => [
        e.commitmentId,
        e.type ?? "-",
        e.end.slice(0, 10),
        String(e.daysLeft),
        formatMoney(e.monthlyOnDemandCost),
      ]),
      [3, 4],
    );
  } else {
    printLine("Expiring: none within the warning window.");
  }
  for (const recommendation of report.recommendations) printLine(recommendation.summary);
}
