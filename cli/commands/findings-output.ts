import { Decimal, formatMoney, sumDecimals } from "../../core/money.js";
import { plural } from "../../core/plural.js";
import type { Finding } from "../../store/findings.js";
import type { SavingsTotals } from "../../store/savings.js";
import { accountText, type Display, teamText } from "../display.js";
import { printLine, printTable } from "../output.js";
import { type Omitted, printOmitted } from "../paging.js";
import type { Column } from "../table-layout.js";

/** What the findings table shows besides the findings. */
export interface FindingsTableOptions {
  /** Status, first seen and last seen (finops findings: the history; analyze shows this run's). */
  history?: boolean;
  /** The page shown of a longer list (--limit, --offset). */
  omitted?: Omitted;
}

/**
 * The findings table people read, the most money first, and its total counted once per resource
 * (totals: store/savings.ts over the same findings). Columns by priority: on a narrow terminal the
 * reason goes first, the resource id and the savings last (cli/table-layout.ts).
 */
export function printFindings(
  findings: Finding[],
  totals: SavingsTotals,
  display: Display,
  options: FindingsTableOptions = {},
): void {
  if (findings.length === 0) {
    if (options.omitted?.total) printOmitted(options.omitted);
    else printLine("No findings.");
    return;
  }
  const columns: [Column, (f: Finding) => string][] = [
    [{ head: "rule", priority: 90, minWidth: 14 }, (f) => f.rule],
    [{ head: "resource", priority: 100, minWidth: 16 }, (f) => f.resourceId],
    [{ head: "account", priority: 55 }, (f) => accountText(display, f.account)],
    [{ head: "region", priority: 40, cut: "none" }, (f) => f.region],
    [{ head: "team", priority: 70, minWidth: 10 }, (f) => teamText(display, f.team)],
    [{ head: "sev", priority: 50, cut: "none" }, (f) => f.severity],
    [{ head: "monthly cost", priority: 80, align: "right", cut: "none" }, (f) => money(f, f.monthlyCost)],
    [
      { head: "savings", priority: 95, align: "right", cut: "none" },
      (f) => money(f, f.estimatedMonthlySavings),
    ],
    [
      { head: "action", priority: 60, minWidth: 10 },
      (f) => (f.protected ? `${f.action} (protected)` : f.action),
    ],
    ...(options.history
      ? ([
          [{ head: "status", priority: 65, cut: "none" }, (f) => f.status],
          [{ head: "first seen", priority: 45, cut: "none" }, (f) => f.firstSeen.slice(0, 10)],
          [{ head: "last seen", priority: 35, cut: "none" }, (f) => f.lastSeen.slice(0, 10)],
        ] as [Column, (f: Finding) => string][])
      : []),
    [{ head: "reason", priority: 20, cut: "end", minWidth: 20, maxWidth: 70 }, (f) => f.reason],
    [{ head: "also flagged by", priority: 10 }, (f) => f.overlaps.map((o) => o.rule).join(", ")],
  ];
  printTable(
    columns.map(([column]) => column),
    findings.map((f) => columns.map(([, cell]) => cell(f))),
  );
  if (options.omitted) printOmitted(options.omitted);
  if (findings.some((f) => estimated(f))) {
    printLine("~ estimated where billing does not name the resource: see monthlyCostNote in --json.");
  }
  printLine(savingsLine(totals));
}

/**
 * The total that reconciles the rules' figures with the money: what the findings claim summed, and
 * what is left once each resource counts the one action taken.
 */
export function savingsLine(t: SavingsTotals): string {
  const once = `${formatMoney(t.estimatedMonthlySavings)} estimated monthly savings`;
  if (t.overlappingFindings === 0) return `${plural(t.findings, "finding")}, ${once}.`;
  return (
    `${plural(t.findings, "finding")}, ${formatMoney(t.grossEstimatedMonthlySavings)} summed by rule; ` +
    `${plural(t.overlappingFindings, "finding")} overlap on ${plural(t.overlappingResources, "resource")}; counted once: ${once}.`
  );
}

/** Open findings by rule: how many, what the resources cost, what each rule's findings would save. */
export interface RuleSummary {
  rule: string;
  count: number;
  monthlyCost: Decimal;
  estimatedMonthlySavings: Decimal;
}

export function summarizeByRule(findings: Finding[]): RuleSummary[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  const sum = (values: (Decimal | null)[]) => new Decimal(sumDecimals(values.map((v) => v?.text ?? "0")));
  return [...byRule]
    .map(([rule, list]) => ({
      rule,
      count: list.length,
      monthlyCost: sum(list.map((f) => f.monthlyCost)),
      estimatedMonthlySavings: sum(list.map((f) => f.estimatedMonthlySavings)),
    }))
    .sort(
      (a, b) =>
        b.estimatedMonthlySavings.toNumber() - a.estimatedMonthlySavings.toNumber() ||
        a.rule.localeCompare(b.rule),
    );
}

/**
 * The waste table by rule, each rule's own figures, closed by their sum and the total counted once
 * per resource, so that the two reconcile on the page.
 */
export function printWasteByRule(byRule: RuleSummary[], totals: SavingsTotals): void {
  printTable(
    ["Rule", "Findings", "Monthly cost", "Est. monthly savings"],
    [
      ...byRule.map((r) => [
        r.rule,
        r.count.toLocaleString("en-US"),
        formatMoney(r.monthlyCost),
        formatMoney(r.estimatedMonthlySavings),
      ]),
      [
        "Sum of the rules",
        totals.findings.toLocaleString("en-US"),
        "",
        formatMoney(totals.grossEstimatedMonthlySavings),
      ],
      [
        "Counted once per resource",
        plural(totals.resources, "resource"),
        "",
        formatMoney(totals.estimatedMonthlySavings),
      ],
    ],
    [1, 2, 3],
  );
  printLine(savingsLine(totals));
}

const estimated = (f: Finding) =>
  f.monthlyCostSource === "billing-unit-price" || f.monthlyCostSource === "price-list";

/** Estimated figures are marked, so that nobody reads them as billed money. */
function money(f: Finding, amount: Decimal | null): string {
  if (amount === null) return "";
  return estimated(f) ? `~${formatMoney(amount)}` : formatMoney(amount);
}
