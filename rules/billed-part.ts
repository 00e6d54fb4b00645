import { sqlLiteral } from "../core/sql.js";

/**
 * What the kinds that save one part of a resource's bill (a log group's storage, not its ingestion; a
 * table's provisioned capacity, not its storage) need to know of that part, as a CTE for a rule's WITH:
 * `billed_part(resource_id, part)`, each billed resource's cost on the meters (SkuMeter, the CUR's usage
 * type such as USE1-TimedStorage-ByteHrs) that match `meterLike`, a SQL LIKE pattern, over the same last
 * 30 days of billing as resource_facts' monthly cost. It reads resource_meter_costs, which collection
 * builds with resource_facts (store/resource-facts.ts): no rule scans the billing itself.
 */
export function billedPartCtes(meterLike: string): string {
  return `billed_part AS (
      SELECT resource_id, sum(cost) AS part FROM resource_meter_costs
      WHERE resource_id IS NOT NULL AND meter LIKE ${sqlLiteral(meterLike)}
      GROUP BY resource_id
    )`;
}

/**
 * SQL: the monthly cost of the part, for a resource_facts row aliased `f` joined to billed_part `b`.
 * Where billing names the resource, its billed part, else `estimate` (capped by the whole bill): a
 * meter named otherwise (a FOCUS export's SkuMeter) is not taken as the whole. Where the cost is
 * estimated from the type's price basis, the estimate is the part already (the whole estimate).
 */
export function partCostSql(estimate: string): string {
  return `CASE WHEN f.source = 'billing' THEN least(f.monthly, coalesce(b.part, ${estimate})) ELSE f.monthly END`;
}

/**
 * SQL: savings of `saved` USD as the share of the resource's monthly cost (resource_facts `f`) that
 * findings store, between 0 and 1; null where the cost is unknown (a share of an unknown is unknown,
 * where 0 would claim nothing is saved).
 */
export function savedShareSql(saved: string): string {
  return `CASE WHEN f.monthly > 0 THEN least(1, greatest(0, (${saved}) / CAST(f.monthly AS DOUBLE)))
    WHEN f.monthly = 0 THEN 0 END`;
}

/** Bytes in a GiB: AWS bills storage per GB-month with GB = 2^30 bytes. */
export const GIB = 1_073_741_824;
