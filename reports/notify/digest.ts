import { Decimal } from "../../core/money.js";
import type { Finding } from "../../store/findings.js";
import type { SavingsTotals } from "../../store/savings.js";
import type { Message, Section } from "./message.js";
import { money } from "./money.js";
import type { DueFinding } from "./pending.js";

export interface DigestOptions {
  currency: string | null;
  /** The exemption tag (tags.exemption): how a team opts a resource out. */
  exemptionTag: string;
  now: Date;
}

/** The longest list a digest spells out; the JSON document always holds every finding. */
const LIST_LIMIT = 100;

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** Estimated amounts (no billing row names the resource) carry "~", as in `finops findings`. */
const estimated = (f: Finding) =>
  f.monthlyCostSource === "billing-unit-price" || f.monthlyCostSource === "price-list";

/**
 * One team's digest: its new and changed findings (and reminders of unchanged ones), the money they
 * waste, the resources marked for an action with the date and how to opt out.
 */
export function teamDigest(
  team: string,
  due: DueFinding[],
  open: Finding[],
  savings: { due: SavingsTotals; open: SavingsTotals },
  options: DigestOptions,
): Message {
  const fmt = (amount: string) => money(amount, options.currency);
  const amount = (f: Finding, value: Decimal) => `${estimated(f) ? "~" : ""}${fmt(value.text)}`;
  const saves = (f: Finding) => {
    const value = f.estimatedMonthlySavings;
    return value === null || /^-?0*\.?0*$/.test(value.text)
      ? "no savings estimated"
      : `saves ${amount(f, value)}/month`;
  };
  // Totals count each resource's savings once (the one action taken), never what overlapping rules claim.
  const waste = savings.due.estimatedMonthlySavings;
  // And the cost of the resources, each once (two findings on one resource are one resource's cost).
  const cost = savings.due.monthlyCost;
  const openWaste = savings.open.estimatedMonthlySavings;
  const overlap = (t: SavingsTotals) =>
    t.overlappingFindings
      ? ` (${t.overlappingFindings} findings overlap on ${plural(t.overlappingResources, "resource")}: counted once)`
      : "";
  const who = team === "unowned" ? "unowned resources (no team tag)" : `team ${team}`;
  const counts = (["new", "changed", "reminder"] as const)
    .map((change) => [change, due.filter((d) => d.change === change).length] as const)
    .filter(([, n]) => n > 0)
    .map(([change, n]) => (change === "reminder" ? plural(n, "reminder") : `${n} ${change}`));
  const marked = due.filter((d) => d.mark);
  const protectedCount = due.filter((d) => d.finding.protected).length;

  const summary = [
    `${plural(due.length, "finding")} (${counts.join(", ")}): ${fmt(waste)}/month of estimated savings${overlap(savings.due)}, on resources costing ${fmt(cost)}/month.`,
    `In all, ${who} has ${plural(open.length, "open finding")}, ${fmt(openWaste)}/month of estimated savings${overlap(savings.open)}.`,
  ];
  if (marked.length) {
    summary.push(
      `${plural(marked.length, "resource")} marked for action: the action is due on the date shown unless the resource is fixed or opted out.`,
    );
  }
  if (protectedCount) {
    summary.push(`${protectedCount} protected: reported, never remediated by finops.`);
  }

  const sections: Section[] = [];
  const list = (title: string, items: DueFinding[], line: (d: DueFinding) => string) => {
    if (!items.length) return;
    sections.push({
      title,
      lines: items.slice(0, LIST_LIMIT).map(line),
      total: items.length,
      hint: `finops findings --team ${team} --status open`,
    });
  };
  list("Marked for action", marked, ({ finding: f, mark }) => {
    const optOut = `\`${options.exemptionTag}=${f.rule}\` (or \`${options.exemptionTag}=*\` for every rule)`;
    return `${mark?.action} \`${f.resourceId}\` on ${mark?.due} (${f.rule}, ${f.resourceType}, ${f.account} ${f.region}): to opt out, tag it ${optOut}`;
  });
  list("Findings", due, ({ finding: f, change, mark }) => {
    const flags = [
      change,
      ...(f.protected ? ["protected: never remediated"] : []),
      ...(mark ? [`marked: ${mark.action} on ${mark.due}`] : []),
    ];
    return (
      `[${f.severity}] \`${f.resourceId}\` ${f.rule}: ${f.reason}. ` +
      `${f.monthlyCost === null ? "cost unknown" : `${amount(f, f.monthlyCost)}/month`}, ${saves(f)}; ` +
      `action ${f.action}; ${f.account} ${f.region} (${flags.join(", ")})`
    );
  });

  const subject = `finops: ${plural(due.length, "finding")}, ${fmt(waste)}/month of waste for ${team === "unowned" ? "unowned resources" : `team ${team}`}`;
  return {
    kind: "findings",
    team,
    subject,
    summary,
    sections,
    footer: [
      `To keep a resource out of these findings, and of any action, tag it \`${options.exemptionTag}\` with the rule id (several separated by commas) or \`*\` for every rule.`,
      `Every open finding: \`finops findings --team ${team} --status open\`.` +
        (due.some((d) => estimated(d.finding)) ? " ~ marks an amount estimated from unit prices." : ""),
    ],
    count: due.length,
    monthlyWaste: waste,
    document: {
      kind: "findings",
      team,
      subject,
      generatedAt: options.now.toISOString(),
      currency: options.currency,
      findings: due.length,
      monthlyWaste: new Decimal(waste),
      grossMonthlyWaste: new Decimal(savings.due.grossEstimatedMonthlySavings),
      monthlyCost: new Decimal(cost),
      openFindings: open.length,
      openMonthlyWaste: new Decimal(openWaste),
      openGrossMonthlyWaste: new Decimal(savings.open.grossEstimatedMonthlySavings),
      items: due.map(({ finding: f, change, mark }) => ({
        id: f.id,
        rule: f.rule,
        resourceId: f.resourceId,
        resourceType: f.resourceType,
        account: f.account,
        region: f.region,
        severity: f.severity,
        reason: f.reason,
        monthlyCost: f.monthlyCost,
        monthlyCostSource: f.monthlyCostSource,
        estimatedMonthlySavings: f.estimatedMonthlySavings,
        action: f.action,
        protected: f.protected,
        overlaps: f.overlaps,
        firstSeen: f.firstSeen,
        change,
        mark,
      })),
      optOut: {
        tag: options.exemptionTag,
        value: "the rule id (several separated by commas), or * for every rule",
      },
    },
  };
}
