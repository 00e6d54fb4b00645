import { sqlLiteral } from "../../core/sql.js";

/**
 * What part of an RDS database's monthly cost is its storage, for the kinds whose action saves on one
 * part only. Billing names a database's instance hours and its storage by the same ARN, so a billed
 * cost holds both; an estimate (store/price-basis.ts) prices instance hours only.
 */

/** RDS's gp2 (and gp3) storage list price in us-east-1, USD per GB-month, Single-AZ. */
export const RDS_STORAGE_USD_PER_GB_MONTH = 0.115;

/**
 * SQL: the estimated monthly storage cost of the rds:db row `r` at `usdPerGbMonth`; Multi-AZ keeps (and
 * bills) a second copy. Null when its size is unknown.
 */
export function rdsStorageUsdSql(usdPerGbMonth: number): string {
  return `(r.attrs.allocatedStorageGiB * ${sqlLiteral(usdPerGbMonth)} * CASE WHEN r.attrs.multiAz THEN 2 ELSE 1 END)`;
}

/**
 * SQL: the share (0 to 1) of the resource's monthly cost (resource_facts row `f`) that is storage: the
 * storage estimate over a billed cost, at most all of it; 0 for an estimated cost, which holds no storage.
 */
export function rdsStorageShareSql(usdPerGbMonth: number): string {
  return `CASE WHEN f.source = 'billing' AND f.monthly > 0
      THEN least(coalesce(${rdsStorageUsdSql(usdPerGbMonth)}, 0) / f.monthly, 1) ELSE 0 END`;
}

/** SQL: joins resource_facts as `f` to the current-inventory row `r` (each resource's monthly cost). */
export const RESOURCE_FACTS_JOIN =
  "LEFT JOIN resource_facts f ON f.account = r.account AND f.resource_id = r.resource_id";
