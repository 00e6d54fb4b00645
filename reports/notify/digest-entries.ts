import { compare, ZERO } from "../../core/decimal.js";
import { Decimal, sumDecimals } from "../../core/money.js";
import type { ResourceSavings } from "../../store/savings.js";
import type { ResourceRef } from "./links.js";
import type { Change, DueFinding } from "./pending.js";

/**
 * One resource of a digest: its findings under it, and the one action it needs. Several rules can flag
 * one resource (a gp2 volume that is also oversized and untagged), but one action is taken on it: the
 * one counted in the totals (store/savings.ts), whose savings the entry shows. A volume whose cost its
 * stopped instance's finding already holds is an entry of the instance.
 */
export interface ResourceEntry {
  resource: ResourceRef;
  /** The finding whose action is counted: the one action the resource needs. */
  counted: DueFinding;
  /** Its other findings (told with it, never added to its savings), largest savings first. */
  others: DueFinding[];
  /** The one action's savings, counted once (null: no finding names a figure). */
  savings: Decimal | null;
  cost: Decimal | null;
  /** "new" when any of its findings is, else "changed" when any is, else "reminder". */
  change: Change;
}

/** A rule's entries: the resources whose one action is the rule's, largest savings first. */
export interface RuleGroup {
  rule: string;
  entries: ResourceEntry[];
  /** Σ of its entries' savings, exact. */
  savings: string;
}

const changeOf = (findings: DueFinding[]): Change =>
  findings.some((d) => d.change === "new")
    ? "new"
    : findings.some((d) => d.change === "changed")
      ? "changed"
      : "reminder";

const savesMoney = (value: Decimal | null) => value !== null && compare(value, ZERO) > 0;

const bySavings = (a: DueFinding, b: DueFinding) =>
  compare(b.finding.estimatedMonthlySavings ?? ZERO, a.finding.estimatedMonthlySavings ?? ZERO) ||
  a.finding.rule.localeCompare(b.finding.rule);

/**
 * The due findings as one entry per resource (`resources`: the same findings' savings per resource,
 * counted once), grouped by the rule of each resource's one action: the rules whose resources save
 * money, largest first; and apart, the rules whose resources save nothing (tagging, hygiene).
 */
export function groupByRule(
  due: DueFinding[],
  resources: ResourceSavings[],
): { waste: RuleGroup[]; noSavings: RuleGroup[] } {
  const byId = new Map(due.map((d) => [d.finding.id, d]));
  const entries: ResourceEntry[] = [];
  const placed = new Set<string>();
  for (const row of resources) {
    const findings = row.findingIds.flatMap((id) => byId.get(id) ?? []);
    const counted = byId.get(row.countedId);
    if (!counted || !findings.length) continue;
    for (const d of findings) placed.add(d.finding.id);
    const own = findings.find((d) => d.finding.resourceId === row.resourceId)?.finding ?? counted.finding;
    entries.push({
      resource: {
        resourceType: own.resourceType,
        resourceId: row.resourceId,
        region: own.region,
        account: row.account,
      },
      counted,
      others: findings.filter((d) => d !== counted).sort(bySavings),
      savings: row.savings === null ? null : new Decimal(row.savings),
      cost: row.cost === null ? null : new Decimal(row.cost),
      change: changeOf(findings),
    });
  }
  // A finding the savings query did not return (it cannot happen: both read the same findings) is still told.
  for (const d of due.filter((d) => !placed.has(d.finding.id))) {
    const f = d.finding;
    entries.push({
      resource: f,
      counted: d,
      others: [],
      savings: f.estimatedMonthlySavings,
      cost: f.monthlyCost,
      change: d.change,
    });
  }
  const group = (list: ResourceEntry[]): RuleGroup[] => {
    const rules = new Map<string, ResourceEntry[]>();
    for (const entry of list) {
      const rule = entry.counted.finding.rule;
      rules.set(rule, [...(rules.get(rule) ?? []), entry]);
    }
    return [...rules]
      .map(([rule, items]) => ({
        rule,
        entries: items.sort(
          (a, b) =>
            compare(b.savings ?? ZERO, a.savings ?? ZERO) ||
            compare(b.cost ?? ZERO, a.cost ?? ZERO) ||
            a.resource.resourceId.localeCompare(b.resource.resourceId),
        ),
        savings: sumDecimals(items.map((e) => e.savings?.text ?? "0")),
      }))
      .sort(
        (a, b) => compare(new Decimal(b.savings), new Decimal(a.savings)) || a.rule.localeCompare(b.rule),
      );
  };
  return {
    waste: group(entries.filter((e) => savesMoney(e.savings))),
    noSavings: group(entries.filter((e) => !savesMoney(e.savings))),
  };
}
