import { Decimal, sumDecimals } from "../../core/money.js";
import { descriptorOf } from "../../resources/index.js";
import type { Finding } from "../../store/findings.js";
import { UNOWNED } from "../../store/known-values.js";
import type { ResourceSavings, SavingsTotals } from "../../store/savings.js";
import { groupByRule, type ResourceEntry, type RuleGroup } from "./digest-entries.js";
import { consoleUrl, findingsUrl, fixFor, fixTemplate } from "./links.js";
import { link } from "./markup.js";
import type { Message, Section } from "./message.js";
import { money } from "./money.js";
import type { DueFinding } from "./pending.js";

export interface DigestOptions {
  currency: string | null;
  /** The exemption tag (tags.exemption): how a team opts a resource out. */
  exemptionTag: string;
  now: Date;
  /** Each rule's one-line fix by rule id (rules/fixes.ts), with placeholders; a rule without one shows none. */
  fixes?: ReadonlyMap<string, string>;
  /** The web view's address (notify.webUrl): lists link to its Findings page filtered to the team. */
  webUrl?: string;
  /**
   * What resources no team tag names are called (tags.noTeamLabel), as the CLI, the report and the web
   * view call them: the digest of the stored team "unowned" says it, and its commands and links take it.
   */
  noTeamLabel: string;
  /** Accounts' names as billing gives them: a resource's account reads "437210371508 (prod)", as in the CLI. */
  accountNames?: ReadonlyMap<string, string>;
}

/** A word for a shell command line: quoted unless it is plain. */
const shellWord = (word: string) =>
  /^[\w.@%+=:,/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** The most resources a rule's list spells out in the text and email; the JSON document holds every one. */
const LIST_LIMIT = 25;
/** The most resource ids a rule without savings names in its one line. */
const IDS_LIMIT = 8;

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** Estimated amounts (no billing row names the resource) carry "~", as in `finops findings`. */
const estimated = (f: Finding) =>
  f.monthlyCostSource === "billing-unit-price" || f.monthlyCostSource === "price-list";

/** A fix as a line: a command in `code` (a closing remark in parentheses after it), else as written. */
function fixLine(template: string): string {
  const text = fixTemplate(template);
  if (text.includes("`") || !text.startsWith("aws ")) return `Fix: ${text}`;
  const [, command = text, remark = ""] = /^(.*?)( \([^)]*\))?$/.exec(text) ?? [];
  return `Fix: \`${command}\`${remark}`;
}

/**
 * One team's digest: one entry per resource, its findings under it and the one action it needs,
 * grouped by that action's rule, largest savings first; resources that save nothing (tagging) in a
 * short section apart; each rule with its one-line fix, each resource with its console link; long lists
 * cut with what they left out and where to see it. The money counts each resource once.
 */
