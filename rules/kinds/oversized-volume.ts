import { z } from "zod";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(14),
  minDataDays: z.number().int().min(1).default(7),
  /** Volumes at least this large are candidates. */
  minSizeGiB: z.number().int().min(1).default(100),
  /** io1/io2 volumes with at most this many provisioned IOPS are candidates (gp3 gives 16,000). */
  maxProvisionedIops: z.number().int().min(0).default(16000),
  /** Mean daily read + write operations below this: barely used. */
  maxDailyOps: z.number().min(0).default(1000),
  /** The share a right-sized gp3 volume saves. */
  savingsRatio: z.number().min(0).max(1).default(0.5),
});

export const oversizedVolume: RuleKind<typeof params> = {
  kind: "oversized-volume",
  title: "Oversized or over-provisioned EBS volume",
  description: "An attached volume that is large, or io1/io2 with IOPS gp3 could serve, and is barely used.",
  category: "storage",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings: "savingsRatio (default 50%) of the volume's cost: a right-sized gp3 volume",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      volume_type || ' ' || size_gib || ' GiB' || CASE WHEN iops IS NOT NULL THEN ' ' || iops || ' IOPS' ELSE '' END
        || ' averages ' || round(ops, 1) || ' read+write ops a day' AS reason,
      json_object('volumeType', volume_type, 'sizeGiB', size_gib, 'iops', iops, 'days', data_days, 'meanDailyOps', round(ops, 3)) AS evidence,
      ${p.savingsRatio} AS savings_ratio
    FROM (
      SELECT r.account, r.resource_id, json_extract_string(r.attributes, '$.volumeType') AS volume_type,
        CAST(json_extract(r.attributes, '$.sizeGiB') AS INTEGER) AS size_gib,
        CAST(json_extract(r.attributes, '$.iops') AS INTEGER) AS iops,
        count(DISTINCT m.day) AS data_days,
        coalesce(sum(m.sum), 0) / greatest(count(DISTINCT m.day), 1) AS ops
      FROM resources_current r
      JOIN metrics_daily m ON m.account = r.account AND m.resource_id = r.resource_id
        AND m.metric IN ('VolumeReadOps', 'VolumeWriteOps')
        AND m.day >= CAST(${ctx.now} AS DATE) - ${p.lookbackDays} AND m.day < CAST(${ctx.now} AS DATE)
      WHERE r.resource_type = 'ec2:volume' AND r.state = 'in-use'
      GROUP BY ALL
    )
    WHERE data_days >= ${p.minDataDays} AND ops < ${p.maxDailyOps}
      AND (size_gib >= ${p.minSizeGiB} OR (volume_type IN ('io1', 'io2') AND coalesce(iops, 0) <= ${p.maxProvisionedIops}))`,
};
