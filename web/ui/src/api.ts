/** The JSON API of `finops serve`: one function per endpoint, typed by the contract the server is held to. */

import type {
  ApprovalResult,
  BillingRange,
  CommitmentDimension,
  CommitmentReport,
  CostDimension,
  Coverage,
  DailyCosts,
  Day,
  Finding,
  FindingSort,
  FindingsSummary,
  Hotspot,
  HotspotDimension,
  Plan,
  PlanSummary,
  ResourceCosts,
  RuleCatalogue,
  SavingsTotal,
} from "../../contract";

// The server's own types (web/contract.ts, which its routes are checked against): never a copy here.
export type * from "../../contract";

/** Every sort the API takes, in the order the sort menu lists them: a sort the API gains is a type error here. */
const SORTS: Record<FindingSort, true> = {
  savings: true,
  monthlyCost: true,
  rule: true,
  team: true,
  severity: true,
  account: true,
  region: true,
  firstSeen: true,
};
export const FINDING_SORTS = Object.keys(SORTS) as readonly FindingSort[];

/**
 * The parameters of GET /api/findings (and, without sort, order, limit and offset, of /api/findings/totals)
 * as the findings page's address holds them: its filters, sort and any other parameter the address names,
 * passed on as they are, so that the API's refusal of a bad one (400) is what the page shows.
 */
export type FindingParams = Record<string, string | number | undefined>;

export interface FindingsPage {
  findings: Finding[];
  /** X-Total-Count: every finding that matches the filters, across pages. */
  total: number;
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

/* ---------- the read token: a server beyond loopback answers reads only to a bearer token ---------- */

/** Where the read token is kept: this tab's sessionStorage, gone when the tab closes (never the URL). */
const TOKEN_KEY = "finops-read-token";
/** The token when sessionStorage is refused (a locked-down browser): this page's life only. */
let tokenInMemory: string | null = null;

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return tokenInMemory;
  }
}

export function keepReadToken(token: string): void {
  tokenInMemory = token;
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Kept in memory only: asked again after a reload.
  }
}

export function forgetReadToken(): void {
  tokenInMemory = null;
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing was kept there.
  }
}

/** A read the server refused for want of a token (401) or for a wrong one (403). */
export type ReadRefusal = { status: 401 | 403; message: string };
const refusalListeners = new Set<(refusal: ReadRefusal) => void>();

/** Calls the listener whenever a read is refused for its token; returns the unsubscribe. */
export function onReadRefused(listener: (refusal: ReadRefusal) => void): () => void {
  refusalListeners.add(listener);
  return () => refusalListeners.delete(listener);
}

/** The one helper every read goes through: it sends the read token, and reports its refusal. */
async function read(path: string, signal: AbortSignal | undefined, token = readToken()): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await send(path, { headers, signal });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      for (const listener of refusalListeners) listener({ status: error.status, message: error.message });
    }
    throw error;
  }
}

async function getJson<T>(path: string, params: Params, signal?: AbortSignal): Promise<T> {
  const response = await read(url(path, params), signal);
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

  commitments: (from: Day, to: Day, by: CommitmentDimension, signal?: AbortSignal) =>
    getJson<CommitmentReport>("/api/commitments", { from, to, by }, signal),

  findingsSummary: (signal?: AbortSignal) => getJson<FindingsSummary>("/api/findings/summary", {}, signal),

  rules: (signal?: AbortSignal) => getJson<RuleCatalogue>("/api/rules", {}, signal),

  /** The whole filter's count and money, each resource counted once (not the page's). */
  findingsTotals: (filters: FindingParams, signal?: AbortSignal) =>
    getJson<SavingsTotal>("/api/findings/totals", filters, signal),

  findings: async (params: FindingParams, signal?: AbortSignal): Promise<FindingsPage> => {
    const response = await read(url("/api/findings", params), signal);
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

  /**
   * Whether the server reads with this token: resolves when it does, throws the ApiError (403: wrong
   * token) when not. Not kept here: the sign-in box keeps it once it works.
   */
  checkReadToken: async (token: string): Promise<void> => {
    const response = await read("/api/range", undefined, token);
    await response.body?.cancel();
  },

  /**
   * The approver's token is only sent, never kept: it lives in the form's state until the answer comes.
   * The read token is never sent here: approving takes the approver's own.
   */
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
