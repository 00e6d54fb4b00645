import type { Decimal } from "../../store/money.js";

// The weekly report as data: every renderer (md, html, csv, json) draws from this one object, so the
// formats cannot disagree. Money is exact Decimal; percentages are rounded numbers for reading.

export interface Money {
  effectiveCost: Decimal;
  billedCost: Decimal;
}

/** A window on ChargePeriodStart: from inclusive, to exclusive, as `finops costs --from --to`. */
export interface Window {
  from: string;
  to: string;
}

export interface Comparison extends Window, Money {
  week: string;
  /** This week minus that week. */
  effectiveChange: Decimal;
  effectiveChangePercent: number | null;
  billedChange: Decimal;
  billedChangePercent: number | null;
}

export type Dimension = "service" | "account" | "team";

export interface BreakdownRow {
  /** The `finops costs` key; null for the rows without one (no team tag) and for the "other" row. */
  key: string | null;
  label: string;
  /** The row that sums every key outside the top rows. */
  other: boolean;
  /** How many keys the row sums (1 except for "other"). */
  keys: number;
  current: Money;
  previous: Money;
  change: Decimal;
  changePercent: number | null;
}

export interface Breakdown {
  dimension: Dimension;
  rows: BreakdownRow[];
  total: { current: Money; previous: Money; change: Decimal; changePercent: number | null };
}

export interface Mover {
  dimension: "service" | "team";
  key: string | null;
  label: string;
  current: Decimal;
  previous: Decimal;
  change: Decimal;
  changePercent: number | null;
}

export interface DailySpend extends Money {
  day: string;
  /** A day of the report's week (the chart also shows the three weeks before). */
  inWeek: boolean;
  /** Whether any billing row starts on that day. */
  hasBilling: boolean;
  /** Effective cost of each charted service (the week's largest) and "Other". */
  byService: Record<string, Decimal>;
}

export interface Forecast {
  method: string;
  effectiveCost: Decimal;
  billedCost: Decimal;
  dailyMean: Decimal;
  remainingDays: number;
  daysInMonth: number;
}

export interface MonthToDate extends Window, Money {
  month: string;
  days: number;
  forecast: Forecast;
}

export interface Anomaly {
  day: string;
  dimension: "service" | "team";
  key: string | null;
  label: string;
  direction: "spike" | "drop";
  effectiveCost: Decimal;
  baseline: Decimal;
  deviation: Decimal;
  threshold: Decimal;
}

export interface Anomalies {
  method: string;
  baselineDays: number;
  k: number;
  minimumAmount: Decimal;
  minimumShare: number;
  items: Anomaly[];
}

export interface TagCoverage {
  teamKeys: string[];
  allocated: Decimal;
  unallocated: Decimal;
  total: Decimal;
  allocatedPercent: number | null;
}

export interface WasteGroup {
  key: string;
  findings: number;
  estimatedMonthlySavings: Decimal;
  monthlyCost: Decimal;
}

export interface Waste {
  /** When the latest analysis ran (the findings' state), or null when none has. */
  asOf: string | null;
  findings: number;
  /** Each resource counted once (store/savings.ts); byTeam's savings sum to it, byRule's to the gross. */
  estimatedMonthlySavings: Decimal;
  /** What the findings claim summed: a resource flagged by several rules is in each. */
  grossEstimatedMonthlySavings: Decimal;
  overlappingFindings: number;
  overlappingResources: number;
  monthlyCost: Decimal;
  byRule: WasteGroup[];
  byTeam: WasteGroup[];
}

export interface RealisedItem {
  planId: string;
  resourceId: string;
  resourceType: string | null;
  action: string;
  rule: string | null;
  team: string | null;
  account: string | null;
  finishedAt: string;
  detail: string | null;
  estimatedMonthlySavings: Decimal | null;
}

export interface SavingsRealised {
  items: RealisedItem[];
  estimatedMonthlySavings: Decimal;
}

export interface TopFinding {
  rule: string;
  severity: string;
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  team: string;
  action: string;
  reason: string;
  monthlyCost: Decimal | null;
  estimatedMonthlySavings: Decimal | null;
  firstSeen: string;
}

export interface WeeklyReport {
  report: "weekly";
  week: string;
  from: string;
  to: string;
  lastDay: string;
  generatedAt: string;
  /** The billing currencies of the week's rows (one, normally). */
  currencies: string[];
  /** False when no billing row starts in the week: the cost sections are then empty. */
  hasBilling: boolean;
  /** Days of the week with at least one billing row. */
  daysWithBilling: number;
  totals: { current: Money; previousWeek: Comparison; fourWeeksEarlier: Comparison };
  byService: Breakdown;
  byAccount: Breakdown;
  byTeam: Breakdown;
  topMovers: { service: Mover[]; team: Mover[] };
  daily: DailySpend[];
  monthToDate: MonthToDate;
  anomalies: Anomalies;
  tagCoverage: TagCoverage;
  waste: Waste;
  savingsRealised: SavingsRealised;
  topFindings: TopFinding[];
}
