import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { fromScaled, parseCostsJson, toScaled } from "./helpers/decimal.js";
import { readSample, type SampleRow } from "./helpers/focus-sample.js";
import { FOCUS_SAMPLE, tempDir } from "./helpers/project.js";

/** Expected totals, computed here from the CSV's own rows, grouped by `keyOf`. */
function expectedTotals(rows: SampleRow[], keyOf: (row: SampleRow) => string | null | undefined) {
  const totals = new Map<string | null, { billed: bigint; effective: bigint }>();
  for (const row of rows) {
    const key = keyOf(row) ?? null;
    const total = totals.get(key) ?? { billed: 0n, effective: 0n };
    total.billed += toScaled(row.BilledCost ?? "0");
    total.effective += toScaled(row.EffectiveCost ?? "0");
    totals.set(key, total);
  }
  return new Map(
    [...totals].map(([k, v]) => [k, { billed: fromScaled(v.billed), effective: fromScaled(v.effective) }]),
  );
}

function assertCostsMatch(
  stdout: string,
  expected: Map<string | null, { billed: string; effective: string }>,
) {
  const lines = parseCostsJson(stdout);
  assert.equal(lines.length, expected.size, "one line per group");
  for (const line of lines) {
    const want = expected.get(line.key);
    assert.ok(want, `unexpected group ${line.key}`);
    assert.equal(line.billedCost, want.billed, `billedCost of ${line.key}`);
    assert.equal(line.effectiveCost, want.effective, `effectiveCost of ${line.key}`);
  }
}

// The sample's AWS account ids lost a leading zero upstream; finops restores the 12 digits.
const accountOf = (row: SampleRow) => {
  const id = row.SubAccountId ?? row.BillingAccountId;
  return row.ProviderName === "AWS" && id && /^\d{1,11}$/.test(id) ? id.padStart(12, "0") : id;
};

describe("finops ingest + costs on the FOCUS 1.0 sample", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const { rows } = readSample();

  before(async () => {
    const result = await runFinops(["ingest", FOCUS_SAMPLE, "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.rowsLoaded, 1000);
    assert.deepEqual(summary.providers, ["AWS", "Microsoft", "Oracle"]);
    assert.ok(summary.billingPeriods.includes("2024-09"));
  });
  after(() => dir.remove());

  test("by service matches the CSV's own sums to the last digit", async () => {
    const result = await runFinops(["costs", "--by", "service", "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assertCostsMatch(
      result.stdout,
      expectedTotals(rows, (r) => r.ServiceName),
    );
  });

  test("by account, with AWS account ids restored to 12 digits", async () => {
    const result = await runFinops(["costs", "--by", "account", "--db", db, "--json"]);
    assertCostsMatch(result.stdout, expectedTotals(rows, accountOf));
  });

  test("by tag:business_unit, untagged rows under null", async () => {
    const result = await runFinops(["costs", "--by", "tag:business_unit", "--db", db, "--json"]);
    assertCostsMatch(
      result.stdout,
      expectedTotals(rows, (r) => (r.Tags ? (JSON.parse(r.Tags).business_unit ?? null) : null)),
    );
  });

  test("--provider keeps only that provider's rows", async () => {
    for (const provider of ["AWS", "Microsoft", "Oracle"]) {
      const result = await runFinops([
        "costs",
        "--by",
        "service",
        "--provider",
        provider,
        "--db",
        db,
        "--json",
      ]);
      assertCostsMatch(
        result.stdout,
        expectedTotals(
          rows.filter((r) => r.ProviderName === provider),
          (r) => r.ServiceName,
        ),
      );
    }
  });

  test("--from is inclusive and --to exclusive on ChargePeriodStart", async () => {
    const from = "2024-09-10";
    const to = "2024-09-20";
    const inWindow = rows.filter((r) => {
      const start = (r.ChargePeriodStart ?? "").slice(0, 10);
      return start >= from && start < to;
    });
    const result = await runFinops([
      "costs",
      "--by",
      "service",
      "--from",
      from,
      "--to",
      to,
      "--db",
      db,
      "--json",
    ]);
    assertCostsMatch(
      result.stdout,
      expectedTotals(inWindow, (r) => r.ServiceName),
    );
  });

  test("sorted by effectiveCost, then billedCost, descending", async () => {
    const lines = parseCostsJson(
      (await runFinops(["costs", "--by", "service", "--db", db, "--json"])).stdout,
    );
    for (let i = 1; i < lines.length; i++) {
      const [a, b] = [lines[i - 1], lines[i]];
      assert.ok(a && b);
      const order = toScaled(a.effectiveCost) - toScaled(b.effectiveCost);
      assert.ok(order > 0n || (order === 0n && toScaled(a.billedCost) >= toScaled(b.billedCost)));
    }
  });

  test("loading the same file again changes no figure", async () => {
    const before = (await runFinops(["costs", "--by", "account", "--db", db, "--json"])).stdout;
    const again = await runFinops(["ingest", FOCUS_SAMPLE, "--db", db, "--json"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).rowsReplaced, 1000);
    assert.equal((await runFinops(["costs", "--by", "account", "--db", db, "--json"])).stdout, before);
  });

  test("a newer export of the same billing period replaces the older one", async () => {
    const newer = join(dir.path, "newer-export.csv");
    // The newer export restates one row: the first BilledCost doubles.
    const text = readFileSync(FOCUS_SAMPLE, "utf8");
    writeFileSync(newer, text.replace(",0.00000080000,", ",0.00000160000,"));
    const result = await runFinops(["ingest", newer, "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const total = parseCostsJson(
      (await runFinops(["costs", "--by", "account", "--db", db, "--json"])).stdout,
    ).reduce((sum, line) => sum + toScaled(line.billedCost), 0n);
    const expected = rows.reduce((sum, r) => sum + toScaled(r.BilledCost ?? "0"), 0n) + toScaled("0.0000008");
    assert.equal(fromScaled(total), fromScaled(expected));
    // Put the original back for the other tests.
    assert.equal((await runFinops(["ingest", FOCUS_SAMPLE, "--db", db])).code, 0);
  });

  test("the human table shows the same totals rounded to cents", async () => {
    const result = await runFinops(["costs", "--db", db]);
    assert.equal(result.code, 0, result.stderr);
    const billed = rows.reduce((sum, r) => sum + toScaled(r.BilledCost ?? "0"), 0n);
    const cents = (billed + 5_000_000_000n) / 10_000_000_000n;
    assert.match(
      result.stdout,
      new RegExp(`Total.*${(cents / 100n).toString()}\\.${(cents % 100n).toString().padStart(2, "0")}`),
    );
  });
});
