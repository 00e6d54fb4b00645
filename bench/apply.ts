/**
 * The apply benchmark: `finops apply` of an approved plan that terminates 1,000 EC2 instances (by
 * default) in moto. The benchmark starts its own moto server behind a counting proxy (a loopback HTTP
 * server in this process that forwards every request to moto and counts it by service and action, DryRun
 * calls apart, with the time moto took to answer), seeds the instances with an `expires-at` tag in the
 * past, and runs the CLI as a user would: collect --only inventory and analyze (setup, timed), then plan,
 * approve and apply, each a child process measured by measureNode (wall time, CPU, peak RSS) with the AWS
 * calls it made counted at the proxy. It checks that every item is done and that moto shows every
 * instance terminated, and reads the journal rows of the run back from the database, with the time
 * between consecutive rows (each row's logged_at is its own transaction's start).
 *
 * The baseline, in the same run: moto is reset and seeded with as many fresh instances, then a child
 * process (this file's --baseline-child, through the same proxy) does what apply must do at the least
 * with the bare SDK: for each instance DescribeInstances then TerminateInstances, one at a time, as apply
 * does. Both are child processes measured from spawn to exit; the report gives the ratio of those and of
 * their loops alone (apply's from its first to its last journal row, the baseline's as it timed it).
 *
 * Prints one JSON document on stdout; progress goes to stderr. Exits 0 with a report, 1 when seeding, a
 * command or a check fails, 2 on bad arguments.
 *
 * This file is the harness (options, the commands, the checks, the report); the proxy is
 * counting-proxy.ts, seeding moto and the baseline child apply-moto.ts.
 */
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { type Moto, startMoto } from "../test/helpers/moto.js";
import {
  type BaselineJson,
  baselineChild,
  CREDENTIALS,
  EXPIRES_AT,
  motoVersion,
  REGION,
  seed,
  terminatedAmong,
} from "./apply-moto.js";
import { type CountingProxy, callsOf, callsReport, startCountingProxy } from "./counting-proxy.js";
import { round } from "./figures.js";
import {
  ChildFailure,
  type Measurement,
  measureNode,
  PROJECT_ROOT,
  parseChildJson,
  withReadOnlyDatabase,
} from "./measure.js";
import { benchOptions, parseBenchArgs, parseCount, progressOf } from "./options.js";

const DEFAULT_ITEMS = 1_000;
const MIN_ITEMS = 10;

const CLI = join(PROJECT_ROOT, "dist", "cli", "main.js");
const BENCH = join(PROJECT_ROOT, "dist", "bench", "main.js");

export const APPLY_USAGE = `usage: npm run bench -- apply [--items N] [--keep]

  --items N                EC2 instances seeded with an expired expires-at tag, planned, approved and
                           terminated by one apply (default ${DEFAULT_ITEMS}, at least ${MIN_ITEMS})
  --keep                   keep the temporary directory (database, rules.yaml; its path goes to stderr)
  --baseline-child FILE    (internal) describe then terminate each instance of FILE ({endpoint, ids})
                           with the bare SDK, one at a time; print the loop's timing as JSON`;

interface Options {
  items: number;
  keep: boolean;
  baselineChild?: string;
}

const progress = progressOf("apply");

