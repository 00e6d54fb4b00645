import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";
import { RDS_STORAGE_USD_PER_GB_MONTH, RESOURCE_FACTS_JOIN, rdsStorageShareSql } from "./rds-storage.js";

const params = z.strictObject({
  /**
   * Instance class families (db.FAMILY, the class without its size) of older generations: their current
   * successors (db.m6g/m7g, db.r6g/r7g, db.t3/t4g) cost less for the same or more capacity.
   */
  families: z
    .array(z.string().min(1))
    .default(["db.t1", "db.t2", "db.m1", "db.m2", "db.m3", "db.m4", "db.r3", "db.r4"]),
  /** The share a current-generation successor typically saves at equal size (as previous-generation's). */
  savingsRatio: z.number().min(0).max(1).default(0.1),
  /** The storage price that tells a billed cost's storage from its instance hours (a class change keeps the storage). */
  storageUsdPerGbMonth: z.number().min(0).default(RDS_STORAGE_USD_PER_GB_MONTH),
});

export const rdsPreviousGeneration: RuleKind<typeof params> = {
  kind: "rds-previous-generation",
  title: "Previous-generation RDS database",
  description:
    "An RDS database of an older instance class: the current generation costs less for the same or more capacity.",
  pack: "database",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings:
    "savingsRatio (default 10%) of the database's instance hours: of its cost less its storage (allocatedStorageGiB at storageUsdPerGbMonth, twice for Multi-AZ), which a billed cost holds and an estimate does not",
  fix: "aws rds modify-db-instance --db-instance-identifier {name} --db-instance-class <its current-generation class> --region {region}",
  params,
  sql: (p) => `
    SELECT r.account, r.resource_id,
      r.attrs.instanceClass || ' is a previous-generation class' AS reason,
      json_object('instanceClass', r.attrs.instanceClass) AS evidence,
      ${sqlLiteral(p.savingsRatio)} * (1 - ${rdsStorageShareSql(p.storageUsdPerGbMonth)}) AS savings_ratio
    FROM resources_current r
    ${RESOURCE_FACTS_JOIN}
    WHERE r.resource_type = 'rds:db' AND r.state IN ('available', 'stopped')
      AND split_part(r.attrs.instanceClass, '.', 1) || '.' || split_part(r.attrs.instanceClass, '.', 2)
        IN (${p.families.map(sqlLiteral).join(", ")})`,
};
