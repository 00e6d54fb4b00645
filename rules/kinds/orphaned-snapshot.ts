import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** Orphaned snapshots younger than this are left alone (a volume may have just been replaced). */
  minAgeDays: z.number().int().min(0).default(30),
});

export const orphanedSnapshot: RuleKind<typeof params> = {
  kind: "orphaned-snapshot",
  title: "Snapshot of a deleted volume",
  description:
    "A snapshot whose source volume no longer exists; not one that backs a registered AMI of the account (AWS refuses to delete it while the AMI exists).",
  pack: "storage",
  defaultSeverity: "low",
  defaultAction: "delete",
  savings: "the snapshot's whole cost",
  fix: "aws ec2 delete-snapshot --snapshot-id {id} --region {region}",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      'source volume ' || volume_id || ' no longer exists; snapshot is ' || age_days || ' days old' AS reason,
      json_object('volumeId', volume_id, 'ageDays', age_days) AS evidence,
      1.0 AS savings_ratio
    FROM (
      SELECT r.account, r.region, r.resource_id, r.attrs.volumeId AS volume_id,
        date_diff('day', r.created_at, ${ctx.now}) AS age_days
      FROM resources_current r
      WHERE r.resource_type = 'ec2:snapshot' AND r.created_at IS NOT NULL
        -- An AMI's snapshot outlives its volume by design, and cannot be deleted while the AMI exists.
        AND coalesce(len(r.attrs.imageIds), 0) = 0
    ) s
    -- vol-ffffffff is the placeholder volume id of snapshots made by CopySnapshot.
    WHERE age_days > ${sqlLiteral(p.minAgeDays)} AND volume_id IS NOT NULL AND volume_id <> 'vol-ffffffff'
      AND NOT EXISTS (
        SELECT 1 FROM resources_current v
        WHERE v.resource_type = 'ec2:volume' AND v.account = s.account AND v.region = s.region
          AND v.resource_id = s.volume_id
      )`,
};
