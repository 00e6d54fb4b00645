/**
 * The web benchmark: the latency of the overview page's API calls on a large bill (10M billing rows by
 * default). It generates (or reuses) the FOCUS 1.0 CSV of the ingest benchmark, and as a user would:
 * `finops ingest` into a fresh database and `finops analyze` (setup, each a child process measured by
 * measureNode), then `finops serve --port 0 --no-schedules`, timed from spawn to its "listening" line:
 * that start builds the daily aggregates the API reads (ensureCostAggregates). A second start, with the
 * aggregates already current, gives the start-up without the build.
 *
 * Against the first server, the calls the overview makes on its first load with the default range (the
 * last 30 days of /api/range) and when the dimension or range is switched: each route is called once to
 * warm up, then K times sequentially on one keep-alive connection (round-robin over the routes), then
 * K times by each of 4 concurrent clients; per route p50, p95 and max, measured by this process from the
 * request to the end of the answer. The target: p95 of the sequential calls, all routes pooled, < 100 ms.
 *
 * The baseline, in the same run, after the server has stopped: the same figures summed straight from the
 * billing rows without aggregates, in this process (openStore, costsBy of store/costs.ts, and a daily
 * GROUP BY over billing_costs), K/3 times each; the ratios are baseline p95 over the API's p95 of the
 * comparable route.
 *
 * Prints one JSON document on stdout; progress goes to stderr. Exits 0 with a report (target met or not),
 * 1 when a step fails, 2 on bad arguments.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { Agent, get as httpGet } from "node:http";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import { loadConfig } from "../rules/config.js";
import { type CostDimension, costsBy } from "../store/costs.js";
import { openStore } from "../store/database.js";
import { ensureFocusCsv } from "./focus-csv.js";
import {
  ChildFailure,
  type Measurement,
  measureNode,
  PROJECT_ROOT,
  withReadOnlyDatabase,
} from "./measure.js";
import { benchOptions, parseBenchArgs, parseCount, progressOf } from "./options.js";

const DEFAULT_ROWS = 10_000_000;
const MIN_ROWS = 100_000;
const DEFAULT_REQUESTS = 30;
const MIN_REQUESTS = 3;
const CLIENTS = 4;
const TARGET_P95_MS = 100;
/** The overview's windows: the default range (30 days), the other preset (90), hotspots' week. */
const RANGE_DAYS = 30;
const LONG_RANGE_DAYS = 90;
const HOTSPOT_DAYS = 7;
const TOP = 8;
const HOTSPOT_LIMIT = 10;
/** How long a server may take to build the aggregates and listen. */
const LISTEN_TIMEOUT_MS = 15 * 60_000;

const CLI = join(PROJECT_ROOT, "dist", "cli", "main.js");
/** As in measure.ts, which keeps these two to itself (the server is a child that runs until stopped). */
const RUSAGE_HOOK = pathToFileURL(join(PROJECT_ROOT, "dist", "bench", "rusage-hook.js")).href;
const RSS_FILE_ENV = "FINOPS_BENCH_RSS_FILE";

/** The team tag settings the server, analyze and the baseline all read (the defaults, spelled out). */
const RULES_YAML = `tags:
  teamKeys: [team, owner]
  caseInsensitive: true
`;

export const WEB_USAGE = `usage: npm run bench -- web [--rows N] [--requests K] [--data-dir DIR] [--keep]

  --rows N        billing rows of the generated FOCUS CSV (default ${DEFAULT_ROWS}, at least ${MIN_ROWS})
  --requests K    measured calls per route, sequentially and by each of ${CLIENTS} concurrent clients
                  (default ${DEFAULT_REQUESTS}, at least ${MIN_REQUESTS}); the baseline repeats each query K/3 times
  --data-dir DIR  where generated CSV files are kept and reused (default bench-data/ at the project root)
  --keep          keep the temporary directory (database, rules.yaml; its path goes to stderr)`;

