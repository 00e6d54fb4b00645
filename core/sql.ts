/**
 * The one way a value from configuration, an input file or the clock enters SQL text: as a literal,
 * never as code. A tag key, a rule id, a path or a threshold is quoted here (or bound as a parameter);
 * nothing else in finops pastes such a value into a query.
 */
export function sqlLiteral(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number for SQL: ${value}`);
    // In parentheses, a negative number cannot meet a minus before it and become a comment (`- -1` vs `--1`).
    return value < 0 ? `(${value})` : String(value);
  }
  // DuckDB reads query text as a C string: a NUL would end it early.
  if (value.includes("\0")) throw new TypeError("a NUL character cannot be part of a SQL value");
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL list of literals: `['a', 'b']`. */
export function sqlList(values: readonly (string | number)[]): string {
  return `[${values.map(sqlLiteral).join(", ")}]`;
}
