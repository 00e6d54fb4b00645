import type { DuckDBConnection } from "@duckdb/node-api";
import { add, compare, ZERO } from "../../core/decimal.js";
import { Decimal } from "../../core/money.js";
import { type Finding, queryFindings } from "../../store/findings.js";
import { savingsTotals, savingsTotalsByTeam } from "../../store/savings.js";
import type { TopFinding, Waste, WasteGroup } from "./model.js";

/** Findings are a state, not a flow: the report shows the open ones as the latest analysis left them. */
async function latestAnalysis(connection: DuckDBConnection): Promise<string | null> {
  const reader = await connection.runAndReadAll(
    `SELECT strftime(max(evaluated_at), '%Y-%m-%dT%H:%M:%SZ') AS at FROM analysis_runs WHERE finished_at IS NOT NULL`,
  );
  const at = reader.getRowObjectsJson()[0]?.at;
  return at === null || at === undefined ? null : String(at);
}

function groupBy(findings: Finding[], keyOf: (f: Finding) => string): WasteGroup[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = keyOf(finding);
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  return [...groups]
    .map(([key, items]) => ({ key, findings: items.length, ...sums(items) }))
    .sort(
      (a, b) =>
        compare(b.estimatedMonthlySavings, a.estimatedMonthlySavings) ||
        compare(b.monthlyCost, a.monthlyCost) ||
        a.key.localeCompare(b.key),
    );
}

/** A finding without a figure (no billing, no price) adds nothing: it is counted, not guessed. */
function sums(findings: Finding[]): { estimatedMonthlySavings: Decimal; monthlyCost: Decimal } {
  const present = (values: (Decimal | null)[]) => values.filter((v): v is Decimal => v !== null);
  return {
    estimatedMonthlySavings: add(...present(findings.map((f) => f.estimatedMonthlySavings))),
    monthlyCost: add(...present(findings.map((f) => f.monthlyCost))),
  };
}

/** The open findings' money by rule and by team, and the largest savings among them. */
export async function wasteFound(
  connection: DuckDBConnection,
  topCount: number,
): Promise<{ waste: Waste; topFindings: TopFinding[] }> {
  // queryFindings orders by estimated savings, largest first: the top findings are its head.
  const open = await queryFindings(connection, { status: "open" });
  const totals = open.length ? sums(open) : { estimatedMonthlySavings: ZERO, monthlyCost: ZERO };
  // Savings count once per resource (the one action taken): the total and each team's.
  const once = await savingsTotals(connection, { status: "open" });
  const teams = new Map((await savingsTotalsByTeam(connection, { status: "open" })).map((t) => [t.team, t]));
  // A team's cost, like its savings, counts each resource once (by rule, each rule keeps its own figures).
  const byTeam = groupBy(open, (f) => f.team)
    .map((g) => ({
      ...g,
      estimatedMonthlySavings: new Decimal(teams.get(g.key)?.estimatedMonthlySavings ?? "0"),
      monthlyCost: new Decimal(teams.get(g.key)?.monthlyCost ?? "0"),
    }))
    .sort(
      (a, b) => compare(b.estimatedMonthlySavings, a.estimatedMonthlySavings) || a.key.localeCompare(b.key),
    );
  return {
    waste: {
      asOf: await latestAnalysis(connection),
      findings: open.length,
      ...totals,
      estimatedMonthlySavings: new Decimal(once.estimatedMonthlySavings),
      monthlyCost: new Decimal(once.monthlyCost),
      grossEstimatedMonthlySavings: totals.estimatedMonthlySavings,
      overlappingFindings: once.overlappingFindings,
      overlappingResources: once.overlappingResources,
      byRule: groupBy(open, (f) => f.rule),
      byTeam,
    },
    topFindings: open.slice(0, topCount).map((f) => ({
      rule: f.rule,
      severity: f.severity,
      resourceId: f.resourceId,
      resourceType: f.resourceType,
      account: f.account,
      region: f.region,
      team: f.team,
      action: f.action,
      reason: f.reason,
      monthlyCost: f.monthlyCost,
      estimatedMonthlySavings: f.estimatedMonthlySavings,
      firstSeen: f.firstSeen,
    })),
  };
}
