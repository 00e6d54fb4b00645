import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";
import { RDS_STORAGE_USD_PER_GB_MONTH, RESOURCE_FACTS_JOIN, rdsStorageShareSql } from "./rds-storage.js";

/**
 * AWS's public prices bill RDS gp2 and gp3 storage alike per GB-month (us-east-1: 0.115 USD both; unlike
 * EBS, where gp3 is 20% cheaper). What gp3 gives for that price is a baseline of 3,000 IOPS (12,000 from
 * 400 GiB, except SQL Server's) where gp2 gives 3 IOPS per GiB: flagged are the gp2 databases that gp3
 * serves at least as fast for no more. The saving is the price difference the user's prices show (their
 * bill, a private rate), which defaults to none.
 */
const params = z.strictObject({
  /** gp2 storage, USD per GB-month (Single-AZ; Multi-AZ bills two copies): also what tells storage from instance hours. */
  gp2UsdPerGbMonth: z.number().positive().default(RDS_STORAGE_USD_PER_GB_MONTH),
  /** gp3 storage, USD per GB-month: the same as gp2's in AWS's public prices. */
  gp3UsdPerGbMonth: z.number().min(0).default(RDS_STORAGE_USD_PER_GB_MONTH),
});

/** SQL: gp2's baseline IOPS for r's size: 3 per GiB, at least 100, at most 16,000. */
const GP2_IOPS = "greatest(100, least(16000, 3 * r.attrs.allocatedStorageGiB))";
/** SQL: gp3's included IOPS: 3,000, or 12,000 from 400 GiB (SQL Server: 3,000 at any size). */
const GP3_IOPS =
  "CASE WHEN r.attrs.allocatedStorageGiB >= 400 AND r.attrs.engine NOT LIKE 'sqlserver%' THEN 12000 ELSE 3000 END";

export const rdsGp2Storage: RuleKind<typeof params> = {
  kind: "rds-gp2-storage",
  title: "RDS database on gp2 storage",
  description:
    "An RDS database on gp2 storage that gp3 serves at least as fast (its included IOPS) for no more per GB-month.",
  pack: "database",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings:
    "the gp3 discount, (gp2UsdPerGbMonth - gp3UsdPerGbMonth) / gp2UsdPerGbMonth (default 0: AWS's public prices are equal), " +
    "of the storage's share of the cost: allocatedStorageGiB at gp2UsdPerGbMonth (twice for Multi-AZ) over a billed cost, " +
    "at most all of it; none of an estimated cost, which prices instance hours only",
  fix: "aws rds modify-db-instance --db-instance-identifier {name} --storage-type gp3 --apply-immediately --region {region}",
  params,
  sql: (p) => {
    const discount = Math.max(0, (p.gp2UsdPerGbMonth - p.gp3UsdPerGbMonth) / p.gp2UsdPerGbMonth);
    return `
    SELECT r.account, r.resource_id,
      'gp2 storage of ' || r.attrs.allocatedStorageGiB || ' GiB: gp3 includes ' || ${GP3_IOPS}
        || ' IOPS where gp2 gives ' || ${GP2_IOPS} AS reason,
      json_object('storageType', 'gp2', 'allocatedStorageGiB', r.attrs.allocatedStorageGiB,
        'multiAz', r.attrs.multiAz, 'gp2Iops', ${GP2_IOPS}, 'gp3Iops', ${GP3_IOPS}) AS evidence,
      ${sqlLiteral(discount)} * ${rdsStorageShareSql(p.gp2UsdPerGbMonth)} AS savings_ratio
    FROM resources_current r
    ${RESOURCE_FACTS_JOIN}
    WHERE r.resource_type = 'rds:db' AND r.state IN ('available', 'stopped')
      AND r.attrs.storageType = 'gp2' AND r.attrs.allocatedStorageGiB IS NOT NULL
      AND ${GP3_IOPS} >= ${GP2_IOPS}`;
  },
};
