import type { Finding } from "../../store/findings.js";
import { Decimal, formatMoney, sumDecimals } from "../../store/money.js";
import { printLine, printTable } from "../output.js";

/** The findings table people read: the most money first. */
export function printFindings(findings: Finding[]): void {
  if (findings.length === 0) {
    printLine("No findings.");
    return;
  }
  printTable(
    ["rule", "resource", "account", "region", "team", "sev", "monthly cost", "savings", "action", "reason"],
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
    ]),
    [6, 7],
  );
  if (findings.some((f) => estimated(f))) {
    printLine("~ estimated where billing does not name the resource: see monthlyCostNote in --json.");
  }
  printLine(
    `${findings.length.toLocaleString("en-US")} findings, ${formatMoney(totalSavings(findings))} estimated monthly savings.`,
  );
}

export function totalSavings(findings: Finding[]): Decimal {
  return new Decimal(sumDecimals(findings.map((f) => f.estimatedMonthlySavings?.text ?? "0")));
}

const estimated = (f: Finding) =>
  f.monthlyCostSource === "billing-unit-price" || f.monthlyCostSource === "price-list";

/** Estimated figures are marked, so that nobody reads them as billed money. */
function money(f: Finding, amount: Decimal | null): string {
  if (amount === null) return "";
  return estimated(f) ? `~${formatMoney(amount)}` : formatMoney(amount);
}
