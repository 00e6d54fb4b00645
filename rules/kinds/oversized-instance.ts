import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(14),
  /** Fewer days of metrics than this: not enough evidence, no finding. */
  minDataDays: z.number().int().min(1).default(7),
  /** The peak CPU (the highest daily maximum) must stay below this (percent). */
  maxCpuPercent: z.number().min(0).max(100).default(40),
  /** The peak the smaller size may reach, scaled by the sizes' share (percent). */
  targetCpuPercent: z.number().min(1).max(100).default(70),
});

/**
 * AWS's instance size normalization factors (the units Reserved Instances and Savings Plans scale by):
 * within a family, a size's vCPUs, memory and on-demand price are in these proportions. Nxlarge is 8N.
 */
export const SIZE_FACTORS: Readonly<Record<string, number>> = {
  nano: 0.25,
  micro: 0.5,
  small: 1,
  medium: 2,
  large: 4,
  xlarge: 8,
};

/** The sizes proposed as targets: those most families offer (a family lacking one is in FAMILY_SMALLEST). */
export const TARGET_SIZES: readonly string[] = [
  "nano",
  "micro",
  "small",
  "medium",
  "large",
  "xlarge",
  "2xlarge",
  "4xlarge",
  "8xlarge",
  "12xlarge",
  "16xlarge",
  "24xlarge",
  "32xlarge",
  "48xlarge",
];

/**
 * The smallest size of the families that go below `large`, the smallest of most others (m5, c6i, r7i...):
 * burstable families go down to nano, Graviton ones to medium.
 */
export const FAMILY_SMALLEST: Readonly<Record<string, string>> = {
  t2: "nano",
  t3: "nano",
  t3a: "nano",
  t4g: "nano",
  a1: "medium",
  m6g: "medium",
  m6gd: "medium",
  m7g: "medium",
  m7gd: "medium",
  m8g: "medium",
  c6g: "medium",
  c6gd: "medium",
  c6gn: "medium",
  c7g: "medium",
  c7gd: "medium",
  c7gn: "medium",
  c8g: "medium",
  r6g: "medium",
  r6gd: "medium",
  r7g: "medium",
  r7gd: "medium",
  r8g: "medium",
  x2gd: "medium",
  is4gen: "medium",
};
const DEFAULT_SMALLEST = "large";

/** A size's normalization factor; null for metal and for what is no size. */
export function sizeFactor(size: string): number | null {
  if (size in SIZE_FACTORS) return SIZE_FACTORS[size] as number;
  const match = /^(\d+)xlarge$/.exec(size);
  return match ? 8 * Number(match[1]) : null;
}

/** SQL: the factor of the size expression `size` (NULL for metal and unknown sizes). */
const factorSql = (size: string) =>
  `CASE ${size} ${Object.entries(SIZE_FACTORS)
    .map(([name, factor]) => `WHEN ${sqlLiteral(name)} THEN ${factor}`)
    .join(" ")} ELSE 8 * TRY_CAST(regexp_extract(${size}, '^(\\d+)xlarge$', 1) AS DOUBLE) END`;

const valuesSql = (rows: readonly (readonly [string, number])[]) =>
  rows.map(([name, value]) => `(${sqlLiteral(name)}, ${value})`).join(", ");

export const oversizedInstance: RuleKind<typeof params> = {
  kind: "oversized-instance",
  title: "Oversized EC2 instance",
  description:
    "A running instance (not a Kubernetes node) whose peak CPU stayed low enough for a smaller size of its family.",
  pack: "compute",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings:
    "the instance's cost times 1 - the smaller size's normalization factor over its own (AWS prices the sizes of a family in proportion to these factors); the billed unit prices of the two types are not compared: the ratio applies to the instance's own billed cost, discounts included",
  fix: "aws ec2 modify-instance-attribute --instance-id {id} --instance-type <the type the finding names> --region {region} (while stopped)",
  params,
  // CPU is aggregated per resource before the join (the window holds millions of rows); only the few
  // instances under the threshold are sized. The target is the smallest size of the family, not below
  // its smallest, that the peak scaled by the factors' ratio still fits under targetCpuPercent.
  sql: (p, ctx) => `
    WITH cpu AS (
      SELECT resource_id, days AS data_days, maximum AS peak
      FROM ${ctx.metricSummary("AWS/EC2", "CPUUtilization", p.lookbackDays, ["maximum"])}
      WHERE days >= ${sqlLiteral(p.minDataDays)} AND maximum < ${sqlLiteral(p.maxCpuPercent)}
    ),
    sizes(size, factor) AS (VALUES ${valuesSql(TARGET_SIZES.map((s) => [s, sizeFactor(s) as number]))}),
    smallest(family, factor) AS (VALUES ${valuesSql(
      Object.entries(FAMILY_SMALLEST).map(([family, size]) => [family, sizeFactor(size) as number]),
    )}),
    sized AS (
      SELECT r.account, r.resource_id, r.attrs.instanceType AS instance_type, c.data_days, c.peak,
        split_part(r.attrs.instanceType, '.', 1) AS family,
        ${factorSql("split_part(r.attrs.instanceType, '.', 2)")} AS current_factor
      FROM resources_current r JOIN cpu c ON c.resource_id = r.resource_id
      WHERE r.resource_type = 'ec2:instance' AND r.state = 'running' AND r.attrs.kubernetes IS NULL
    ),
    chosen AS (
      SELECT s.account, s.resource_id, s.instance_type, s.family, s.data_days, s.peak, s.current_factor,
        arg_min(z.size, z.factor) AS target_size, min(z.factor) AS target_factor
      FROM sized s
      LEFT JOIN smallest f ON f.family = s.family
      JOIN sizes z ON z.factor < s.current_factor AND z.factor >= coalesce(f.factor, ${sizeFactor(DEFAULT_SMALLEST)})
        AND s.peak * s.current_factor / z.factor <= ${sqlLiteral(p.targetCpuPercent)}
      WHERE s.current_factor IS NOT NULL
      GROUP BY ALL
    )
    SELECT account, resource_id,
      'peak CPU ' || round(peak, 2) || '% over ' || data_days || ' days: ' || family || '.' || target_size
        || ' would peak at ' || round(peak * current_factor / target_factor, 2) || '% (at most '
        || ${sqlLiteral(p.targetCpuPercent)} || '%)' AS reason,
      json_object('instanceType', instance_type, 'targetInstanceType', family || '.' || target_size,
        'days', data_days, 'peakCpuPercent', round(peak, 3),
        'projectedPeakCpuPercent', round(peak * current_factor / target_factor, 3),
        'currentFactor', current_factor, 'targetFactor', target_factor) AS evidence,
      1 - target_factor / current_factor AS savings_ratio
    FROM chosen`,
};
