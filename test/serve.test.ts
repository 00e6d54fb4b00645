import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Scheduler } from "../cli/scheduler.js";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { PROJECT_ROOT, tempDir } from "./helpers/project.js";
import { seedInventory } from "./helpers/seed.js";
import { requestWithHost, startServe } from "./helpers/serve.js";

const untagged = (id: string): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:instance",
  account: "111111111111",
  region: "us-east-1",
  state: "running",
  stateSince: null,
  createdAt: "2024-01-01T00:00:00Z",
  tags: {},
  attributes: { instanceType: "m5.large", kubernetes: null, volumeIds: [] },
});

describe("the scheduler", () => {
  const dir = tempDir();
  after(() => dir.remove());

  test("a job due while its previous run is still going is skipped and recorded, never run twice at once", async () => {
    const store = await openStore(join(dir.path, "scheduler.duckdb"));
    let running = 0;
    let most = 0;
    const scheduler = new Scheduler(store.connection, {
      slow: async () => {
        running++;
        most = Math.max(most, running);
        await sleep(2_500);
        running--;
      },
      broken: async () => {
        throw new Error("collector exploded");
      },
    });
    // Every second: the slow job is due twice more while its first run lasts.
    scheduler.start({ slow: "* * * * * *", broken: "* * * * * *" });
    await sleep(3_600);
    await scheduler.stop();
    while (scheduler.status().get("slow")?.running) await sleep(100);
    const reader = await store.connection.runAndReadAll(
      "SELECT job, status, count(*) AS n, max(error) AS error FROM job_runs GROUP BY job, status ORDER BY job, status",
    );
    const rows = reader.getRowObjectsJson().map((r) => `${r.job} ${r.status} ${r.error}`);
    store.close();
    assert.equal(most, 1, "never two runs of one job at once");
    assert.ok(rows.includes("slow skipped the previous run is still running"), rows.join("; "));
    assert.ok(
      rows.some((r) => r.startsWith("slow ok")),
      rows.join("; "),
    );
    assert.ok(
      rows.some((r) => r === "broken failed collector exploded"),
      rows.join("; "),
    );
  });
});

describe("finops serve", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill("SIGKILL");
    dir.remove();
  });

  test("runs the schedules of rules.yaml, records every run, and exposes /healthz and /metrics", async () => {
    await seedInventory(db, "run-1", [untagged("i-1"), untagged("i-2")], new Date());
    writeFileSync(
      config,
      `schedules:\n  collect: null\n  analyze: "* * * * * *"\n  report: null\n  notify: null\nrules:\n  - id: missing-tags\n`,
    );
    child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, "dist/cli/main.js"), "serve", "--port", "0", "--db", db, "--config", config],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    let base = "";
    for (let i = 0; i < 100 && !base; i++) {
      base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] ?? "";
      if (!base) await sleep(100);
    }
    assert.ok(base, `serve printed its address: ${stdout} ${stderr}`);

    let metrics = "";
    for (let i = 0; i < 60; i++) {
      metrics = await (await fetch(`${base}/metrics`)).text();
      if (/finops_job_runs_total\{job="analyze",status="ok"\} [2-9]/.test(metrics)) break;
      await sleep(250);
    }
    assert.match(metrics, /finops_job_runs_total\{job="analyze",status="ok"\} [2-9]/);
    assert.match(metrics, /finops_job_last_success_timestamp_seconds\{job="analyze"\} \d/);
    assert.match(metrics, /finops_job_duration_seconds_count\{job="analyze"\} \d/);
    assert.match(metrics, /finops_findings_open\{rule="missing-tags"\} 2/);
    assert.match(metrics, /finops_monthly_waste_dollars\{rule="missing-tags"\} 0/);

    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.headers.get("x-content-type-options"), "nosniff");
    const body = (await health.json()) as {
      status: string;
      jobs: Record<string, { lastRun: { status: string } | null }>;
    };
    assert.equal(body.status, "ok");
    assert.equal(body.jobs.analyze?.lastRun?.status, "ok");
    assert.equal(body.jobs.collect?.lastRun, null, "a job without a schedule does not run");
    const text = JSON.stringify(body);
    assert.ok(!text.includes(db) && !text.includes(dir.path), `/healthz names no path: ${text}`);

    child.kill("SIGTERM");
    await new Promise((resolve) => child?.once("exit", resolve));
    const store = await openStore(db);
    const runs = await store.connection.runAndReadAll(
      "SELECT count(*) AS n, count(*) FILTER (WHERE finished_at IS NOT NULL) AS finished FROM job_runs WHERE job = 'analyze' AND status = 'ok'",
    );
    store.close();
    const row = runs.getRowObjectsJson()[0];
    assert.ok(Number(row?.n) >= 2);
    assert.equal(row?.n, row?.finished);
  });
});

describe("finops serve --allowed-hosts", () => {
  const dir = tempDir();
  after(() => dir.remove());
  const statusOf = async (base: string, host: string) =>
    (await requestWithHost(base, "/healthz", host)).status;

  test("adds names (any port, or only the one given) to the loopback ones; every other Host gets 421", async () => {
    const served = await startServe([
      "--db",
      join(dir.path, "flag.duckdb"),
      "--no-schedules",
      "--allowed-hosts",
      "finops.example.com, 10.9.8.7:9000,[fd00::5]",
    ]);
    try {
      const port = new URL(served.base).port;
      for (const host of [
        "finops.example.com",
        `finops.example.com:${port}`,
        "FINOPS.example.com",
        "finops.example.com:443",
        "10.9.8.7:9000",
        "[fd00::5]",
        `[fd00::5]:${port}`,
        `localhost:${port}`,
        `127.0.0.1:${port}`,
      ]) {
        assert.equal(await statusOf(served.base, host), 200, host);
      }
      for (const host of [
        "evil.example",
        "other.example.com",
        "finops.example.com.evil.example",
        `10.9.8.7:${port}`,
        "10.9.8.7",
        "fd00::5",
      ]) {
        assert.equal(await statusOf(served.base, host), 421, host);
      }
    } finally {
      await served.stop();
    }
  });

  test("FINOPS_ALLOWED_HOSTS sets them when the flag is absent", async () => {
    const served = await startServe(["--db", join(dir.path, "env.duckdb"), "--no-schedules"], {
      FINOPS_ALLOWED_HOSTS: "finops.internal",
    });
    try {
      assert.equal(await statusOf(served.base, "finops.internal"), 200);
      assert.equal(await statusOf(served.base, "evil.example"), 421);
    } finally {
      await served.stop();
    }
  });

  test("a bad name is a usage error naming the flag or variable; --help documents the option", async () => {
    const db = join(dir.path, "bad.duckdb");
    const flag = await runFinops(["serve", "--db", db, "--allowed-hosts", "http://finops.example.com"]);
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /--allowed-hosts: "http:\/\/finops.example.com" is not a host name/);
    const empty = await runFinops(["serve", "--db", db, "--allowed-hosts", "a.example,,b.example"]);
    assert.equal(empty.code, 2, empty.stderr);
    const env = await runFinops(["serve", "--db", db], { FINOPS_ALLOWED_HOSTS: "*" });
    assert.equal(env.code, 2, env.stderr);
    assert.match(env.stderr, /FINOPS_ALLOWED_HOSTS: "\*" is not a host name/);
    const help = await runFinops(["serve", "--help"]);
    assert.match(help.stdout, /--allowed-hosts <names>/);
    assert.match(help.stdout, /421/);
  });
});
