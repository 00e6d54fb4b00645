import type { DuckDBConnection } from "@duckdb/node-api";
import { isBuiltFrom, recordBuilt } from "./build-state.js";
import {
  ensureCurrentInventory,
  inventoryMarker,
  tagValueSql,
  withCurrentInventory,
} from "./current-inventory.js";
import { inTransaction } from "./database.js";
import { RESOURCE_COST_CTES } from "./price-basis.js";
import { RESOURCE_COST_CTE } from "./resources.js";

/** The tags that say who owns a resource, and whether it is protected or exempted (rules.yaml's tags). */
export interface OwnerTags {
  teamKeys: readonly string[];
  protect: string;
  exemption: string;
  caseInsensitive: boolean;
}

/**
 * The tag finops sets on a backup it took (the snapshot of a volume it deleted): the instant, ISO 8601,
 * until which no rule flags it and no remediation touches it (remediation.backupRetentionDays).
 */
export const RETAIN_UNTIL_TAG = "finops:retain-until";

/**
 * `resource_facts`: what a finding says of its resource besides the rule's verdict, one row per current
 * resource: type, region, team (the first team tag key with a value, else 'unowned'), protected (the
 * protect tag set to anything but false/no/0), exemption (the exemption tag's value, '' without one),
 * retain_until (a finops backup's RETAIN_UNTIL_TAG as a UTC timestamp, null without one), and the monthly cost with its source and note (RESOURCE_COST_CTES). One narrow table for the findings to
 * join instead of the inventory and its tags. It depends on the collected data (inventory, billing, Price
 * List prices) and the tag keys, not on rules or the instant they evaluate at: collection builds it, and
 * analyze when a change is not built yet. `aggregate_state` (name 'resource-facts') keeps what it was
 * built from.
 *
 * Built with it, `resource_meter_costs(account, resource_id, meter, charge_category, cost, quantity)`:
 * the same 30 days of billing summed per resource and meter (SkuMeter, the CUR's usage type), what the
 * rules that save one part of a bill read (a log group's storage, a table's capacity), so that no rule
 * scans the billing itself.
 */
async function factsMarker(connection: DuckDBConnection, tags: OwnerTags): Promise<string> {
  const reader = await connection.runAndReadAll(
    `SELECT (SELECT count(*) FROM billing) AS billing_rows,
       (SELECT coalesce(max(started_at)::VARCHAR, '') FROM loads) AS last_load,
       (SELECT count(*) || '|' || coalesce(max(fetched_at)::VARCHAR, '') FROM prices) AS prices`,
  );
  const row = reader.getRowObjectsJson()[0] ?? {};
  return JSON.stringify({
    inventory: await inventoryMarker(connection),
    billingRows: String(row.billing_rows),
    lastLoad: String(row.last_load),
    prices: String(row.prices),
    tags: {
      teamKeys: tags.teamKeys,
      protect: tags.protect,
      exemption: tags.exemption,
      caseInsensitive: tags.caseInsensitive,
    },
    // Its columns: a table built before retain_until existed is rebuilt.
    retainUntilTag: RETAIN_UNTIL_TAG,
    // resource_meter_costs is built with it: a store built before it existed is rebuilt.
    meterCosts: 1,
  });
}

/** Builds inventory_current and resource_facts unless they are current; true when resource_facts was built. */
export async function ensureResourceFacts(connection: DuckDBConnection, tags: OwnerTags): Promise<boolean> {
  await ensureCurrentInventory(connection);
  const marker = await factsMarker(connection, tags);
  if (await isBuiltFrom(connection, "resource-facts", "resource_facts", marker)) return false;
  await withCurrentInventory(connection, () =>
    inTransaction(connection, async () => {
      const tag = (key: string) => tagValueSql("r", key, tags.caseInsensitive);
      const team = `coalesce(${tags.teamKeys.map((k) => `nullif(${tag(k)}, '')`).join(", ")}, 'unowned')`;
      await connection.run(`CREATE OR REPLACE TABLE main.resource_facts AS
        WITH ${RESOURCE_COST_CTES}
        SELECT r.account, r.resource_id, r.resource_type, r.region, ${team} AS team,
          ${tag(tags.protect)} IS NOT NULL AND lower(${tag(tags.protect)}) NOT IN ('false', 'no', '0') AS protected,
          coalesce(${tag(tags.exemption)}, '') AS exemption,
          CAST(TRY_CAST(${tagValueSql("r", RETAIN_UNTIL_TAG, false)} AS TIMESTAMPTZ) AS TIMESTAMP) AS retain_until,
          c.monthly, c.source, c.note
        FROM resources_current r JOIN resource_cost c ON c.account = r.account AND c.resource_id = r.resource_id`);
      await connection.run(`CREATE OR REPLACE TABLE main.resource_meter_costs AS
        WITH ${RESOURCE_COST_CTE}
        SELECT SubAccountId AS account, ResourceId AS resource_id, SkuMeter AS meter, ChargeCategory AS charge_category,
          sum(EffectiveCost) AS cost, sum(PricingQuantity) AS quantity
        FROM recent_billing WHERE SkuMeter IS NOT NULL GROUP BY ALL`);
      await recordBuilt(connection, "resource-facts", marker);
    }),
  );
  return true;
}
