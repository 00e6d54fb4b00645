import { z } from "zod";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** Orphaned snapshots younger than this are left alone (a volume may have just been replaced). */
  minAgeDays: z.number().int().min(0).default(30),
});

export const orphanedSnapshot: RuleKind<typeof params> = {
  kind: "orphaned-snapshot",
  title: "Orphaned EBS snapshot",
  description: "A snapshot whose source volume no longer exists.",
  category: "storage",
  defaultSeverity: "low",
  defaultAction: "delete",
  savings: "the snapshot's whole cost",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      'source volume ' || json_extract_string(attributes, '$.volumeId') || ' no longer exists; snapshot is '
        || date_diff('day', created_at, ${ctx.now}) || ' days old' AS reason,
      json_object('volumeId', json_extract(attributes, '$.volumeId'), 'ageDays', date_diff('day', created_at, ${ctx.now})) AS evidence,
      1.0 AS savings_ratio
    FROM resources_current r
    WHERE resource_type = 'ec2:snapshot' AND created_at IS NOT NULL
      AND date_diff('day', created_at, ${ctx.now}) > ${p.minAgeDays}
      AND json_extract_string(attributes, '$.volumeId') IS NOT NULL
      AND json_extract_string(attributes, '$.volumeId') <> 'vol-ffffffff'
      AND NOT EXISTS (
        SELECT 1 FROM resources_current v
        WHERE v.resource_type = 'ec2:volume' AND v.account = r.account AND v.region = r.region
          AND v.resource_id = json_extract_string(r.attributes, '$.volumeId')
      )`,
};
