import type { DuckDBConnection } from "@duckdb/node-api";
import type { CommitmentsConfig } from "../../config/commitments.js";
import { add, percentChange, percentOf, subtract, ZERO } from "../../core/decimal.js";
import type { Decimal } from "../../core/money.js";
import type { CostLine } from "../../store/costs.js";
import { anomalies, type DailySeries, detectAnomalies } from "./anomalies.js";
import { accountNames, currencies } from "./billing-facts.js";
import { breakdown, movers, totalOf } from "./breakdown.js";
import { commitmentsOfWeeks } from "./commitments.js";
import { actualMonthEnd, forecastMonthEnd, monthOf } from "./forecast.js";
import { kubernetesOfWeeks } from "./kubernetes.js";
import type {
  Comparison,
  DailySpend,
  Money,
  MonthToDate,
  TagCoverage,
  WeeklyReport,
  Window,
} from "./model.js";
import { savingsRealised } from "./savings.js";
import { dailySpendBy, type SpendSource, spendBy } from "./spend.js";
import { wasteFound } from "./waste.js";
import { addDays, type IsoWeek, isoDate, shiftWeek } from "./week.js";

/** How many rows each table shows before the rest goes into "Other". */
const TOP_ROWS = { service: 10, account: 10, team: 12 } as const;
const TOP_MOVERS = 5;
const TOP_FINDINGS = 10;
/** Services drawn as their own colour in the daily chart; the rest is one "Other" band. */
const CHART_SERVICES = 6;
/** The daily chart shows the week and the three before it; the anomaly baselines reach as far back. */
const DAILY_WEEKS = 4;

export interface WeeklyOptions {
  week: IsoWeek;
  teamKeys: string[];
  caseInsensitiveTags: boolean;
  /** What the report calls the cost no team tag names (rules.yaml tags.noTeamLabel). */
  noTeamLabel: string;
  generatedAt: Date;
  /** rules.yaml's commitments section (what is eligible usage, how far ahead expiry warns). */
  commitments: CommitmentsConfig;
  /** The instant the commitments' expiry is measured from: the run's now (--now), not the week's end. */
  now: Date;
}

export const windowOf = (week: IsoWeek): Window => ({
  from: isoDate(week.start),
  to: isoDate(addDays(week.start, 7)),
});

/** Days of a week, as offsets from its Monday: from inclusive, to exclusive. */
interface Span {
  first: number;
  end: number;
}

const FULL_WEEK: Span = { first: 0, end: 7 };

/** The same days of the week in another week: a partial week is compared like with like. */
const spanOf = (week: IsoWeek, span: Span): Window => ({
  from: isoDate(addDays(week.start, span.first)),
  to: isoDate(addDays(week.start, span.end)),
});

/** The report week's span from its first to its last billed day (the whole week when none is billed). */
function billedSpan(billed: boolean[]): Span {
  const first = billed.indexOf(true);
  return first < 0 ? FULL_WEEK : { first, end: billed.lastIndexOf(true) + 1 };
}

function comparison(current: Money, week: IsoWeek, span: Span, lines: CostLine[]): Comparison {
  const then = totalOf(lines);
  return {
    week: week.label,
    ...spanOf(week, span),
    days: span.end - span.first,
    ...then,
    effectiveChange: subtract(current.effectiveCost, then.effectiveCost),
    effectiveChangePercent: percentChange(current.effectiveCost, then.effectiveCost),
    billedChange: subtract(current.billedCost, then.billedCost),
    billedChangePercent: percentChange(current.billedCost, then.billedCost),
  };
}

const serviceLabel = (key: string | null) => key ?? "(no service name)";

function tagCoverage(teamKeys: string[], lines: CostLine[]): TagCoverage {
  const total = totalOf(lines).effectiveCost;
  const unallocated = lines.find((l) => l.key === null)?.effectiveCost ?? ZERO;
  const allocated = subtract(total, unallocated);
  return { teamKeys, allocated, unallocated, total, allocatedPercent: percentOf(allocated, total) };
}

/** Aligns each key's daily money on the list of days (0 where a day has no row for it). */
function series(
  daily: { day: string; lines: CostLine[] }[],
  label: (key: string | null) => string,
): DailySeries[] {
  const byKey = new Map<string | null, Decimal[]>();
  daily.forEach(({ lines }, i) => {
    for (const line of lines) {
      const values = byKey.get(line.key) ?? daily.map(() => ZERO);
      values[i] = line.effectiveCost;
      byKey.set(line.key, values);
    }
  });
  return [...byKey].map(([key, values]) => ({ key, label: label(key), values }));
}

function dailySpend(
  daily: { day: string; lines: CostLine[] }[],
  charted: (string | null)[],
  weekFrom: string,
): DailySpend[] {
  return daily.map(({ day, lines }) => {
    const byService: Record<string, Decimal> = {};
    for (const key of charted) {
      byService[serviceLabel(key)] = lines.find((l) => l.key === key)?.effectiveCost ?? ZERO;
    }
    const rest = lines.filter((l) => !charted.includes(l.key)).map((l) => l.effectiveCost);
    byService.Other = add(...rest);
    return {
      day,
      inWeek: day >= weekFrom,
      hasBilling: lines.length > 0,
      ...totalOf(lines),
      byService,
    };
  });
}

/**
 * Month to date up to the month's last billed day in the week, and the month's end: the bill's own total
 * once it has the month's last day (a closed month is no forecast), else the week's run rate.
 */
