import { DAYS_PER_MONTH, MIN_DAYS_AFTER, WINDOW_DAYS } from "../../remediation/realised.js";
import { UNOWNED } from "../../store/known-values.js";
import { type Cell, cell, type Section, type Table } from "./document.js";
import { count, dayBefore, instant, money, plural, shortRange } from "./format.js";
import type { RealisedItem, WasteGroup, WeeklyReport } from "./model.js";

// The findings sections: waste found, savings realised, top findings.

/** A finding's team as people read it: the stored "unowned" shown as rules.yaml's tags.noTeamLabel. */
const teamName = (report: WeeklyReport, team: string) => (team === UNOWNED ? report.noTeamLabel : team);

function wasteTable(
  title: string,
  groups: WasteGroup[],
  label: (key: string) => string = (key) => key,
): Table {
  return {
    columns: [
      { title },
      { title: "Findings", numeric: true },
      { title: "Savings / month", numeric: true },
      { title: "Cost / month", numeric: true },
    ],
    rows: groups.map((g) => [
      cell(label(g.key)),
      cell(count(g.findings)),
      cell(money(g.estimatedMonthlySavings)),
      cell(money(g.monthlyCost), "muted"),
    ]),
  };
}

export function wasteSection(report: WeeklyReport): Section {
  const w = report.waste;
  if (w.findings === 0) {
    return {
      id: "waste",
      title: "Waste found",
      paragraphs: [
        w.asOf
          ? `No open findings: the latest analysis (${instant(w.asOf)}) found no waste.`
          : "No analysis has run yet: `finops analyze` finds the waste.",
      ],
      tables: [],
      notes: [],
    };
  }
  // By rule, each rule's own figures sum to the gross; by team, each resource counts once.
  const total = (
    groups: WasteGroup[],
    savings: typeof w.estimatedMonthlySavings,
    label = "Total",
  ): Cell[] => [
    cell(label),
    cell(count(groups.reduce((n, g) => n + g.findings, 0))),
    cell(money(savings)),
    cell(money(w.monthlyCost)),
  ];
  const overlap = w.overlappingFindings
    ? ` Counted once per resource: ${plural(w.overlappingFindings, "finding")} overlap on ${plural(w.overlappingResources, "resource")}, and the rules' figures sum to ${money(w.grossEstimatedMonthlySavings)}.`
    : "";
  return {
    id: "waste",
    title: "Waste found",
    paragraphs: [
      `**${plural(w.findings, "open finding")}** could save **${money(w.estimatedMonthlySavings)} a month**` +
        (w.asOf ? ` (as of the latest analysis, ${instant(w.asOf)}).` : ".") +
        overlap,
    ],
    tables: [
      {
        caption: "By rule",
        table: {
          ...wasteTable("Rule", w.byRule),
          total: total(w.byRule, w.grossEstimatedMonthlySavings, "Sum of the rules"),
        },
      },
      {
        caption: "By team",
        table: {
          ...wasteTable("Team", w.byTeam, (team) => teamName(report, team)),
          total: total(w.byTeam, w.estimatedMonthlySavings),
        },
      },
    ],
    notes: [
      "Cost / month is what the flagged resources cost (their last 30 days of billing, else a price estimate); savings / month is what acting on the finding saves. A finding without a figure adds nothing. One action is taken on a resource: its savings count once (the largest figure, never more than its cost) in the total and by team; by rule, each rule's findings keep their own figure.",
    ],
  };
}

/** The realised cell: the bill's figure, or why there is none (yet). */
function realisedCell(i: RealisedItem): Cell {
  if (i.realisedStatus === "measured" && i.realisedMonthlySavings) {
    return cell(money(i.realisedMonthlySavings), "strong");
  }
  return cell(
    i.realisedStatus === "pending"
      ? `pending: ${i.billedDaysAfter} of ${MIN_DAYS_AFTER} days billed`
      : "not in billing",
    "muted",
  );
}

export function savingsSection(report: WeeklyReport): Section {
  const s = report.savingsRealised;
  const span = `${shortRange(s.from, dayBefore(s.to))}`;
  if (!s.items.length) {
    return {
      id: "savings",
      title: "Savings realised",
      paragraphs: [`None: no remediation was completed in this week or the three before (${span}).`],
      tables: [],
      notes: [],
    };
  }
  const inWeek = s.items.filter((i) => i.inWeek).length;
  const m = s.measured;
  const waiting = [
    ...(s.pending ? [`${plural(s.pending, "action")} pending (the bill lacks the days after)`] : []),
    ...(s.unmatched ? [`${plural(s.unmatched, "action")} not named in billing`] : []),
  ];
  return {
    id: "savings",
    title: "Savings realised",
    paragraphs: [
      `**${plural(s.items.length, "remediation")}** completed from ${span} (${count(inWeek)} this week), estimated to save ${money(s.estimatedMonthlySavings)} a month. ` +
        (m.items
          ? `The bill shows **${money(m.realisedMonthlySavings)} a month** saved by the ${plural(m.items, "action")} it measures (estimated ${money(m.estimatedMonthlySavings)})`
          : "The bill measures none of them yet") +
        (waiting.length ? `; ${waiting.join(", ")}.` : "."),
    ],
    tables: [
      {
        table: {
          columns: [
            { title: "Done" },
            { title: "Action" },
            { title: "Resource", code: true },
            { title: "Rule" },
            { title: "Team" },
            { title: "Estimated / month", numeric: true },
            { title: "Realised / month", numeric: true },
          ],
          rows: s.items.map((i) => [
            cell(instant(i.finishedAt), i.inWeek ? undefined : "muted"),
            cell(i.action),
            cell(i.resourceId),
            cell(i.rule ?? "\u2013"),
            cell(i.team ?? "\u2013"),
            cell(i.estimatedMonthlySavings ? money(i.estimatedMonthlySavings) : "\u2013"),
            realisedCell(i),
          ]),
          total: [
            cell("Measured on the bill"),
            cell(""),
            cell(""),
            cell(""),
            cell(""),
            cell(money(m.estimatedMonthlySavings)),
            cell(money(m.realisedMonthlySavings)),
          ],
        },
      },
    ],
    notes: [
      `From the remediation journal (\`finops history\`). Estimated: the plan item's figure. Realised: the resource's mean daily effective cost on the bill over up to ${WINDOW_DAYS} billed days before the action day minus over the full billed days after it (the action day left out) \u00d7 ${DAYS_PER_MONTH}, matched by id or ARN; pending until ${MIN_DAYS_AFTER} full days after are billed. The total adds only measured actions, beside their own estimates.`,
    ],
  };
}

export function topFindingsSection(report: WeeklyReport): Section {
  const top = report.topFindings;
  return {
    id: "top-findings",
    title: "Top findings",
    paragraphs: top.length
      ? [`The ${top.length} open findings that would save the most.`]
      : ["No open findings."],
    tables: top.length
      ? [
          {
            table: {
              columns: [
                { title: "Savings / month", numeric: true },
                { title: "Rule" },
                { title: "Resource", code: true },
                { title: "Team" },
                { title: "Account" },
                { title: "Action" },
              ],
              rows: top.map((f) => [
                cell(f.estimatedMonthlySavings ? money(f.estimatedMonthlySavings) : "\u2013", "strong"),
                cell(f.rule),
                cell(f.resourceId),
                cell(teamName(report, f.team)),
                cell(f.account, "muted"),
                cell(f.action),
              ]),
            },
          },
        ]
      : [],
    notes: [],
  };
}
