/**
 * The JSON API of `finops serve`, as the wire carries it: what each route sends, shared by the server
 * (web/api/*.ts checks every body against it: web/api/wire.ts) and the page (web/ui/src/api.ts). Money
 * is a number in the billing currency (the server writes Decimals as exact number literals); times are
 * ISO 8601 UTC texts. Types only, importing nothing: the page's build type-checks it and bundles none of it.
 */

export type Day = string; // YYYY-MM-DD

/** An answer other than 2xx: what is wrong, in one line. */
export interface ApiErrorBody {
  error: string;
}

/* ---------- costs: web/api/costs.ts ---------- */

/** GET /api/range: the first and last day of billing, null on an empty database. */
export interface BillingRange {
  first: Day | null;
  last: Day | null;
}

/** GET /api/costs: the objects of `finops costs --json`. */
export interface CostLine {
  /** null: the rows without one (untagged; for cluster and namespace, the bill outside Kubernetes). */
  key: string | null;
  billedCost: number;
  effectiveCost: number;
  /** cluster and namespace: the unused capacity of a cluster's nodes (its key ends "(idle)"). */
  idle?: boolean;
}

/**
 * Kubernetes dimensions, from the bill's split cost allocation data: keys are a cluster's name or
 * `CLUSTER/NAMESPACE`; `CLUSTER (idle)` and `CLUSTER/(idle)` its nodes' unused capacity; `CLUSTER/(not split)`
 * its control plane and nodes without split data. Every dimension adds up to the same total.
 */
export type KubernetesDimension = "cluster" | "namespace";
export type CostDimension = "service" | "account" | "team" | KubernetesDimension;
export type DailyDimension = CostDimension | "region";
export type HotspotDimension = DailyDimension | "resource";

/** One stacked series of the daily chart. */
export interface DailySeries {
  /**
   * The key; "Other": the keys past the top; the rows without a key: tags.noTeamLabel by team, "(not
   * Kubernetes)" by cluster or namespace, else "(none)".
   */
  key: string;
  values: number[];
  /** cluster and namespace: unused node capacity, never folded into "Other" ("Other (idle)" past the top). */
  idle?: boolean;
  /** cluster and namespace: false for "(not Kubernetes)", the rest of the bill. */
  kubernetes?: boolean;
}

/** GET /api/costs/daily: effective cost per day of the top keys, the rest as "Other". */
export interface DailyCosts {
  by: DailyDimension;
  days: Day[];
  series: DailySeries[];
  total: number[];
  /** cluster and namespace: the range has split cost allocation data (a node divided among its pods). */
  split?: boolean;
}

/** GET /api/hotspots: one key's spend in a window and in the window before. */
export interface Hotspot {
  key: string | null;
  current: number;
  previous: number;
  change: number;
  /** null when the window before spent nothing. */
  changePercent: number | null;
  /** cluster and namespace: the key is a cluster's unused capacity. */
  idle?: boolean;
}

/** GET /api/coverage: the spend that has a team. */
export interface Coverage {
  total: number;
  allocated: number;
  unallocated: number;
  /** allocated / total; null when nothing was spent. */
  share: number | null;
}

/** GET /api/resources/{id}/costs: the resource's daily effective cost, 0 on days billing does not name it. */
export interface ResourceCosts {
  resourceId: string;
  days: Day[];
  values: number[];
}

/* ---------- commitments: web/api/commitments.ts ---------- */

/** What GET /api/commitments groups by (`by=`). */
export type CommitmentDimension = "commitment" | "type" | "account" | "service";

/** The window's totals; rates are fractions (0.851 is 85.1%), null where their base is zero. */
export interface CommitmentSummary {
  /** usedCost + unusedCost: the commitments' amortized cost in the window. */
  commitmentCost: number;
  usedCost: number;
  unusedCost: number;
  utilization: number | null;
  onDemandEquivalentCost: number;
  savings: number;
  effectiveSavingsRate: number | null;
  coverage: number | null;
  /** Eligible usage no commitment covered, at its on-demand cost. */
  eligibleOnDemandCost: number;
}

