import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** Images registered longer ago than this many days (0: any image registered before now). */
  minAgeDays: z.number().int().min(0).default(90),
});

export const unusedAmi: RuleKind<typeof params> = {
  kind: "unused-ami",
  title: "Unused AMI",
  description:
    "An AMI the account owns, older than a quarter, that no current instance runs from and no launch template version names: its snapshots bill on.",
  pack: "storage",
  defaultSeverity: "low",
  defaultAction: "delete",
  savings:
    "its snapshots' whole cost (deregistering it and deleting its snapshots); the snapshots' own findings count under the AMI, once",
  extraCostIds: true,
  fix: "aws ec2 deregister-image --image-id {id} --region {region} (then delete its snapshots)",
  params,
  // The instances' image ids are gathered once (an anti-join), not looked up per image.
  sql: (p, ctx) => `
    WITH in_use AS (
      SELECT DISTINCT account, attrs.imageId AS image_id FROM resources_current
      WHERE resource_type = 'ec2:instance' AND attrs.imageId IS NOT NULL
    )
    SELECT r.account, r.resource_id,
      'AMI ' || coalesce(r.attrs.name, r.resource_id) || ' is ' || date_diff('day', r.created_at, ${ctx.now})
        || ' days old (over ' || ${sqlLiteral(p.minAgeDays)} || '), used by no instance or launch template, keeping '
        || len(coalesce(r.attrs.snapshotIds, [])) || ' snapshot(s)' AS reason,
      json_object('name', r.attrs.name, 'createdAt', strftime(r.created_at, '%Y-%m-%dT%H:%M:%SZ'),
        'ageDays', date_diff('day', r.created_at, ${ctx.now}), 'snapshotIds', coalesce(r.attrs.snapshotIds, [])) AS evidence,
      1.0 AS savings_ratio,
      coalesce(r.attrs.snapshotIds, []) AS extra_cost_ids
    FROM resources_current r
    LEFT JOIN in_use u ON u.account = r.account AND u.image_id = r.resource_id
    WHERE r.resource_type = 'ec2:image' AND r.state = 'available' AND r.created_at IS NOT NULL
      AND r.created_at < ${ctx.now} - to_days(CAST(${sqlLiteral(p.minAgeDays)} AS INTEGER))
      AND coalesce(len(r.attrs.launchTemplateIds), 0) = 0
      AND u.image_id IS NULL`,
};
