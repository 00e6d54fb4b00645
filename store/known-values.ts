import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { currentSettings } from "./cost-aggregates.js";
import { accountNameRows } from "./cost-rows.js";

/**
 * The team value stored on findings and plan items whose resource has no team tag (store/resource-facts.ts,
 * remediation/select.ts). Stored as it is; what people read is rules.yaml's tags.noTeamLabel.
 */
export const UNOWNED = "unowned";

/**
 * The values the store holds for each filter a command takes: what a mistyped --team, --rule, --type or
 * --provider is checked against (core/suggest.ts). Each is one DISTINCT over a small column.
 */
async function distinct(
  connection: DuckDBConnection,
  sql: string,
  params: DuckDBValue[] = [],
): Promise<string[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader
    .getRowObjectsJson()
    .map((row) => row.value)
    .filter((value): value is string => typeof value === "string" && value !== "");
}

/** The rules that have findings, open or resolved. */
export const findingRules = (connection: DuckDBConnection) =>
  distinct(connection, "SELECT DISTINCT rule AS value FROM findings ORDER BY 1");

/**
 * The teams findings name (`unowned` among them) and those the current inventory's team tags name:
 * the first non-empty value of `teamKeys`, as findings take it.
 */
export async function knownTeams(
  connection: DuckDBConnection,
  teamKeys: string[],
  caseInsensitiveTags: boolean,
): Promise<string[]> {
  const lookup = caseInsensitiveTags ? "tag_value_ci" : "tag_value_exact";
  const team = `coalesce(${teamKeys.map((_, i) => `nullif(${lookup}(tags, $${i + 1}), '')`).join(", ")})`;
  return distinct(
    connection,
    `SELECT DISTINCT team AS value FROM findings
     UNION SELECT DISTINCT ${team} FROM resources_current
     ORDER BY 1`,
    teamKeys,
  );
}

/** The resource types of the current inventory. */
export const inventoryTypes = (connection: DuckDBConnection) =>
  distinct(connection, "SELECT DISTINCT resource_type AS value FROM resources_current ORDER BY 1");

/** The accounts and the regions of the current inventory. */
export const inventoryAccounts = (connection: DuckDBConnection) =>
  distinct(connection, "SELECT DISTINCT account AS value FROM resources_current ORDER BY 1");
export const inventoryRegions = (connection: DuckDBConnection) =>
  distinct(connection, "SELECT DISTINCT region AS value FROM resources_current ORDER BY 1");

/** The providers of the billing rows (ProviderName: AWS, Microsoft, ...). */
export const billingProviders = (connection: DuckDBConnection) =>
  distinct(connection, "SELECT DISTINCT ProviderName AS value FROM billing_costs ORDER BY 1");

/**
 * Account names as billing gives them (FOCUS SubAccountName, else BillingAccountName for rows without a
 * sub account), the latest name of each id: "437210371508 (prod)" reads better than the bare id. Only
 * names that say more than the id. `window`: only rows charged in it (from inclusive, to exclusive).
 */
export async function accountNames(
  connection: DuckDBConnection,
  window?: { from: string; to: string },
): Promise<Map<string, string>> {
  const windowFilter = (column: string) =>
    window ? `WHERE ${column} >= CAST($1 AS TIMESTAMP) AND ${column} < CAST($2 AS TIMESTAMP)` : "";
  const wholeDays = !window || [window.from, window.to].every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  // The daily names the cost aggregates keep, while they hold the billing as it is: not every row.
  const sql =
    wholeDays && (await currentSettings(connection))
      ? `SELECT account AS id, arg_max(name, last_charge) AS name FROM account_names_daily ${windowFilter("day")}
         GROUP BY account`
      : `SELECT id, arg_max(name, ChargePeriodStart) AS name
         FROM (${accountNameRows("billing_costs", windowFilter("ChargePeriodStart"))})
         GROUP BY id`;
  const reader = await connection.runAndReadAll(sql, window ? [window.from, window.to] : []);
  return new Map(
    reader
      .getRowObjectsJson()
      .filter((row) => row.id !== null && row.name !== null)
      .map((row) => [String(row.id), String(row.name)]),
  );
}
