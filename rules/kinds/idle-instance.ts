import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(14),
  /** Fewer days of metrics than this: not enough evidence, no finding. */
  minDataDays: z.number().int().min(1).default(7),
  /** The highest daily maximum CPU must stay below this (percent). */
  maxCpuPercent: z.number().min(0).max(100).default(5),
  /** The mean daily NetworkIn + NetworkOut must stay below this (MB). */
  maxNetworkMbPerDay: z.number().min(0).default(5),
});

export const idleInstance: RuleKind<typeof params> = {
  kind: "idle-instance",
  title: "Idle EC2 instance",
  description: "A running instance (not a Kubernetes node) whose CPU and network stayed near zero.",
  pack: "compute",
  defaultSeverity: "high",
  defaultAction: "stop",
  savings: "the instance's compute cost (stopping keeps its volumes, which stay billed)",
  fix: "aws ec2 stop-instances --instance-ids {id} --region {region}",
  params,
  // Metrics are read aggregated per resource (ctx.metricSummary): the window holds millions of rows. A
  // metric's rows are unique per (resource, namespace, metric, day), so its row count is its number of
  // days, and the resource id alone keys them. NetworkIn and NetworkOut come from the same CloudWatch
  // call: the network's days are those of the one with more; an instance with neither has no network.
  sql: (p, ctx) => {
    const summary = (metric: string, stat: "maximum" | "sum") =>
      ctx.metricSummary("AWS/EC2", metric, p.lookbackDays, [stat]);
    return `
    WITH cpu AS (
      SELECT resource_id, days AS data_days, maximum AS max_cpu
      FROM ${summary("CPUUtilization", "maximum")}
      WHERE days >= ${sqlLiteral(p.minDataDays)} AND maximum < ${sqlLiteral(p.maxCpuPercent)}
    ),
    network AS (
      SELECT c.resource_id, greatest(coalesce(i.days, 0), coalesce(o.days, 0)) AS network_days,
        coalesce(i.sum, 0) + coalesce(o.sum, 0) AS net_bytes
      FROM cpu c
      LEFT JOIN ${summary("NetworkIn", "sum")} i ON i.resource_id = c.resource_id
      LEFT JOIN ${summary("NetworkOut", "sum")} o ON o.resource_id = c.resource_id
      WHERE i.resource_id IS NOT NULL OR o.resource_id IS NOT NULL
    )
    SELECT account, resource_id,
      'idle for ' || data_days || ' days: CPU peaked at ' || round(max_cpu, 2) || '%, network ' || round(net_mb, 2) || ' MB/day' AS reason,
      json_object('days', data_days, 'maxCpuPercent', round(max_cpu, 3), 'meanNetworkMbPerDay', round(net_mb, 3)) AS evidence,
      1.0 AS savings_ratio
    FROM (
      SELECT r.account, r.resource_id, c.data_days, n.network_days, c.max_cpu,
        n.net_bytes / greatest(n.network_days, 1) / 1e6 AS net_mb
      FROM resources_current r
      JOIN cpu c ON c.resource_id = r.resource_id
      JOIN network n ON n.resource_id = r.resource_id
      WHERE r.resource_type = 'ec2:instance' AND r.state = 'running'
        AND r.attrs.kubernetes IS NULL
    )
    -- Both measures need the minimum of days: an instance without network data is not known to be idle.
    WHERE network_days >= ${sqlLiteral(p.minDataDays)} AND net_mb < ${sqlLiteral(p.maxNetworkMbPerDay)}`;
  },
};
