import { ZERO } from "../../core/decimal.js";
import { type Section, type Tone, toneOf } from "./document.js";
import {
  currencyNote,
  dateRange,
  instant,
  money,
  monthName,
  percent,
  plural,
  signedMoney,
  signedPercent,
} from "./format.js";
import type { WeeklyReport } from "./model.js";
import { commitmentsSection } from "./sections-commitments.js";
import { savingsSection, topFindingsSection, wasteSection } from "./sections-findings.js";
import { kubernetesSection } from "./sections-kubernetes.js";
import {
  anomaliesSection,
  breakdownSection,
  coverageSection,
  monthSection,
  moversSection,
  totalsSection,
} from "./sections-spend.js";

export type { Cell, Chart, Section, Table, Tone } from "./document.js";

// The report's sections in order, its title lines and its headline figures.

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
  return [
    ...costs,
    ...(report.hasBilling ? [kubernetesSection(report)] : []),
    commitmentsSection(report),
    wasteSection(report),
    savingsSection(report),
    topFindingsSection(report),
  ];
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
        label: report.complete
          ? "Spend this week"
          : `Spend this week (${report.billedDays} of 7 days billed)`,
        value: money(current.effectiveCost),
        detail:
          `${signedMoney(previousWeek.effectiveChange)} (${signedPercent(previousWeek.effectiveChangePercent, current.effectiveCost)}) ` +
          (report.complete ? "vs last week" : `vs the same ${plural(report.compared.days, "day")} last week`),
        ...(toneOf(previousWeek.effectiveChange) ? { tone: toneOf(previousWeek.effectiveChange) } : {}),
      }
    : { label: "Spend this week", value: money(ZERO), detail: "no billing for this week" };
  return [
    spend,
    {
      label: `${monthName(m.month).split(" ")[0]} to date`,
      value: money(m.effectiveCost),
      detail:
        m.monthEnd.basis === "actual"
          ? `month closed: actual ${money(m.monthEnd.effectiveCost)}`
          : `month-end forecast ${money(m.monthEnd.effectiveCost)}`,
    },
    {
      label: "Tagged to a team",
      value: percent(c.allocatedPercent),
      detail: `${money(c.unallocated)} unallocated`,
    },
    {
      label: "Open waste / month",
      value: money(w.estimatedMonthlySavings),
      detail: `${plural(w.findings, "finding")} \u00b7 ${money(realised.measured.realisedMonthlySavings)} realised on the bill`,
    },
  ];
}
