import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** A load balancer younger than this may still be getting its targets. */
  minAgeDays: z.number().int().min(0).default(7),
  lookbackDays: z.number().int().min(1).default(14),
  minDataDays: z.number().int().min(1).default(7),
});

/**
 * The traffic metric of each kind (resources/load-balancer.ts asks each load balancer only its own):
 * requests for Application and Classic load balancers, bytes for Network ones.
 */
const TRAFFIC_METRICS = "('RequestCount', 'ProcessedBytes')";

export const idleLoadBalancer: RuleKind<typeof params> = {
  kind: "idle-load-balancer",
  title: "Idle load balancer",
  description:
    "A load balancer with no registered targets and no traffic, or that served no requests (Network: no bytes) for two weeks: billed by the hour for nothing.",
  pack: "network",
  defaultSeverity: "medium",
  defaultAction: "delete",
  savings: "the load balancer's whole cost",
  fix: "aws elbv2 delete-load-balancer --load-balancer-arn {arn} --region {region}",
  params,
  sql: (p, ctx) => `
    WITH traffic AS (
      SELECT m.account, m.resource_id, any_value(m.metric) AS metric, count(DISTINCT m.day) AS data_days,
        coalesce(sum(m.sum), 0) AS total
      FROM metrics_daily m
      WHERE m.metric IN ${TRAFFIC_METRICS} AND ${ctx.metricWindow("m", p.lookbackDays)}
      GROUP BY ALL
    ),
    judged AS (
      SELECT r.account, r.resource_id, coalesce(r.attrs.lbKind, 'unknown') AS lb_kind,
        coalesce(r.attrs.targetGroups, 0) AS target_groups,
        -- Whole days since it was created (date_diff would count midnights).
        CAST(floor(date_diff('second', r.created_at, ${ctx.now}) / 86400) AS BIGINT) AS age_days,
        -- No targets is not enough: an ALB whose listeners only redirect or answer fixed responses has none
        -- and serves requests. Any measured traffic in the window keeps it.
        coalesce(r.attrs.registeredTargets, 0) = 0 AND r.created_at IS NOT NULL
          AND r.created_at < ${ctx.now} - to_days(CAST(${sqlLiteral(p.minAgeDays)} AS INTEGER))
          AND coalesce(t.total, 0) = 0 AS no_targets,
        coalesce(t.data_days, 0) >= ${sqlLiteral(p.minDataDays)} AND t.total = 0 AS no_traffic,
        t.metric, coalesce(t.data_days, 0) AS data_days
      FROM resources_current r LEFT JOIN traffic t ON t.account = r.account AND t.resource_id = r.resource_id
      WHERE r.resource_type = 'elasticloadbalancing:loadbalancer'
        AND coalesce(r.state, 'active') IN ('active', 'active_impaired')
    )
    SELECT account, resource_id,
      CASE WHEN no_targets THEN lb_kind || ' load balancer has no registered targets (' || age_days || ' days old)'
        ELSE 'no ' || CASE metric WHEN 'ProcessedBytes' THEN 'bytes processed' ELSE 'requests' END
          || ' in ' || data_days || ' days' END AS reason,
      CASE WHEN no_targets
        THEN json_object('lbKind', lb_kind, 'registeredTargets', 0, 'targetGroups', target_groups, 'ageDays', age_days)
        ELSE json_object('lbKind', lb_kind, 'days', data_days, 'metric', metric, 'total', 0) END AS evidence,
      1.0 AS savings_ratio
    FROM judged WHERE no_targets OR no_traffic`,
};
