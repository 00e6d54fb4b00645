import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(30),
  minDataDays: z.number().int().min(1).default(7),
});

export const staleLogGroup: RuleKind<typeof params> = {
  kind: "stale-log-group",
  title: "Log group nobody writes to",
  description:
    "A CloudWatch Logs log group that took in no data for lookbackDays (30) days and still stores logs: nobody writes to it any more.",
  pack: "storage",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings: "the group's whole cost (deleting it, once its owner agrees)",
  fix: "aws logs delete-log-group --log-group-name {name} --region {region}",
  params,
  // CloudWatch publishes no IncomingBytes datapoint for a day a group took in nothing: a silent group
  // has no rows at all. That the silence is real, not an uncollected region, is shown by the days on
  // which the utilization collector stored any metric of the group's account and region (minDataDays).
  sql: (p, ctx) => `
    WITH collected AS (
      SELECT account, region, count(*) AS days FROM metric_days
      WHERE ${ctx.metricWindow(null, p.lookbackDays)}
      GROUP BY account, region
    ),
    incoming AS (
      SELECT resource_id, days AS data_days, coalesce(sum, 0) AS bytes
      FROM ${ctx.metricSummary("AWS/Logs", "IncomingBytes", p.lookbackDays, ["sum"])}
    )
    SELECT r.account, r.resource_id,
      'no data ingested in ' || ${sqlLiteral(p.lookbackDays)} || ' days, still storing ' || r.attrs.storedBytes || ' bytes' AS reason,
      json_object('days', greatest(c.days, coalesce(i.data_days, 0)), 'incomingBytes', coalesce(i.bytes, 0),
        'storedBytes', r.attrs.storedBytes, 'retentionDays', r.attrs.retentionDays) AS evidence,
      1.0 AS savings_ratio
    FROM resources_current r
    JOIN collected c ON c.account = r.account AND c.region = r.region
    LEFT JOIN incoming i ON i.resource_id = r.resource_id
    WHERE r.resource_type = 'logs:log-group' AND coalesce(r.attrs.storedBytes, 0) > 0
      AND coalesce(i.bytes, 0) = 0
      AND greatest(c.days, coalesce(i.data_days, 0)) >= ${sqlLiteral(p.minDataDays)}`,
};
