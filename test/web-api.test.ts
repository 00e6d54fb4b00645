import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { canonicalJson, type PlanContent, planIdOf } from "../remediation/plan.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { FOCUS_SAMPLE, tempDir } from "./helpers/project.js";
import { seedInventory } from "./helpers/seed.js";
import { requestWithHost, type Served, startServe } from "./helpers/serve.js";

const TOKEN = "s3cret-token-for-tests";

const instance = (id: string, tags: Record<string, string>): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:instance",
  account: "111111111111",
  region: "us-east-1",
  state: "running",
  stateSince: null,
  createdAt: "2024-01-01T00:00:00Z",
  tags,
  attributes: { instanceType: "m4.large", kubernetes: null, volumeIds: [] },
});

const CONTENT: PlanContent = {
  version: 1,
  items: [
    {
      rule: "expired",
      findingId: null,
      account: "111111111111",
      region: "us-east-1",
      resourceId: "i-expired",
      resourceType: "ec2:instance",
      action: "terminate",
      reason: "expired at 2024-01-02T00:00:00Z (tag expires-at)",
      team: "platform",
      estimatedMonthlySavings: "70.08",
      approval: "manual",
      markTag: "finops:marked-for",
      markValue: null,
      preconditions: {
        state: "running",
        attachments: [],
        tags: { team: "platform", "expires-at": "2024-01-02" },
      },
    },
  ],
};