/** One Savings Plan or reservation; its terms are null where no source says them. */
export interface CommitmentLine {
  commitmentId: string;
  type: string | null;
  account: string | null;
  start: string | null;
  end: string | null;
  term: string | null;
  purchaseOption: string | null;
  commitmentCost: number;
  usedCost: number;
  unusedCost: number;
  utilization: number | null;
  onDemandEquivalentCost: number;
  savings: number;
}

/** The same figures grouped by `by` (key null: rows without one). */
export interface CommitmentGroup {
  key: string | null;
  commitmentCost: number;
  usedCost: number;
  unusedCost: number;
  utilization: number | null;
  onDemandEquivalentCost: number;
  savings: number;
}

/** A commitment ending within commitments.expiryWarningDays of the server's now. */
export interface ExpiringCommitment {
  commitmentId: string;
  type: string | null;
  account: string | null;
  end: string;
  daysLeft: number;
  /** What it covered in the 30 days before now, on demand: what returns each month if not renewed. */
  monthlyOnDemandCost: number;
  monthlyCommitmentCost: number;
}

/** GET /api/commitments: `finops commitments --json` without its recommendations. */
export interface CommitmentReport {
  from: Day;
  to: Day;
  by: CommitmentDimension;
  summary: CommitmentSummary;
  /** Every commitment of the window, the most unused money first. */
  commitments: CommitmentLine[];
  groups: CommitmentGroup[];
  /** The soonest first. */
  expiring: ExpiringCommitment[];
}

/* ---------- findings and resources: web/api/findings.ts ---------- */

/**
 * GET /api/findings (a page; the whole count in X-Total-Count): the objects of `finops findings --json`.
 * Its filters (rule, team, severity, account, region, status; GET /api/findings/totals takes the same)
 * are checked: an unknown rule, team, account or region, or a parameter the route does not take, is
 * refused (400) with the nearest known value. `team` takes the summary's noTeamLabel or "unowned".
 * Findings that tie on savings follow their monthly cost (then id).
 */
export interface Finding {
  id: string;
  rule: string;
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  /** The owning team, "unowned" when no team tag names one (shown as the summary's noTeamLabel). */
  team: string;
  /** "low", "medium" or "high". */
  severity: string;
  reason: string;
  /** What the rule saw: a JSON object of the rule's own keys, or null. */
  evidence: unknown;
  monthlyCost: number | null;
  /** "billing", "billing-unit-price", "price-list", "no-usage", or null. */
  monthlyCostSource: string | null;
  monthlyCostNote: string | null;
  estimatedMonthlySavings: number | null;
  action: string;
  protected: boolean;
  /** The other open findings on the same resource: its savings count once in every total. */
  overlaps: { rule: string; id: string }[];
  status: "open" | "resolved";
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
}

/** What GET /api/findings sorts by (`sort=`). */
export type FindingSort =
  | "savings"
  | "monthlyCost"
  | "rule"
  | "team"
  | "severity"
  | "account"
  | "region"
  | "firstSeen";

export interface SummaryRow {
  key: string;
  count: number;
  monthlyCost: number;
  savings: number;
}

/**
 * Findings' savings counted once per resource, and what the rules claim summed: the open findings' in
 * the summary; GET /api/findings/totals: the whole filter's, as `finops findings` totals it.
 */
export interface SavingsTotal {
  count: number;
  resources: number;
  savings: number;
  /** What the flagged resources cost a month, each resource once. */
  monthlyCost: number;
  grossSavings: number;
  overlappingFindings: number;
  overlappingResources: number;
}

export interface FindingFilterValues {
  rules: string[];
  teams: string[];
  severities: string[];
  accounts: string[];
  regions: string[];
}

