/**
 * Large outputs and store settings at bill scale (issue 20): a table of a million rows is printed (cli-table3
 * overflowed the stack near that and took 1.5 ms a row), with the same characters as the small tables; the
 * DuckDB settings a user gives in the environment are applied and a bad one is refused by name.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import Table from "cli-table3";
import { printTable } from "../cli/output.js";
import { environmentSettings } from "../store/database.js";

function captured(body: () => void): string {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    body();
  } finally {
    process.stdout.write = write;
  }
  return chunks.join("");
}

const rowsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => [
    `arn:aws:ec2:us-east-1:123456789012:res/${i.toString(16)}`,
    `${i}.50`,
  ]);

test("a table above the plain-rendering threshold has cli-table3's characters", () => {
  const rows = rowsOf(1500);
  const printed = captured(() => printTable(["Resource", "Effective cost"], rows, [1]));
  const table = new Table({
    head: ["Resource", "Effective cost"],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colAligns: ["left", "right"],
  });
  for (const row of rows) table.push(row);
  assert.equal(printed, `${table.toString()}\n`);
});

test("a million-row table prints, in seconds", () => {
  const started = performance.now();
  const printed = captured(() => printTable(["Resource", "Effective cost"], rowsOf(1_000_000), [1]));
  assert.equal(printed.split("\n").length, 1_000_000 + 4);
  assert.ok(performance.now() - started < 30_000);
});

test("FINOPS_MEMORY_LIMIT, FINOPS_TEMP_DIRECTORY and FINOPS_THREADS become DuckDB settings", () => {
  assert.deepEqual(environmentSettings({}), {});
  assert.deepEqual(
    environmentSettings({
      FINOPS_MEMORY_LIMIT: "2GB",
      FINOPS_TEMP_DIRECTORY: "/var/tmp/finops",
      FINOPS_THREADS: "2",
    }),
    { memory_limit: "2GB", temp_directory: "/var/tmp/finops", threads: "2" },
  );
  assert.throws(() => environmentSettings({ FINOPS_MEMORY_LIMIT: "lots" }), /FINOPS_MEMORY_LIMIT: "lots"/);
  assert.throws(() => environmentSettings({ FINOPS_THREADS: "0" }), /FINOPS_THREADS: "0"/);
});

test("a store opens with the default memory limit, or the environment's", async () => {
  const { openStore } = await import("../store/database.js");
  const limit = async () => {
    const store = await openStore(":memory:");
    try {
      const reader = await store.connection.runAndReadAll("SELECT current_setting('memory_limit') AS v");
      return String(reader.getRowObjectsJson()[0]?.v);
    } finally {
      store.close();
    }
  };
  assert.equal(await limit(), "953.6 MiB"); // DEFAULT_MEMORY_LIMIT, 1GB, as DuckDB writes it
  process.env.FINOPS_MEMORY_LIMIT = "2GB";
  try {
    assert.equal(await limit(), "1.8 GiB");
  } finally {
    delete process.env.FINOPS_MEMORY_LIMIT;
  }
});
