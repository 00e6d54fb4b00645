import type { Decimal } from "../../core/money.js";
import type { RealisedSaving } from "../../remediation/realised.js";
import type { CommitmentLine, CommitmentSummary, ExpiringCommitment } from "../../store/commitments.js";

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

/**
 * An earlier week over the same days of the week as the report week's billed span (its whole 7 days
 * when the week is complete): a week still being billed is compared like with like.
 */
export interface Comparison extends Window, Money {
  week: string;
  days: number;
  /** This week minus that week. */
  effectiveChange: Decimal;
  effectiveChangePercent: number | null;
  billedChange: Decimal;
  billedChangePercent: number | null;
}

export type Dimension = "service" | "account" | "team" | "cluster" | "namespace";

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

/** The month's total: the bill's own once it has the month's last day, else a forecast. */
export interface MonthEnd {
  basis: "actual" | "forecast";
  method: string;
  effectiveCost: Decimal;
  billedCost: Decimal;
  /** The run rate the forecast adds for each day left; null for an actual. */
  dailyMean: Decimal | null;
  remainingDays: number;
  daysInMonth: number;
}

/** The month of the week's last day, up to its last billed day in the week. */
export interface MonthToDate extends Window, Money {
  month: string;
  /** Days of the month up to the last one billed (within the report week). */
  days: number;
  monthEnd: MonthEnd;
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

/** A remediation action with what its plan estimated and what the bill shows it saved. */
export interface RealisedItem extends Omit<RealisedSaving, "item"> {
  /** Done in the report week (the others are from the three weeks before, measured now). */
  inWeek: boolean;
}

/** Actions done in the report week and the three before, each measured on the bill. */
export interface SavingsRealised extends Window {
  items: RealisedItem[];
  /** What the plans expected of every item. */
  estimatedMonthlySavings: Decimal;
  /** The items the bill has measured: their estimate beside what the bill shows. */
  measured: { items: number; estimatedMonthlySavings: Decimal; realisedMonthlySavings: Decimal };
  /** Items whose days after the action are not billed yet. */
  pending: number;
  /** Items no billing row names, so the bill cannot measure them. */
  unmatched: number;
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

/** One week's commitment summary: `finops commitments --from --to`'s own, rates as fractions (0.851 is 85.1%). */
export interface CommitmentWeek extends Window, CommitmentSummary {
  week: string;
}

/** Savings Plans and reservations in the report week, against the week before. */
export interface CommitmentsWeekly {
  /** The instant `expiring` is measured from: the report run's now. */
  asOf: string;
  expiryWarningDays: number;
  /** False when neither week has a commitment row or eligible usage and nothing expires: the section says so in a line. */
  any: boolean;
  current: CommitmentWeek;
  previousWeek: CommitmentWeek;
  /**
   * This week minus the week before: the rates as a difference of fractions (0.02 is 2 percentage
   * points; null where either week has no rate), unusedCost in money.
   */
  change: {
    utilization: number | null;
    coverage: number | null;
    effectiveSavingsRate: number | null;
    unusedCost: Decimal;
  };
  /** Every commitment of the report week, the most unused money first. */
  commitments: CommitmentLine[];
  /** Commitments ending within expiryWarningDays of asOf, the soonest first. */
  expiring: ExpiringCommitment[];
}

/** A node whose pods left part of it unused, from the bill's split cost allocation data. */
export interface IdleNode {
  /** The node's EC2 instance id (split_line_item_parent_resource_id). */
  node: string;
  idleCost: Decimal;
  /** Its pods' parts and its idle part: the node's instance-hours in the week. */
  cost: Decimal;
  idleShare: number | null;
}

/** Kubernetes in the report week, against the week before: `finops costs --by cluster | namespace | node`. */
export interface KubernetesWeekly {
  /** False when neither week has a cluster's cost: the section says so in a line. */
  any: boolean;
  /** The week has split cost allocation data (a node divided among its pods). */
  split: boolean;
  /** What the clusters cost this week: pods, idle capacity, control planes and nodes outside the split. */
  total: Money;
  /** The unused capacity of the split nodes; share: percent of the clusters' effective cost. */
  idle: { current: Money; previous: Money; share: number | null };
  byCluster: Breakdown;
  byNamespace: Breakdown;
  /** The nodes with the most idle money this week. */
  topIdleNodes: IdleNode[];
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
  /**
   * What the report shows for resources no team tag names (rules.yaml tags.noTeamLabel): the spend by
   * team's keyless row, and the findings' stored team "unowned" (kept as it is in waste and topFindings).
   */
  noTeamLabel: string;
  /** False when no billing row starts in the week: the cost sections are then empty. */
  hasBilling: boolean;
  /** Every day of the week has billing rows. False while the week is still being billed or days are missing. */
  complete: boolean;
  /** Days of the week with at least one billing row. */
  billedDays: number;
  /** The span of the week compared with earlier weeks: its first to its last billed day. */
  compared: Window & { days: number };
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
  commitments: CommitmentsWeekly;
  kubernetes: KubernetesWeekly;
}
