import { sqlLiteral } from "./sql.js";

/**
 * How strong each action is, the one order every stage shares. Of two steps on one resource the weaker
 * would defeat the stronger (a mark changes the tags a delete was planned with), so remediation keeps
 * only the strongest; and a resource's savings are those of the one action taken, so among findings
 * saving as much, the stronger action is the one counted (a terminate subsumes a stop and a gp3
 * conversion). `notify` acts on nothing.
 */
export const ACTION_STRENGTH = {
  terminate: 5,
  "snapshot-and-delete": 5,
  delete: 5,
  release: 5,
  stop: 4,
  // Both change what the resource keeps (logs older than the retention, parts of abandoned uploads).
  "set-retention": 4,
  "add-lifecycle-rule": 4,
  mark: 3,
  tag: 3,
  unmark: 2,
  notify: 1,
} as const;

/** ACTION_STRENGTH of an action column, in SQL (0 for an action it does not name). */
export function actionStrengthSql(column: string): string {
  const cases = Object.entries(ACTION_STRENGTH)
    .map(([action, strength]) => `WHEN ${sqlLiteral(action)} THEN ${strength}`)
    .join(" ");
  return `CASE ${column} ${cases} ELSE 0 END`;
}
