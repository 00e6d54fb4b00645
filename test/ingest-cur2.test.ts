import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { runFinops } from "./helpers/cli.js";
import { fromScaled, parseCostsJson, toScaled } from "./helpers/decimal.js";
import { FIXTURES, tempDir } from "./helpers/project.js";

const CUR_SAMPLE = join(FIXTURES, "cur2-sample.csv");

describe("finops ingest of an AWS CUR 2.0 export (mapped onto FOCUS columns)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const records: Record<string, string>[] = parse(readFileSync(CUR_SAMPLE), { columns: true });
  const costs = async (by: string) =>
    parseCostsJson((await runFinops(["costs", "--by", by, "--db", db, "--json"])).stdout);

  before(async () => {
    // CUR 2.0 CSV exports are gzipped.
    const gz = join(dir.path, "cur2-00001.csv.gz");
    writeFileSync(gz, gzipSync(readFileSync(CUR_SAMPLE)));
    const result = await runFinops(["ingest", gz, "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    // A Savings Plan's recurring fee is two billing rows: the purchase and the plan's unused part.
    const fees = records.filter((r) => r.line_item_line_item_type === "SavingsPlanRecurringFee").length;
    assert.equal(summary.rowsLoaded, records.length + fees);
    assert.deepEqual(summary.providers, ["AWS"]);
    assert.deepEqual(summary.billingPeriods, ["2024-10"]);
  });
  after(() => dir.remove());

  test("BilledCost sums to line_item_unblended_cost, per linked account (ids kept at 12 digits)", async () => {
    const expected = new Map<string, bigint>();
    for (const row of records) {
      const account = (row.line_item_usage_account_id ?? "").padStart(12, "0");
      expected.set(account, (expected.get(account) ?? 0n) + toScaled(row.line_item_unblended_cost ?? "0"));
    }
    const lines = await costs("account");
    assert.deepEqual(
      Object.fromEntries(lines.map((l) => [l.key, l.billedCost])),
      Object.fromEntries([...expected].map(([k, v]) => [k, fromScaled(v)])),
    );
  });

  test("EffectiveCost amortizes Savings Plans (totals computed independently from the fixture)", async () => {
    const byAccount = Object.fromEntries((await costs("account")).map((l) => [l.key, l.effectiveCost]));
    assert.deepEqual(byAccount, { "400011113333": "13.6752354838", "012345678901": "5.8168709678" });
    const byService = Object.fromEntries(
      (await costs("service")).map((l) => [l.key, [l.billedCost, l.effectiveCost]]),
    );
    assert.deepEqual(byService["Amazon Elastic Compute Cloud"], ["12.0699016128", "17.4555016128"]);
    assert.deepEqual(byService["Savings Plans for AWS Compute usage"], ["2.88", "0.3744"]);
  });

  test("resource_tags become FOCUS Tags without the user_ prefix", async () => {
    const byTeam = Object.fromEntries(
      (await costs("team")).map((l) => [l.key, [l.billedCost, l.effectiveCost]]),
    );
    assert.deepEqual(byTeam, {
      platform: ["10.9399354838", "10.9399354838"],
      payments: ["0", "5.3856"],
      data: ["5.2226064516", "5.2226064516"],
      null: ["0.4495645162", "-2.0560354838"],
    });
  });

  test("a CUR file loaded again replaces its month; --format focus on it is a usage error", async () => {
    const before = await costs("account");
    assert.equal((await runFinops(["ingest", CUR_SAMPLE, "--db", db])).code, 0);
    assert.deepEqual(await costs("account"), before);
    const forced = await runFinops(["ingest", CUR_SAMPLE, "--format", "focus", "--db", db]);
    assert.equal(forced.code, 2);
    assert.match(forced.stderr, /cur2-sample\.csv: FOCUS columns? missing: BilledCost/);
  });

  test("the same export as Parquet, with product and resource_tags as MAP columns, gives the same figures", async () => {
    const parquet = join(dir.path, "cur2-00001.snappy.parquet");
    const instance = await DuckDBInstance.create(":memory:", {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT * REPLACE (
         CAST(json(product) AS MAP(VARCHAR, VARCHAR)) AS product,
         CAST(json(resource_tags) AS MAP(VARCHAR, VARCHAR)) AS resource_tags)
       FROM read_csv('${CUR_SAMPLE}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    const parquetDb = join(dir.path, "parquet.duckdb");
    assert.equal((await runFinops(["ingest", parquet, "--db", parquetDb])).code, 0);
    for (const by of ["team", "service", "account"]) {
      const fromParquet = (await runFinops(["costs", "--by", by, "--db", parquetDb, "--json"])).stdout;
      const fromCsv = (await runFinops(["costs", "--by", by, "--db", db, "--json"])).stdout;
      assert.equal(fromParquet, fromCsv, `by ${by}`);
    }
  });
});
