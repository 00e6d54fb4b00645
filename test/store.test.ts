import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { daysToFetch } from "../collectors/billing/cost-explorer-days.js";
import { BILLING_COLUMNS, SPLIT_COLUMNS } from "../store/billing-columns.js";
import { openStore } from "../store/database.js";
import { SCHEMA_VERSION } from "../store/migrations.js";
import { tempDir } from "./helpers/project.js";

describe("the store", () => {
  const dir = tempDir();
  const path = join(dir.path, "finops.duckdb");
  after(() => dir.remove());

  test("migrates a new database to the current schema version, and reopening changes nothing", async () => {
    for (let i = 0; i < 2; i++) {
      const store = await openStore(path);
      const rows = (
        await store.connection.runAndReadAll("SELECT max(version) AS v, count(*) AS n FROM schema_migrations")
      ).getRowObjectsJson();
      assert.equal(Number(rows[0]?.v), SCHEMA_VERSION);
      assert.equal(Number(rows[0]?.n), SCHEMA_VERSION);
      store.close();
    }
  });

  test("the billing table has exactly the FOCUS columns the loaders map onto, plus x_Source and x_LoadId", async () => {
    const store = await openStore(path);
    const described = (await store.connection.runAndReadAll("DESCRIBE billing")).getRowObjectsJson();
    store.close();
    const expected = {
      ...Object.fromEntries(Object.entries(BILLING_COLUMNS)),
      x_Source: "VARCHAR",
      x_LoadId: "VARCHAR",
      ...SPLIT_COLUMNS,
    };
    assert.deepEqual(Object.fromEntries(described.map((c) => [c.column_name, c.column_type])), expected);
  });

  test("extensions are never autoloaded or installed", async () => {
    const store = await openStore(path);
    const rows = (
      await store.connection.runAndReadAll(
        "SELECT current_setting('autoload_known_extensions') AS load, current_setting('autoinstall_known_extensions') AS install, current_setting('TimeZone') AS tz",
      )
    ).getRowObjectsJson();
    store.close();
    assert.deepEqual(rows[0], { load: false, install: false, tz: "UTC" });
  });

  test("a database from a newer finops is refused, not rewritten", async () => {
    const store = await openStore(path);
    await store.connection.run("INSERT INTO schema_migrations VALUES (9999, 'future', now()::TIMESTAMP)");
    store.close();
    await assert.rejects(openStore(path), /newer than this finops/);
  });
});

describe("Cost Explorer day selection", () => {
  const window = (stored: string[], restatement = 3) =>
    daysToFetch("2024-10-01", "2024-10-11", new Set(stored), restatement);
  const days = (start: number, end: number) =>
    Array.from({ length: end - start + 1 }, (_, i) => `2024-10-${String(start + i).padStart(2, "0")}`);

  test("an empty store asks for the whole window in one range", () => {
    assert.deepEqual(window([]), [{ start: "2024-10-01", end: "2024-10-11" }]);
  });

  test("a full store asks only for the restated days", () => {
    assert.deepEqual(window(days(1, 10)), [{ start: "2024-10-08", end: "2024-10-11" }]);
  });

  test("a gap is asked for on its own; stored closed days around it are not", () => {
    assert.deepEqual(window([...days(1, 3), ...days(6, 10)]), [
      { start: "2024-10-04", end: "2024-10-06" },
      { start: "2024-10-08", end: "2024-10-11" },
    ]);
  });
});
