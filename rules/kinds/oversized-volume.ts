import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
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
  title: "Oversized EBS volume",
  description: "An attached volume that is large, or io1/io2 with IOPS gp3 could serve, and is barely used.",
  pack: "storage",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings: "savingsRatio (default 50%) of the volume's cost: a right-sized gp3 volume",
  fix: "aws ec2 modify-volume --volume-id {id} --volume-type gp3 --iops 3000 --region {region} (a smaller size needs a new volume and a copy)",
  params,
  // Metrics are read aggregated per volume (ctx.metricSummary), and its attributes once per volume. A
  // volume's days are those of the one of its two metrics with more; a volume with neither has no data.
  // The candidates look their metrics up (not the metrics of every volume combined first).
  sql: (p, ctx) => `
    WITH v AS (
      SELECT account, resource_id, attrs.volumeType AS volume_type,
        attrs.sizeGiB AS size_gib,
        attrs.iops AS iops
      FROM resources_current
      WHERE resource_type = 'ec2:volume' AND state = 'in-use'
        AND (attrs.sizeGiB >= ${sqlLiteral(p.minSizeGiB)} OR (attrs.volumeType IN ('io1', 'io2') AND coalesce(attrs.iops, 0) <= ${sqlLiteral(p.maxProvisionedIops)}))
    ),
    m AS (
      SELECT v.*, greatest(coalesce(r.days, 0), coalesce(w.days, 0)) AS data_days,
        coalesce(r.sum, 0) + coalesce(w.sum, 0) AS ops_total
      FROM v
      LEFT JOIN ${ctx.metricSummary("AWS/EBS", "VolumeReadOps", p.lookbackDays, ["sum"])} r ON r.resource_id = v.resource_id
      LEFT JOIN ${ctx.metricSummary("AWS/EBS", "VolumeWriteOps", p.lookbackDays, ["sum"])} w ON w.resource_id = v.resource_id
      WHERE r.resource_id IS NOT NULL OR w.resource_id IS NOT NULL
    )
    SELECT account, resource_id,
      volume_type || ' ' || size_gib || ' GiB' || CASE WHEN iops IS NOT NULL THEN ' ' || iops || ' IOPS' ELSE '' END
        || ' averages ' || round(ops, 1) || ' read+write ops a day' AS reason,
      json_object('volumeType', volume_type, 'sizeGiB', size_gib, 'iops', iops, 'days', data_days, 'meanDailyOps', round(ops, 3)) AS evidence,
      ${sqlLiteral(p.savingsRatio)} AS savings_ratio
    FROM (SELECT *, ops_total / greatest(data_days, 1) AS ops FROM m)
    WHERE data_days >= ${sqlLiteral(p.minDataDays)} AND ops < ${sqlLiteral(p.maxDailyOps)}`,
};
