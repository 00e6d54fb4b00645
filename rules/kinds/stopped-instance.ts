import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** Days an instance must have been stopped. */
  minDays: z.number().int().min(0).default(30),
});

export const stoppedInstance: RuleKind<typeof params> = {
  kind: "stopped-instance",
  title: "Instance stopped for weeks",
  description: "An instance stopped for weeks: no compute is billed, but its EBS volumes and addresses are.",
  pack: "compute",
  defaultSeverity: "medium",
  defaultAction: "terminate",
  savings:
    "the instance's remaining cost plus its attached volumes' (terminating deletes the volumes marked delete-on-termination; the others should be snapshotted and deleted)",
  extraCostIds: true,
  fix: "aws ec2 terminate-instances --instance-ids {id} --region {region} (take an image first if it may be needed)",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      'stopped for ' || date_diff('day', state_since, ${ctx.now}) || ' days, still paying for '
        || len(coalesce(attrs.volumeIds, [])) || ' volume(s)' AS reason,
      json_object('stoppedSince', strftime(state_since, '%Y-%m-%dT%H:%M:%SZ'),
        'days', date_diff('day', state_since, ${ctx.now}), 'volumeIds', coalesce(attrs.volumeIds, [])) AS evidence,
      1.0 AS savings_ratio,
      coalesce(attrs.volumeIds, []) AS extra_cost_ids
    FROM resources_current r
    WHERE resource_type = 'ec2:instance' AND state = 'stopped' AND state_since IS NOT NULL
      AND date_diff('day', state_since, ${ctx.now}) > ${sqlLiteral(p.minDays)}`,
};
