import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { stringify } from "csv-stringify/sync";
import { runFinops } from "./helpers/cli.js";
import { readSample } from "./helpers/focus-sample.js";
import { FOCUS_SAMPLE, tempDir } from "./helpers/project.js";

const { columns, rows } = readSample();

/** Writes the sample back as CSV after `edit` changed its rows or columns (NULL stays the literal NULL). */
function writeEdited(path: string, edit: (cols: string[], data: (string | null)[][]) => void): string {
  const cols = [...columns];
  const data = rows.map((row) => cols.map((c) => row[c] ?? null));
  edit(cols, data);
  writeFileSync(
    path,
    stringify([cols, ...data.map((r) => r.map((v) => (v === null ? "NULL" : v)))], {
      quoted_match: /[,"\n]/,
    }),
  );
  return path;
}

function setValue(column: string, dataRow: number, value: string | null) {
  return (cols: string[], data: (string | null)[][]) => {
    const row = data[dataRow - 1];
    assert.ok(row);
    row[cols.indexOf(column)] = value;
  };
}

describe("a bad billing file fails with exit 2, names file, row and column, and changes nothing", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let figures = "";
  const snapshot = async () => {
    const byAccount = await runFinops(["costs", "--by", "account", "--db", db, "--json"]);
    const byService = await runFinops(["costs", "--by", "tag:business_unit", "--db", db, "--json"]);
    return byAccount.stdout + byService.stdout;
  };

  before(async () => {
    assert.equal((await runFinops(["ingest", FOCUS_SAMPLE, "--db", db])).code, 0);
    figures = await snapshot();
  });
  after(() => dir.remove());

  async function expectRejected(files: string[], message: RegExp) {
    const result = await runFinops(["ingest", ...files, "--db", db, "--json"]);
    assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
    assert.equal(result.stdout, "", "nothing on stdout");
    assert.match(result.stderr, message);
    assert.equal(await snapshot(), figures, "the stored figures are as before");
  }

  test("BilledCost that is not a number", async () => {
    const file = writeEdited(join(dir.path, "bad-cost.csv"), setValue("BilledCost", 5, "12,34 USD"));
    await expectRejected(
      [file],
      /bad-cost\.csv: row 5 \(line 6\), column BilledCost: "12,34 USD" is not a number/,
    );
  });

  test("a ChargePeriodStart that does not parse", async () => {
    const file = writeEdited(
      join(dir.path, "bad-date.csv"),
      setValue("ChargePeriodStart", 7, "2024-09-31 25:00:00"),
    );
    await expectRejected(
      [file],
      /bad-date\.csv: row 7 \(line 8\), column ChargePeriodStart: "2024-09-31 25:00:00" is not a date-time/,
    );
  });

  test("a mandatory column missing", async () => {
    const file = writeEdited(join(dir.path, "no-billed-cost.csv"), (cols, data) => {
      const i = cols.indexOf("BilledCost");
      cols.splice(i, 1);
      for (const row of data) row.splice(i, 1);
    });
    await expectRejected([file], /no-billed-cost\.csv: FOCUS column missing: BilledCost/);
  });

  test("a mandatory value missing", async () => {
    const file = writeEdited(join(dir.path, "null-cost.csv"), setValue("EffectiveCost", 4, null));
    await expectRejected(
      [file],
      /null-cost\.csv: row 4 \(line 5\), column EffectiveCost: the value is missing/,
    );
  });

  test("Tags that are not JSON", async () => {
    const file = writeEdited(join(dir.path, "bad-tags.csv"), setValue("Tags", 9, "{team: core"));
    await expectRejected([file], /bad-tags\.csv: row 9 \(line 10\), column Tags: .* is not a JSON object/);
  });

  test("a CSV truncated in the middle of a row", async () => {
    const text = readFileSync(FOCUS_SAMPLE, "utf8");
    const lines = text.split("\n");
    const cut = `${lines.slice(0, 601).join("\n")}\n${(lines[601] ?? "").slice(0, 40)}`;
    const file = join(dir.path, "truncated.csv");
    writeFileSync(file, cut);
    await expectRejected(
      [file],
      /truncated\.csv: row 601 \(line 602\): .*the file is truncated or malformed/,
    );
  });

  test("a gzip file cut short", async () => {
    const gz = gzipSync(readFileSync(FOCUS_SAMPLE));
    const file = join(dir.path, "truncated.csv.gz");
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    await expectRejected([file], /truncated\.csv\.gz: /);
  });

  test("a Parquet file with a text BilledCost, and one cut short", async () => {
    const instance = await DuckDBInstance.create(":memory:", {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
    const connection = await instance.connect();
    const good = join(dir.path, "good.parquet");
    const bad = join(dir.path, "bad-cost.parquet");
    const read = `read_csv('${FOCUS_SAMPLE}', all_varchar = true, nullstr = 'NULL')`;
    await connection.run(`COPY (SELECT * FROM ${read}) TO '${good}' (FORMAT parquet)`);
    await connection.run(
      `COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 3 THEN 'n/a' ELSE BilledCost END AS BilledCost) FROM ${read}) TO '${bad}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    await expectRejected([bad], /bad-cost\.parquet: row 3, column BilledCost: "n\/a" is not a number/);
    const cut = join(dir.path, "cut.parquet");
    const bytes = readFileSync(good);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 200));
    await expectRejected([cut], /cut\.parquet: /);
  });

  test("one bad file among several: none of them is loaded", async () => {
    const other = writeEdited(join(dir.path, "other-month.csv"), (cols, data) => {
      for (const row of data) row[cols.indexOf("BillingPeriodStart")] = "2024-08-01 00:00:00";
    });
    const bad = writeEdited(join(dir.path, "bad-again.csv"), setValue("BilledCost", 2, "abc"));
    await expectRejected([other, bad], /bad-again\.csv: row 2 \(line 3\), column BilledCost/);
  });

  test("a file that is not billing at all", async () => {
    const file = join(dir.path, "notes.csv");
    writeFileSync(file, "name,amount\nlunch,12\n");
    await expectRejected([file], /notes\.csv: not a FOCUS or CUR 2\.0 export/);
  });

  test("a path that does not exist", async () => {
    await expectRejected([join(dir.path, "missing.csv")], /missing\.csv: no such file or folder/);
  });
});