interface Options {
  rows: number;
  requests: number;
  dataDir: string;
  keep: boolean;
}

const progress = progressOf("web");

function parseOptions(args: string[]): Options | "help" {
  const { values } = parseBenchArgs(args, {
    rows: { type: "string" },
    requests: { type: "string" },
    "data-dir": { type: "string" },
    keep: { type: "boolean" },
  });
  if (values.help) return "help";
  return {
    rows: values.rows === undefined ? DEFAULT_ROWS : parseCount("rows", values.rows, MIN_ROWS),
    requests:
      values.requests === undefined
        ? DEFAULT_REQUESTS
        : parseCount("requests", values.requests, MIN_REQUESTS),
    dataDir: resolve(values["data-dir"] ?? join(PROJECT_ROOT, "bench-data")),
    keep: values.keep ?? false,
  };
}

// ---------------------------------------------------------------------------------------------------
// The server

interface Server {
  base: string;
  /** Spawn to the "listening" line, as this process saw it. */
  listenSeconds: number;
  output(): string;
  /** SIGTERM, then the child's peak RSS and CPU from the rusage hook. */
  stop(): Promise<{ peakRssMiB: number; cpuSeconds: number }>;
  kill(): void;
}

async function startServer(db: string, config: string, scratch: string, label: string): Promise<Server> {
  const rssFile = join(scratch, `${label}.rusage`);
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", RUSAGE_HOOK, CLI, "serve", "--port", "0", "--no-schedules", "--db", db, "--config", config],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, [RSS_FILE_ENV]: rssFile },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new ChildFailure(`${label}: not listening after ${LISTEN_TIMEOUT_MS / 1000} s:\n${output}`));
    }, LISTEN_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ChildFailure(`${label}: exited with code ${code} before listening:\n${output.trim()}`));
    });
  });
  const listenSeconds = (performance.now() - started) / 1000;
  return {
    base,
    listenSeconds,
    output: () => output,
    kill: () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const code = await exited;
      if (code !== 0)
        throw new ChildFailure(`${label}: exited with code ${code} on SIGTERM:\n${output.trim()}`);
      const usage = (await readFile(rssFile, "utf8").catch(() => "")).trim().split(" ").map(Number);
      const [peakRssKiB = 0, userMicros = Number.NaN, systemMicros = Number.NaN] = usage;
      return {
        peakRssMiB: round(peakRssKiB / 1024, 1),
        cpuSeconds: round((userMicros + systemMicros) / 1e6, 2),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The overview's calls

interface Route {
  name: string;
  path: string;
  /** What the page does that makes this call. */
  when: string;
}

const DAY_MS = 86_400_000;
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function overviewRoutes(range: { first: string; last: string }): Route[] {
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

async function call(agent: Agent, base: string, route: Route): Promise<Answer> {
  const answer = await request(agent, base, route.path);
  if (answer.status !== 200)
    throw new Error(`${route.name}: GET ${route.path}: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
  return answer;
}

interface Stats {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Nearest-rank percentiles. */
function stats(values: number[]): Stats {
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

interface Pass {
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
async function sequentialPass(base: string, routes: Route[], k: number): Promise<Pass> {
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
async function concurrentPass(base: string, routes: Route[], k: number): Promise<Pass> {
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

// ---------------------------------------------------------------------------------------------------
// The baseline: the same sums from the billing rows

interface BaselineQuery {
  name: string;
  /** The API route that answers the same question from the aggregates. */
  comparableRoute: string;
  description: string;
  run(connection: DuckDBConnection): Promise<unknown>;
}

function baselineQueries(
  range: { first: string; last: string },
  team: { teamKeys: string[]; caseInsensitive: boolean },
): BaselineQuery[] {
  const to = addDays(range.last, 1);
  const from = addDays(to, -RANGE_DAYS);
  const weekFrom = addDays(to, -HOTSPOT_DAYS);
  const weekBefore = addDays(to, -2 * HOTSPOT_DAYS);
  const sums = (dimension: CostDimension, window: { from: string; to: string }) => (c: DuckDBConnection) =>
    costsBy(c, { dimension, caseInsensitiveTags: team.caseInsensitive, ...window });
  const teamDimension: CostDimension = { kind: "team", tagKeys: team.teamKeys };
  return [
    {
      name: "service-30d",
      comparableRoute: "costs-service-30d",
      description: `costsBy service, ${from} to ${to}`,
      run: sums({ kind: "service" }, { from, to }),
    },
    {
      name: "team-30d",
      comparableRoute: "coverage-30d",
      description: `costsBy team (tag keys ${team.teamKeys.join(", ")}), ${from} to ${to}`,
      run: sums(teamDimension, { from, to }),
    },
    {
      name: "account-30d",
      comparableRoute: "daily-account-30d",
      description: `costsBy account, ${from} to ${to} (the API's route adds the day to the grouping)`,
      run: sums({ kind: "account" }, { from, to }),
    },
    {
      name: "resource-7d-and-prior-7d",
      comparableRoute: "hotspots-resource",
      description: `costsBy resource, ${weekFrom} to ${to} then ${weekBefore} to ${weekFrom}`,
      run: async (c) => {
        await sums({ kind: "resource" }, { from: weekFrom, to })(c);
        return sums({ kind: "resource" }, { from: weekBefore, to: weekFrom })(c);
      },
    },
    {
      name: "daily-service-30d",
      comparableRoute: "daily-service-30d",
      description: `the daily chart's query (top ${TOP} services by day, the rest as Other) over billing_costs, ${from} to ${to}`,
      run: async (c) =>
        (
          await c.runAndReadAll(
            `WITH rows AS (
               SELECT CAST(ChargePeriodStart AS DATE) AS day, coalesce(ServiceName, '(none)') AS key,
                 sum(EffectiveCost)::DOUBLE AS effective
               FROM billing_costs
               WHERE ChargePeriodStart >= CAST($1 AS TIMESTAMP) AND ChargePeriodStart < CAST($2 AS TIMESTAMP)
               GROUP BY 1, 2
             ),
             top AS (SELECT key FROM rows GROUP BY key ORDER BY sum(effective) DESC, key LIMIT $3)
             SELECT day::VARCHAR AS day, CASE WHEN key IN (SELECT key FROM top) THEN key ELSE 'Other' END AS key,
               sum(effective) AS effective
             FROM rows GROUP BY 1, 2`,
            [from, to, TOP],
          )
        ).getRowObjectsJson(),
    },
  ];
}

async function runBaseline(db: string, queries: BaselineQuery[], repetitions: number) {
  const store = await openStore(db);
  try {
    const results = [];
    for (const query of queries) {
      await query.run(store.connection); // warm-up
      const times: number[] = [];
      for (let i = 0; i < repetitions; i++) {
        const started = performance.now();
        await query.run(store.connection);
        times.push(performance.now() - started);
      }
      const figures = stats(times);
      progress(`baseline ${query.name}: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms`);
      results.push({
        query: query.name,
        comparableRoute: query.comparableRoute,
        description: query.description,
        ...figures,
      });
    }
    // The figures the API's answers are checked against.
    const check = {
      service: await queries[0]?.run(store.connection),
      team: await queries[1]?.run(store.connection),
    };
    return { results, check };
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// The database, read-only

async function readDatabase(db: string) {
  return withReadOnlyDatabase(db, async (connection) => {
    const one = async (sql: string) =>
      ((await connection.runAndReadAll(sql)).getRowObjectsJson()[0] ?? {}) as Record<string, unknown>;
    const duckdb = String((await one("SELECT version() AS v")).v ?? "");
    const counts = await one(
      `SELECT (SELECT count(*) FROM billing) AS billing, (SELECT count(*) FROM cost_daily) AS cost_daily,
           (SELECT count(*) FROM cost_daily_team) AS cost_daily_team,
           (SELECT count(*) FROM cost_daily_resource) AS cost_daily_resource,
           (SELECT count(*) FROM findings) AS findings,
           (SELECT built_at::VARCHAR FROM aggregate_state WHERE name = 'costs') AS built_at`,
    );
    return {
      duckdb,
      billingRows: Number(counts.billing),
      findings: Number(counts.findings),
      builtAt: counts.built_at === null ? null : String(counts.built_at),
      tables: {
        cost_daily: Number(counts.cost_daily),
        cost_daily_team: Number(counts.cost_daily_team),
        cost_daily_resource: Number(counts.cost_daily_resource),
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// The benchmark

export async function runWebBenchmark(args: string[]): Promise<number> {
  const options = benchOptions("web", WEB_USAGE, args, parseOptions);
  if (typeof options === "number") return options;
  const { rows, requests: k } = options;
  const repetitions = Math.max(1, Math.round(k / 3));

  await mkdir(options.dataDir, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), "finops-bench-web-"));
  const db = join(dir, "bench.duckdb");
  const configPath = join(dir, "rules.yaml");
  let server: Server | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping`);
    server?.kill();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const loadAtStart = loadavg();
    await writeFile(configPath, RULES_YAML);
    const config = loadConfig(configPath);

    progress(`${rows.toLocaleString("en-US")} rows: preparing the CSV in ${options.dataDir}`);
    const file = await ensureFocusCsv(options.dataDir, rows);
    progress(
      `${file.generated ? `generated in ${file.seconds.toFixed(1)} s` : "reused"} ${file.path} ` +
        `(${(file.bytes / 2 ** 20).toFixed(0)} MiB)`,
    );

    progress(`finops ingest into ${db}`);
    const ingest = await measureNode(
      [CLI, "ingest", file.path, "--db", db, "--config", configPath, "--json"],
      "finops ingest",
    );
    const rowsLoaded = parseJson<{ rowsLoaded?: unknown }>(ingest.stdout, "finops ingest").rowsLoaded;
    if (rowsLoaded !== rows)
      throw new ChildFailure(`finops ingest: rowsLoaded ${String(rowsLoaded)}, expected ${rows}`);
    progress(
      `ingest: ${ingest.wallSeconds.toFixed(1)} s, peak RSS ${(ingest.peakRssKiB / 1024).toFixed(0)} MiB`,
    );

    progress("finops analyze (no inventory: no findings expected)");
    const analyze = await measureNode(
      [CLI, "analyze", "--db", db, "--config", configPath, "--json"],
      "finops analyze",
    );
    const analyzed = parseJson<{ summary?: { count?: number } }>(analyze.stdout, "finops analyze");
    progress(`analyze: ${analyze.wallSeconds.toFixed(1)} s, ${analyzed.summary?.count ?? "?"} findings`);

    progress("finops serve: first start, building the daily aggregates");
    server = await startServer(db, configPath, dir, "serve-build");
    const buildStart = server.listenSeconds;
    progress(`listening on ${server.base} after ${buildStart.toFixed(2)} s`);

    const warm = new Agent({ keepAlive: true, maxSockets: 1 });
    const rangeAnswer = await call(warm, server.base, { name: "range", path: "/api/range", when: "" });
    const range = JSON.parse(rangeAnswer.body) as { first: string | null; last: string | null };
    if (!range.first || !range.last) throw new Error(`/api/range: no billing days: ${rangeAnswer.body}`);
    const billingRange = { first: range.first, last: range.last };
    const routes = overviewRoutes(billingRange);
    progress(`billing from ${billingRange.first} to ${billingRange.last}; ${routes.length} routes`);

    // Warm-up, and the answers' sizes and the figures checked against the baseline.
    const firstCall: Record<string, { ms: number; bytes: number }> = {};
    const bodies = new Map<string, string>();
    for (const route of routes) {
      const answer = await call(warm, server.base, route);
      JSON.parse(answer.body);
      firstCall[route.name] = { ms: round(answer.ms, 2), bytes: answer.bytes };
      bodies.set(route.name, answer.body);
    }
    warm.destroy();

    progress(`sequential: ${k} rounds over ${routes.length} routes`);
    const sequential = await sequentialPass(server.base, routes, k);
    progress(
      `sequential: overall p50 ${sequential.overall.p50Ms} ms, p95 ${sequential.overall.p95Ms} ms, ` +
        `max ${sequential.overall.maxMs} ms`,
    );
    progress(`concurrent: ${CLIENTS} clients, ${k} rounds each`);
    const concurrent = await concurrentPass(server.base, routes, k);
    progress(
      `concurrent: overall p50 ${concurrent.overall.p50Ms} ms, p95 ${concurrent.overall.p95Ms} ms, ` +
        `max ${concurrent.overall.maxMs} ms`,
    );
    const serverUsage = await server.stop();
    server = undefined;

    progress("finops serve: second start, aggregates current");
    server = await startServer(db, configPath, dir, "serve-warm");
    const warmStart = server.listenSeconds;
    progress(`listening after ${warmStart.toFixed(2)} s`);
    await server.stop();
    server = undefined;

    const database = await readDatabase(db);
    progress(`aggregate rows: ${JSON.stringify(database.tables)}`);

    progress(`baseline: ${repetitions} repetitions of each query, from the billing rows`);
    const baseline = await runBaseline(
      db,
      baselineQueries(billingRange, {
        teamKeys: [...config.tags.teamKeys],
        caseInsensitive: config.tags.caseInsensitive,
      }),
      repetitions,
    );

    // p95 over p95 (the brief's ratio); p50 over p50 beside it, steadier with K/3 baseline samples, whose
    // nearest-rank p95 is their maximum below 20 samples.
    const apiStats = new Map(sequential.routes.map((r) => [r.route, r]));
    const ratios = Object.fromEntries(
      baseline.results.map((b) => {
        const api = apiStats.get(b.comparableRoute);
        return [
          b.comparableRoute,
          {
            baselineQuery: b.query,
            baselineP95Ms: b.p95Ms,
            apiP95Ms: api?.p95Ms ?? null,
            ratio: api ? round(b.p95Ms / api.p95Ms, 1) : null,
            baselineP50Ms: b.p50Ms,
            apiP50Ms: api?.p50Ms ?? null,
            ratioP50: api ? round(b.p50Ms / api.p50Ms, 1) : null,
          },
        ];
      }),
    );

    const overBudget = sequential.routes.filter((r) => r.p95Ms >= TARGET_P95_MS).map((r) => r.route);
    const slowest = [...sequential.routes].sort((a, b) => b.p95Ms - a.p95Ms)[0];
    const pass = sequential.overall.p95Ms < TARGET_P95_MS;
    const dbBytes = (await stat(db)).size;

    const report = {
      benchmark: "web",
      environment: {
        node: process.version,
        duckdb: database.duckdb,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        memoryGiB: round(totalmem() / 2 ** 30, 1),
        tmpdir: tmpdir(),
        loadAverage: { start: loadAtStart.map((n) => round(n, 2)), end: loadavg().map((n) => round(n, 2)) },
      },
      options: { rows, requests: k, clients: CLIENTS, baselineRepetitions: repetitions, keep: options.keep },
      method:
        "finops ingest and analyze as child processes (measureNode); finops serve --port 0 --no-schedules " +
        "timed from spawn to its listening line (the first start builds the daily aggregates, the second " +
        "finds them current); each route called once to warm up, then K rounds over the routes on one " +
        "keep-alive connection, then K rounds by each of 4 concurrent clients; latency measured by the " +
        "bench process from the request to the end of the answer, nearest-rank percentiles; the baseline " +
        "in the bench process after the server stopped, with openStore and costsBy over the billing rows",
      data: {
        file: file.path,
        fileBytes: file.bytes,
        generated: file.generated,
        rows,
        billingRows: database.billingRows,
        databaseBytes: dbBytes,
        range: billingRange,
      },
      setup: {
        ingest: { command: "finops ingest FILE --db DB --json", ...measurement(ingest) },
        analyze: {
          command: "finops analyze --db DB --json",
          ...measurement(analyze),
          findings: database.findings,
        },
      },
      aggregates: {
        /** First start (ensureCostAggregates builds) less the second (finds them current). */
        buildSeconds: round(buildStart - warmStart, 2),
        firstStartListenSeconds: round(buildStart, 2),
        secondStartListenSeconds: round(warmStart, 2),
        builtAt: database.builtAt,
        tables: database.tables,
        rowsPerBillingRow: round(
          (database.tables.cost_daily +
            database.tables.cost_daily_team +
            database.tables.cost_daily_resource) /
            Math.max(1, database.billingRows),
          5,
        ),
      },
      server: { firstStart: serverUsage },
      routes: routes.map((r) => ({
        route: r.name,
        path: r.path,
        when: r.when,
        firstCall: firstCall[r.name],
      })),
      latency: { sequential, concurrent },
      target: {
        target: `p95 of the overview's API calls (sequential, every route pooled) < ${TARGET_P95_MS} ms`,
        valueMs: sequential.overall.p95Ms,
        pass,
        routesAtOrOverTarget: overBudget,
        slowestRoute: slowest ? { route: slowest.route, p95Ms: slowest.p95Ms } : null,
        concurrentP95Ms: concurrent.overall.p95Ms,
      },
      baseline: {
        method:
          "the same sums from billing_costs without aggregates, in the bench process (openStore; costsBy of " +
          "store/costs.ts; the daily chart's GROUP BY), one warm-up then K/3 timed runs each",
        queries: baseline.results,
      },
      ratios,
      check: checkFigures(bodies, baseline.check),
      pass,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (error) {
    progress(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof ChildFailure) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  } finally {
    if (server) {
      server.kill();
      server = undefined;
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (options.keep) progress(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The API's 30-day service costs and team coverage against costsBy's sums of the same window: the
 * aggregates must give the same figures (compared to a millionth, as the API's coverage is a DOUBLE).
 */
function checkFigures(bodies: Map<string, string>, baseline: { service: unknown; team: unknown }) {
  const total = (lines: unknown) =>
    (lines as { effectiveCost: { toNumber(): number } }[]).reduce(
      (s, l) => s + l.effectiveCost.toNumber(),
      0,
    );
  const apiCosts = JSON.parse(bodies.get("costs-service-30d") ?? "[]") as { effectiveCost: number }[];
  const apiServiceTotal = apiCosts.reduce((s, l) => s + Number(l.effectiveCost), 0);
  const apiCoverage = JSON.parse(bodies.get("coverage-30d") ?? "{}") as { total?: number };
  const baselineService = total(baseline.service);
  const baselineTeam = total(baseline.team);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  return {
    service30d: {
      apiEffective: round(apiServiceTotal, 4),
      baselineEffective: round(baselineService, 4),
      keys: { api: apiCosts.length, baseline: (baseline.service as unknown[]).length },
      same:
        close(apiServiceTotal, baselineService) && apiCosts.length === (baseline.service as unknown[]).length,
    },
    coverage30d: {
      apiTotal: round(apiCoverage.total ?? Number.NaN, 4),
      baselineTeamTotal: round(baselineTeam, 4),
      same: close(apiCoverage.total ?? Number.NaN, baselineTeam),
    },
  };
}

function parseJson<T>(stdout: string, label: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new ChildFailure(`${label}: stdout is not JSON: ${stdout.slice(0, 500)}`);
  }
}

function measurement(m: Measurement) {
  return {
    wallSeconds: round(m.wallSeconds, 2),
    cpuSeconds: round(m.cpuSeconds, 2),
    peakRssMiB: round(m.peakRssKiB / 1024, 1),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
