import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { constants, createGzip, gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { runFinops } from "./helpers/cli.js";
import { FOCUS_SAMPLE, tempDir } from "./helpers/project.js";

const lines = readFileSync(FOCUS_SAMPLE, "utf8").replace(/\n$/, "").split("\n");
const header = lines[0] ?? "";

/** The first `rows` data rows, gzipped and flushed at the row boundary, without the gzip trailer. */
function gzipCutAtRow(rows: number): Promise<Buffer> {
  return new Promise((resolvePromise) => {
    const gzip = createGzip();
    const chunks: Buffer[] = [];
    gzip.on("data", (chunk: Buffer) => chunks.push(chunk));
    gzip.write(`${lines.slice(0, rows + 1).join("\n")}\n`);
    gzip.flush(constants.Z_SYNC_FLUSH, () => resolvePromise(Buffer.concat(chunks)));
  });
}

async function storedLoads(db: string): Promise<number> {
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  const rows = (
    await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM loads")
  ).getRowObjectsJson();
  connection.closeSync();
  instance.closeSync();
  return Number(rows[0]?.n);
}

describe("a cut or empty billing file never replaces a month", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let figures = "";
  const snapshot = async () =>
    (await runFinops(["costs", "--by", "account", "--db", db, "--json"])).stdout +
    (await runFinops(["costs", "--by", "service", "--db", db, "--json"])).stdout;

  before(async () => {
    const load = await runFinops(["ingest", FOCUS_SAMPLE, "--db", db, "--json"]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(JSON.parse(load.stdout).rowsLoaded, lines.length - 1);
    figures = await snapshot();
  });
  after(() => dir.remove());

  async function expectRefused(args: string[], message: RegExp) {
    const loadsBefore = await storedLoads(db);
    const result = await runFinops(["ingest", ...args, "--db", db, "--json"]);
    assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split("\n").length, 1, "one line");
    assert.equal(await snapshot(), figures, "the stored figures are as before");
    assert.equal(await storedLoads(db), loadsBefore, "no load recorded");
  }

  test("a .csv.gz cut at a row boundary (no CRC/length trailer) is refused, naming the file", async () => {
    const file = join(dir.path, "cut.csv.gz");
    writeFileSync(file, await gzipCutAtRow(249));
    await expectRefused([file], /cut\.csv\.gz: the gzip file is damaged or cut short .*nothing was loaded/);
  });

  test("a gzip member whose CRC-32 does not match is refused; a whole two-member file loads", async () => {
    const first = gzipSync(`${lines.slice(0, 501).join("\n")}\n`);
    const second = gzipSync(`${lines.slice(501).join("\n")}\n`);
    const whole = join(dir.path, "members.csv.gz");
    writeFileSync(whole, Buffer.concat([first, second]));
    const bad = Buffer.from(first);
    const crcAt = bad.length - 8;
    bad.writeUInt32LE(bad.readUInt32LE(crcAt) ^ 1, crcAt);
    const corrupt = join(dir.path, "corrupt.csv.gz");
    writeFileSync(corrupt, Buffer.concat([bad, second]));
    await expectRefused([corrupt], /corrupt\.csv\.gz: the gzip file is damaged or cut short/);
    const load = await runFinops(["ingest", whole, "--db", db, "--json"]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(JSON.parse(load.stdout).rowsLoaded, lines.length - 1);
    assert.equal(await snapshot(), figures);
  });

  test("a plain CSV with a quarter of the month stops unless --allow-shrink, and says what would go", async () => {
    const file = join(dir.path, "quarter.csv");
    writeFileSync(file, `${lines.slice(0, 250).join("\n")}\n`);
    await expectRefused(
      [file],
      /quarter\.csv: this load would replace .*with less than half of what is stored .*2024-09 \(AWS, billing account \d+\): [\d,]+ rows, effective cost [\d,.]+, billed [\d,.]+ stored; this load has [\d,]+ rows, .*--allow-shrink/,
    );
    const allowed = await runFinops(["ingest", file, "--allow-shrink", "--db", db, "--json"]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(JSON.parse(allowed.stdout).rowsLoaded, 249);
    assert.notEqual(await snapshot(), figures, "--allow-shrink replaced the periods");
    const back = await runFinops(["ingest", FOCUS_SAMPLE, "--db", db]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(await snapshot(), figures, "the whole export loads back over the smaller one");
  });

  test("a header-only file warns on stderr, loads nothing and replaces nothing", async () => {
    const empty = join(dir.path, "header-only.csv");
    writeFileSync(empty, `${header}\n`);
    const loadsBefore = await storedLoads(db);
    const result = await runFinops(["ingest", empty, "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.rowsLoaded, 0);
    assert.equal(summary.warnings.length, 1);
    assert.match(summary.warnings[0], /header-only\.csv: no billing rows/);
    assert.match(result.stderr, /^warning: .*header-only\.csv: no billing rows[^\n]*\n$/);
    assert.equal(await snapshot(), figures);
    assert.equal(
      await storedLoads(db),
      loadsBefore,
      "an all-empty load changes nothing, not even the load log",
    );

    // Beside a file with rows, the empty one still warns and the load goes on.
    const human = await runFinops(["ingest", empty, FOCUS_SAMPLE, "--db", db]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stderr, /warning: .*header-only\.csv/);
    assert.equal(await snapshot(), figures);
  });
});
