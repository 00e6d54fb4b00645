import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(14),
  minDataDays: z.number().int().min(1).default(7),
});

export const idleElasticacheCluster: RuleKind<typeof params> = {
  kind: "idle-elasticache-cluster",
  title: "Idle ElastiCache cluster",
  description: "An ElastiCache cluster no client connected to for two weeks: its nodes bill by the hour.",
  pack: "database",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings: "the cluster's whole cost (all its nodes)",
  fix: "aws elasticache delete-cache-cluster --cache-cluster-id {name} --final-snapshot-identifier {name}-final --region {region}",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      'no client connections in ' || data_days || ' days (' || nodes || ' ' || coalesce(node_type, '?') || ' node(s))' AS reason,
      json_object('days', data_days, 'maxCurrConnections', peak, 'cacheNodeType', node_type,
        'numCacheNodes', nodes, 'engine', engine) AS evidence,
      1.0 AS savings_ratio
    FROM (
      SELECT r.account, r.resource_id, r.attrs.cacheNodeType AS node_type, r.attrs.numCacheNodes AS nodes,
        r.attrs.engine AS engine, count(*) AS data_days, coalesce(max(m.maximum), 0) AS peak
      FROM resources_current r
      JOIN metrics_daily m ON m.account = r.account AND m.resource_id = r.resource_id AND m.metric = 'CurrConnections'
        AND ${ctx.metricWindow("m", p.lookbackDays)}
      WHERE r.resource_type = 'elasticache:cluster' AND r.state = 'available'
      GROUP BY ALL
    )
    WHERE data_days >= ${sqlLiteral(p.minDataDays)} AND peak = 0`,
};
