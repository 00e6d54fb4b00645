/**
 * `finops costs` of millions of keys (`--by resource` of a large bill) reads its lines from DuckDB a chunk
 * at a time and writes them as it reads: the same characters as a table or JSON document held whole,
 * the same totals and the same page notes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { printJson, printJsonArray, printLargeTable, printTable } from "../cli/output.js";
import type { Column } from "../cli/table-layout.js";
import { Decimal } from "../core/money.js";
import { costsBy } from "../store/costs.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { type SeedCharge, writeFocusCsv } from "./helpers/seed.js";

async function captured(body: () => unknown): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(String(chunk));
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    await body();
  } finally {
    process.stdout.write = write;
  }
  return chunks.join("");
}

async function* blocksOf<T>(items: T[], size: number): AsyncIterable<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const COLUMNS: Column[] = [
  { head: "resource", priority: 100, minWidth: 16 },
  { head: "Effective cost", align: "right", cut: "none", priority: 90 },
  { head: "Billed cost", align: "right", cut: "none", priority: 80 },
];

describe("written as read", () => {
  const rows = Array.from({ length: 2500 }, (_, i) => [
    i === 1700
      ? `arn:aws:s3:::データ-${i}`
      : `arn:aws:ec2:us-east-1:123456789012:instance/i-${i.toString(16)}`,
    `$${i}.50`,
    `$${i * 2}.00`,
  ]);

  for (const columns of [undefined, "60", "40"]) {
    test(`a large table: printTable's characters${columns ? ` at ${columns} columns` : ""}`, async () => {
      const before = process.env.COLUMNS;
      if (columns) process.env.COLUMNS = columns;
      else delete process.env.COLUMNS;
      try {
        const whole = await captured(() => printTable(COLUMNS, rows));
        const streamed = await captured(() => printLargeTable(COLUMNS, () => blocksOf(rows, 333)));
        assert.equal(streamed, whole);
      } finally {
        if (before === undefined) delete process.env.COLUMNS;
        else process.env.COLUMNS = before;
      }
    });
  }

  test("a JSON array: printJson's characters, empty or not, money exact", async () => {
    for (const items of [
      [],
      [{ key: "a", effectiveCost: new Decimal("1.100000000000") }],
      [{ key: null, n: [1, 2] }, { key: "b\n", effectiveCost: new Decimal("-0.5") }, { key: "c" }],
    ]) {
      const whole = await captured(() => printJson(items));
      const streamed = await captured(() => printJsonArray(blocksOf<unknown>(items, 2)));
      assert.equal(streamed, whole);
    }
  });
});

describe("finops costs --by resource of thousands of keys", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  before(async () => {
    const charges: SeedCharge[] = Array.from({ length: 3000 }, (_, i) => ({
      account: "111111111111",
      resourceId: `i-${String(i).padStart(5, "0")}`,
      day: `2026-10-0${1 + (i % 3)}`,
      cost: `${(i % 97) + 1}.25`,
    }));
    const file = join(dir.path, "bill.csv");
    writeFocusCsv(file, charges);
    const loaded = await runFinops(["ingest", file, "--db", db]);
    assert.equal(loaded.code, 0, loaded.stderr);
  });
  after(() => dir.remove());

  test("every line, in costsBy's order, with the total; --json the same lines", async () => {
    const store = await openStore(db);
    const expected = await costsBy(store.connection, {
      dimension: { kind: "resource" },
      caseInsensitiveTags: true,
    });
    store.close();
    const table = await runFinops(["costs", "--by", "resource", "--db", db], { COLUMNS: "100" });
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 3000 + 4);
    assert.match(lines[2] ?? "", new RegExp(`^│ ${expected[0]?.key} `));
    assert.match(lines.at(-2) ?? "", /^│ Total +│ +[0-9,]+\.[0-9]{2} │/);
    const json = await runFinops(["costs", "--by", "resource", "--json", "--db", db]);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { key: string; effectiveCost: number }[];
    assert.deepEqual(
      parsed.map((l) => [l.key, l.effectiveCost]),
      expected.map((l) => [l.key, Number(l.effectiveCost.text)]),
    );
  });

  test("a page: its lines, the total of all, and what comes after it with its money", async () => {
    const store = await openStore(db);
    const expected = await costsBy(store.connection, {
      dimension: { kind: "resource" },
      caseInsensitiveTags: true,
    });
    store.close();
    const paged = await runFinops([
      "costs",
      "--by",
      "resource",
      "--limit",
      "5",
      "--offset",
      "2990",
      "--db",
      db,
    ]);
    assert.equal(paged.code, 0, paged.stderr);
    for (const line of expected.slice(2990, 2995))
      assert.ok(paged.stdout.includes(`│ ${line.key} `), line.key ?? "");
    assert.ok(!paged.stdout.includes(`│ ${expected[2995]?.key} `));
    assert.match(paged.stdout, /Total \(all 3,000 keys\)/);
    const after = expected.slice(2995).reduce((sum, l) => sum + Number(l.effectiveCost.text), 0);
    assert.match(paged.stdout, new RegExp(`… 5 more keys, ${after.toFixed(2)} of effective cost`));
    const past = await runFinops(["costs", "--by", "resource", "--offset", "4000", "--json", "--db", db]);
    assert.equal(past.code, 0, past.stderr);
    assert.equal(past.stdout, "[]\n");
    assert.match(past.stderr, /--offset 4000 is past the end: there are 3,000 keys/);
  });
});