describe("web API (finops serve)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let served: Served;
  // finops serve holds the database (DuckDB has one writer): the CLI's figures are taken before it starts.
  const cliCosts = new Map<string, string>();
  let window = { from: "", to: "" };
  const DIMENSIONS = ["service", "account", "region", "team", "resource", "tag:Application"];
  const planId = planIdOf(CONTENT);
  const get = (path: string) => fetch(`${served.base}${path}`);
  const json = async (path: string) => {
    const response = await get(path);
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return response.json();
  };
  const approve = (id: string, headers: Record<string, string>, body: unknown = { by: "alice" }) =>
    fetch(`${served.base}/api/plans/${id}/approve`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  before(async () => {
    writeFileSync(config, "tags:\n  required: [team, environment]\n");
    assert.equal((await runFinops(["ingest", FOCUS_SAMPLE, "--db", db])).code, 0);
    await seedInventory(
      db,
      "run-1",
      [
        instance("i-expired", { team: "platform", "expires-at": "2024-01-02" }),
        instance("i-untagged", {}),
        instance("i-old", { team: "data", environment: "prod" }),
      ],
      new Date("2024-09-01T00:00:00Z"),
    );
    const analyzed = await runFinops([
      "analyze",
      "--db",
      db,
      "--config",
      config,
      "--now",
      "2024-09-01T00:00:00Z",
    ]);
    assert.equal(analyzed.code, 0, analyzed.stderr);
    const store = await openStore(db);
    await store.connection.run("INSERT INTO plans VALUES ($1, now()::TIMESTAMP, now()::TIMESTAMP, $2, 1)", [
      planId,
      canonicalJson(CONTENT),
    ]);
    store.close();
    const range = await runFinops(["costs", "--by", "service", "--json", "--db", db]);
    assert.equal(range.code, 0);
    const reader = await openStore(db);
    const days = await reader.connection.runAndReadAll(
      "SELECT min(ChargePeriodStart)::DATE::VARCHAR AS first, (max(ChargePeriodStart)::DATE + 1)::VARCHAR AS next FROM billing",
    );
    reader.close();
    const row = days.getRowObjectsJson()[0];
    window = { from: String(row?.first), to: String(row?.next) };
    for (const by of DIMENSIONS) {
      const cli = await runFinops([
        "costs",
        "--by",
        by,
        "--from",
        window.from,
        "--to",
        window.to,
        "--json",
        "--db",
        db,
        "--config",
        config,
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      cliCosts.set(by, cli.stdout);
    }
    served = await startServe(["--db", db, "--config", config, "--no-schedules"], {
      FINOPS_WEB_TOKEN: TOKEN,
    });
  });
  after(async () => {
    await served?.stop();
    dir.remove();
  });

  test("listens on 127.0.0.1, with security headers on every answer", async () => {
    assert.match(served.base, /^http:\/\/127\.0\.0\.1:/);
    for (const path of ["/healthz", "/api/range", "/api/nothing-here"]) {
      const response = await get(path);
      const csp = response.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      assert.equal(response.headers.get("x-frame-options"), "DENY");
    }
    assert.equal((await get("/api/nothing-here")).status, 404);
  });

  test("answers only its own host names: any other Host (DNS rebinding) or none gets 421, on every route", async () => {
    const port = new URL(served.base).port;
    const routes = [
      "/",
      "/index.html",
      "/api/findings",
      "/api/costs",
      "/api/plans",
      "/metrics",
      "/healthz",
      "/nothing",
    ];
    const foreign = [
      "evil.example",
      `evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      "",
      null,
    ];
    for (const path of routes) {
      for (const host of foreign) {
        const answer = await requestWithHost(served.base, path, host);
        assert.equal(answer.status, 421, `${path} with Host ${host}: ${answer.body}`);
        assert.match(JSON.parse(answer.body).error, /^misdirected request/, `${path} with Host ${host}`);
        assert.doesNotMatch(answer.body, /i-expired|finops_|missing-tags/, "no data in the refusal");
      }
    }
    // Approving is refused too, even with the right token, and nothing is recorded.
    const approval = await requestWithHost(served.base, `/api/plans/${planId}/approve`, "evil.example", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ by: "mallory" }),
    });
    assert.equal(approval.status, 421);
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      "localhost",
      `LocalHost:${port}`,
      `localhost:${Number(port) + 1}`,
      `[::1]:${port}`,
    ]) {
      const answer = await requestWithHost(served.base, "/api/findings?rule=missing-tags", host);
      assert.equal(answer.status, 200, `Host ${host}: ${answer.body}`);
      assert.match(answer.body, /i-untagged/);
      assert.equal(
        (await requestWithHost(served.base, "/metrics", host)).status,
        200,
        `/metrics, Host ${host}`,
      );
    }
  });

  test("/healthz shows no filesystem path", async () => {
    const text = await (await get("/healthz")).text();
    assert.equal(JSON.parse(text).status, "ok");
    assert.ok(!text.includes(db) && !text.includes(dir.path) && !text.includes(process.cwd()), text);
    assert.doesNotMatch(text, /[\\/]/, `no path separator at all: ${text}`);
  });

  test("costs are the same objects and figures as finops costs --json", async () => {
    const range = (await json("/api/range")) as { first: string; last: string };
    assert.equal(range.first, window.from);
    const to = window.to;
    for (const by of DIMENSIONS) {
      const api = await (
        await get(`/api/costs?by=${encodeURIComponent(by)}&from=${range.first}&to=${to}`)
      ).text();
      const sort = (lines: { key: string | null }[]) =>
        [...lines].sort((a, b) => String(a.key).localeCompare(String(b.key)));
      assert.deepEqual(sort(JSON.parse(api)), sort(JSON.parse(cliCosts.get(by) ?? "[]")), by);
    }
    const coverage = (await json(`/api/coverage?from=${range.first}&to=${to}`)) as {
      total: number;
      share: number;
    };
    assert.ok(coverage.total > 0 && coverage.share >= 0 && coverage.share <= 1);
    const daily = (await json(`/api/costs/daily?by=service&from=${range.first}&to=${to}&top=3`)) as {
      days: string[];
      series: { key: string; values: number[] }[];
      total: number[];
    };
    assert.ok(daily.series.length <= 4);
    assert.equal(daily.days.length, daily.total.length);
  });

  test("bad parameters get 400 naming the parameter", async () => {
    const cases: [string, RegExp][] = [
      ["/api/costs?by=colour", /^by: /],
      ["/api/costs?from=2024-13-01", /^from: /],
      ["/api/costs?by=service&colour=red", /colour/],
      ["/api/costs/daily?from=2024-09-10&to=2024-09-01", /^to: /],
      ["/api/findings?limit=0", /^limit: /],
      ["/api/findings?severity=urgent", /^severity: /],
      ["/api/findings?sort=price", /^sort: /],
      ["/api/hotspots?to=yesterday", /^to: /],
      ["/api/plans/not-a-plan", /^planId: /],
    ];
    for (const [path, message] of cases) {
      const response = await get(path);
      assert.equal(response.status, 400, path);
      assert.match(((await response.json()) as { error: string }).error, message, path);
    }
  });

  test("findings filter, sort and page, with the total in X-Total-Count", async () => {
    const all = await get("/api/findings?limit=1");
    const total = Number(all.headers.get("x-total-count"));
    assert.ok(total >= 3);
    assert.equal(((await all.json()) as unknown[]).length, 1);
    const missing = (await json("/api/findings?rule=missing-tags&limit=100")) as {
      rule: string;
      resourceId: string;
    }[];
    assert.deepEqual(
      missing.map((f) => f.rule).filter((r) => r !== "missing-tags"),
      [],
    );
    assert.deepEqual(missing.map((f) => f.resourceId).sort(), ["i-expired", "i-untagged"]);
    const byTeam = (await json("/api/findings?team=unowned")) as { team: string }[];
    assert.ok(byTeam.length > 0 && byTeam.every((f) => f.team === "unowned"));
    const asc = (await json("/api/findings?sort=rule&order=asc&limit=100")) as { rule: string }[];
    assert.deepEqual(
      asc.map((f) => f.rule),
      [...asc.map((f) => f.rule)].sort(),
    );
    const summary = (await json("/api/findings/summary")) as {
      byRule: { key: string }[];
      filters: { rules: string[] };
    };
    assert.ok(summary.filters.rules.includes("previous-generation"));
    assert.ok(summary.byRule.some((r) => r.key === "expired"));
    const history = (await json("/api/resources/i-expired/costs?days=30")) as {
      days: string[];
      values: number[];
    };
    assert.equal(history.days.length, 30);
    const resources = (await json("/api/resources?type=ec2:instance")) as { resourceId: string }[];
    assert.deepEqual(resources.map((r) => r.resourceId).sort(), ["i-expired", "i-old", "i-untagged"]);
    const untagged = (await json("/api/resources?untagged=true")) as { resourceId: string }[];
    assert.deepEqual(
      untagged.map((r) => r.resourceId),
      ["i-untagged"],
    );
    assert.equal((await get("/api/resources?untagged=yes")).status, 400);
    const health = (await json("/healthz")) as { status: string };
    assert.equal(health.status, "ok");
    assert.match(await (await get("/metrics")).text(), /finops_findings_open\{rule="missing-tags"\} 2/);
  });

  test("plans: list and detail; approving needs the token (401 without, 403 wrong); nothing else changes data", async () => {
    const plans = (await json("/api/plans")) as { planId: string; approval: unknown }[];
    assert.deepEqual(
      plans.map((p) => [p.planId, p.approval]),
      [[planId, null]],
    );
    const detail = (await json(`/api/plans/${planId}`)) as { items: { resourceId: string }[] };
    assert.deepEqual(
      detail.items.map((i) => i.resourceId),
      ["i-expired"],
    );
    assert.equal((await get("/api/plans/plan-000000000000000000000000")).status, 404);

    const none = await approve(planId, {});
    assert.equal(none.status, 401);
    const wrong = await approve(planId, { authorization: "Bearer not-the-token" });
    assert.equal(wrong.status, 403);
    const basic = await approve(planId, { authorization: `Basic ${TOKEN}` });
    assert.equal(basic.status, 401);
    // The scheme is case-insensitive (RFC 7235); the token is still checked.
    assert.equal((await approve(planId, { authorization: "bearer not-the-token" })).status, 403);
    assert.equal((await approve(planId, { authorization: "BEARER " })).status, 401);
    assert.equal((await approve(planId, { authorization: `bearer ${TOKEN.toUpperCase()}` })).status, 403);
    assert.equal(
      ((await json("/api/plans")) as { approval: unknown }[])[0]?.approval,
      null,
      "nothing recorded",
    );
    const bad = await approve(planId, { authorization: `Bearer ${TOKEN}` }, { by: "" });
    assert.equal(bad.status, 400);

    const ok = await approve(planId, { authorization: `bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { approvedBy: string }).approvedBy, "alice");
    const after = (await json("/api/plans")) as { approval: { approvedBy: string; valid: boolean } }[];
    assert.equal(after[0]?.approval.approvedBy, "alice");
    assert.equal(after[0]?.approval.valid, true);

    for (const path of ["/api/findings", "/api/costs", "/api/plans"]) {
      const response = await fetch(`${served.base}${path}`, { method: "POST" });
      assert.equal(response.status, 401, `POST ${path} without a token`);
      const authorized = await fetch(`${served.base}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(authorized.status, 404, `POST ${path}`);
    }
  });

  test("a write is refused for its token before its body is read: 401/403 before 415 or 400", async () => {
    const form = (headers: Record<string, string>) =>
      fetch(`${served.base}/api/plans/${planId}/approve`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: "by=mallory",
      });
    assert.equal((await form({})).status, 401);
    assert.equal((await form({ authorization: "Bearer not-the-token" })).status, 403);
    const malformed = await fetch(`${served.base}/api/plans/${planId}/approve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(malformed.status, 401, "not even a body parse error without the token");
    // With the token, the body's type is the route's business.
    assert.equal((await form({ authorization: `Bearer ${TOKEN}` })).status, 415);
  });
});
