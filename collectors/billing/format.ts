import type { BillingColumn, BillingSource, SplitColumn } from "../../store/billing-columns.js";

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
  /** The custom x_ split columns (SPLIT_COLUMNS) this format fills; absent ones are NULL. */
  splitColumns?(columns: SourceColumns): Partial<Record<SplitColumn, string>>;
  /**
   * Checks over the whole load once every file is in (a rule across rows that may be in different
   * parts of one export): a message naming the file, row and column of the first offending row, and
   * how many there are, or undefined.
   */
  loadChecks?(check: LoadCheckContext): Promise<string | undefined>;
  /** Billing columns whose NULL makes a row unusable (checked after loading, on the loaded rows). */
  readonly notNullColumns: readonly BillingColumn[];
  /**
   * For a format whose names differ from FOCUS: the source column each of notNullColumns comes from,
   * so that an error names a column the file has.
   */
  readonly notNullSources?: Readonly<Partial<Record<BillingColumn, string>>>;
  /** Rules on what a row means (a commitment row without its id...), for a file with these columns. */
  rowRules?(columns: SourceColumns): readonly RowRule[];
  /**
   * For a format where one source row can be two billing rows (CUR's commitment fee: the purchase and
   * the commitment's unused part): the condition, over the source columns, of the rows that give a
   * second one; undefined when none can. The select list then reads `__part`: 1, or 2 on a second row.
   */
  secondRow?(columns: SourceColumns): string | undefined;
  /**
   * A query over the file (its typed relation is `relation`) giving one commitment_terms row per
   * commitment the file names: the columns of COMMITMENT_TERM_COLUMNS, in that order. Undefined when
   * the file cannot name a commitment.
   */
  commitmentTerms?(columns: SourceColumns, relation: string): string | undefined;
}

/**
 * A rule a loaded row must keep beyond having its required values. It is checked on the rows just
 * loaded (one query on x_LoadId, so a good file costs no second read); the file is read again only to
 * name the first row that breaks it.
 */
export interface RowRule {
  /** True, over the billing table's columns, for a row that breaks the rule. */
  readonly billing: string;
  /** The same rule over the file's columns as read untyped (every value text, '' no value). */
  readonly source: string;
  /** The file's column the message names (it may be one the file lacks: then that is the problem). */
  readonly column: string;
  /** What is wrong with the row, as the user is told it. */
  readonly problem: string;
  /** Say how many of the file's rows break it, not only the first. */
  readonly counted?: boolean;
}

/** What a format's load check is given: the load so far and one of its files. */
export interface LoadCheckContext {
  /** Runs a query in the load's transaction and gives its rows. */
  readonly query: (sql: string) => Promise<Record<string, unknown>[]>;
  readonly loadId: string;
  readonly columns: SourceColumns;
  /** The file with every value as text and __row its 1-based data row number. */
  readonly rawRelation: string;
  /** How the file's row n is named: "row n" or "row n (line n+1)". */
  readonly rowLabel: (row: number) => string;
}

/** The columns of commitment_terms a format's commitmentTerms query gives (source and updated_at aside). */
export const COMMITMENT_TERM_COLUMNS = [
  "commitment_id",
  "type",
  "account_id",
  "service",
  "region",
  "start_at",
  "end_at",
  "term",
  "purchase_option",
  "scope",
  "hourly_commitment",
] as const;

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
