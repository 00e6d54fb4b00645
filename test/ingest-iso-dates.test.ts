import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { runFinops } from "./helpers/cli.js";
import { FIXTURES, FOCUS_SAMPLE, tempDir } from "./helpers/project.js";

const CUR_SAMPLE = join(FIXTURES, "cur2-sample.csv");
const WHOLE_MINUTE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):00(\.0+)?Z?$/;

/**
 * The same instant in the ISO 8601 forms real exporters write and DuckDB's cast refuses: minutes
 * without seconds, with Z (Microsoft's FOCUS export), with +02:00 and with -05:30 (shifted so the
 * instant is unchanged). Row by row, so every form meets every date column.
 */
function otherForm(value: string, row: number): string {
  const match = WHOLE_MINUTE.exec(value);
  if (!match) return value;
  const instant = Date.parse(`${match[1]}T${match[2]}:${match[3]}:00Z`);
  const [suffix, shift] = [
    ["Z", 0],
    ["+02:00", 120],
    ["-05:30", -330],
  ][row % 3] as [string, number];
  const local = new Date(instant + shift * 60_000).toISOString();
  return `${local.slice(0, 10)}T${local.slice(11, 16)}${suffix}`;
}

function rewriteDates(source: string, target: string, dateColumns: RegExp): number {
  const [header = [], ...data]: string[][] = parse(readFileSync(source));
  const columns = header.map((name, i) => (dateColumns.test(name) ? i : -1)).filter((i) => i >= 0);
  let changed = 0;
  for (const [row, record] of data.entries()) {
    for (const i of columns) {
      const before = record[i] ?? "";
      record[i] = otherForm(before, row);
      if (record[i] !== before) changed++;
    }
  }
  writeFileSync(target, stringify([header, ...data]));
  return changed;
}

async function toParquet(csv: string, parquet: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  // Every column a string, as exporters that write Parquet dates as text do.
  await connection.run(
    `COPY (SELECT * FROM read_csv('${csv}', all_varchar = true, nullstr = ['NULL', ''])) TO '${parquet}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
}

describe("ISO 8601 date-times without seconds, with Z or an offset, load in every date column", () => {
  const dir = tempDir();
  after(() => dir.remove());

  /** Costs by service, overall and for one UTC day, from a fresh database loaded with `file`. */
  async function figures(name: string, file: string, day: [string, string]): Promise<string> {
    const db = join(dir.path, `${name}.duckdb`);
    const ingest = await runFinops(["ingest", file, "--db", db, "--json"]);
    assert.equal(ingest.code, 0, `${name}: ${ingest.stderr}`);
    const all = await runFinops(["costs", "--db", db, "--json"]);
    const oneDay = await runFinops(["costs", "--from", day[0], "--to", day[1], "--db", db, "--json"]);
    assert.equal(oneDay.code, 0, oneDay.stderr);
    assert.notEqual(JSON.parse(oneDay.stdout).length, 0, "the day has rows");
    return `${JSON.parse(ingest.stdout).billingPeriods}\n${all.stdout}\n${oneDay.stdout}`;
  }

  const cases = [
    {
      name: "focus",
      sample: FOCUS_SAMPLE,
      dates: /^(Charge|Billing)Period(Start|End)$/,
      day: ["2024-09-18", "2024-09-19"],
    },
    { name: "cur2", sample: CUR_SAMPLE, dates: /_date$/, day: ["2024-10-02", "2024-10-03"] },
  ] as const;
  let expected: Record<string, string> = {};

  before(async () => {
    expected = {};
    for (const c of cases) expected[c.name] = await figures(`${c.name}-original`, c.sample, [...c.day]);
  });

  for (const c of cases) {
    test(`${c.name}: CSV and Parquet (dates as strings) give the figures of the original export`, async () => {
      const csv = join(dir.path, `${c.name}-minutes.csv`);
      assert.ok(rewriteDates(c.sample, csv, c.dates) > 100, "the rewrite changed dates");
      const text = readFileSync(csv, "utf8");
      assert.match(text, /T\d{2}:\d{2}Z/);
      assert.match(text, /T\d{2}:\d{2}\+02:00/);
      assert.equal(await figures(`${c.name}-csv`, csv, [...c.day]), expected[c.name]);
      const parquet = join(dir.path, `${c.name}-minutes.parquet`);
      await toParquet(csv, parquet);
      assert.equal(await figures(`${c.name}-parquet`, parquet, [...c.day]), expected[c.name]);
    });
  }

  test("a value that is no date-time is still refused, with its row and column", async () => {
    const csv = join(dir.path, "focus-bad.csv");
    rewriteDates(FOCUS_SAMPLE, csv, /^ChargePeriodStart$/);
    const lines = readFileSync(csv, "utf8").split("\n");
    lines[3] = (lines[3] ?? "").replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[^,]*/, "2024-09-18T25:00Z");
    writeFileSync(csv, lines.join("\n"));
    const result = await runFinops(["ingest", csv, "--db", join(dir.path, "bad.duckdb")]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /focus-bad\.csv: row 3 \(line 4\), column ChargePeriodStart: "2024-09-18T25:00Z" is not a date-time/,
    );
  });
});
