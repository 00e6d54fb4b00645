import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { runFinops } from "./helpers/cli.js";
import { FIXTURES, FOCUS_SAMPLE, tempDir } from "./helpers/project.js";

/** Errors keep their reason: the encoding a file is really in, the CUR column a value is missing from. */
describe("a file the reader cannot take says why, in the file's own terms", () => {
  const dir = tempDir();
  after(() => dir.remove());

  async function expectRejected(file: string, message: RegExp) {
    const result = await runFinops(["ingest", file, "--db", join(dir.path, "finops.duckdb"), "--json"]);
    assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split("\n").length, 1, "one line");
  }

  function sampleWith(edit: (records: string[][]) => void): string[][] {
    const records: string[][] = parse(readFileSync(FOCUS_SAMPLE));
    edit(records);
    return records;
  }

  test("latin-1: names the row and says the file is not UTF-8, with the fix", async () => {
    const records = sampleWith((r) => {
      const column = r[0]?.indexOf("ServiceName") ?? -1;
      const row = r[10];
      assert.ok(row && column >= 0);
      row[column] = "Caf\u00e9 Services";
    });
    const file = join(dir.path, "latin1.csv");
    writeFileSync(file, Buffer.from(stringify(records), "latin1"));
    await expectRejected(
      file,
      /latin1\.csv: row 10 \(line 11\): the file is not UTF-8 \(latin-1\? convert it with iconv -f latin1 -t utf-8\)$/m,
    );
  });

  test("UTF-16, with a BOM, without one, and gzipped: says UTF-16 must be UTF-8", async () => {
    const text = readFileSync(FOCUS_SAMPLE, "utf8");
    const withBom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const variants: [string, Buffer][] = [
      ["utf16-bom.csv", withBom],
      ["utf16-nobom.csv", Buffer.from(text, "utf16le")],
      ["utf16.csv.gz", gzipSync(withBom)],
    ];
    for (const [name, bytes] of variants) {
      const file = join(dir.path, name);
      writeFileSync(file, bytes);
      await expectRejected(
        file,
        new RegExp(
          `${name.replace(/\./g, "\\.")}: the file is UTF-16, and billing files must be UTF-8: convert it with iconv`,
        ),
      );
    }
  });

  test("a CUR 2.0 Parquet with a null cost names the CUR column, not a FOCUS one", async () => {
    const parquet = join(dir.path, "cur-null-cost.parquet");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const csv = join(FIXTURES, "cur2-sample.csv");
    await connection.run(
      `COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 4 THEN NULL ELSE line_item_unblended_cost END AS line_item_unblended_cost)
         FROM read_csv('${csv}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    await expectRejected(
      parquet,
      /cur-null-cost\.parquet: row 4, column line_item_unblended_cost: the value is missing$/m,
    );
  });

  test("a CUR 2.0 CSV with an empty payer account names bill_payer_account_id", async () => {
    const records: string[][] = parse(readFileSync(join(FIXTURES, "cur2-sample.csv")));
    const column = records[0]?.indexOf("bill_payer_account_id") ?? -1;
    const row = records[6];
    assert.ok(row && column >= 0);
    row[column] = "";
    const file = join(dir.path, "cur-no-payer.csv");
    writeFileSync(file, stringify(records));
    await expectRejected(
      file,
      /cur-no-payer\.csv: row 6 \(line 7\), column bill_payer_account_id: the value is missing/,
    );
  });
});
