import type { Decimal } from "../../store/money.js";
import { compare, percentOf, ZERO } from "./decimal.js";
import {
  count,
  currencyNote,
  dateRange,
  dayBefore,
  instant,
  money,
  monthName,
  percent,
  plural,
  shortDay,
  shortRange,
  signedMoney,
  signedPercent,
} from "./format.js";
import type { Breakdown, Comparison, Mover, WasteGroup, WeeklyReport } from "./model.js";

// The report as a document: sections of paragraphs and tables, in words a finance lead reads. The
// Markdown and HTML renderers lay out this one document, so both say the same thing.

/** A cost going up is drawn in a warm tone, going down in a cool one; muted for secondary figures. */
export type Tone = "up" | "down" | "muted" | "strong";

export interface Cell {
  text: string;
  tone?: Tone;
}

export interface Table {
  /** numeric: right-aligned figures; code: identifiers (resource ids, ARNs) that may break anywhere. */
  columns: { title: string; numeric?: boolean; code?: boolean }[];
  rows: Cell[][];
  /** A last, bold row (the total). */
  total?: Cell[];
}

export type Chart = "daily-by-service" | "spend-by-team";

export interface Section {
  id: string;
  title: string;
  /** Text with **bold** spans. */
  paragraphs: string[];
  tables: { caption?: string; table: Table }[];
  chart?: Chart;
  /** Small print under the section (methods, caveats). */
  notes: string[];
}

const cell = (text: string, tone?: Tone): Cell => (tone ? { text, tone } : { text });
const toneOf = (change: Decimal): Tone | undefined => {
  const sign = compare(change, ZERO);
  return sign > 0 ? "up" : sign < 0 ? "down" : undefined;
};
const changeCells = (change: Decimal, pct: number | null, current: Decimal): Cell[] => [
  cell(signedMoney(change), toneOf(change)),
  cell(signedPercent(pct, current), toneOf(change)),
];

function totalsSection(report: WeeklyReport): Section {
  const { current, previousWeek, fourWeeksEarlier } = report.totals;
  const comparisonRow = (title: string, c: Comparison): Cell[] => [
    cell(`${title}: ${c.week}, ${shortRange(c.from, dayBefore(c.to))}`),
    cell(money(c.effectiveCost)),
    cell(money(c.billedCost), "muted"),
    ...changeCells(c.effectiveChange, c.effectiveChangePercent, current.effectiveCost),
  ];
  const thin =
    report.daysWithBilling < 7 ? [`Billing covers ${report.daysWithBilling} of the week's 7 days.`] : [];
  return {
    id: "totals",
    title: "Total spend",
    paragraphs: [
      `**${money(current.effectiveCost)}** effective cost this week (billed ${money(current.billedCost)}): ` +
        `${signedMoney(previousWeek.effectiveChange)} (${signedPercent(previousWeek.effectiveChangePercent, current.effectiveCost)}) ` +
        `on the week before and ${signedMoney(fourWeeksEarlier.effectiveChange)} (${signedPercent(fourWeeksEarlier.effectiveChangePercent, current.effectiveCost)}) ` +
        `on the same week four weeks earlier.`,
    ],
    tables: [
      {
        table: {
          columns: [
            { title: "Week" },
            { title: "Effective cost", numeric: true },
            { title: "Billed cost", numeric: true },
            { title: "Change to this week", numeric: true },
            { title: "%", numeric: true },
          ],
          rows: [
            [
              cell(`This week: ${report.week}, ${shortRange(report.from, report.lastDay)}`, "strong"),
              cell(money(current.effectiveCost), "strong"),
              cell(money(current.billedCost), "muted"),
              cell(""),
              cell(""),
            ],
            comparisonRow("Week before", previousWeek),
            comparisonRow("4 weeks earlier", fourWeeksEarlier),
          ],
        },
      },
    ],
    chart: "daily-by-service",
    notes: [
      ...thin,
      "Effective cost is what the usage cost after discounts and with commitments (Savings Plans, reservations) spread over the days they cover; billed cost is what the invoice charges on each day.",
    ],
  };
}

const DIMENSION_TITLES = { service: "Service", account: "Account", team: "Team" } as const;

function breakdownTable(b: Breakdown): Table {
  return {
    columns: [
      { title: DIMENSION_TITLES[b.dimension] },
      { title: "This week", numeric: true },
      { title: "Week before", numeric: true },
      { title: "Change", numeric: true },
      { title: "%", numeric: true },
      { title: "Billed this week", numeric: true },
    ],
    rows: b.rows.map((r) => [
      cell(r.label, r.other ? "muted" : undefined),
      cell(money(r.current.effectiveCost)),
      cell(money(r.previous.effectiveCost), "muted"),
      ...changeCells(r.change, r.changePercent, r.current.effectiveCost),
      cell(money(r.current.billedCost), "muted"),
    ]),
    total: [
      cell("Total"),
      cell(money(b.total.current.effectiveCost)),
      cell(money(b.total.previous.effectiveCost)),
      ...changeCells(b.total.change, b.total.changePercent, b.total.current.effectiveCost),
      cell(money(b.total.current.billedCost)),
    ],
  };
}

