import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import {
  billCsv,
  commitmentBill,
  days,
  expectedFigures,
  parseExact,
  RI,
  rowsIn,
  SP,
  TERMS_SQL,
} from "./helpers/commitment-bill.js";
import { tempDir } from "./helpers/project.js";
import { type Served, startServe } from "./helpers/serve.js";

/**
 * GET /api/commitments and the finops_commitment_utilization gauge of /metrics against a bill the test
 * writes: the route's answer is `finops commitments --json` without its recommendations, its figures
 * the sums of the rows; the gauge is the last 30 days before serve's --now.
 */

const NOW = "2024-10-07T00:00:00Z";
const rows = commitmentBill(days("2024-09-01", 36), "2024-09-30");

describe("commitments in the web API and /metrics", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let served: Served;
  // finops serve holds the database: the CLI's answers are taken before it starts.
  const cli = new Map<string, Record<string, unknown>>();
  const WINDOWS = [
    "from=2024-09-23&to=2024-10-07",
    "from=2024-09-01&to=2024-10-01&by=type",
    "by=account", // the default window: the 30 days before the day of --now
  ];
  const flags = (query: string) => {
    const params = new URLSearchParams(query);
    return [...params].flatMap(([key, value]) => [`--${key}`, value]);
  };
  const get = (path: string) => fetch(`${served.base}${path}`);

  before(async () => {
    const bill = join(dir.path, "bill.csv");
    writeFileSync(bill, billCsv(rows));
    const loaded = await runFinops(["ingest", bill, "--db", db]);
    assert.equal(loaded.code, 0, loaded.stderr);
    const store = await openStore(db);
    try {
      await store.connection.run(TERMS_SQL);
    } finally {
      store.close();
    }
    for (const query of WINDOWS) {
      const result = await runFinops(["commitments", "--db", db, "--now", NOW, "--json", ...flags(query)]);
      assert.equal(result.code, 0, result.stderr);
      cli.set(query, parseExact(result.stdout));
    }
    served = await startServe(["--db", db, "--now", NOW, "--no-schedules"]);
  });
  after(async () => {
    await served?.stop();
    dir.remove();
  });

  test("GET /api/commitments is finops commitments --json without its recommendations", async () => {
    for (const query of WINDOWS) {
      const response = await get(`/api/commitments?${query}`);
      assert.equal(response.status, 200, query);
      const answer = parseExact<Record<string, unknown>>(await response.text());
      const { recommendations, ...expected } = cli.get(query) ?? {};
      assert.ok(Array.isArray(recommendations), "the CLI has recommendations; the route leaves them out");
      assert.deepEqual(answer, expected, query);
    }
  });

  test("its figures are the sums of the rows, and the reservation expiring as of serve's --now", async () => {
    const answer = parseExact<{
      from: string;
      to: string;
      summary: Record<string, string | null>;
      commitments: { commitmentId: string; utilization: string | null; end: string | null }[];
      expiring: { commitmentId: string; daysLeft: string }[];
    }>(await (await get("/api/commitments?from=2024-09-23&to=2024-10-07")).text());
    const expected = expectedFigures(rowsIn(rows, "2024-09-23T00:00:00Z", "2024-10-07T00:00:00Z"));
    for (const field of [
      "commitmentCost",
      "usedCost",
      "unusedCost",
      "onDemandEquivalentCost",
      "savings",
    ] as const) {
      assert.equal(answer.summary[field], expected[field], field);
    }
    for (const field of ["utilization", "coverage", "effectiveSavingsRate"] as const) {
      assert.ok(Math.abs(Number(answer.summary[field]) - Number(expected[field])) < 1e-12, field);
    }
    assert.deepEqual(answer.commitments.map((c) => c.commitmentId).sort(), [RI, SP].sort());
    assert.deepEqual(
      answer.expiring.map((e) => [e.commitmentId, e.daysLeft]),
      [[RI, "13"]],
    );
    // The default window: the 30 days before the day of now.
    const defaults = parseExact<{ from: string; to: string }>(await (await get("/api/commitments")).text());
    assert.deepEqual([defaults.from, defaults.to], ["2024-09-07", "2024-10-07"]);
  });

  test("bad parameters get 400 naming the parameter", async () => {
    for (const [query, pattern] of [
      ["by=region", /^by: /],
      ["from=2024-13-01", /^from: /],
      ["from=yesterday", /^from: /],
      ["from=2024-10-05&to=2024-10-01", /^to: must be after from/],
      ["from=2024-10-01&to=2024-10-01", /^to: must be after from/],
      ["region=us-east-1", /region/],
    ] as const) {
      const response = await get(`/api/commitments?${query}`);
      assert.equal(response.status, 400, query);
      assert.match(((await response.json()) as { error: string }).error, pattern, query);
    }
  });

  test("/metrics: finops_commitment_utilization per commitment and type, and the summary, over the 30 days before now", async () => {
    const text = await (await get("/metrics")).text();
    assert.match(text, /# HELP finops_commitment_utilization /);
    assert.match(text, /# TYPE finops_commitment_utilization gauge/);
    const samples = new Map<string, number>();
    for (const match of text.matchAll(
      /^finops_commitment_utilization\{commitment="([^"]*)",type="([^"]*)"\} (\S+)$/gm,
    )) {
      samples.set(`${match[1]}|${match[2]}`, Number(match[3]));
    }
    const last30 = rowsIn(rows, "2024-09-07T00:00:00Z", "2024-10-07T00:00:00Z");
    const of = (id?: string, type?: string) =>
      expectedFigures(
        last30.filter(
          (r) =>
            r.CommitmentDiscountId !== undefined &&
            (id === undefined || r.CommitmentDiscountId === id) &&
            (type === undefined || r.CommitmentDiscountType === type),
        ),
      ).utilization ?? Number.NaN;
    const expected = new Map([
      ["all|all", of()],
      ["all|Savings Plan", of(undefined, "Savings Plan")],
      ["all|Reserved Instance", of(undefined, "Reserved Instance")],
      [`${SP}|Savings Plan`, of(SP)],
      [`${RI}|Reserved Instance`, of(RI)],
    ]);
    assert.deepEqual([...samples.keys()].sort(), [...expected.keys()].sort());
    for (const [key, value] of expected) {
      assert.ok(
        Math.abs((samples.get(key) ?? Number.NaN) - value) < 1e-9,
        `${key}: ${samples.get(key)} against ${value}`,
      );
    }
  });
});
