import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { MONEY } from "./billing-columns.js";
import { builtMarker, recordBuilt } from "./build-state.js";
import { accountNameRows, billingCostsOf, type CostQuery, costRows } from "./cost-rows.js";
import { inTransaction } from "./database.js";
import { IDLE_SUFFIX } from "./kubernetes-costs.js";

export interface TeamTagging {
  teamKeys: readonly string[];
  caseInsensitiveTags: boolean;
}

/**
 * Daily sums of the billing, for the faces that must answer fast on a large bill (`finops costs`, the
 * weekly report, the web view): a day holds a few thousand groups where the bill holds millions of rows.
 * Built with `costRows`, the query `finops costs` sums over the billing rows, so a window of whole days
 * gives exactly its figures:
 * - cost_daily: by day, provider, service, account and region;
 * - cost_daily_team: by day and team (Cost Explorer's tag groupings in place of its untagged rows);
 * - cost_daily_resource: by day, provider and resource id;
 * - cost_daily_cluster, cost_daily_namespace: by day and Kubernetes cluster or `CLUSTER/NAMESPACE`, from
 *   split cost allocation data (store/kubernetes-costs.ts): `idle` marks a cluster's unused capacity, the
 *   key NULL the rest of the bill.
 *
 * Every row carries its billing period, and each period is built on its own: a load replaces whole
 * periods, so only the periods whose rows changed are built again. `aggregate_periods` keeps each
 * period's fingerprint (its rows' load ids and counts: every write to the billing is a load of its own
 * id), and `aggregate_state` the settings all were built with (a change rebuilds every period).
 */
const TABLES = {
  cost_daily: "service VARCHAR, account VARCHAR, region VARCHAR",
  cost_daily_team: "team VARCHAR",
  cost_daily_resource: "resource_id VARCHAR",
  cost_daily_cluster: "cluster VARCHAR, idle BOOLEAN",
  cost_daily_namespace: "namespace VARCHAR, idle BOOLEAN",
} as const;
type AggregateTable = keyof typeof TABLES;
/**
 * Each account's name (FOCUS SubAccountName, else BillingAccountName) by day, the latest of the day:
 * what store/known-values.ts accountNames reads instead of every billing row.
 */
const ACCOUNT_NAMES = "account_names_daily";
const ALL_TABLES = [...Object.keys(TABLES), ACCOUNT_NAMES];
/** Raised when the tables' columns change: aggregates built before are rebuilt. */
const SCHEMA = 3;

function settingsMarker(tagging: TeamTagging): string {
  return JSON.stringify({
    schema: SCHEMA,
    teamKeys: tagging.teamKeys,
    caseInsensitive: tagging.caseInsensitiveTags,
  });
}

/**
 * Each billing period's fingerprint, from the rows themselves: the ids and row counts of the loads that
 * wrote its billing rows and Cost Explorer tag rows (a tag row's period is the month of its day). The
 * key is the period as text, "" for rows without one.
 */
async function periodFingerprints(connection: DuckDBConnection): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll(`
    SELECT coalesce(CAST(period AS VARCHAR), '') AS period, string_agg(part, ' ' ORDER BY part) AS fingerprint
    FROM (
      SELECT BillingPeriodStart AS period, 'b:' || coalesce(x_LoadId, '') || ':' || count(*) AS part
      FROM billing GROUP BY BillingPeriodStart, x_LoadId
      UNION ALL
      SELECT CAST(date_trunc('month', day) AS TIMESTAMP), 't:' || load_id || ':' || count(*)
      FROM cost_explorer_tag_costs GROUP BY 1, load_id)
    GROUP BY ALL`);
  return new Map(reader.getRowObjectsJson().map((row) => [String(row.period), String(row.fingerprint)]));
}

/** The settings the aggregates were built with; null when one of their tables is missing. */
async function builtSettings(connection: DuckDBConnection): Promise<string | null> {
  const marker = await builtMarker(connection, "costs", "aggregate_periods");
  if (marker === null) return null;
  const reader = await connection.runAndReadAll(
    `SELECT count(*) AS present FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name = 'main'
       AND table_name IN (${Object.keys(TABLES)
         .map((t) => `'${t}'`)
         .join(", ")})`,
  );
  return Number(reader.getRowObjectsJson()[0]?.present) === Object.keys(TABLES).length ? marker : null;
}

