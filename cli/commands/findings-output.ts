import { Decimal, formatMoney, sumDecimals } from "../../core/money.js";
import type { Finding } from "../../store/findings.js";
import type { SavingsTotals } from "../../store/savings.js";
import { printLine, printTable } from "../output.js";

/**
 * The findings table people read, the most money first, and its total counted once per resource
 * (totals: store/savings.ts over the same findings).
 */
export function printFindings(findings: Finding[], totals: SavingsTotals): void {
  if (findings.length === 0) {
    printLine("No findings.");
    return;
  }
  printTable(
    [
      "rule",
      "resource",
      "account",
      "region",
      "team",
      "sev",
      "monthly cost",
      "savings",
      "action",
      "reason",
      "also flagged by",
    ],
    findings.map((f) => [
      f.rule,
      f.resourceId.length > 40 ? `…${f.resourceId.slice(-39)}` : f.resourceId,
      f.account,
      f.region,
      f.team,
      f.severity,
      money(f, f.monthlyCost),
      money(f, f.estimatedMonthlySavings),
      f.protected ? `${f.action} (protected)` : f.action,
      f.reason.length > 70 ? `${f.reason.slice(0, 69)}…` : f.reason,
      f.overlaps.map((o) => o.rule).join(", "),
    ]),
    [6, 7],
  );
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
  const n = (value: number) => value.toLocaleString("en-US");
  const once = `${formatMoney(t.estimatedMonthlySavings)} estimated monthly savings`;
  if (t.overlappingFindings === 0) return `${n(t.findings)} findings, ${once}.`;
  return (
    `${n(t.findings)} findings, ${formatMoney(t.grossEstimatedMonthlySavings)} summed by rule; ` +
    `${n(t.overlappingFindings)} findings overlap on ${n(t.overlappingResources)} resources; counted once: ${once}.`
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
        `${totals.resources.toLocaleString("en-US")} resources`,
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