export function teamDigest(
  team: string,
  due: DueFinding[],
  open: Finding[],
  savings: { due: SavingsTotals; open: SavingsTotals; resources?: ResourceSavings[] },
  options: DigestOptions,
): Message {
  const fmt = (amount: string) => money(amount, options.currency);
  const fixes = options.fixes ?? new Map<string, string>();
  const waste = savings.due.estimatedMonthlySavings;
  const cost = savings.due.monthlyCost;
  const openWaste = savings.open.estimatedMonthlySavings;
  const overlap = (t: SavingsTotals) =>
    t.overlappingFindings
      ? ` (${t.overlappingFindings} findings overlap on ${plural(t.overlappingResources, "resource")}: counted once)`
      : "";
  // The team as people read it, and as `finops findings --team` and the web view's ?team= take it.
  const teamName = team === UNOWNED ? options.noTeamLabel : team;
  const who = team === UNOWNED ? `${teamName} (resources without a team tag)` : `team ${team}`;
  const teamLink = findingsUrl(options.webUrl, { team: teamName });
  const command = (rule?: string) =>
    `\`finops findings --team ${shellWord(teamName)}${rule ? ` --rule ${rule}` : ""} --status open\``;
  const seeAll = (rule?: string) => {
    const url = findingsUrl(options.webUrl, rule ? { team: teamName, rule } : { team: teamName });
    return url ? link("web view", url) : command(rule);
  };

  const { waste: wasteGroups, noSavings } = groupByRule(due, savings.resources ?? []);
  const entries = [...wasteGroups, ...noSavings].flatMap((g) => g.entries);
  const changes = new Set(entries.map((e) => e.change));
  // "(new)" marks what is new among what is not: a digest of new findings only says so once, above.
  const tagged = changes.size > 1;
  const counts = (["new", "changed", "reminder"] as const)
    .map((change) => [change, due.filter((d) => d.change === change).length] as const)
    .filter(([, n]) => n > 0)
    .map(([change, n]) => (change === "reminder" ? plural(n, "reminder") : `${n} ${change}`));
  const marked = entries.filter((e) => [e.counted, ...e.others].some((d) => d.mark));
  const protectedCount = entries.filter((e) => e.counted.finding.protected).length;

  const summary = [
    `${plural(due.length, "finding")} on ${plural(entries.length, "resource")} (${counts.join(", ")}): ${fmt(waste)}/month of estimated savings${overlap(savings.due)}, on resources costing ${fmt(cost)}/month.`,
    `In all, ${who} has ${plural(open.length, "open finding")}, ${fmt(openWaste)}/month of estimated savings${overlap(savings.open)}.`,
  ];
  if (marked.length) {
    summary.push(
      `${plural(marked.length, "resource")} marked for action: the action is due on the date shown unless the resource is fixed or opted out.`,
    );
  }
  if (protectedCount) summary.push(`${protectedCount} protected: reported, never remediated by finops.`);

  const amount = (f: Finding, value: Decimal) => `${estimated(f) ? "~" : ""}${fmt(value.text)}`;
  const optOut = (rule: string) =>
    `to opt out, tag it \`${options.exemptionTag}=${rule}\` (or \`${options.exemptionTag}=*\` for every rule)`;
  const entryLine = (entry: ResourceEntry): string => {
    const { resource, counted } = entry;
    const f = counted.finding;
    const url = consoleUrl(resource);
    const kind = descriptorOf(resource.resourceType)?.displayName.one ?? resource.resourceType;
    const accountName = options.accountNames?.get(resource.account);
    const account = accountName ? `${resource.account} (${accountName})` : resource.account;
    const saves =
      entry.savings === null
        ? "no savings estimated"
        : `saves ${amount(f, entry.savings)}/month${entry.cost === null ? "" : ` of ${amount(f, entry.cost)}`}`;
    const parts = [
      `\`${resource.resourceId}\`${url ? ` (${link("console", url)})` : ""} ${kind}, ${account} ${resource.region}: ${f.reason}; ${saves}, action ${f.action}`,
    ];
    if (entry.others.length) {
      // Its own other rules first, then those of the resources counted under it (a stopped instance's volumes).
      const rulesOf = new Map<string, string[]>([[resource.resourceId, []]]);
      for (const { finding: o } of entry.others) {
        rulesOf.set(o.resourceId, [...(rulesOf.get(o.resourceId) ?? []), o.rule]);
      }
      const also = [...rulesOf]
        .filter(([, rules]) => rules.length)
        .map(([id, rules]) => (id === resource.resourceId ? "" : `\`${id}\` `) + rules.join(", "));
      parts.push(`also ${also.join("; ")} (counted once)`);
    }
    for (const d of [counted, ...entry.others].filter((d) => d.mark)) {
      parts.push(`marked: ${d.mark?.action} on ${d.mark?.due}, ${optOut(d.finding.rule)}`);
    }
    if (f.protected) parts.push("protected: never remediated");
    const flag = tagged && entry.change !== "reminder" ? ` (${entry.change})` : "";
    return `${parts.join("; ")}${flag}`;
  };

  const sections: Section[] = wasteGroups.map((g: RuleGroup) => {
    const shown = g.entries.slice(0, LIST_LIMIT);
    const fix = fixes.get(g.rule);
    return {
      title: g.rule,
      facts: [plural(g.entries.length, "resource"), `${fmt(g.savings)}/month`],
      ...(fix ? { intro: fixLine(fix) } : {}),
      lines: shown.map(entryLine),
      total: g.entries.length,
      hint: seeAll(g.rule),
      amounts: {
        lines: shown.map((e) => e.savings?.text ?? "0"),
        rest: sumDecimals(g.entries.slice(LIST_LIMIT).map((e) => e.savings?.text ?? "0")),
      },
    };
  });
  if (noSavings.length) {
    const resources = noSavings.reduce((n, g) => n + g.entries.length, 0);
    sections.push({
      title: "Without savings (tagging and hygiene)",
      facts: [plural(resources, "resource")],
      lines: noSavings.map((g) => {
        const ids = g.entries.slice(0, IDS_LIMIT).map((e) => `\`${e.resource.resourceId}\``);
        const more = g.entries.length > IDS_LIMIT ? ` and ${g.entries.length - IDS_LIMIT} more` : "";
        const fix = fixes.get(g.rule);
        return `${g.rule} (${plural(g.entries.length, "resource")}): ${ids.join(", ")}${more}${fix ? `. ${fixLine(fix)}` : ""}`;
      }),
    });
  }

  const subject = `finops: ${plural(due.length, "finding")}, ${fmt(waste)}/month of waste for ${team === UNOWNED ? teamName : `team ${team}`}`;
  return {
    kind: "findings",
    team,
    subject,
    summary,
    sections,
    footer: [
      `To keep a resource out of these findings, and of any action, tag it \`${options.exemptionTag}\` with the rule id (several separated by commas) or \`*\` for every rule.`,
      `Every open finding: ${seeAll()}.` +
        (due.some((d) => estimated(d.finding)) ? " ~ marks an amount estimated from unit prices." : ""),
    ],
    count: due.length,
    monthlyWaste: waste,
    currency: options.currency,
    ...(teamLink ? { link: teamLink } : {}),
    document: {
      kind: "findings",
      team,
      subject,
      generatedAt: options.now.toISOString(),
      currency: options.currency,
      findings: due.length,
      resources: entries.length,
      monthlyWaste: new Decimal(waste),
      grossMonthlyWaste: new Decimal(savings.due.grossEstimatedMonthlySavings),
      monthlyCost: new Decimal(cost),
      openFindings: open.length,
      openMonthlyWaste: new Decimal(openWaste),
      openGrossMonthlyWaste: new Decimal(savings.open.grossEstimatedMonthlySavings),
      ...(teamLink ? { webUrl: teamLink } : {}),
      rules: [...wasteGroups, ...noSavings].map((g) => ({
        rule: g.rule,
        resources: g.entries.length,
        monthlyWaste: new Decimal(g.savings),
        fix: fixes.get(g.rule) ?? null,
        entries: g.entries.map((e) => ({
          resourceId: e.resource.resourceId,
          resourceType: e.resource.resourceType,
          account: e.resource.account,
          region: e.resource.region,
          monthlyWaste: e.savings,
          monthlyCost: e.cost,
          findingIds: [e.counted, ...e.others].map((d) => d.finding.id),
        })),
      })),
      items: due.map(({ finding: f, change, mark }) => {
        const fix = fixes.get(f.rule);
        return {
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
          consoleUrl: consoleUrl(f),
          fix: fix ? fixFor(fix, f) : null,
        };
      }),
      optOut: {
        tag: options.exemptionTag,
        value: "the rule id (several separated by commas), or * for every rule",
      },
    },
  };
}
