/**
 * The web benchmark's load: the calls the overview page makes on its first load with the default range
 * (the last 30 days of /api/range) and when the dimension or range is switched, and the passes that time
 * them from the request to the end of the answer (sequential on one keep-alive connection, and by
 * concurrent clients), with nearest-rank percentiles per route.
 */
import { Agent, get as httpGet } from "node:http";
import { round } from "./figures.js";

export const CLIENTS = 4;
/** The overview's windows: the default range (30 days), the other preset (90), hotspots' week. */
export const RANGE_DAYS = 30;
const LONG_RANGE_DAYS = 90;
export const HOTSPOT_DAYS = 7;
export const TOP = 8;
const HOTSPOT_LIMIT = 10;

export interface Route {
  name: string;
  path: string;
  /** What the page does that makes this call. */
  when: string;
}

const DAY_MS = 86_400_000;
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function overviewRoutes(range: { first: string; last: string }): Route[] {
  const to = addDays(range.last, 1);
  const from = addDays(to, -RANGE_DAYS);
  const longFrom = addDays(to, -LONG_RANGE_DAYS);
  const previousFrom = addDays(from, -RANGE_DAYS);
  const q = (params: Record<string, string | number>) =>
    new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const routes: Route[] = [
    { name: "range", path: "/api/range", when: "first load" },
    { name: "findings-summary", path: "/api/findings/summary", when: "first load" },
    { name: "coverage-30d", path: `/api/coverage?${q({ from, to })}`, when: "first load (headline)" },
  ];
  if (previousFrom >= range.first) {
    routes.push({
      name: "coverage-previous-30d",
      path: `/api/coverage?${q({ from: previousFrom, to: from })}`,
      when: "first load (headline's change against the 30 days before)",
    });
  }
  routes.push(
    {
      name: "daily-service-30d",
      path: `/api/costs/daily?${q({ by: "service", from, to, top: TOP })}`,
      when: "first load (spend chart)",
    },
    {
      name: "daily-team-30d",
      path: `/api/costs/daily?${q({ by: "team", from, to, top: TOP })}`,
      when: "dimension switched to team",
    },
    {
      name: "daily-account-30d",
      path: `/api/costs/daily?${q({ by: "account", from, to, top: TOP })}`,
      when: "dimension switched to account",
    },
    {
      name: "daily-service-90d",
      path: `/api/costs/daily?${q({ by: "service", from: longFrom, to, top: TOP })}`,
      when: "range switched to 90 days",
    },
  );
  for (const by of ["service", "team", "account", "resource"]) {
    routes.push({
      name: `hotspots-${by}`,
      path: `/api/hotspots?${q({ by, to, days: HOTSPOT_DAYS, limit: HOTSPOT_LIMIT })}`,
      when: "first load (hotspot tables)",
    });
  }
  routes.push({
    name: "costs-service-30d",
    path: `/api/costs?${q({ by: "service", from, to })}`,
    when: "the contract's costs (finops costs --json) for the default range",
  });
  return routes;
}

interface Answer {
  ms: number;
  status: number;
  bytes: number;
  body: string;
}

function request(agent: Agent, base: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpGet(`${base}${path}`, { agent, headers: { accept: "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const ms = performance.now() - started;
        const body = Buffer.concat(chunks);
        resolve({ ms, status: res.statusCode ?? 0, bytes: body.length, body: body.toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

export async function call(agent: Agent, base: string, route: Route): Promise<Answer> {
  const answer = await request(agent, base, route.path);
  if (answer.status !== 200)
    throw new Error(`${route.name}: GET ${route.path}: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
  return answer;
}

export interface Stats {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Nearest-rank percentiles. */
export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return {
    samples: sorted.length,
    p50Ms: round(rank(0.5), 2),
    p95Ms: round(rank(0.95), 2),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN, 2),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length), 2),
  };
}

export interface Pass {
  routes: ({ route: string } & Stats)[];
  overall: Stats;
  wallSeconds: number;
}

function passReport(routes: Route[], samples: Map<string, number[]>, wallSeconds: number): Pass {
  return {
    routes: routes.map((route) => ({ route: route.name, ...stats(samples.get(route.name) ?? []) })),
    overall: stats([...samples.values()].flat()),
    wallSeconds: round(wallSeconds, 2),
  };
}

/** K rounds over the routes on one keep-alive connection. */
export async function sequentialPass(base: string, routes: Route[], k: number): Promise<Pass> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples = new Map<string, number[]>(routes.map((r) => [r.name, []]));
  const started = performance.now();
  try {
    for (let round = 0; round < k; round++) {
      for (const route of routes) samples.get(route.name)?.push((await call(agent, base, route)).ms);
    }
  } finally {
    agent.destroy();
  }
  return passReport(routes, samples, (performance.now() - started) / 1000);
}

/** CLIENTS clients at once, each K rounds over the routes from its own starting route. */
export async function concurrentPass(base: string, routes: Route[], k: number): Promise<Pass> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const samples = new Map<string, number[]>(routes.map((r) => [r.name, []]));
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const offset = Math.floor((client * routes.length) / CLIENTS);
        for (let round = 0; round < k; round++) {
          for (let i = 0; i < routes.length; i++) {
            const route = routes[(offset + i) % routes.length] as Route;
            samples.get(route.name)?.push((await call(agent, base, route)).ms);
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return passReport(routes, samples, (performance.now() - started) / 1000);
}
