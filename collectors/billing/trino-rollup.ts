import type { RollupSettings } from "../../config/billing-engine.js";
import { BILLING_COLUMNS, MONEY, SPLIT_COLUMNS } from "../../store/billing-columns.js";

/**
 * The roll-up a Trino (or Athena: the same SQL, Trino's dialect) billing engine runs where the FOCUS
 * rows live: one row per time grain and combination of every describing column, with the money and the
 * quantities summed. Every figure finops gives is a sum over those describing columns and the day
 * (costs by service, account, region, resource, tag; the daily aggregates; the report; a resource's
 * monthly cost), so it is the same to the last digit on the roll-up as on the rows themselves, while
 * the line items' own count (hourly rows, one per usage type and operation) stays in the lake.
 *
 * Money is DECIMAL(38,12) in the sums, as in the local store, and travels as text (Trino's protocol
 * sends DECIMAL as a string): nothing passes through a floating-point number.
 */

/** A ratio adds up across no rows: the roll-up leaves it out (nothing finops sums reads it). */
const DROPPED: readonly string[] = ["x_SplitUsageRatio"];
const splitOfType = (money: boolean) =>
  Object.entries(SPLIT_COLUMNS)
    .filter(([name, type]) => !DROPPED.includes(name) && (type === MONEY) === money && type !== "VARCHAR")
    .map(([name]) => name);

/** Summed over the rows the roll-up merges: the billing table's costs (not its unit prices), every split cost. */
const MONEY_SUMS: readonly string[] = [
  "BilledCost",
  "EffectiveCost",
  "ListCost",
  "ContractedCost",
  ...splitOfType(true),
];
/** Quantities, summed too: the billing table's and every split usage. */
const QUANTITY_SUMS: readonly string[] = [
  "ConsumedQuantity",
  "PricingQuantity",
  "CommitmentDiscountQuantity",
  ...splitOfType(false),
];

/** The columns the roll-up returns, in order: the billing table's and the split columns. */
export const ROLLUP_COLUMNS: readonly string[] = [
  ...Object.keys(BILLING_COLUMNS),
  ...Object.keys(SPLIT_COLUMNS),
];

/** The table's columns as Trino's information_schema gives them: lower-case name to data type. */
export type TrinoColumns = ReadonlyMap<string, string>;

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function tableName(settings: Pick<RollupSettings, "catalog" | "schema" | "table">): string {
  return [settings.catalog, settings.schema, settings.table].map(quoteIdentifier).join(".");
}

/**
 * The table's columns, lower-case name and data type, from the catalog's information_schema (Athena's
 * too, where the schema is the Glue database): what rollupSql is given as `columns`.
 */
export function columnsSql(settings: Pick<RollupSettings, "catalog" | "schema" | "table">): string {
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  return `SELECT lower(column_name), data_type FROM ${quoteIdentifier(settings.catalog)}.information_schema.columns
    WHERE table_schema = ${literal(settings.schema)} AND table_name = ${literal(settings.table)}`;
}

/**
 * The roll-up's SQL over the table's columns (a column the table lacks reads NULL), for the billing
 * periods from `since` (an ISO date, the first of a month) on.
 */
export function rollupSql(settings: RollupSettings, columns: TrinoColumns, since: string): string {
  const typeOf = (name: string) => columns.get(name.toLowerCase());
  const column = (name: string) => quoteIdentifier(name.toLowerCase());
  const keys: string[] = [];
  const select: string[] = [];
  for (const name of ROLLUP_COLUMNS) {
    const type = typeOf(name);
    const declared: string =
      (BILLING_COLUMNS as Record<string, string>)[name] ??
      (SPLIT_COLUMNS as Record<string, string>)[name] ??
      "";
    let expression: string;
    if (DROPPED.includes(name)) {
      expression = "NULL";
    } else if (MONEY_SUMS.includes(name)) {
      expression = type ? `CAST(sum(CAST(${column(name)} AS DECIMAL(38,12))) AS VARCHAR)` : "NULL";
    } else if (QUANTITY_SUMS.includes(name)) {
      expression = type ? `CAST(sum(CAST(${column(name)} AS DOUBLE)) AS VARCHAR)` : "NULL";
    } else if (name === "ChargePeriodStart") {
      expression = `to_iso8601(date_trunc('${settings.grain}', ${utc(column(name), type)}))`;
      keys.push(`date_trunc('${settings.grain}', ${utc(column(name), type)})`);
    } else if (name === "ChargePeriodEnd") {
      // The latest end among the merged rows: a monthly fee keeps its month, an hour's rows their day.
      expression = type ? `to_iso8601(max(${utc(column(name), type)}))` : "NULL";
    } else if (name === "ProviderName") {
      // FOCUS 1.3 renamed ProviderName to ServiceProviderName.
      const source = type
        ? "ProviderName"
        : typeOf("ServiceProviderName")
          ? "ServiceProviderName"
          : undefined;
      expression = source ? `NULLIF(CAST(${column(source)} AS VARCHAR), '')` : "NULL";
      if (source) keys.push(expression);
    } else if (!type) {
      expression = "NULL";
    } else if (name === "Tags") {
      // A MAP (Parquet) is written as JSON text; JSON text (CSV, a string column) is kept as it is.
      expression =
        type.startsWith("map") || type.startsWith("row")
          ? `json_format(CAST(${column(name)} AS JSON))`
          : `NULLIF(CAST(${column(name)} AS VARCHAR), '')`;
      keys.push(expression);
    } else if (declared === "TIMESTAMP") {
      expression = `to_iso8601(${utc(column(name), type)})`;
      keys.push(utc(column(name), type));
    } else if (declared === MONEY) {
      expression = `CAST(CAST(${column(name)} AS DECIMAL(38,12)) AS VARCHAR)`;
      keys.push(expression);
    } else {
      expression = `NULLIF(CAST(${column(name)} AS VARCHAR), '')`;
      keys.push(expression);
    }
    select.push(`${expression} AS ${quoteIdentifier(name)}`);
  }
  const periodStart = typeOf("BillingPeriodStart")
    ? utc(column("BillingPeriodStart"), typeOf("BillingPeriodStart"))
    : undefined;
  if (!periodStart) throw new Error("the billing table has no BillingPeriodStart column");
  const where = [`${periodStart} >= TIMESTAMP '${since} 00:00:00'`];
  if (settings.accounts) {
    if (!typeOf("SubAccountId"))
      throw new Error("accounts (a shard's) is set: the billing table has no SubAccountId column");
    // An export may drop an AWS id's leading zeros, as the local load reads it (format.ts awsAccountId).
    const ids = settings.accounts.map((id) => `'${id}'`).join(", ");
    where.push(`lpad(CAST(${column("SubAccountId")} AS VARCHAR), 12, '0') IN (${ids})`);
  }
  return `SELECT ${select.join(",\n  ")}
FROM ${tableName(settings)}
WHERE ${where.join(" AND ")}
GROUP BY ${keys.join(",\n  ")}`;
}

/**
 * A timestamp as UTC wall-clock time: a zoned one is converted, a plain one (Parquet's usual, and
 * CSV's) is taken as UTC already, as the local store reads it.
 */
function utc(column: string, type: string | undefined): string {
  if (type?.includes("with time zone")) return `CAST(${column} AT TIME ZONE 'UTC' AS TIMESTAMP(6))`;
  if (type?.startsWith("timestamp")) return `CAST(${column} AS TIMESTAMP(6))`;
  return `CAST(${column} AS TIMESTAMP(6))`;
}
