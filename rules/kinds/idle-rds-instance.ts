import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** The whole UTC days before the evaluation's day that must show no connection. */
  lookbackDays: z.number().int().min(1).default(14),
  /** The fewest of those days with a datapoint: a database new to CloudWatch is not judged idle. */
  minDataDays: z.number().int().min(1).default(7),
});

export const idleRdsInstance: RuleKind<typeof params> = {
  kind: "idle-rds-instance",
  title: "Idle RDS database",
  description:
    "An available RDS database that no client connected to: its instance hours and storage bill for nothing.",
  pack: "database",
  defaultSeverity: "high",
  defaultAction: "notify",
  savings: "the database's whole cost (snapshot-and-delete keeps a snapshot, billed apart as backup storage)",
  fix: "aws rds stop-db-instance --db-instance-identifier {name} --region {region} (or delete it with a final snapshot)",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id, 'no database connection in ' || data_days || ' days' AS reason,
      json_object('days', data_days, 'maxConnections', connections) AS evidence, 1.0 AS savings_ratio
    FROM (
      SELECT r.account, r.resource_id, count(*) AS data_days, coalesce(max(m.maximum), 0) AS connections
      FROM resources_current r
      JOIN metrics_daily m ON m.account = r.account AND m.resource_id = r.resource_id
        AND m.namespace = 'AWS/RDS' AND m.metric = 'DatabaseConnections' AND m.maximum IS NOT NULL
        AND ${ctx.metricWindow("m", p.lookbackDays)}
      WHERE r.resource_type = 'rds:db' AND r.state = 'available'
      GROUP BY ALL
    )
    WHERE data_days >= ${sqlLiteral(p.minDataDays)} AND connections = 0`,
};
