import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { stringify } from "csv-stringify/sync";
import { runFinops } from "./helpers/cli.js";
import { readSample } from "./helpers/focus-sample.js";
import { FOCUS_SAMPLE, tempDir } from "./helpers/project.js";

const FOCUS_12_COLUMNS = [
  "InvoiceId",
  "PricingCurrency",
  "ServiceSubcategory",
  "SkuMeter",
  "BillingAccountType",
];

describe("FOCUS 1.0 to 1.2 column sets, CSV, CSV.gz and Parquet, give the same figures", () => {
  const dir = tempDir();
  const reference = join(dir.path, "reference.duckdb");
  const figures = async (db: string) => {
    let out = "";
    for (const by of ["service", "account", "tag:business_unit", "region"]) {
      const result = await runFinops(["costs", "--by", by, "--db", db, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      out += result.stdout;
    }
    return out;
  };
  let expected = "";

  before(async () => {
    assert.equal((await runFinops(["ingest", FOCUS_SAMPLE, "--db", reference])).code, 0);
    expected = await figures(reference);
  });
  after(() => dir.remove());

  test("a FOCUS 1.2 export: ISO 8601 timestamps with Z, empty fields for missing values, 1.2 columns", async () => {
    const { columns, rows } = readSample();
    const header = [...columns, ...FOCUS_12_COLUMNS];
    const iso = (v: string | null) =>
      v && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(" ", "T")}Z` : v;
    const data = rows.map((row) => [
      ...columns.map((c) => iso(row[c] ?? null) ?? ""),
      "INV-2024-09",
      "USD",
      "Compute",
      "Hours",
      "Billing Account",
    ]);
    const file = join(dir.path, "focus-1.2.csv.gz");
    writeFileSync(file, gzipSync(stringify([header, ...data])));
    const db = join(dir.path, "focus12.duckdb");
    const result = await runFinops(["ingest", file, "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).rowsLoaded, 1000);
    assert.equal(await figures(db), expected);
  });

  test("a FOCUS Parquet export with typed columns and Tags as a MAP", async () => {
    const file = join(dir.path, "focus.parquet");
    const instance = await DuckDBInstance.create(":memory:", {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT * REPLACE (
         CAST(BilledCost AS DECIMAL(24,11)) AS BilledCost, CAST(EffectiveCost AS DECIMAL(24,11)) AS EffectiveCost,
         CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart,
         CAST(json(Tags) AS MAP(VARCHAR, VARCHAR)) AS Tags)
       FROM read_csv('${FOCUS_SAMPLE}', all_varchar = true, nullstr = 'NULL')) TO '${file}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    const db = join(dir.path, "parquet.duckdb");
    const result = await runFinops(["ingest", file, "--db", db]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await figures(db), expected);
  });

  test("a folder of billing files is one load", async () => {
    const db = join(dir.path, "folder.duckdb");
    const result = await runFinops(["ingest", dir.path, "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    // The two files above hold the same billing period: both are loaded, neither replaces the other.
    assert.equal(summary.rowsLoaded, 2000);
    assert.equal(summary.files.length, 2);
  });
});
