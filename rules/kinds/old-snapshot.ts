import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** Snapshots older than this many days. */
  minAgeDays: z.number().int().min(1).default(90),
});

export const oldSnapshot: RuleKind<typeof params> = {
  kind: "old-snapshot",
  title: "Old EBS snapshot",
  description:
    "An EBS snapshot older than the retention a team would normally keep; not one that backs a registered AMI of the account (AWS refuses to delete it while the AMI exists).",
  pack: "storage",
  defaultSeverity: "low",
  defaultAction: "delete",
  savings: "the snapshot's whole cost",
  fix: "aws ec2 delete-snapshot --snapshot-id {id} --region {region}",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      'snapshot is ' || date_diff('day', created_at, ${ctx.now}) || ' days old (over ' || ${sqlLiteral(p.minAgeDays)} || ')' AS reason,
      json_object('createdAt', strftime(created_at, '%Y-%m-%dT%H:%M:%SZ'), 'ageDays', date_diff('day', created_at, ${ctx.now}),
        'sizeGiB', attrs.sizeGiB) AS evidence,
      1.0 AS savings_ratio
    FROM resources_current r
    WHERE resource_type = 'ec2:snapshot' AND created_at IS NOT NULL
      AND date_diff('day', created_at, ${ctx.now}) > ${sqlLiteral(p.minAgeDays)}
      -- A snapshot behind a registered AMI cannot be deleted (InvalidSnapshot.InUse): deregister the AMI first.
      AND coalesce(len(attrs.imageIds), 0) = 0`,
};
