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
      f.monthlyCost ? formatMoney(f.monthlyCost) : "",
      f.estimatedMonthlySavings ? formatMoney(f.estimatedMonthlySavings) : "",
      f.protected ? `${f.action} (protected)` : f.action,
      f.reason.length > 70 ? `${f.reason.slice(0, 69)}…` : f.reason,
    ]),
    [6, 7],
  );
  printLine(
    `${findings.length.toLocaleString("en-US")} findings, ${formatMoney(totalSavings(findings))} estimated monthly savings.`,
  );
}

export function totalSavings(findings: Finding[]): Decimal {
  return new Decimal(sumDecimals(findings.map((f) => f.estimatedMonthlySavings?.text ?? "0")));
}
