/**
 * A load of many files checks its rows' required values and row rules once, after every file is in
 * (issue 20: a check after each file read the whole load again, growing with the square of the files).
 * A missing value in a later file is still named by that file, row and column, and nothing is kept.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { stringify } from "csv-stringify/sync";
import { runFinops } from "./helpers/cli.js";
import { readSample } from "./helpers/focus-sample.js";
import { readDatabase, tempDir } from "./helpers/project.js";

const { columns, rows } = readSample();
const dir = tempDir();
after(() => dir.remove());

function writeSample(name: string, missingBilledCostRow?: number): string {
  const data = rows.map((row) => columns.map((c) => row[c] ?? null));
  if (missingBilledCostRow !== undefined) {
    const row = data[missingBilledCostRow - 1];
    assert.ok(row);
    row[columns.indexOf("BilledCost")] = null;
  }
  const path = join(dir.path, name);
  writeFileSync(path, stringify([columns, ...data.map((r) => r.map((v) => (v === null ? "NULL" : v)))]));
  return path;
}

test("a missing value in the third file of a load names that file, and the load keeps nothing", async () => {
  const db = join(dir.path, "refused.duckdb");
  const files = [writeSample("a.csv"), writeSample("b.csv"), writeSample("c.csv", 3)];
  const result = await runFinops(["ingest", ...files, "--db", db]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /c\.csv: row 3 \(line 4\), column BilledCost: the value is missing/);
  const [count] = await readDatabase(db, "SELECT count(*)::INTEGER AS n FROM billing");
  assert.equal(count?.n, 0);
});

test("three clean files load as one load", async () => {
  const db = join(dir.path, "loaded.duckdb");
  const files = [writeSample("d.csv"), writeSample("e.csv"), writeSample("f.csv")];
  const result = await runFinops(["ingest", ...files, "--db", db, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).rowsLoaded, rows.length * 3);
});
