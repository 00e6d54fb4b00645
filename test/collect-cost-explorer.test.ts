import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "./helpers/counting-proxy.js";
import { parseCostsJson } from "./helpers/decimal.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

interface Group {
  keys: [string, string];
  billed: string;
  amortized: string;
}

/** One GetCostAndUsage answer: daily results with groups, and the token of the next page. */
function page(days: Record<string, Group[]>, nextPageToken?: string) {
  return {
    ResultsByTime: Object.entries(days).map(([day, groups]) => ({
      TimePeriod: { Start: day, End: nextDay(day) },
      Total: {},
      Groups: groups.map((g) => ({
        Keys: g.keys,
        Metrics: {
          UnblendedCost: { Amount: g.billed, Unit: "USD" },
          AmortizedCost: { Amount: g.amortized, Unit: "USD" },
        },
      })),
      Estimated: false,
    })),
    DimensionValueAttributes: [],
    ...(nextPageToken ? { NextPageToken: nextPageToken } : {}),
  };
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

const ACCOUNT_A = "111111111111";
const ACCOUNT_B = "222222222222";

describe("finops collect --only billing (Cost Explorer, against moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let proxy: CountingProxy;

  const queueResults = async (results: unknown[]) => {
    const response = await fetch(`${moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ results }),
    });
    assert.equal(response.status, 201);
  };
  const collect = (now: string) =>
    runFinops(["collect", "--only", "billing", "--db", db, "--config", config, "--now", now, "--json"], {
      AWS_ENDPOINT_URL: proxy.endpoint,
    });
  const costs = async (by: string) => {
    const result = await runFinops(["costs", "--by", by, "--db", db, "--config", config, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    return parseCostsJson(result.stdout);
  };
  const costRequests = () => proxy.requests.filter((r) => r.target.endsWith("GetCostAndUsage"));

  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    writeFileSync(
      config,
      // moto has no Savings Plans or reservation calls: collect-cost-explorer-commitments.test.ts tests those.
      "tags:\n  teamKeys: [team]\nbilling:\n  costExplorer:\n    lookbackDays: 5\n    restatementDays: 3\n    commitments: false\n",
    );
  });
  after(async () => {
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("first run: every day of the window, following NextPageToken", async () => {
    // Window for --now 2024-10-11: 2024-10-06 .. 2024-10-10 (today is still being billed).
    await queueResults([
      page(
        {
          "2024-10-06": [
            {
              keys: ["Amazon Elastic Compute Cloud - Compute", ACCOUNT_A],
              billed: "10.50",
              amortized: "8.25",
            },
          ],
          "2024-10-07": [
            {
              keys: ["Amazon Elastic Compute Cloud - Compute", ACCOUNT_A],
              billed: "10.50",
              amortized: "8.25",
            },
          ],
        },
        "page-2",
      ),
      page({
        "2024-10-08": [
          {
            keys: ["Amazon Simple Storage Service", ACCOUNT_B],
            billed: "1.0000000001",
            amortized: "1.0000000001",
          },
        ],
        "2024-10-10": [{ keys: ["Tax", ACCOUNT_B], billed: "2", amortized: "2" }],
      }),
      page({
        "2024-10-06": [{ keys: ["team$platform", ACCOUNT_A], billed: "10.50", amortized: "8.25" }],
        "2024-10-07": [{ keys: ["team$platform", ACCOUNT_A], billed: "10.50", amortized: "8.25" }],
        "2024-10-08": [{ keys: ["team$", ACCOUNT_B], billed: "1.0000000001", amortized: "1.0000000001" }],
        "2024-10-10": [{ keys: ["team$", ACCOUNT_B], billed: "2", amortized: "2" }],
      }),
    ]);
    const result = await collect("2024-10-11T09:00:00Z");
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout);
    assert.match(output.runId, /^run-/);
    assert.equal(output.collectors.length, 1);
    const [report] = output.collectors;
    assert.equal(report.status, "ok");
    assert.equal(report.apiCalls, 3, "two pages of the service query and one of the team query");
    assert.equal(costRequests().length, 3, "what the emulator really received");
    const periods = costRequests().map((r) => JSON.parse(r.body).TimePeriod);
    assert.deepEqual(periods[0], { Start: "2024-10-06", End: "2024-10-11" });
    assert.equal(JSON.parse(costRequests()[1]?.body ?? "{}").NextPageToken, "page-2");

    assert.deepEqual(await costs("service"), [
      { key: "Amazon Elastic Compute Cloud - Compute", billedCost: "21", effectiveCost: "16.5" },
      { key: "Tax", billedCost: "2", effectiveCost: "2" },
      { key: "Amazon Simple Storage Service", billedCost: "1.0000000001", effectiveCost: "1.0000000001" },
    ]);
    assert.deepEqual(await costs("team"), [
      { key: "platform", billedCost: "21", effectiveCost: "16.5" },
      { key: null, billedCost: "3.0000000001", effectiveCost: "3.0000000001" },
    ]);
    assert.deepEqual(await costs("account"), [
      { key: ACCOUNT_A, billedCost: "21", effectiveCost: "16.5" },
      { key: ACCOUNT_B, billedCost: "3.0000000001", effectiveCost: "3.0000000001" },
    ]);
  });

  test("second run the same day: only the three days AWS still restates are asked again", async () => {
    proxy.requests.length = 0;
    await queueResults([
      page({
        "2024-10-08": [
          { keys: ["Amazon Simple Storage Service", ACCOUNT_B], billed: "1.5", amortized: "1.5" },
        ],
        "2024-10-10": [{ keys: ["Tax", ACCOUNT_B], billed: "2", amortized: "2" }],
      }),
      page({
        "2024-10-08": [{ keys: ["team$data", ACCOUNT_B], billed: "1.5", amortized: "1.5" }],
        "2024-10-10": [{ keys: ["team$", ACCOUNT_B], billed: "2", amortized: "2" }],
      }),
    ]);
    const result = await collect("2024-10-11T18:00:00Z");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).collectors[0].apiCalls, 2);
    assert.equal(costRequests().length, 2);
    for (const request of costRequests()) {
      assert.deepEqual(JSON.parse(request.body).TimePeriod, { Start: "2024-10-08", End: "2024-10-11" });
    }
    // Restated days are replaced, never added to: 06 and 07 stay, 08 is now 1.5.
    assert.deepEqual(await costs("service"), [
      { key: "Amazon Elastic Compute Cloud - Compute", billedCost: "21", effectiveCost: "16.5" },
      { key: "Tax", billedCost: "2", effectiveCost: "2" },
      { key: "Amazon Simple Storage Service", billedCost: "1.5", effectiveCost: "1.5" },
    ]);
    assert.deepEqual(await costs("team"), [
      { key: "platform", billedCost: "21", effectiveCost: "16.5" },
      { key: null, billedCost: "2", effectiveCost: "2" },
      { key: "data", billedCost: "1.5", effectiveCost: "1.5" },
    ]);
  });

  test("next day: the new day and the restated ones, never the closed stored days", async () => {
    proxy.requests.length = 0;
    const result = await collect("2024-10-12T06:00:00Z");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).collectors[0].apiCalls, 2);
    for (const request of costRequests()) {
      assert.deepEqual(JSON.parse(request.body).TimePeriod, { Start: "2024-10-09", End: "2024-10-12" });
    }
  });

  test("an AWS error fails the collector, exits 1, and keeps the stored figures", async () => {
    const before = await costs("account");
    proxy.requests.length = 0;
    proxy.failWith = {
      target: "GetCostAndUsage",
      status: 400,
      body: JSON.stringify({
        __type: "AccessDeniedException",
        message: "not authorized to perform ce:GetCostAndUsage",
      }),
    };
    try {
      const result = await collect("2024-10-13T06:00:00Z");
      assert.equal(result.code, 1);
      const [report] = JSON.parse(result.stdout).collectors;
      assert.equal(report.status, "failed");
      assert.match(report.error, /AccessDeniedException/);
      assert.match(result.stderr, /not authorized/);
    } finally {
      delete proxy.failWith;
    }
    assert.deepEqual(await costs("account"), before);
  });
});
