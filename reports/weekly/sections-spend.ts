import { compare, percentOf } from "../../core/decimal.js";
import { type Cell, cell, changeCells, type Section, type Table, toneOf } from "./document.js";
import {
  dayBefore,
  money,
  monthName,
  partialWeek,
  percent,
  plural,
  shortDay,
  shortRange,
  signedMoney,
  signedPercent,
} from "./format.js";
import type { Breakdown, Comparison, Mover, WeeklyReport } from "./model.js";

// The spend sections: totals, breakdowns, movers, month, anomalies, tag coverage.

export function totalsSection(report: WeeklyReport): Section {
  const { current, previousWeek, fourWeeksEarlier } = report.totals;
  const comparisonRow = (title: string, c: Comparison): Cell[] => [
    cell(`${title}: ${c.week}, ${shortRange(c.from, dayBefore(c.to))}`),
    cell(money(c.effectiveCost)),
    cell(money(c.billedCost), "muted"),
    ...changeCells(c.effectiveChange, c.effectiveChangePercent, current.effectiveCost),
  ];
  const same = report.complete ? "" : ` over the same ${plural(report.compared.days, "day")}`;
  return {
    id: "totals",
    title: "Total spend",
    paragraphs: [
      ...(report.complete ? [] : [`**${partialWeek(report)}**`]),
      `**${money(current.effectiveCost)}** effective cost this week${report.complete ? "" : " so far"} (billed ${money(current.billedCost)}): ` +
        `${signedMoney(previousWeek.effectiveChange)} (${signedPercent(previousWeek.effectiveChangePercent, current.effectiveCost)}) ` +
        `on the week before${same} and ${signedMoney(fourWeeksEarlier.effectiveChange)} (${signedPercent(fourWeeksEarlier.effectiveChangePercent, current.effectiveCost)}) ` +
        `on the same week four weeks earlier${same}.`,
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
              cell(
                `This week: ${report.week}, ${shortRange(report.compared.from, dayBefore(report.compared.to))}`,
                "strong",
              ),
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
      "Effective cost is what the usage cost after discounts and with commitments (Savings Plans, reservations) spread over the days they cover; billed cost is what the invoice charges on each day.",
    ],
  };
}

const DIMENSION_TITLES = {
  service: "Service",
  account: "Account",
  team: "Team",
  cluster: "Cluster",
  namespace: "Namespace",
} as const;

export function breakdownTable(b: Breakdown): Table {
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

export function breakdownSection(report: WeeklyReport, b: Breakdown): Section {
  const titles = {
    service: "Spend by service",
    account: "Spend by account",
    team: "Spend by team",
    cluster: "Spend by cluster",
    namespace: "Spend by namespace",
  };
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

export function moversSection(report: WeeklyReport): Section {
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

export function monthSection(report: WeeklyReport): Section {
  const m = report.monthToDate;
  const end = m.monthEnd;
  const name = monthName(m.month);
  const toDate = m.days
    ? `**${money(m.effectiveCost)}** spent in ${name} up to its last billed day in the week (${plural(m.days, "day")})`
    : `Nothing billed in ${name} up to the end of the week`;
  const ending =
    end.basis === "actual"
      ? `; the month is closed and its actual total is **${money(end.effectiveCost)}**.`
      : end.dailyMean
        ? `; at this week's run rate of ${money(end.dailyMean)} a day (over its ${plural(report.billedDays, "billed day")}) the month ends near **${money(end.effectiveCost)}**.`
        : "; with no billed day this week there is no run rate to forecast from.";
  return {
    id: "month",
    title: end.basis === "actual" ? "Month to date and actual month" : "Month to date and forecast",
    paragraphs: [toDate + ending],
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
              cell(`Month to date (${m.days ? shortRange(m.from, dayBefore(m.to)) : "none billed"})`),
              cell(money(m.effectiveCost)),
              cell(money(m.billedCost), "muted"),
            ],
            [
              cell(
                end.basis === "actual"
                  ? `${name} actual (closed)`
                  : `Month-end forecast (${plural(end.remainingDays, "day")} to go)`,
                "strong",
              ),
              cell(money(end.effectiveCost), "strong"),
              cell(money(end.billedCost), "muted"),
            ],
          ],
        },
      },
    ],
    notes: [`${end.basis === "actual" ? "Actual" : "Forecast method"}: ${end.method}`],
  };
}

const SHOWN_ANOMALIES = 15;

export function anomaliesSection(report: WeeklyReport): Section {
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

export function coverageSection(report: WeeklyReport): Section {
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
