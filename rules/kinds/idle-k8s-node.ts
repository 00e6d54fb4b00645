import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(7),
  minDataDays: z.number().int().min(1).default(3),
  /** The mean of the daily average CPU must stay below this (percent). */
  maxMeanCpuPercent: z.number().min(0).max(100).default(10),
});

export const idleK8sNode: RuleKind<typeof params> = {
  kind: "idle-k8s-node",
  description: "A Kubernetes node with low mean CPU: the cluster could run on fewer nodes.",
  pack: "compute",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings:
    "the node's cost, if the cluster's autoscaler removes it (finops only notifies: autoscalers own nodes)",
  params,
  // CPU is read averaged per resource (ctx.metricSummary): the window holds millions of rows.
  sql: (p, ctx) => `
    WITH m AS (
      SELECT resource_id, days AS data_days, average AS mean_cpu
      FROM ${ctx.metricSummary("AWS/EC2", "CPUUtilization", p.lookbackDays, ["average"])}
    )
    SELECT account, resource_id,
      'node of cluster ' || coalesce(cluster, '?') || ': mean CPU ' || round(mean_cpu, 2) || '% over ' || data_days || ' days' AS reason,
      json_object('cluster', cluster, 'days', data_days, 'meanCpuPercent', round(mean_cpu, 3)) AS evidence,
      1.0 AS savings_ratio
    FROM (
      SELECT r.account, r.resource_id, r.attrs.kubernetes.cluster AS cluster,
        m.data_days, m.mean_cpu
      FROM resources_current r JOIN m ON m.resource_id = r.resource_id
      WHERE r.resource_type = 'ec2:instance' AND r.state = 'running'
        AND r.attrs.kubernetes IS NOT NULL
    )
    WHERE data_days >= ${sqlLiteral(p.minDataDays)} AND mean_cpu < ${sqlLiteral(p.maxMeanCpuPercent)}`,
};
