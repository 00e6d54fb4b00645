import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(14),
  minDataDays: z.number().int().min(1).default(7),
});

export const idleNatGateway: RuleKind<typeof params> = {
  kind: "idle-nat-gateway",
  title: "Idle NAT gateway",
  description: "A NAT gateway that sent no bytes out: billed by the hour for nothing.",
  pack: "network",
  defaultSeverity: "high",
  defaultAction: "notify",
  savings: "the gateway's whole cost",
  fix: "aws ec2 delete-nat-gateway --nat-gateway-id {id} --region {region} (then release its Elastic IP)",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id, 'no bytes out to destination in ' || data_days || ' days' AS reason,
      json_object('days', data_days, 'bytesOutToDestination', bytes) AS evidence, 1.0 AS savings_ratio
    FROM (
      SELECT r.account, r.resource_id, count(*) AS data_days, coalesce(sum(m.sum), 0) AS bytes
      FROM resources_current r
      JOIN metrics_daily m ON m.account = r.account AND m.resource_id = r.resource_id AND m.metric = 'BytesOutToDestination'
        AND ${ctx.metricWindow("m", p.lookbackDays)}
      WHERE r.resource_type = 'ec2:nat-gateway' AND r.state = 'available'
      GROUP BY ALL
    )
    WHERE data_days >= ${sqlLiteral(p.minDataDays)} AND bytes = 0`,
};
