import type { BillingColumn, BillingSource } from "../../store/billing-columns.js";

/** A file's columns, by name, with the DuckDB type its reader reports. */
export type SourceColumns = ReadonlyMap<string, string>;

/**
 * How one billing file format maps onto the FOCUS billing table. Mapping is SQL, run inside DuckDB, so
 * a file never passes row by row through JavaScript.
 */
export interface BillingFormat {
  readonly name: Exclude<BillingSource, "cost-explorer">;
  /** True when a header with these columns is this format. */
  matches(columns: SourceColumns): boolean;
  /** Columns without which the money cannot be attributed; their absence fails the load. */
  readonly requiredColumns: readonly string[];
  /**
   * The type each known source column is read as. Typing happens in the reader, so a bad value fails
   * with the reader's own line number; columns not listed are read as text.
   */
  readonly sourceTypes: Readonly<Record<string, string>>;
  /** One SQL expression over the source columns for each billing column; absent ones are NULL. */
  selectList(columns: SourceColumns): Partial<Record<BillingColumn, string>>;
  /** Billing columns whose NULL makes a row unusable (checked after loading, on the loaded rows). */
  readonly notNullColumns: readonly BillingColumn[];
  /**
   * For a format whose names differ from FOCUS: the source column each of notNullColumns comes from,
   * so that an error names a column the file has.
   */
  readonly notNullSources?: Readonly<Partial<Record<BillingColumn, string>>>;
}

/** Double-quotes an identifier for DuckDB SQL. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * AWS account ids are 12 digits; some exporters write them as numbers and drop leading zeros. Padding
 * them back keeps billing joinable with inventory, which has the real id.
 */
export function awsAccountId(expression: string, providerExpression: string): string {
  return `CASE WHEN lower(${providerExpression}) IN ('aws', 'amazon web services')
      AND regexp_full_match(${expression}, '[0-9]{1,11}') THEN lpad(${expression}, 12, '0')
    ELSE ${expression} END`;
}

/** The source column a required billing column is read from (the same name in FOCUS). */
export function notNullSource(format: BillingFormat, column: BillingColumn): string {
  return format.notNullSources?.[column] ?? column;
}