async function monthToDate(
  source: SpendSource,
  weekEnd: Date,
  week: Money,
  weekBilled: number,
): Promise<MonthToDate> {
  const month = monthOf(weekEnd);
  const billedDays = (await dailySpendBy(source, "account", month.start, month.daysInMonth)).map(
    (d) => d.lines.length > 0,
  );
  const weekEndDay = Math.round((weekEnd.getTime() - month.start.getTime()) / 86_400_000);
  const billedThrough = billedDays.slice(0, weekEndDay).lastIndexOf(true) + 1;
  const window: Window = {
    from: month.from,
    to: billedThrough ? isoDate(addDays(month.start, billedThrough)) : isoDate(weekEnd),
  };
  const toDate = totalOf(await spendBy(source, "service", window));
  const closed = billedDays[month.daysInMonth - 1] === true;
  return {
    month: month.month,
    ...window,
    days: billedThrough,
    ...toDate,
    monthEnd: closed
      ? actualMonthEnd(totalOf(await spendBy(source, "service", month)), month.daysInMonth)
      : forecastMonthEnd(toDate, week, {
          weekBilled,
          monthBilledThrough: billedThrough,
          daysInMonth: month.daysInMonth,
        }),
  };
}

/**
 * The report model. Every cost figure comes from `costsBy`, the query behind `finops costs`, over the
 * same windows a user would type: the report reconciles with it by construction.
 */
export async function weeklyReport(
  connection: DuckDBConnection,
  options: WeeklyOptions,
): Promise<WeeklyReport> {
  const source: SpendSource = {
    connection,
    teamKeys: options.teamKeys,
    caseInsensitiveTags: options.caseInsensitiveTags,
  };
  const teamLabel = (key: string | null) => key ?? options.noTeamLabel;
  const week = options.week;
  const window = windowOf(week);
  const previousWeek = shiftWeek(week, -1);
  const earlier = shiftWeek(week, -4);

  // The days first: which days of the week are billed decides what the earlier weeks are compared over.
  const firstDay = addDays(week.start, -7 * (DAILY_WEEKS - 1));
  const days = 7 * DAILY_WEEKS;
  const dailyServices = await dailySpendBy(source, "service", firstDay, days);
  const dailyTeams = await dailySpendBy(source, "team", firstDay, days);
  const hasBilling = dailyServices.map((d) => d.lines.length > 0);
  const firstJudged = days - 7;
  const anomalyInput = { days: dailyServices.map((d) => d.day), hasBilling, firstJudged };
  const weekBilled = hasBilling.slice(firstJudged);
  const billedDays = weekBilled.filter(Boolean).length;
  const span = billedSpan(weekBilled);
  const previousSpan = spanOf(previousWeek, span);

  // One query at a time: a DuckDB connection runs one statement at once anyway.
  const service = await spendBy(source, "service", window);
  const servicePrevious = await spendBy(source, "service", previousSpan);
  const account = await spendBy(source, "account", window);
  const accountPrevious = await spendBy(source, "account", previousSpan);
  const team = await spendBy(source, "team", window);
  const teamPrevious = await spendBy(source, "team", previousSpan);
  const serviceEarlier = await spendBy(source, "service", spanOf(earlier, span));

  const current = totalOf(service);
  const names = await accountNames(connection, { from: windowOf(previousWeek).from, to: window.to });
  const accountLabel = (key: string | null) => {
    const name = key === null ? undefined : names.get(key);
    return key === null ? "(no account)" : name ? `${key} (${name})` : key;
  };

  const { waste, topFindings } = await wasteFound(connection, TOP_FINDINGS);

  return {
    report: "weekly",
    week: week.label,
    ...window,
    lastDay: isoDate(addDays(week.start, 6)),
    generatedAt: options.generatedAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    currencies: await currencies(connection, window),
    noTeamLabel: options.noTeamLabel,
    hasBilling: service.length > 0,
    complete: billedDays === 7,
    billedDays,
    compared: { ...spanOf(week, span), days: span.end - span.first },
    totals: {
      current,
      previousWeek: comparison(current, previousWeek, span, servicePrevious),
      fourWeeksEarlier: comparison(current, earlier, span, serviceEarlier),
    },
    byService: breakdown("service", service, servicePrevious, TOP_ROWS.service, serviceLabel),
    byAccount: breakdown("account", account, accountPrevious, TOP_ROWS.account, accountLabel),
    byTeam: breakdown("team", team, teamPrevious, TOP_ROWS.team, teamLabel),
    topMovers: {
      service: movers("service", service, servicePrevious, serviceLabel, TOP_MOVERS),
      team: movers("team", team, teamPrevious, teamLabel, TOP_MOVERS),
    },
    daily: dailySpend(
      dailyServices,
      service.slice(0, CHART_SERVICES).map((l) => l.key),
      window.from,
    ),
    monthToDate: await monthToDate(source, addDays(week.start, 7), current, billedDays),
    anomalies: anomalies([
      ...detectAnomalies({
        ...anomalyInput,
        dimension: "service",
        series: series(dailyServices, serviceLabel),
      }),
      ...detectAnomalies({ ...anomalyInput, dimension: "team", series: series(dailyTeams, teamLabel) }),
    ]),
    tagCoverage: tagCoverage(options.teamKeys, team),
    waste,
    savingsRealised: await savingsRealised(connection, {
      from: isoDate(firstDay),
      to: window.to,
      weekFrom: window.from,
    }),
    topFindings,
    // Over the same days as the spend comparison: the whole weeks, or a partial week's billed span and
    // the same days the week before, so unused money is never a few days against a whole week.
    commitments: await commitmentsOfWeeks(connection, options.commitments, {
      current: { week: week.label, ...spanOf(week, span) },
      previous: { week: previousWeek.label, ...previousSpan },
      now: options.now,
    }),
    // The same days as the spend comparison, like the commitments.
    kubernetes: await kubernetesOfWeeks(source, {
      current: spanOf(week, span),
      previous: previousSpan,
    }),
  };
}
