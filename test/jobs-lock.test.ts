import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Scheduler } from "../cli/scheduler.js";
import type { JobRun } from "../core/jobs.js";
import { parseConfig } from "../rules/config.js";
import { openStore, type Store } from "../store/database.js";
import type { CliRunner } from "../web/api/cli.js";
import { hostAllowList } from "../web/hosts.js";
import { ServeMetrics } from "../web/metrics.js";
import { createServer } from "../web/server.js";
import { tempDir } from "./helpers/project.js";

const TOKEN = "approver-token-5d1e0a";

/**
 * The server of `finops serve` in this process, as serve-run wires it (one scheduler, its runs counted in
 * /metrics), with scheduled jobs and a CLI runner the test holds: each job and each command runs until
 * the test ends it. The schedules are triggered by hand (Scheduler.run), as a cron tick does.
 */
describe("one writing job at a time, whichever started it; API jobs are runs of the server", () => {
  const dir = tempDir("finops-jobs-lock-");
  let store: Store;
  let scheduler: Scheduler;
  let app: FastifyInstance;
  let base = "";
  const runs: JobRun[] = [];
  const started: string[] = [];
  /** The end of each scheduled job and API command now running, by name. */
  const ends = new Map<string, (exitCode: number) => void>();
  const running = new Set<string>();
  let most = 0;
  /** Waits until `name` runs (its body was called). */
  const runningNow = async (name: string) => {
    for (let i = 0; i < 200 && !ends.has(name); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(ends.has(name), `${name} started`);
  };
  /** Whether the scheduled run `run` of `name` started its job, or ended without (skipped). */
  const startsOrEnds = async (run: Promise<JobRun>, name: string) => {
    let ended = false;
    void run.then(() => {
      ended = true;
    });
    for (let i = 0; i < 200 && !ended && !ends.has(name); i++) await new Promise((r) => setTimeout(r, 10));
    return ends.has(name) ? "started" : "ended";
  };
  const held = (name: string) =>
    new Promise<number>((resolve) => {
      started.push(name);
      running.add(name);
      most = Math.max(most, running.size);
      ends.set(name, (code) => {
        ends.delete(name);
        running.delete(name);
        resolve(code);
      });
    });
  const end = (name: string, exitCode = 0) => {
    const stop = ends.get(name);
    assert.ok(stop, `${name} is running`);
    stop(exitCode);
  };
  const job = (name: string) => async () => {
    if ((await held(name)) !== 0) throw new Error(`${name} broke`);
  };
  const cli: CliRunner = async (_kind, args, output) => {
    output.write("stdout", `ran ${args[0]}\n`);
    return held(args[0] ?? "");
  };
  const postJob = (args: string[]) =>
    fetch(`${base}/api/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ args }),
    });
  const jobRuns = async () =>
    (
      await store.connection.runAndReadAll(
        "SELECT job, trigger, status, error, finished_at IS NOT NULL AS finished FROM job_runs ORDER BY started_at, job",
      )
    ).getRowObjectsJson();

  before(async () => {
    store = await openStore(join(dir.path, "finops.duckdb"));
    const metrics: { current?: ServeMetrics } = {};
    scheduler = new Scheduler(
      store.connection,
      { collect: job("collect"), analyze: job("analyze"), report: job("report") },
      (run) => {
        runs.push(run);
        metrics.current?.observe(run);
      },
    );
    metrics.current = new ServeMetrics(store.connection, scheduler);
    app = createServer({
      connection: store.connection,
      connect: () => store.connect(),
      config: parseConfig("{}", "rules.yaml"),
      allowedHosts: hostAllowList("127.0.0.1", []),
      token: TOKEN,
      cli,
      scheduler,
      metrics: metrics.current,
    });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await app?.close();
    store?.close();
    dir.remove();
  });

  test("a scheduled job due while an API job runs does not start: recorded as skipped, naming it", async () => {
    const answer = postJob(["apply", "plan-0123"]);
    await runningNow("apply");
    const due = scheduler.run("collect");
    if ((await startsOrEnds(due, "collect")) === "started") {
      end("collect");
      end("apply");
      await due;
      assert.fail("the scheduled collect started while finops apply ran through the API");
    }
    const skipped = await due;
    assert.equal(skipped.status, "skipped");
    assert.equal(skipped.trigger, "schedule");
    assert.match(
      skipped.error ?? "",
      /^finops apply is running through the API \(since .*\): one writing job/,
    );
    assert.ok(!started.includes("collect"), "collect never started");
    const health = (await (await fetch(`${base}/healthz`)).json()) as {
      jobs: Record<string, { running: boolean }>;
    };
    assert.equal(health.jobs.apply?.running, true, "/healthz shows the API job running");
    end("apply");
    assert.equal((await (await answer).text()).trim().split("\n").at(-1), '{"exitCode":0}');
    const rows = await jobRuns();
    assert.deepEqual(
      rows.filter((r) => r.job === "collect"),
      [{ job: "collect", trigger: "schedule", status: "skipped", error: skipped.error, finished: true }],
    );
  });

  test("an API job while a scheduled job of another name runs is 409 naming it, and never starts", async () => {
    const collect = scheduler.run("collect");
    await runningNow("collect");
    const refused = await postJob(["plan", "--team", "data"]);
    assert.equal(refused.status, 409);
    assert.match(
      ((await refused.json()) as { error: string }).error,
      /^another job is running \(the scheduled collect job, since \d{4}-.*\): try again when it is done$/,
    );
    assert.ok(!started.includes("plan"), "plan never started");
    end("collect");
    assert.equal((await collect).status, "ok");
    // The writer is free again: the same request runs.
    const ran = postJob(["plan", "--team", "data"]);
    await runningNow("plan");
    end("plan");
    const answer = await ran;
    assert.equal(answer.status, 200);
    // Its last line comes once its run is recorded and the writer released.
    assert.equal((await answer.text()).trim().split("\n").at(-1), '{"exitCode":0}');
  });

  test("scheduled jobs due at once run one after the other, none skipped", async () => {
    most = 0;
    const report = scheduler.run("report");
    const analyze = scheduler.run("analyze");
    await runningNow("report");
    // analyze waits for the writer; an API job asked for meanwhile is refused.
    assert.equal((await postJob(["notify"])).status, 409);
    assert.ok(!ends.has("analyze"));
    end("report");
    await runningNow("analyze");
    end("analyze");
    assert.deepEqual([(await report).status, (await analyze).status], ["ok", "ok"]);
    assert.equal(most, 1, "never two writing jobs at once");
  });

  test("an API job's run is in job_runs (trigger api, ok or failed by its exit code, no arguments) and in /metrics", async () => {
    const ok = postJob(["approve", "plan-0456", "--by", "ana"]);
    await runningNow("approve");
    end("approve");
    await (await ok).text();
    const failed = postJob(["apply", "plan-secret-looking-argument"]);
    await runningNow("apply");
    end("apply", 2);
    assert.equal((await (await failed).text()).trim().split("\n").at(-1), '{"exitCode":2}');
    const rows = (await jobRuns()).filter((r) => r.trigger === "api");
    assert.deepEqual(rows, [
      { job: "apply", trigger: "api", status: "ok", error: null, finished: true },
      { job: "plan", trigger: "api", status: "ok", error: null, finished: true },
      { job: "approve", trigger: "api", status: "ok", error: null, finished: true },
      { job: "apply", trigger: "api", status: "failed", error: "exit 2", finished: true },
    ]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^finops_job_runs_total\{job="apply",status="ok"\} 1$/m);
    assert.match(metrics, /^finops_job_runs_total\{job="apply",status="failed"\} 1$/m);
    assert.match(metrics, /^finops_job_runs_total\{job="approve",status="ok"\} 1$/m);
    assert.match(metrics, /^finops_job_runs_total\{job="collect",status="skipped"\} 1$/m);
    assert.match(metrics, /^finops_job_last_success_timestamp_seconds\{job="approve"\} \d/m);
    assert.match(metrics, /^finops_job_duration_seconds_count\{job="apply"\} 2$/m);
    assert.match(metrics, /^finops_job_running\{job="apply"\} 0$/m);
    const health = (await (await fetch(`${base}/healthz`)).json()) as {
      jobs: Record<string, { running: boolean; lastRun: { status: string } | null }>;
    };
    assert.deepEqual(health.jobs.apply?.lastRun?.status, "failed");
    assert.ok(!JSON.stringify(rows).includes("secret-looking"), "no argument in job_runs");
  });
});
