import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlLiteral } from "../core/sql.js";
import { RESOURCE_DESCRIPTORS } from "../resources/index.js";
import type { AttributeType, ResourceDescriptor } from "../resources/types.js";
import { isBuiltFrom, recordBuilt } from "./build-state.js";
import { inTransaction } from "./database.js";

/**
 * `inventory_current`: the `resources_current` view materialized, for the rules engine, which reads the
 * current inventory once per rule. The view picks each collector's latest successful run and drops the
 * Tagging API's duplicates, a window over the whole inventory (a second at a million resources); the
 * table is that result, rebuilt when a collection changed it, plus the tags as lists:
 * - tag_keys: the tag keys as collected; tag_keys_lc: the same lowercased; tag_values: their values, so
 *   a tag lookup is a list search instead of parsing the tags' JSON again for every key and rule;
 * - attrs: the attributes the rules read, as a struct (ATTRIBUTES).
 * Sorted by resource type: each rule reads one or two types, and skips the other types' row groups.
 * `aggregate_state` (name 'inventory') keeps what it was built from.
 */
/**
 * The attributes the built-in rules read, typed (attributes as collected stay beside them as JSON): a
 * struct field is read where JSON would be parsed once per rule and row. Absent fields are NULL. The
 * fields are the descriptors' typed attributes, in registry order; types sharing a field name
 * (a volume's and a snapshot's sizeGiB) must give it the same type.
 */
const ATTRIBUTES = JSON.stringify(attributeStruct(RESOURCE_DESCRIPTORS));

export function attributeStruct(descriptors: readonly ResourceDescriptor[]): Record<string, AttributeType> {
  const struct: Record<string, AttributeType> = {};
  const owner: Record<string, string> = {};
  for (const descriptor of descriptors) {
    for (const [field, type] of Object.entries(descriptor.attributes)) {
      const known = struct[field];
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(type)) {
        throw new Error(
          `attribute ${field} is ${JSON.stringify(type)} for ${descriptor.type} but ${JSON.stringify(known)} for ${owner[field]}: one attrs field has one type`,
        );
      }
      struct[field] = type;
      owner[field] ??= descriptor.type;
    }
  }
  return struct;
}

/**
 * What inventory_current is built from: the inventory's row count, each collector's latest successful
 * run per account and region (the runs the view reads), and the attrs struct's shape (a table built
 * before a field was added lacks it, and a rule reading it would fail).
 */
export async function inventoryMarker(connection: DuckDBConnection): Promise<string> {
  const reader = await connection.runAndReadAll(
    `SELECT (SELECT count(*) FROM inventory) AS rows,
       (SELECT coalesce(string_agg(collector || '|' || account || '|' || region || '|' || run_id, ','
          ORDER BY collector, account, region), '')
        FROM (
          SELECT collector, account, region, arg_max(run_id, finished_at) AS run_id FROM collector_runs
          WHERE status = 'ok' AND collector LIKE 'inventory:%' GROUP BY collector, account, region
        )) AS runs`,
  );
  const row = reader.getRowObjectsJson()[0] ?? {};
  return JSON.stringify({ rows: String(row.rows), runs: String(row.runs), attributes: ATTRIBUTES });
}

/** Builds inventory_current unless it is already built from the current inventory; true when built. */
export async function ensureCurrentInventory(connection: DuckDBConnection): Promise<boolean> {
  const marker = await inventoryMarker(connection);
  if (await isBuiltFrom(connection, "inventory", "inventory_current", marker)) return false;
  await inTransaction(connection, async () => {
    await connection.run(`CREATE OR REPLACE TABLE main.inventory_current AS
      SELECT r.* EXCLUDE (m), map_keys(m) AS tag_keys, list_transform(map_keys(m), k -> lower(k)) AS tag_keys_lc,
        map_values(m) AS tag_values, json_transform(r.attributes, '${ATTRIBUTES}') AS attrs
      FROM (SELECT *, json_transform(tags, '"MAP(VARCHAR, VARCHAR)"') AS m FROM main.resources_current) r
      ORDER BY resource_type, account, resource_id`);
    await recordBuilt(connection, "inventory", marker);
  });
  return true;
}

/**
 * SQL for a tag's value by key from inventory_current's tag lists of the row aliased `alias`: the first
 * key equal to it, ignoring case when `caseInsensitive` (as the tag_value_ci macro does).
 */
export function tagValueSql(alias: string, key: string, caseInsensitive: boolean): string {
  const literal = sqlLiteral(key);
  return caseInsensitive
    ? `${alias}.tag_values[list_position(${alias}.tag_keys_lc, lower(${literal}))]`
    : `${alias}.tag_values[list_position(${alias}.tag_keys, ${literal})]`;
}

/**
 * Runs `work` with `resources_current` naming inventory_current for this connection: a temporary view of
 * that name shadows the view it materializes. Build inventory_current first (ensureCurrentInventory).
 */
export async function withCurrentInventory<T>(
  connection: DuckDBConnection,
  work: () => Promise<T>,
): Promise<T> {
  await connection.run(
    "CREATE OR REPLACE TEMP VIEW resources_current AS SELECT * FROM main.inventory_current",
  );
  try {
    return await work();
  } finally {
    await connection.run("DROP VIEW IF EXISTS temp.resources_current");
  }
}
