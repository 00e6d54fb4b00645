import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { canonicalJson, type PlanContent, planIdOf } from "../remediation/plan.js";
import { configSchema } from "../rules/config.js";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { openStore, type Store } from "../store/database.js";
import { hostAllowList } from "../web/hosts.js";
import { ServeMetrics } from "../web/metrics.js";
import { createServer } from "../web/server.js";
import { runFinops } from "./helpers/cli.js";
import { FOCUS_SAMPLE, tempDir } from "./helpers/project.js";
import { serveWithTokens } from "./helpers/read-token-server.js";

// Beyond loopback every read of the API needs the read token or the approver token, through one hook of
// the server: each GET route the server has (taken from the server itself, so a new one cannot slip
// through) is refused without a token (401) and with a wrong one (403), and answers either token.

const READER = "read-token-for-tests";
const APPROVER = "approver-token-for-tests";

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
      preconditions: { state: "running", attachments: [], tags: { team: "platform" } },
    },
  ],
};
const planId = planIdOf(CONTENT);

/**
 * The address a route is read at when its path alone does not answer 200: parameters in the path, or
 * required in the query. A GET route the server gains that needs one fails the test until it is listed.
 */
const EXAMPLES: Record<string, string> = {
  "/api/costs/daily": "/api/costs/daily?from=2024-09-01&to=2024-09-08",
  "/api/hotspots": "/api/hotspots?to=2024-09-08",
  "/api/resources/:id/costs": "/api/resources/i-expired/costs",
  "/api/plans/:planId": `/api/plans/${planId}`,
  "/api/cli": "/api/cli?arg=history",
  "/api/cli/:command": "/api/cli/history",
  "/api/cli/:command/:subcommand": "/api/cli/report/weekly",
};

interface Route {
  path: string;
  methods: string[];
}

/** Every route of the server, from its own route tree (printRoutes: one line per path segment). */
function routesOf(app: FastifyInstance): Route[] {
  const stack: string[] = [];
  const routes: Route[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    stack.length = depth;
    stack.push(match[2] as string);
    if (match[3]) routes.push({ path: stack.join(""), methods: match[3].split(", ") });
  }
  return routes;
}

/** The server with both tokens; the weekly report (GET /api/cli/report/weekly) writes its files in `dir`. */
const serve = (store: Store, dir: string, loopbackOnly: boolean) =>
  serveWithTokens(store, configSchema.parse({ report: { out: join(dir, "reports") } }), {
    readToken: READER,
    token: APPROVER,
    loopbackOnly,
    pageDir: dir,
    now: new Date("2024-09-01T00:00:00Z"),
  });

describe("reads of the API beyond loopback need a token", () => {
  const dir = tempDir("finops-read-token-");
  let store: Store;
  let app: FastifyInstance;
  let base = "";
  const get = (path: string, token?: string, method = "GET") =>
    fetch(`${base}${path}`, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });

  before(async () => {
    const db = join(dir.path, "finops.duckdb");
    const ingested = await runFinops(["ingest", FOCUS_SAMPLE, "--db", db]);
    assert.equal(ingested.code, 0, ingested.stderr);
    store = await openStore(db);
    await store.connection.run("INSERT INTO plans VALUES ($1, now()::TIMESTAMP, now()::TIMESTAMP, $2, 1)", [
      planId,
      canonicalJson(CONTENT),
    ]);
    await ensureCostAggregates(store.connection, { teamKeys: ["team"], caseInsensitiveTags: false });
    writeFileSync(join(dir.path, "index.html"), "<!doctype html><title>finops</title><div id=root></div>");
    ({ app, base } = await serve(store, dir.path, false));
  });
  after(async () => {
    await app?.close();
    store?.close();
    dir.remove();
  });

  const apiReads = () => {
    const reads = routesOf(app).filter((r) => r.path.startsWith("/api") && r.methods.includes("GET"));
    return reads.map((r) => {
      const example = EXAMPLES[r.path];
      assert.ok(example ?? !r.path.includes(":"), `${r.path}: add an address for it to EXAMPLES`);
      return example ?? r.path;
    });
  };

  test("the route list is the server's own: every read route, the CLI's and the costs' among them", () => {
    const reads = apiReads();
    for (const path of ["/api/costs", "/api/findings", "/api/plans", "/api/commitments", "/api/rules"]) {
      assert.ok(reads.includes(path), `${path} in ${reads.join(" ")}`);
    }
    assert.ok(reads.includes("/api/cli?arg=history") && reads.includes(`/api/plans/${planId}`));
    assert.ok(reads.length >= 15, reads.join(" "));
  });

  test("every GET /api route: 401 without a token, 403 with a wrong one, 200 with either token", async () => {
    for (const path of apiReads()) {
      const none = await get(path);
      assert.equal(none.status, 401, `${path} without a token`);
      assert.match(((await none.json()) as { error: string }).error, /Bearer token is required/);
      const wrong = await get(path, "not-the-token");
      assert.equal(wrong.status, 403, `${path} with a wrong token`);
      assert.deepEqual(await wrong.json(), { error: "wrong token" });
      for (const token of [READER, APPROVER]) {
        const read = await get(path, token);
        assert.equal(read.status, 200, `${path} with a token: ${await read.clone().text()}`);
        await read.arrayBuffer();
      }
    }
  });

  test("HEAD too; and an address routed to an API route, or under /api with none, is refused", async () => {
    assert.equal((await get("/api/costs", undefined, "HEAD")).status, 401);
    assert.equal((await get("/api/costs", READER, "HEAD")).status, 200);
    // Percent-encoded, it still reaches /api/costs: the check goes by the route matched, not the text.
    assert.equal((await get("/%61pi/costs")).status, 401);
    assert.equal((await get("/%61pi/costs", READER)).status, 200);
    // A 404 does not tell a caller without a token which routes exist.
    assert.equal((await get("/api/no-such-route")).status, 401);
    assert.equal((await get("/api/no-such-route", READER)).status, 404);
  });

  test("the read token cannot write: approving and jobs answer 403 to it", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${READER}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    assert.equal((await post(`/api/plans/${planId}/approve`, { by: "mallory" })).status, 403);
    assert.equal((await post("/api/jobs", { args: ["analyze"] })).status, 403);
    const plan = (await (await get(`/api/plans/${planId}`, READER)).json()) as { approval: unknown };
    assert.equal(plan.approval, null, "nothing was approved");
  });

  test("/healthz, /metrics and the page stay open", async () => {
    for (const path of ["/healthz", "/metrics", "/"]) {
      const response = await get(path);
      assert.equal(response.status, 200, path);
      await response.arrayBuffer();
    }
  });

  test("no token for reads at all: the clear 401 that names the variables", async () => {
    const bare = createServer({
      connection: store.connection,
      connect: () => store.connect(),
      config: configSchema.parse({}),
      allowedHosts: hostAllowList("0.0.0.0", []),
      loopbackOnly: false,
      metrics: new ServeMetrics(store.connection),
    });
    const answer = await bare.inject({ method: "GET", url: "/api/costs", headers: { host: "127.0.0.1" } });
    await bare.close();
    assert.equal(answer.statusCode, 401);
    assert.match(answer.json<{ error: string }>().error, /no token for reads: set FINOPS_READ_TOKEN/);
  });

  test("a loopback-only server reads without a token", async () => {
    const loopback = await serve(store, dir.path, true);
    try {
      for (const path of apiReads()) {
        const response = await fetch(`${loopback.base}${path}`);
        assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
        await response.arrayBuffer();
      }
    } finally {
      await loopback.app.close();
    }
  });
});
