import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** The tag that names a resource's environment. */
  environmentTag: z.string().min(1).default("environment"),
  /** Its values (compared ignoring case) that mean production: only those keep a standby. */
  productionValues: z.array(z.string().min(1)).min(1).default(["prod", "production"]),
});

export const rdsMultiAzNonprod: RuleKind<typeof params> = {
  kind: "rds-multi-az-nonprod",
  title: "Multi-AZ RDS database outside production",
  description:
    "A Multi-AZ RDS database tagged as an environment other than production: its standby doubles the bill.",
  pack: "database",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings:
    "half the database's cost: Single-AZ bills one instance's hours and one copy of the storage, Multi-AZ two",
  fix: "aws rds modify-db-instance --db-instance-identifier {name} --no-multi-az --apply-immediately --region {region}",
  params,
  // Untagged databases are left alone: no tag says they are not production. Aurora's instances are too:
  // an Aurora cluster's availability comes from its replicas, each billed once, not from a standby.
  sql: (p, ctx) => {
    const environment = ctx.tag("r", p.environmentTag);
    return `
    SELECT account, resource_id,
      'Multi-AZ in environment ' || ${environment} || ': a standby outside production' AS reason,
      json_object('multiAz', true, ${sqlLiteral(p.environmentTag)}, ${environment}) AS evidence,
      0.5 AS savings_ratio
    FROM resources_current r
    WHERE resource_type = 'rds:db' AND state IN ('available', 'stopped') AND attrs.multiAz
      AND coalesce(attrs.engine, '') NOT LIKE 'aurora%'
      AND ${environment} IS NOT NULL
      AND lower(${environment}) NOT IN (${p.productionValues.map((v) => sqlLiteral(v.toLowerCase())).join(", ")})`;
  },
};
