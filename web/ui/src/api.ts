/** The JSON API of `finops serve`: types and one function per endpoint. Money is a number in the billing currency. */

export type Day = string; // YYYY-MM-DD

export interface BillingRange {
  first: Day | null;
  last: Day | null;
}

export type CostDimension = "service" | "account" | "team";
export type HotspotDimension = "service" | "team" | "account" | "resource";

export interface DailyCosts {
  by: string;
  days: Day[];
  series: { key: string; values: number[] }[];
  total: number[];
}

export interface Hotspot {
  key: string | null;
  current: number;
  previous: number;
  change: number;
  changePercent: number | null;
}

export interface Coverage {
  total: number;
  allocated: number;
  unallocated: number;
  share: number;
}

export type Severity = "low" | "medium" | "high" | (string & {});

export interface Finding {
  id: string;
  rule: string;
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  team: string | null;
  severity: Severity;
  reason: string;
  evidence: Record<string, unknown>;
  monthlyCost: number | null;
  monthlyCostSource: string | null;
  monthlyCostNote: string | null;
  estimatedMonthlySavings: number | null;
  action: string | null;
  protected: boolean;
  /** The other open findings on the same resource: its savings count once in every total. */
  overlaps: { rule: string; id: string }[];
  status: "open" | "resolved" | (string & {});
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
}

export interface SummaryRow {
  key: string | null;
  count: number;
  monthlyCost: number;
  savings: number;
}

export interface FindingsSummary {
  /** Each rule's own figures: a resource flagged by several rules is in each. */
  byRule: SummaryRow[];
  /** savings: each resource counted once (the one action taken). */
  byTeam: SummaryRow[];
  total: SavingsTotal;
  filters: FindingFilterValues;
}

/** The open findings' savings counted once per resource, and what the rules claim summed. */
export interface SavingsTotal {
  count: number;
  resources: number;
  savings: number;
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

export const FINDING_SORTS = [
  "savings",
  "monthlyCost",
  "rule",
  "team",
  "severity",
  "account",
  "region",
  "firstSeen",
] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];

export interface FindingQuery {
  rule?: string;
  team?: string;
  severity?: string;
  account?: string;
  region?: string;
  status?: string;
  sort?: FindingSort;
  order?: "asc" | "desc";
  limit: number;
  offset: number;
}

export interface FindingsPage {
  findings: Finding[];
  /** X-Total-Count: every finding that matches the filters, across pages. */
  total: number;
}

export interface ResourceCosts {
  resourceId: string;
  days: Day[];
  values: number[];
}

export interface Approval {
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
  valid: boolean;
}

export interface PlanSummary {
  planId: string;
  createdAt: string;
  items: number;
  savings: number;
  approval: Approval | null;
  results: { done: number; skipped: number; failed: number };
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
  team: string | null;
  approval: "manual" | "auto" | (string & {});
  markValue: string | null;
  preconditions: { state: string | null; attachments: string[]; tags: Record<string, string> };
}

export interface HistoryEntry {
  planId: string;
  runId: string;
  resourceId: string;
  action: string;
  status: "done" | "skipped" | "failed" | (string & {});
  approvedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  detail: string | null;
}

export interface Plan {
  planId: string;
  createdAt: string;
  evaluatedAt: string;
  dryRun: true;
  /** Set when what the plan was made from has changed since: it can no longer be approved as it is. */
  altered?: string | null;
  items: PlanItem[];
  approval: Approval | null;
  history: HistoryEntry[];
}

export interface ApprovalResult {
  planId: string;
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
}

/** A failed request: the HTTP status (0: the server could not be reached) and the API's own `error` message. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

type Params = Record<string, string | number | undefined | null>;

function url(path: string, params: Params = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: "same-origin", cache: "no-store" });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "The finops server cannot be reached. Is `finops serve` still running?");
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`.trim();
    try {
      const body = (await response.json()) as { error?: unknown };
      if (typeof body.error === "string" && body.error) message = body.error;
    } catch {
      // Not JSON (a proxy's error page): the status line says enough.
    }
    throw new ApiError(response.status, message);
  }
  return response;
}

async function getJson<T>(path: string, params: Params, signal?: AbortSignal): Promise<T> {
  const response = await send(url(path, params), { headers: { Accept: "application/json" }, signal });
  return (await response.json()) as T;
}

export const api = {
  range: (signal?: AbortSignal) => getJson<BillingRange>("/api/range", {}, signal),

  dailyCosts: (by: CostDimension, from: Day, to: Day, top: number, signal?: AbortSignal) =>
    getJson<DailyCosts>("/api/costs/daily", { by, from, to, top }, signal),

  hotspots: (by: HotspotDimension, to: Day, days: number, limit: number, signal?: AbortSignal) =>
    getJson<Hotspot[]>("/api/hotspots", { by, to, days, limit }, signal),

  coverage: (from: Day, to: Day, signal?: AbortSignal) =>
    getJson<Coverage>("/api/coverage", { from, to }, signal),

  findingsSummary: (signal?: AbortSignal) => getJson<FindingsSummary>("/api/findings/summary", {}, signal),

  findings: async (query: FindingQuery, signal?: AbortSignal): Promise<FindingsPage> => {
    const response = await send(url("/api/findings", { ...query }), {
      headers: { Accept: "application/json" },
      signal,
    });
    const findings = (await response.json()) as Finding[];
    const header = Number(response.headers.get("X-Total-Count"));
    const total = Number.isFinite(header) && response.headers.has("X-Total-Count") ? header : findings.length;
    return { findings, total };
  },

  resourceCosts: (resourceId: string, days: number, signal?: AbortSignal) =>
    getJson<ResourceCosts>(`/api/resources/${encodeURIComponent(resourceId)}/costs`, { days }, signal),

  plans: (signal?: AbortSignal) => getJson<PlanSummary[]>("/api/plans", {}, signal),

  plan: (planId: string, signal?: AbortSignal) =>
    getJson<Plan>(`/api/plans/${encodeURIComponent(planId)}`, {}, signal),

  /** The token is only sent, never kept: it lives in the form's state until the answer comes. */
  approve: async (planId: string, by: string, token: string): Promise<ApprovalResult> => {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Accept: "application/json",
    };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await send(`/api/plans/${encodeURIComponent(planId)}/approve`, {
      method: "POST",
      headers,
      body: JSON.stringify({ by }),
    });
    return (await response.json()) as ApprovalResult;
  },
};
