import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { firstPeriod } from "../collectors/billing/trino.js";
import { ROLLUP_COLUMNS, rollupSql } from "../collectors/billing/trino-rollup.js";
import { parseConfig } from "../rules/config.js";

/** The Trino engine's SQL and settings, without a server (test/trino-billing.test.ts runs it on one). */
const table = { catalog: "lake", schema: "billing", table: "focus", grain: "day" as const };
const focus = new Map([
  ["billedcost", "decimal(38,12)"],
  ["effectivecost", "double"],
  ["chargeperiodstart", "timestamp(3) with time zone"],
  ["chargeperiodend", "timestamp(3) with time zone"],
  ["billingperiodstart", "timestamp(3)"],
  ["serviceprovidername", "varchar"],
  ["servicename", "varchar"],
  ["tags", "map(varchar, varchar)"],
]);

describe("the Trino roll-up's SQL", () => {
  const sql = rollupSql(table, focus, "2024-07-01");

  test("sums money as DECIMAL and sends it as text, whatever the table's type", () => {
    assert.match(sql, /CAST\(sum\(CAST\("billedcost" AS DECIMAL\(38,12\)\)\) AS VARCHAR\) AS "BilledCost"/);
    assert.match(
      sql,
      /CAST\(sum\(CAST\("effectivecost" AS DECIMAL\(38,12\)\)\) AS VARCHAR\) AS "EffectiveCost"/,
    );
  });

  test("groups by the day in UTC, a MAP of tags as JSON text, and FOCUS 1.3's ServiceProviderName", () => {
    assert.match(
      sql,
      /GROUP BY[\s\S]*date_trunc\('day', CAST\("chargeperiodstart" AT TIME ZONE 'UTC' AS TIMESTAMP\(6\)\)\)/,
    );
    assert.match(sql, /json_format\(CAST\("tags" AS JSON\)\) AS "Tags"/);
    assert.match(sql, /NULLIF\(CAST\("serviceprovidername" AS VARCHAR\), ''\) AS "ProviderName"/);
    assert.match(
      sql,
      /FROM "lake"\."billing"\."focus"\s+WHERE CAST\("billingperiodstart" AS TIMESTAMP\(6\)\) >= TIMESTAMP '2024-07-01 00:00:00'/,
    );
  });

  test("a column the table lacks reads NULL, in the billing table's order", () => {
    assert.match(sql, /NULL AS "ListCost"/);
    assert.equal((sql.match(/ AS "[A-Za-z_]+"/g) ?? []).length, ROLLUP_COLUMNS.length);
  });

  test("the hour grain keeps hours", () => {
    assert.match(rollupSql({ ...table, grain: "hour" }, focus, "2024-07-01"), /date_trunc\('hour', /);
  });

  test("a table without BillingPeriodStart is refused by name", () => {
    assert.throws(
      () => rollupSql(table, new Map([["billedcost", "double"]]), "2024-07-01"),
      /BillingPeriodStart/,
    );
  });

  test("a shard's accounts filter the rows, leading zeros or not", () => {
    const shard = rollupSql(
      { ...table, accounts: ["012345678901", "210987654321"] },
      new Map([...focus, ["subaccountid", "varchar"]]),
      "2024-07-01",
    );
    assert.match(
      shard,
      /AND lpad\(CAST\("subaccountid" AS VARCHAR\), 12, '0'\) IN \('012345678901', '210987654321'\)/,
    );
    assert.throws(
      () => rollupSql({ ...table, accounts: ["012345678901"] }, focus, "2024-07-01"),
      /SubAccountId/,
    );
  });

  test("quoted names stay quoted", () => {
    assert.match(
      rollupSql({ ...table, table: 'fo"cus' }, focus, "2024-07-01"),
      /"lake"\."billing"\."fo""cus"/,
    );
  });
});

test("the lookback counts the current billing period", () => {
  assert.equal(firstPeriod(new Date("2024-09-18T10:00:00Z"), 1), "2024-09-01");
  assert.equal(firstPeriod(new Date("2024-09-18T10:00:00Z"), 3), "2024-07-01");
  assert.equal(firstPeriod(new Date("2024-01-31T23:00:00Z"), 2), "2023-12-01");
});

describe("billing.engine settings", () => {
  test("duckdb is the default, and Trino's settings have their defaults", () => {
    assert.equal(parseConfig("{}\n", "rules.yaml").billing.engine, "duckdb");
    const trino = parseConfig(
      "billing:\n  engine: trino\n  trino: { server: 'http://trino:8080', catalog: c, schema: s, table: t }\n",
      "rules.yaml",
    ).billing.trino;
    assert.deepEqual(trino, {
      server: "http://trino:8080",
      catalog: "c",
      schema: "s",
      table: "t",
      user: "finops",
      source: "finops",
      grain: "day",
      lookbackMonths: 3,
    });
  });

  test("engine trino without its settings is refused, naming what to set", () => {
    assert.throws(
      () => parseConfig("billing:\n  engine: trino\n", "rules.yaml"),
      /billing\.trino.*server, catalog, schema, table/,
    );
  });

  test("an unknown engine is refused", () => {
    assert.throws(() => parseConfig("billing:\n  engine: spark\n", "rules.yaml"), /engine/);
  });
});