/** GET /api/findings/summary: the open findings' money, and the values the filters offer. */
export interface FindingsSummary {
  /** Each rule's own figures: a resource flagged by several rules is in each. */
  byRule: SummaryRow[];
  /** savings: each resource counted once (the one action taken). */
  byTeam: SummaryRow[];
  total: SavingsTotal;
  /** The teams' names as people read them (and ?team= takes them): no team is noTeamLabel. */
  filters: FindingFilterValues;
  /** rules.yaml's tags.noTeamLabel: what shows for a finding whose team is "unowned". byTeam's key is it too. */
  noTeamLabel: string;
  /** The filters' accounts' names as billing gives them (the CLI's "437210371508 (prod)"); ids without one are absent. */
  accountNames: Record<string, string>;
}

/** One evidence key in words (core/evidence-words.ts): its label is `words, unit`. */
export interface EvidenceTerm {
  words: string;
  unit?: string;
  /** How its value reads: money a month (billing currency), bytes, or a share (0.85 is 85%). */
  value?: "money" | "bytes" | "share";
}

/** A rule as the page labels it. */
export interface RuleLabel {
  id: string;
  /** Its title (rules.yaml's, else its kind's); the id for a rule only stored findings name. */
  title: string;
  /** null: a rule rules.yaml no longer lists. */
  kind: string | null;
  enabled: boolean;
}

/** GET /api/rules: the rules of rules.yaml (then those only stored findings name) and the evidence keys' words. */
export interface RuleCatalogue {
  rules: RuleLabel[];
  evidence: Record<string, EvidenceTerm>;
}

/** GET /api/resources: the objects of `finops resources --json`. */
export interface Resource {
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  state: string | null;
  createdAt: string | null;
  tags: Record<string, string>;
  team: string | null;
  monthlyCost: number | null;
}

/* ---------- plans: web/api/plans.ts ---------- */

/** A plan's latest approval; valid: not expired when the server answered. */
export interface Approval {
  planId: string;
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
  valid: boolean;
}

/** GET /api/plans: one entry a plan, with its apply runs' item outcomes counted. */
export interface PlanSummary {
  planId: string;
  createdAt: string;
  items: number;
  savings: number;
  approval: Approval | null;
  results: { done: number; skipped: number; failed: number };
}

/** A resource as described when the plan was made: what apply checks again before acting. */
export interface Preconditions {
  state: string | null;
  attachments: string[];
  tags: Record<string, string>;
}

export interface PlanItem {
  resourceId: string;
  resourceType: string;
  action: string;
  rule: string;
  reason: string;
  estimatedMonthlySavings: number | null;
  account: string;
  region: string;
  team: string;
  approval: "manual" | "auto";
  markValue: string | null;
  preconditions: Preconditions;
}

/** One action of the remediation journal: the objects of `finops history --json`. */
export interface HistoryEntry {
  planId: string;
  /** The item's index in its plan. */
  item: number;
  runId: string;
  resourceId: string;
  action: string;
  /** "done", "skipped", "failed", or "interrupted" (the run stopped at this item). */
  status: string;
  approvedBy: string | null;
  startedAt: string;
  finishedAt: string;
  detail: string | null;
  before: unknown;
  after: unknown;
  estimatedMonthlySavings: number | null;
  /** What the bill shows it saved a month; null while pending, not measurable, or nothing to measure. */
  realisedMonthlySavings: number | null;
  realisedStatus: "measured" | "pending" | "unmatched" | null;
  billedDaysBefore: number | null;
  billedDaysAfter: number | null;
}

/** GET /api/plans/{planId}: the plan, its approval and what its apply runs did. */
export interface Plan {
  planId: string;
  createdAt: string;
  evaluatedAt: string;
  dryRun: true;
  /** Set when what the plan was made from has changed since: it can no longer be approved as it is. */
  altered: string | null;
  items: PlanItem[];
  approval: Approval | null;
  history: HistoryEntry[];
}

/** POST /api/plans/{planId}/approve (bearer token): the approval recorded. */
export interface ApprovalResult {
  planId: string;
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
}