function breakdownSection(report: WeeklyReport, b: Breakdown): Section {
  const titles = { service: "Spend by service", account: "Spend by account", team: "Spend by team" };
  const notes: string[] = [];
  if (b.dimension === "team") {
    notes.push(
      `The team is the first of the tags ${report.tagCoverage.teamKeys.join(", ")} a cost carries (as \`finops costs --by team\`).`,
    );
    if (compare(b.total.current.effectiveCost, report.totals.current.effectiveCost) !== 0) {
      notes.push(
        "Cost Explorer's tag grouping does not add up to its service grouping to the cent; this table's total is the tag grouping's.",
      );
    }
  }
  return {
    id: `by-${b.dimension}`,
    title: titles[b.dimension],
    paragraphs: [],
    tables: [{ table: breakdownTable(b) }],
    ...(b.dimension === "team" ? { chart: "spend-by-team" as const } : {}),
    notes,
  };
}

function moversTable(title: string, movers: Mover[]): Table {
  return {
    columns: [
      { title },
      { title: "This week", numeric: true },
      { title: "Week before", numeric: true },
      { title: "Increase", numeric: true },
      { title: "%", numeric: true },
    ],
    rows: movers.map((m) => [
      cell(m.label),
      cell(money(m.current)),
      cell(money(m.previous), "muted"),
      ...changeCells(m.change, m.changePercent, m.current),
    ]),
  };
}

function moversSection(report: WeeklyReport): Section {
  const { service, team } = report.topMovers;
  const tables = [
    ...(service.length ? [{ caption: "Services", table: moversTable("Service", service) }] : []),
    ...(team.length ? [{ caption: "Teams", table: moversTable("Team", team) }] : []),
  ];
  return {
    id: "movers",
    title: "Top movers",
    paragraphs: tables.length
      ? ["The largest increases in effective cost on the week before."]
      : ["No service and no team cost more than in the week before."],
    tables,
    notes: [],
  };
}

function monthSection(report: WeeklyReport): Section {
  const m = report.monthToDate;
  const f = m.forecast;
  return {
    id: "month",
    title: "Month to date and forecast",
    paragraphs: [
      `**${money(m.effectiveCost)}** spent in ${monthName(m.month)} up to the end of the week ` +
        `(${plural(m.days, "day")}); at this week's run rate of ${money(f.dailyMean)} a day the month ends near ` +
        `**${money(f.effectiveCost)}**.`,
    ],
    tables: [
      {
        table: {
          columns: [
            { title: "" },
            { title: "Effective cost", numeric: true },
            { title: "Billed cost", numeric: true },
          ],
          rows: [
            [
              cell(`Month to date (${shortRange(m.from, dayBefore(m.to))})`),
              cell(money(m.effectiveCost)),
              cell(money(m.billedCost), "muted"),
            ],
            [
              cell(`Month-end forecast (${plural(f.remainingDays, "day")} to go)`, "strong"),
              cell(money(f.effectiveCost), "strong"),
              cell(money(f.billedCost), "muted"),
            ],
          ],
        },
      },
    ],
    notes: [`Forecast method: ${f.method}`],
  };
}

const SHOWN_ANOMALIES = 15;

function anomaliesSection(report: WeeklyReport): Section {
  const a = report.anomalies;
  const items = a.items.slice(0, SHOWN_ANOMALIES);
  return {
    id: "anomalies",
    title: "Cost anomalies",
    paragraphs: items.length
      ? [
          `${plural(a.items.length, "day")} of a service or team left its usual range this week` +
            (a.items.length > items.length ? ` (the ${items.length} largest shown).` : "."),
        ]
      : ["No service and no team had a day outside its usual range this week."],
    tables: items.length
      ? [
          {
            table: {
              columns: [
                { title: "Day" },
                { title: "Service or team" },
                { title: "" },
                { title: "Spend", numeric: true },
                { title: "Usual (median)", numeric: true },
                { title: "Difference", numeric: true },
              ],
              rows: items.map((i) => [
                cell(shortDay(i.day)),
                cell(i.label),
                cell(i.dimension, "muted"),
                cell(money(i.effectiveCost)),
                cell(money(i.baseline), "muted"),
                cell(`${signedMoney(i.deviation)} (${i.direction})`, toneOf(i.deviation)),
              ]),
            },
          },
        ]
      : [],
    notes: [`Method: ${a.method}`],
  };
}

function coverageSection(report: WeeklyReport): Section {
  const c = report.tagCoverage;
  const unallocatedPercent = percentOf(c.unallocated, c.total);
  return {
    id: "coverage",
    title: "Tag coverage",
    paragraphs: [
      `**${percent(c.allocatedPercent)}** of this week's spend (${money(c.allocated)} of ${money(c.total)}) carries a team tag ` +
        `(${c.teamKeys.join(", ")}); ${money(c.unallocated)} (${percent(unallocatedPercent)}) has none and cannot be charged back.`,
    ],
    tables: [],
    notes: [],
  };
}

