import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { openStore } from "../store/database.js";
import { RESOURCE_COST_CTE } from "../store/resources.js";
import { runFinops } from "./helpers/cli.js";
import { readDatabase, tempDir } from "./helpers/project.js";
import { startTrino, type TrinoServer, trinoSkipReason } from "./helpers/trino.js";
import { billingTotals, costsJson, writeTrinoBill } from "./helpers/trino-bill.js";

/**
 * The Trino billing engine against a real Trino server: one FOCUS bill written as Parquet is loaded into
 * DuckDB with `finops ingest`, and the same file is registered in Trino (Hive catalog, file metastore,
 * local file system) and pulled with `finops collect --only billing`: every figure must be the same to
 * the last digit on both stores.
 */
const skip = trinoSkipReason();
if (skip) console.error(`trino-billing: skipped: ${skip}`);

describe("billing.engine trino", { skip: skip ?? false }, () => {
  const dir = tempDir("finops-trino-billing-");
  const local = join(dir.path, "duckdb.duckdb");
  const pulled = join(dir.path, "trino.duckdb");
  const config = join(dir.path, "rules.yaml");
  let trino: TrinoServer;
  const writeTrinoConfig = (path: string, table: string, extra: string[] = []) =>
    writeFileSync(
      path,
      [
        "tags:",
        "  teamKeys: [business_unit, team]",
        "billing:",
        "  engine: trino",
        "  costExplorer: { commitments: false }",
        "  trino:",
        `    server: ${trino.server}`,
        "    catalog: lake",
        "    schema: billing",
        `    table: ${table}`,
        "    lookbackMonths: 120",
        ...extra,
        "",
      ].join("\n"),
    );
  const costs = costsJson;

  before(async () => {
    trino = await startTrino();
    // The bill: the FOCUS sample as Parquet, registered in Trino as lake.billing.focus.
    const parquet = await writeTrinoBill(trino);
    const ingest = await runFinops(["ingest", parquet, "--db", local, "--json"]);
    assert.equal(ingest.code, 0, ingest.stderr);

    writeTrinoConfig(config, "focus");
    // The local store needs the same team keys as the pulled one for the team figures.
    writeFileSync(join(dir.path, "local.yaml"), "tags:\n  teamKeys: [business_unit, team]\n");
  });

  after(async () => {
    await trino?.stop();
    dir.remove();
  });

  test("collect --only billing pulls the roll-up, fewer rows than the line items, the same money", async () => {
    const collect = await runFinops([
      "collect",
      "--only",
      "billing",
      "--db",
      pulled,
      "--config",
      config,
      "--json",
    ]);
    assert.equal(collect.code, 0, collect.stderr);
    const report = JSON.parse(collect.stdout) as {
      collectors: { name: string; status: string; rows: number }[];
    };
    assert.deepEqual(
      report.collectors.map((c) => [c.name, c.status]),
      [["billing:trino", "ok"]],
      collect.stdout,
    );
    const totals = billingTotals;
    const lineItems = await totals(local);
    const rollup = await totals(pulled);
    assert.ok(
      Number(rollup?.n) < Number(lineItems?.n),
      `${rollup?.n} roll-up rows, ${lineItems?.n} line items`,
    );
    assert.equal(rollup?.billed, lineItems?.billed);
    assert.equal(rollup?.effective, lineItems?.effective);
    assert.equal(rollup?.list, lineItems?.list);
  });

  for (const by of [
    "service",
    "account",
    "region",
    "resource",
    "team",
    "tag:environment",
    "tag:application",
  ]) {
    test(`finops costs --by ${by}: the same figures on both engines`, async () => {
      const expected = await costs(by, local, join(dir.path, "local.yaml"));
      assert.ok(expected.length > 1);
      assert.deepEqual(await costs(by, pulled, config), expected);
    });
  }

  test("the web's daily aggregates are the same on both engines", async () => {
    const tagging = { teamKeys: ["business_unit", "team"], caseInsensitiveTags: true };
    const read = async (db: string) => {
      const store = await openStore(db);
      try {
        await ensureCostAggregates(store.connection, tagging);
        const out: Record<string, unknown[]> = {};
        for (const table of ["cost_daily", "cost_daily_team", "cost_daily_resource"]) {
          out[table] = (
            await store.connection.runAndReadAll(
              `SELECT * EXCLUDE (billed, effective), billed::VARCHAR AS billed, effective::VARCHAR AS effective
               FROM ${table} ORDER BY ALL`,
            )
          ).getRowObjectsJson();
        }
        return out;
      } finally {
        store.close();
      }
    };
    const expected = await read(local);
    assert.ok((expected.cost_daily?.length ?? 0) > 0);
    assert.deepEqual(await read(pulled), expected);
  });

  test("the weekly report's spend is the same on both engines", async () => {
    const report = async (db: string, cfg: string) => {
      const out = join(dir.path, `report-${db === local ? "local" : "pulled"}`);
      const result = await runFinops([
        "report",
        "weekly",
        "--week",
        "2024-W38",
        // One instant for both: the report's commitments section is dated by it.
        "--now",
        "2024-09-23T06:00:00Z",
        "--db",
        db,
        "--config",
        cfg,
        "--out",
        out,
        "--json",
      ]);
      assert.equal(result.code, 0, result.stderr);
      const { report: body } = JSON.parse(result.stdout) as { report: Record<string, unknown> };
      const { generatedAt: _generatedAt, ...figures } = body;
      return figures;
    };
    const expected = await report(local, join(dir.path, "local.yaml"));
    assert.deepEqual(await report(pulled, config), expected);
  });

  test("a resource's monthly cost (the rules' money) is the same on both engines", async () => {
    const monthly = (db: string) =>
      readDatabase(
        db,
        `WITH ${RESOURCE_COST_CTE} SELECT ResourceId, monthly::VARCHAR AS monthly FROM cost ORDER BY 1`,
      );
    const expected = await monthly(local);
    assert.ok(expected.length > 10);
    assert.deepEqual(await monthly(pulled), expected);
  });

  test("a view with tags as JSON text, zoned timestamps and FOCUS 1.3's ServiceProviderName: the same figures", async () => {
    const columns = (await trino.query("SHOW COLUMNS FROM lake.billing.focus")).map((row) => String(row[0]));
    const select = columns.map((name) => {
      if (name === "tags") return "json_format(CAST(tags AS JSON)) AS tags";
      if (name === "providername") return "providername AS serviceprovidername";
      if (name.startsWith("chargeperiod")) return `with_timezone(${name}, 'UTC') AS ${name}`;
      return name;
    });
    await trino.query(
      `CREATE VIEW lake.billing.focus_text AS SELECT ${select.join(", ")} FROM lake.billing.focus`,
    );
    const viewConfig = join(dir.path, "view.yaml");
    const viewDb = join(dir.path, "view.duckdb");
    writeTrinoConfig(viewConfig, "focus_text");
    const collect = await runFinops(["collect", "--only", "billing", "--db", viewDb, "--config", viewConfig]);
    assert.equal(collect.code, 0, collect.stderr);
    for (const by of ["service", "account", "tag:environment", "team"]) {
      assert.deepEqual(
        await costs(by, viewDb, viewConfig),
        await costs(by, local, join(dir.path, "local.yaml")),
        by,
      );
    }
  });

  test("a table Trino does not have fails the collector, naming the table, and collect exits non-zero", async () => {
    const missingConfig = join(dir.path, "missing.yaml");
    writeTrinoConfig(missingConfig, "no_such_table");
    const collect = await runFinops([
      "collect",
      "--only",
      "billing",
      "--db",
      join(dir.path, "missing.duckdb"),
      "--config",
      missingConfig,
    ]);
    assert.notEqual(collect.code, 0);
    assert.match(collect.stderr, /billing:trino.*lake\.billing\.no_such_table: no such table/);
  });

  test("a shard's billing.trino.accounts pull only those accounts' rows (an 11-digit id in the table too)", async () => {
    const expected = (await costs("account", local, join(dir.path, "local.yaml"))) as { key: string }[];
    const shard = expected.filter((line) => ["051738928782", "011353890204"].includes(line.key));
    assert.equal(shard.length, 2, JSON.stringify(expected.map((line) => line.key)));
    const shardConfig = join(dir.path, "shard.yaml");
    const shardDb = join(dir.path, "shard.duckdb");
    writeTrinoConfig(shardConfig, "focus", ["    accounts: ['051738928782', '011353890204']"]);
    const collect = await runFinops([
      "collect",
      "--only",
      "billing",
      "--db",
      shardDb,
      "--config",
      shardConfig,
    ]);
    assert.equal(collect.code, 0, collect.stderr);
    assert.deepEqual(await costs("account", shardDb, shardConfig), shard);
  });
});