function parseOptions(args: string[]): Options | "help" {
  const { values } = parseBenchArgs(args, {
    items: { type: "string" },
    keep: { type: "boolean" },
    "baseline-child": { type: "string" },
  });
  if (values.help) return "help";
  return {
    items: values.items === undefined ? DEFAULT_ITEMS : parseCount("items", values.items, MIN_ITEMS),
    keep: values.keep ?? false,
    ...(values["baseline-child"] ? { baselineChild: values["baseline-child"] } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// The benchmark

interface PlanJson {
  planId: string;
  items: { resourceId: string; action: string; rule: string }[];
  excluded: { resourceId: string; why: string }[];
}

interface ApplyJson {
  planId: string;
  results: { resourceId: string; action: string; status: string; detail: string }[];
}

export async function runApplyBenchmark(args: string[]): Promise<number> {
  const options = benchOptions("apply", APPLY_USAGE, args, parseOptions);
  if (typeof options === "number") return options;
  if (options.baselineChild) return baselineChild(options.baselineChild);

  // The seeding clients and the children (which inherit this environment) use moto's fake credentials only.
  for (const name of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_MAX_ATTEMPTS"])
    delete process.env[name];
  process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
  process.env.AWS_REGION = REGION;
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  // Journal times are now()::TIMESTAMP in the child: UTC.
  process.env.TZ = "UTC";

  const dir = await mkdtemp(join(tmpdir(), "finops-bench-apply-"));
  let moto: Moto | undefined;
  let proxy: CountingProxy | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping moto`);
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
    void (moto?.stop() ?? Promise.resolve()).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const loadAtStart = loadavg();
    progress("starting moto");
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    progress(`moto on ${moto.endpoint}, counting proxy on ${proxy.endpoint}`);
    const motoUrl = moto.endpoint;
    const counter = proxy;
    const items = options.items;

    const seeded = await seed(motoUrl, items);
    const config = join(dir, "rules.yaml");
    await writeFile(config, rulesYaml(items));
    const db = join(dir, "bench.duckdb");
    const common = ["--db", db, "--config", config, "--endpoint-url", counter.endpoint, "--regions", REGION];
    const run = async (label: string, args: string[]) => {
      progress(`running finops ${label}`);
      counter.take();
      const measured = await measureNode([CLI, ...args, ...common], `finops ${label}`);
      const calls = counter.take();
      progress(
        `${label}: ${measured.wallSeconds.toFixed(2)} s, CPU ${measured.cpuSeconds.toFixed(2)} s, ` +
          `peak RSS ${(measured.peakRssKiB / 1024).toFixed(0)} MiB, ${callsReport(calls).total} AWS calls`,
      );
      return { measured, calls };
    };

    const collect = await run("collect --only inventory", ["collect", "--only", "inventory", "--json"]);
    const analyze = await run("analyze", ["analyze", "--json"]);

    const plan = await run("plan --json", ["plan", "--json"]);
    const planned = parseChildJson<PlanJson>(plan.measured.stdout, "finops plan");
    const terminates = planned.items.filter((i) => i.action === "terminate" && i.rule === "expired");
    if (planned.items.length !== items || terminates.length !== items) {
      throw new Error(
        `the plan has ${planned.items.length} item(s), ${terminates.length} of them expired/terminate, not ${items}` +
          (planned.excluded.length ? `; left out: ${planned.excluded[0]?.why}` : ""),
      );
    }
    const planSet = new Set(planned.items.map((i) => i.resourceId));
    if (seeded.ids.some((id) => !planSet.has(id))) throw new Error("the plan misses seeded instances");

    const approve = await run("approve", ["approve", planned.planId, "--by", "bench"]);

    const apply = await run(`apply --max-actions ${items}`, [
      "apply",
      planned.planId,
      "--json",
      "--max-actions",
      String(items),
    ]);
    const applied = parseChildJson<ApplyJson>(apply.measured.stdout, "finops apply");
    const statuses = countBy(applied.results.map((r) => r.status));
    if (applied.results.length !== items || statuses.done !== items) {
      const other = applied.results.find((r) => r.status !== "done");
      throw new Error(
        `apply: ${JSON.stringify(statuses)} of ${items}${other ? `; e.g. ${other.resourceId}: ${other.detail}` : ""}`,
      );
    }
    const terminatedInMoto = await terminatedAmong(motoUrl, seeded.ids);
    if (terminatedInMoto !== items)
      throw new Error(`moto shows ${terminatedInMoto} of the ${items} instances terminated`);
    progress(`all ${items} items done; moto shows all ${items} instances terminated`);
    const journal = await readJournal(db, planned.planId, items);
    if (journal.rows !== items * 4) progress(`note: ${journal.rows} journal rows, not 4 per item`);

    // The baseline, on as many fresh instances.
    progress("resetting moto for the baseline");
    const reset = await fetch(`${motoUrl}/moto-api/reset`, { method: "POST" });
    if (!reset.ok) throw new Error(`moto reset: HTTP ${reset.status}`);
    const fresh = await seed(motoUrl, items);
    const idsFile = join(dir, "baseline.json");
    await writeFile(idsFile, JSON.stringify({ endpoint: counter.endpoint, ids: fresh.ids }));
    progress(`running the baseline: DescribeInstances then TerminateInstances for each of ${items}`);
    counter.take();
    const baselineMeasured = await measureNode([BENCH, "apply", "--baseline-child", idsFile], "baseline");
    const baselineCalls = counter.take();
    const baseline = parseChildJson<BaselineJson>(baselineMeasured.stdout, "baseline");
    if (baseline.terminated !== items)
      throw new Error(`baseline terminated ${baseline.terminated} of ${items}`);
    const baselineTerminated = await terminatedAmong(motoUrl, fresh.ids);
    if (baselineTerminated !== items)
      throw new Error(`moto shows ${baselineTerminated} of the baseline's ${items} instances terminated`);
    progress(
      `baseline: ${baselineMeasured.wallSeconds.toFixed(2)} s (loop ${baseline.loopSeconds.toFixed(2)} s), ` +
        `${callsReport(baselineCalls).total} AWS calls`,
    );

    const report = {
      benchmark: "apply",
      environment: {
        node: process.version,
        duckdb: journal.duckdb,
        moto: motoVersion(),
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        memoryGiB: round(totalmem() / 2 ** 30, 1),
        tmpdir: tmpdir(),
        loadAverage: { start: loadAtStart.map((n) => round(n, 2)), end: loadavg().map((n) => round(n, 2)) },
      },
      options: { items, keep: options.keep },
      method:
        "moto behind a counting proxy in the bench process (calls counted there, with moto's answer time); " +
        "each command and the baseline a child process measured from spawn to exit (peak RSS and CPU from " +
        "getrusage in the child)",
      seeding: {
        instances: items,
        tag: `expires-at=${EXPIRES_AT}`,
        runInstancesCalls: seeded.calls,
        seconds: round(seeded.seconds, 2),
        baselineSeconds: round(fresh.seconds, 2),
      },
      setup: {
        collect: { ...measurement(collect.measured), apiCalls: callsReport(collect.calls).total },
        analyze: measurement(analyze.measured),
      },
      plan: {
        command: "finops plan --json",
        planId: planned.planId,
        items: planned.items.length,
        ...measurement(plan.measured),
        apiCalls: callsReport(plan.calls),
        callsPerItem: {
          describe: perItem(callsOf(plan.calls, "ec2:DescribeInstances"), items),
          dryRun: perItem(callsOf(plan.calls, "ec2:TerminateInstances (DryRun)"), items),
          total: perItem(callsReport(plan.calls).total, items),
        },
        secondsPerItem: round(plan.measured.wallSeconds / items, 4),
      },
      approve: {
        command: "finops approve PLAN --by bench",
        ...measurement(approve.measured),
        apiCalls: callsReport(approve.calls).total,
      },
      apply: {
        command: `finops apply PLAN --json --max-actions ${items}`,
        ...measurement(apply.measured),
        results: statuses,
        terminatedInMoto,
        apiCalls: callsReport(apply.calls),
        callsPerItem: {
          /** One before the call (the re-check) and one after (the journal's after state): applyItem. */
          describeBeforeAndAfter: perItem(callsOf(apply.calls, "ec2:DescribeInstances"), items),
          terminate: perItem(callsOf(apply.calls, "ec2:TerminateInstances"), items),
          total: perItem(callsReport(apply.calls).total, items),
        },
        secondsPerItem: round(apply.measured.wallSeconds / items, 4),
        journal: journal.report,
      },
      baseline: {
        command:
          "node dist/bench/main.js apply --baseline-child FILE: bare SDK, for each instance DescribeInstances " +
          "then TerminateInstances, sequentially, through the same proxy (a child process)",
        ...measurement(baselineMeasured),
        loopSeconds: round(baseline.loopSeconds, 3),
        terminatedInMoto: baselineTerminated,
        apiCalls: callsReport(baselineCalls),
        callsPerItem: perItem(callsReport(baselineCalls).total, items),
        secondsPerItem: round(baselineMeasured.wallSeconds / items, 4),
      },
      ratio: {
        /** finops apply's process wall time over the baseline's, both from spawn to exit. */
        applyOverBaselineWall: round(apply.measured.wallSeconds / baselineMeasured.wallSeconds, 2),
        /** apply's first to last journal row over the baseline's own loop: without either's start-up. */
        applyLoopOverBaselineLoop:
          journal.report.loopSeconds === null
            ? null
            : round(journal.report.loopSeconds / baseline.loopSeconds, 2),
        applyCallsOverBaselineCalls: round(
          callsReport(apply.calls).total / callsReport(baselineCalls).total,
          2,
        ),
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (error) {
    progress(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof ChildFailure) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  } finally {
    await proxy?.close();
    if (moto) {
      progress("stopping moto");
      await moto.stop();
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (options.keep) progress(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** Only the expired rule, with caps that let one apply act on every item. */
function rulesYaml(items: number): string {
  return `tags:
  required: []
remediation:
  maxActions: ${items}
  maxPercentPerRule: 100
rules:
  - id: expired
`;
}

/**
 * The plan's journal: rows by step and status, and the time between consecutive rows by transition. A
 * row's logged_at is the start of its own (autocommitted) INSERT, so a transition's time is the previous
 * row's INSERT and commit plus whatever ran between the two; item:started → terminate-instances:started
 * has no AWS call between them, only the INSERT of the item's started row.
 */
async function readJournal(db: string, planId: string, items: number) {
  return withReadOnlyDatabase(db, async (connection) => {
    const query = async (sql: string) =>
      (await connection.runAndReadAll(sql, [planId])).getRowObjectsJson() as Record<string, unknown>[];
    const duckdb = String(
      (await connection.runAndReadAll("SELECT version() AS v")).getRowObjectsJson()[0]?.v ?? "",
    );
    const byStep = await query(
      `SELECT step || ':' || status AS key, count(*) AS n FROM journal WHERE plan_id = $1
         GROUP BY ALL ORDER BY min(seq)`,
    );
    const span = await query(
      `SELECT count(*) AS n, (epoch_us(max(logged_at)) - epoch_us(min(logged_at))) / 1e6 AS seconds
         FROM journal WHERE plan_id = $1`,
    );
    const transitions = await query(
      `WITH j AS (
           SELECT seq, step || ':' || status AS key, epoch_us(logged_at) AS us,
             lag(step || ':' || status) OVER (ORDER BY seq) AS prev_key, lag(epoch_us(logged_at)) OVER (ORDER BY seq) AS prev_us
           FROM journal WHERE plan_id = $1)
         SELECT prev_key || ' -> ' || key AS transition, count(*) AS n,
           median(us - prev_us) / 1000 AS median_ms, avg(us - prev_us) / 1000 AS mean_ms,
           sum(us - prev_us) / 1e6 AS total_seconds
         FROM j WHERE prev_us IS NOT NULL GROUP BY ALL ORDER BY min(seq)`,
    );
    const rows = Number(span[0]?.n ?? 0);
    const loop = span[0]?.seconds;
    return {
      duckdb,
      rows,
      report: {
        rows,
        rowsPerItem: round(rows / items, 2),
        byStepStatus: Object.fromEntries(byStep.map((r) => [String(r.key), Number(r.n)])),
        /** From the first journal row to the last: the item loop, without start-up and the last item's tail. */
        loopSeconds: loop === null || loop === undefined ? null : round(Number(loop), 3),
        transitions: transitions.map((r) => ({
          transition: String(r.transition),
          count: Number(r.n),
          medianMs: round(Number(r.median_ms), 2),
          meanMs: round(Number(r.mean_ms), 2),
          totalSeconds: round(Number(r.total_seconds), 3),
        })),
      },
    };
  });
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function measurement(m: Measurement) {
  return {
    wallSeconds: round(m.wallSeconds, 3),
    cpuSeconds: round(m.cpuSeconds, 2),
    /** Wall time the child spent not on its own CPU: mostly waiting for moto's answers. */
    waitingSeconds: round(Math.max(0, m.wallSeconds - m.cpuSeconds), 2),
    peakRssMiB: round(m.peakRssKiB / 1024, 1),
  };
}

function perItem(calls: number, items: number): number {
  return round(calls / items, 3);
}