/**
 * A marker of every load (ids and finish times): every write to the billing rows and to Cost Explorer's
 * tag rows is a load of its own (ingest, Cost Explorer, Trino, Athena), in one transaction with its
 * `loads` row, so while this marker is the one the aggregates were built at, no period changed.
 */
async function loadsMarker(connection: DuckDBConnection): Promise<string> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*) || ' ' || coalesce(md5(string_agg(load_id || ' ' || coalesce(CAST(finished_at AS VARCHAR), ''), ',' ORDER BY load_id)), '') AS marker
     FROM loads`,
  );
  return String(reader.getRowObjectsJson()[0]?.marker ?? "");
}

async function storedFingerprints(connection: DuckDBConnection): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll("SELECT period, fingerprint FROM aggregate_periods");
  return new Map(reader.getRowObjectsJson().map((row) => [String(row.period), String(row.fingerprint)]));
}

/** The periods whose aggregates differ from the billing now, or null when none were built with these settings. */
async function stalePeriods(
  connection: DuckDBConnection,
  tagging: TeamTagging,
  current: Map<string, string>,
): Promise<string[] | null> {
  if ((await builtSettings(connection)) !== settingsMarker(tagging)) return null;
  const stored = await storedFingerprints(connection);
  const periods = new Set([...current.keys(), ...stored.keys()]);
  return [...periods].filter((p) => current.get(p) !== stored.get(p)).sort();
}

/**
 * Brings the aggregates up to date with the billing: every period on the first build or after the team
 * settings change, else only the periods whose rows changed since. Returns the periods built ("" for rows
 * without a period); empty when all were current.
 */
export async function ensureCostAggregates(
  connection: DuckDBConnection,
  tagging: TeamTagging,
): Promise<string[]> {
  // One transaction from the fingerprints to the rows: what is recorded as built is what was built from.
  return inTransaction(connection, async () => {
    const current = await periodFingerprints(connection);
    const stale = await stalePeriods(connection, tagging, current);
    await recordBuilt(connection, "costs-loads", await loadsMarker(connection));
    if (stale?.length === 0) return [];
    const periods = stale ?? [...current.keys()].sort();
    if (stale === null) await createTables(connection);
    for (const period of periods) {
      const key = period === "" ? null : period;
      const inPeriod = key === null ? "period IS NULL" : "period = CAST($1 AS TIMESTAMP)";
      for (const table of ALL_TABLES) {
        await connection.run(`DELETE FROM ${table} WHERE ${inPeriod}`, key === null ? [] : [key]);
      }
      await connection.run("DELETE FROM aggregate_periods WHERE period = $1", [period]);
      const fingerprint = current.get(period);
      if (fingerprint === undefined) continue;
      await buildPeriod(connection, tagging, key);
      await connection.run("INSERT INTO aggregate_periods VALUES ($1, $2)", [period, fingerprint]);
    }
    await recordBuilt(connection, "costs", settingsMarker(tagging));
    return periods;
  });
}

async function createTables(connection: DuckDBConnection): Promise<void> {
  for (const [table, columns] of Object.entries(TABLES)) {
    await connection.run(`CREATE OR REPLACE TABLE ${table} (period TIMESTAMP, day DATE, provider VARCHAR,
      ${columns}, billed ${MONEY}, effective ${MONEY})`);
  }
  await connection.run(`CREATE OR REPLACE TABLE ${ACCOUNT_NAMES} (period TIMESTAMP, day DATE, account VARCHAR,
    name VARCHAR, last_charge TIMESTAMP)`);
  await connection.run("CREATE OR REPLACE TABLE aggregate_periods (period VARCHAR, fingerprint VARCHAR)");
}

/** One period's rows of every table; each sorted by day, so a window of days reads only its row groups. */
async function buildPeriod(connection: DuckDBConnection, tagging: TeamTagging, period: string | null) {
  const rowsOf = (dimension: CostQuery["dimension"]) => {
    const params: DuckDBValue[] = [];
    const sql = costRows(
      { dimension, caseInsensitiveTags: tagging.caseInsensitiveTags, billingPeriod: period },
      (value) => {
        params.push(value);
        return `$${params.length}`;
      },
    );
    return { sql, params };
  };
  const periodValue = period === null ? "NULL" : `CAST('${period.replaceAll("'", "''")}' AS TIMESTAMP)`;
  const insert = async (
    table: AggregateTable,
    keyColumns: string,
    rows: { sql: string; params: DuckDBValue[] },
  ) =>
    connection.run(
      `INSERT INTO ${table} BY NAME
       SELECT ${periodValue} AS period, day, provider, ${keyColumns}, sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
       FROM (${rows.sql}) GROUP BY ALL ORDER BY day`,
      rows.params,
    );
  const params: DuckDBValue[] = [];
  const source = billingCostsOf(period, (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  await connection.run(
    `INSERT INTO cost_daily BY NAME
     SELECT ${periodValue} AS period, CAST(ChargePeriodStart AS DATE) AS day, ProviderName AS provider,
       ServiceName AS service, coalesce(SubAccountId, BillingAccountId) AS account, RegionId AS region,
       sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
     FROM ${source} GROUP BY ALL ORDER BY day`,
    params,
  );
  // accountNames' rows (store/known-values.ts), by day.
  await connection.run(
    `INSERT INTO ${ACCOUNT_NAMES} BY NAME
     SELECT ${periodValue} AS period, CAST(ChargePeriodStart AS DATE) AS day, id AS account,
       arg_max(name, ChargePeriodStart) AS name, max(ChargePeriodStart) AS last_charge
     FROM (${accountNameRows(source)})
     GROUP BY ALL ORDER BY day`,
    params,
  );
  await insert("cost_daily_team", "key AS team", rowsOf({ kind: "team", tagKeys: [...tagging.teamKeys] }));
  await insert("cost_daily_resource", "key AS resource_id", rowsOf({ kind: "resource" }));
  for (const kind of ["cluster", "namespace"] as const) {
    await insert(
      `cost_daily_${kind}`,
      `key AS ${kind}, coalesce(ends_with(key, '${IDLE_SUFFIX}'), false) AS idle`,
      rowsOf({ kind }),
    );
  }
}

/** The aggregate table and key column of a dimension the aggregates hold, or null; see costsFromAggregates. */
export function aggregateOf(by: string): { table: AggregateTable; key: string; kubernetes?: true } | null {
  switch (by) {
    case "service":
    case "account":
    case "region":
      return { table: "cost_daily", key: by };
    case "team":
      return { table: "cost_daily_team", key: "team" };
    case "resource":
      return { table: "cost_daily_resource", key: "resource_id" };
    case "cluster":
    case "namespace":
      return { table: `cost_daily_${by}`, key: by, kubernetes: true };
    default:
      return null;
  }
}

/**
 * Whether the aggregates answer `query` with the billing rows' own figures: a dimension they hold, a
 * window of whole days, the team settings they were built with, and every period current. The check
 * reads the billing's load ids per period, a small part of what summing the rows reads.
 */
export async function aggregatesAnswer(connection: DuckDBConnection, query: CostQuery): Promise<boolean> {
  if (!aggregateOf(query.dimension.kind) || query.billingPeriod !== undefined) return false;
  const wholeDay = (value: string | undefined) =>
    value === undefined || /^\d{4}-\d{2}-\d{2}( 00:00:00(\.000)?)?$/.test(value);
  if (!wholeDay(query.from) || !wholeDay(query.to)) return false;
  const settings = await currentSettings(connection);
  if (settings === null) return false;
  if (query.dimension.kind === "team") {
    const teamKeys = query.dimension.tagKeys;
    if (JSON.stringify(teamKeys) !== JSON.stringify(settings.teamKeys)) return false;
    if (settings.caseInsensitiveTags !== query.caseInsensitiveTags) return false;
  }
  return true;
}

/** The team settings of the aggregates when they hold the billing as it is now; null when they do not. */
export async function currentSettings(connection: DuckDBConnection): Promise<TeamTagging | null> {
  const built = await builtSettings(connection);
  if (built === null) return null;
  const settings = JSON.parse(built) as { schema: number; teamKeys: string[]; caseInsensitive: boolean };
  if (settings.schema !== SCHEMA) return null;
  const tagging = { teamKeys: settings.teamKeys, caseInsensitiveTags: settings.caseInsensitive };
  // No load since the build: current, without reading the billing. Else each period's fingerprint says.
  if (
    (await builtMarker(connection, "costs-loads", "aggregate_periods")) === (await loadsMarker(connection))
  ) {
    return tagging;
  }
  const stale = await stalePeriods(connection, tagging, await periodFingerprints(connection));
  return stale?.length === 0 ? tagging : null;
}
