import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(14),
  minDataDays: z.number().int().min(1).default(7),
});

export const idleRedshiftCluster: RuleKind<typeof params> = {
  kind: "idle-redshift-cluster",
  title: "Idle Redshift cluster",
  description:
    "A provisioned Redshift cluster nobody connected to for two weeks: its nodes bill by the hour (pause it, or snapshot and delete it).",
  pack: "database",
  defaultSeverity: "high",
  defaultAction: "notify",
  savings: "the cluster's whole cost (all its nodes)",
  fix: "aws redshift pause-cluster --cluster-identifier {name} --region {region}",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      'no database connections in ' || data_days || ' days (' || nodes || ' ' || coalesce(node_type, '?') || ' node(s))' AS reason,
      json_object('days', data_days, 'maxDatabaseConnections', peak, 'nodeType', node_type,
        'numberOfNodes', nodes) AS evidence,
      1.0 AS savings_ratio
    FROM (
      SELECT r.account, r.resource_id, r.attrs.nodeType AS node_type, r.attrs.numberOfNodes AS nodes,
        count(*) AS data_days, coalesce(max(m.maximum), 0) AS peak
      FROM resources_current r
      JOIN metrics_daily m ON m.account = r.account AND m.resource_id = r.resource_id AND m.metric = 'DatabaseConnections'
        AND m.namespace = 'AWS/Redshift' AND ${ctx.metricWindow("m", p.lookbackDays)}
      WHERE r.resource_type = 'redshift:cluster' AND r.state = 'available'
      GROUP BY ALL
    )
    WHERE data_days >= ${sqlLiteral(p.minDataDays)} AND peak = 0`,
};