function wasteTable(title: string, groups: WasteGroup[]): Table {
  return {
    columns: [
      { title },
      { title: "Findings", numeric: true },
      { title: "Savings / month", numeric: true },
      { title: "Cost / month", numeric: true },
    ],
    rows: groups.map((g) => [
      cell(g.key),
      cell(count(g.findings)),
      cell(money(g.estimatedMonthlySavings)),
      cell(money(g.monthlyCost), "muted"),
    ]),
  };
}

function wasteSection(report: WeeklyReport): Section {
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
        table: { ...wasteTable("Team", w.byTeam), total: total(w.byTeam, w.estimatedMonthlySavings) },
      },
    ],
    notes: [
      "Cost / month is what the flagged resources cost (their last 30 days of billing, else a price estimate); savings / month is what acting on the finding saves. A finding without a figure adds nothing. One action is taken on a resource: its savings count once (the largest figure, never more than its cost) in the total and by team; by rule, each rule's findings keep their own figure.",
    ],
  };
}

function savingsSection(report: WeeklyReport): Section {
  const s = report.savingsRealised;
  if (!s.items.length) {
    return {
      id: "savings",
      title: "Savings realised",
      paragraphs: ["None this week: no remediation was completed between Monday and Sunday."],
      tables: [],
      notes: [],
    };
  }
  return {
    id: "savings",
    title: "Savings realised",
    paragraphs: [
      `**${plural(s.items.length, "remediation")}** completed this week, saving an estimated **${money(s.estimatedMonthlySavings)} a month**.`,
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
            { title: "Savings / month", numeric: true },
          ],
          rows: s.items.map((i) => [
            cell(instant(i.finishedAt)),
            cell(i.action),
            cell(i.resourceId),
            cell(i.rule ?? "\u2013"),
            cell(i.team ?? "\u2013"),
            cell(i.estimatedMonthlySavings ? money(i.estimatedMonthlySavings) : "\u2013"),
          ]),
          total: [
            cell("Total"),
            cell(""),
            cell(""),
            cell(""),
            cell(""),
            cell(money(s.estimatedMonthlySavings)),
          ],
        },
      },
    ],
    notes: ["From the remediation journal (`finops history`), with each plan item's estimated savings."],
  };
}

function topFindingsSection(report: WeeklyReport): Section {
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
                cell(f.team),
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

function noBillingSection(report: WeeklyReport): Section {
  return {
    id: "no-billing",
    title: "No billing for this week",
    paragraphs: [
      `The database holds no billing row for the week of ${dateRange(report.from, report.lastDay)}, so this report has no spend to show. ` +
        "Load billing with `finops ingest FILE` or `finops collect --only billing`, or pick another week with `--week YYYY-Www`.",
    ],
    tables: [],
    notes: [],
  };
}

export function title(report: WeeklyReport): string {
  return `Weekly cloud cost report \u2013 ${report.week}`;
}

export function subtitle(report: WeeklyReport): string {
  return `${dateRange(report.from, report.lastDay)} (Monday to Sunday, UTC)`;
}

/** The line under the title: currency, cost basis, when it was made. */
export function preamble(report: WeeklyReport): string {
  return `${currencyNote(report)}; effective cost unless marked billed. Generated ${instant(report.generatedAt)}.`;
}

export function sections(report: WeeklyReport): Section[] {
  const costs = report.hasBilling
    ? [
        totalsSection(report),
        breakdownSection(report, report.byService),
        breakdownSection(report, report.byAccount),
        breakdownSection(report, report.byTeam),
        moversSection(report),
        monthSection(report),
        anomaliesSection(report),
        coverageSection(report),
      ]
    : [noBillingSection(report)];
  return [...costs, wasteSection(report), savingsSection(report), topFindingsSection(report)];
}

export interface Kpi {
  label: string;
  value: string;
  detail: string;
  tone?: Tone;
}

/** The headline row: the four figures a reader takes away if they read nothing else. */
export function kpis(report: WeeklyReport): Kpi[] {
  const { current, previousWeek } = report.totals;
  const m = report.monthToDate;
  const c = report.tagCoverage;
  const w = report.waste;
  const realised = report.savingsRealised;
  const spend: Kpi = report.hasBilling
    ? {
        label: "Spend this week",
        value: money(current.effectiveCost),
        detail: `${signedMoney(previousWeek.effectiveChange)} (${signedPercent(previousWeek.effectiveChangePercent, current.effectiveCost)}) vs last week`,
        ...(toneOf(previousWeek.effectiveChange) ? { tone: toneOf(previousWeek.effectiveChange) } : {}),
      }
    : { label: "Spend this week", value: money(ZERO), detail: "no billing for this week" };
  return [
    spend,
    {
      label: `${monthName(m.month).split(" ")[0]} to date`,
      value: money(m.effectiveCost),
      detail: `month-end forecast ${money(m.forecast.effectiveCost)}`,
    },
    {
      label: "Tagged to a team",
      value: percent(c.allocatedPercent),
      detail: `${money(c.unallocated)} unallocated`,
    },
    {
      label: "Open waste / month",
      value: money(w.estimatedMonthlySavings),
      detail: `${plural(w.findings, "finding")} \u00b7 ${money(realised.estimatedMonthlySavings)} realised`,
    },
  ];
}
