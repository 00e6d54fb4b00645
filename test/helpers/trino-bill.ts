import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { BILLING_COLUMNS } from "../../store/billing-columns.js";
import { runFinops } from "./cli.js";
import { FOCUS_SAMPLE, readDatabase } from "./project.js";
import type { TrinoServer } from "./trino.js";

/** A column of the sample bill, as the Parquet (DuckDB) and the Trino table type it. */
export interface BillColumn {
  name: string;
  duckdb: string;
  trino: string;
}

/** The sample's FOCUS columns as the Parquet and the Trino table type them (Tags as a MAP, as exports do). */
function typedColumns(header: string[]): BillColumn[] {
  return header
    .filter((name): name is keyof typeof BILLING_COLUMNS => name in BILLING_COLUMNS)
    .map((name) => {
      const type: string = BILLING_COLUMNS[name];
      if (name === "Tags") return { name, duckdb: "MAP(VARCHAR, VARCHAR)", trino: "map(varchar, varchar)" };
      if (type === "TIMESTAMP") return { name, duckdb: "TIMESTAMP", trino: "timestamp(3)" };
      return { name, duckdb: type, trino: type.toLowerCase() };
    });
}

/**
 * The roll-up engines' test bill: the FOCUS sample as Parquet in the lake's folder (`bill/focus.parquet`),
 * with its usage rows again an hour later in the same day (several hours of a resource a day, as real
 * exports have, which the roll-up merges), registered in Trino as `lake.billing.focus`. Returns the
 * Parquet's path, for `finops ingest` to load the same bill into DuckDB.
 */
export async function writeTrinoBill(trino: TrinoServer): Promise<string> {
  const billDir = join(trino.lakeDir, "bill");
  mkdirSync(billDir, { recursive: true });
  const parquet = join(billDir, "focus.parquet");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const header = (
    await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_csv('${FOCUS_SAMPLE}', all_varchar = true)`)
  )
    .getRowObjectsJson()
    .map((row) => String(row.column_name));
  const columns = typedColumns(header);
  const typed = columns.map(({ name, duckdb }) =>
    name === "Tags"
      ? `CAST(CAST(NULLIF("Tags", 'NULL') AS JSON) AS MAP(VARCHAR, VARCHAR)) AS "Tags"`
      : `CAST(NULLIF("${name}", 'NULL') AS ${duckdb}) AS "${name}"`,
  );
  const names = columns.map(({ name }) => `"${name}"`).join(", ");
  const later = columns
    .map(({ name }) =>
      name === "ChargePeriodStart" || name === "ChargePeriodEnd"
        ? `"${name}" + INTERVAL 1 HOUR AS "${name}"`
        : `"${name}"`,
    )
    .join(", ");
  await connection.run(
    `COPY (
       WITH sample AS (SELECT ${typed.join(", ")} FROM read_csv('${FOCUS_SAMPLE}', all_varchar = true))
       SELECT ${names} FROM sample
       UNION ALL
       SELECT ${later} FROM sample
       WHERE ChargeFrequency = 'Usage-Based' AND hour(ChargePeriodStart) < 23
         AND ChargePeriodEnd = ChargePeriodStart + INTERVAL 1 HOUR
     ) TO '${parquet}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
  await trino.query("CREATE SCHEMA lake.billing");
  await trino.query(
    `CREATE TABLE lake.billing.focus (${columns.map((c) => `"${c.name.toLowerCase()}" ${c.trino}`).join(", ")})
     WITH (format = 'PARQUET', external_location = 'local:///bill')`,
  );
  return parquet;
}

/** `finops costs --by BY --json` of a database with a config: what both engines' figures are compared by. */
export async function costsJson(by: string, db: string, config: string): Promise<unknown[]> {
  const result = await runFinops(["costs", "--by", by, "--db", db, "--config", config, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as unknown[];
}

/** The billing's row count and money sums, as exact text: a roll-up has fewer rows and the same sums. */
export async function billingTotals(db: string): Promise<Record<string, unknown> | undefined> {
  return (
    await readDatabase(
      db,
      `SELECT count(*)::VARCHAR AS n, sum(BilledCost)::VARCHAR AS billed, sum(EffectiveCost)::VARCHAR AS effective,
         sum(ListCost)::VARCHAR AS list FROM billing`,
    )
  )[0];
}
