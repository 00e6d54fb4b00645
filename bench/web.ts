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
 *
 * This file is the harness (options, setup, the report); the server is web-server.ts, the overview's
 * calls and their timing web-load.ts, the baseline and the figures' check web-baseline.ts.
 */
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../rules/config.js";
import { round } from "./figures.js";
import { ensureFocusCsv } from "./focus-csv.js";
import {
  ChildFailure,
  type Measurement,
  measureNode,
  PROJECT_ROOT,
  parseChildJson,
  withReadOnlyDatabase,
} from "./measure.js";
import { benchOptions, parseBenchArgs, parseCount, progressOf } from "./options.js";
import { baselineQueries, checkFigures, runBaseline } from "./web-baseline.js";
import { CLIENTS, call, concurrentPass, overviewRoutes, sequentialPass } from "./web-load.js";
import { type Server, startServer } from "./web-server.js";

const DEFAULT_ROWS = 10_000_000;
const MIN_ROWS = 100_000;
const DEFAULT_REQUESTS = 30;
const MIN_REQUESTS = 3;
const TARGET_P95_MS = 100;

const CLI = join(PROJECT_ROOT, "dist", "cli", "main.js");

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
    const rowsLoaded = parseChildJson<{ rowsLoaded?: unknown }>(ingest.stdout, "finops ingest").rowsLoaded;
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
    const analyzed = parseChildJson<{ summary?: { count?: number } }>(analyze.stdout, "finops analyze");
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

function measurement(m: Measurement) {
  return {
    wallSeconds: round(m.wallSeconds, 2),
    cpuSeconds: round(m.cpuSeconds, 2),
    peakRssMiB: round(m.peakRssKiB / 1024, 1),
  };
}
