import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isoFlagValue, parseIsoInstant } from "../core/dates.js";
import { runFinops } from "./helpers/cli.js";
import { emptyDatabase, tempDir } from "./helpers/project.js";

describe("strict ISO 8601 dates (core/dates.ts)", () => {
  test("accepts dates and date-times with or without seconds, Z or an offset", () => {
    const cases: [string, string][] = [
      ["2024-09-01", "2024-09-01T00:00:00.000Z"],
      ["2024-02-29", "2024-02-29T00:00:00.000Z"],
      ["2024-07-01T00:00Z", "2024-07-01T00:00:00.000Z"],
      ["2024-07-01T00:00+02:00", "2024-06-30T22:00:00.000Z"],
      ["2024-07-01T00:00:00-0530", "2024-07-01T05:30:00.000Z"],
      ["2024-07-01 12:30:15.250", "2024-07-01T12:30:15.250Z"],
      ["2024-07-01T23:59:59z", "2024-07-01T23:59:59.000Z"],
    ];
    for (const [text, iso] of cases) assert.equal(parseIsoInstant(text)?.date.toISOString(), iso, text);
  });

  test("refuses dates that do not exist instead of rolling them over, and other shapes", () => {
    for (const text of [
      "2024-02-30",
      "2023-02-29",
      "2024-04-31",
      "2024-13-01",
      "2024-00-10",
      "2024-09-01T24:00Z",
      "2024-09-01T12:60",
      "2024-09-01T12:00:60Z",
      "2024-09-01T12:00+25:00",
      "2024-9-1",
      "20240901",
      "September 1, 2024",
      "2024-09-01T12",
      "",
    ]) {
      assert.equal(parseIsoInstant(text), undefined, text);
    }
  });

  test("flag values reach SQL as UTC text DuckDB casts exactly", () => {
    assert.deepEqual(isoFlagValue("--from", "2024-09-01").ok && isoFlagValue("--from", "2024-09-01"), {
      ok: true,
      value: "2024-09-01",
      date: new Date("2024-09-01T00:00:00Z"),
    });
    const shifted = isoFlagValue("--to", "2024-09-01T00:00+02:00");
    assert.ok(shifted.ok);
    assert.equal(shifted.value, "2024-08-31 22:00:00.000");
    const bad = isoFlagValue("--from", "2024-02-30");
    assert.ok(!bad.ok);
    assert.match(bad.message, /^--from "2024-02-30": no such date/);
  });
});

describe("finops costs --from/--to are validated up front", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  before(() => emptyDatabase(db));
  after(() => dir.remove());

  for (const [flag, value, problem] of [
    ["--from", "2024-02-30", "no such date"],
    ["--to", "2024-13-01", "no such date"],
    ["--from", "yesterday", "not an ISO 8601 date"],
  ] as const) {
    test(`${flag} ${value}: exit 2, naming the flag and value`, async () => {
      const result = await runFinops(["costs", flag, value, "--db", db, "--json"]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, new RegExp(`${flag} "${value}": ${problem}`));
      assert.doesNotMatch(result.stderr, /Conversion Error|LINE \d/);
    });
  }

  test("a date-time without seconds and with an offset is accepted", async () => {
    const result = await runFinops([
      "costs",
      "--from",
      "2024-09-01T00:00Z",
      "--to",
      "2024-09-02T00:00+02:00",
      "--db",
      db,
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });
});
