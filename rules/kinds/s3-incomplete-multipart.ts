import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import { GIB, savedShareSql } from "../billed-part.js";
import type { RuleKind } from "../rule-kind.js";

/** S3 Standard's first-tier price (us-east-1, USD per GB-month): used where the bill shows no storage of the bucket. */
export const STANDARD_USD_PER_GB_MONTH = 0.023;

const params = z.strictObject({
  /** Uploads begun more than this many days ago are abandoned. */
  minAgeDays: z.number().int().min(0).default(7),
});

export const s3IncompleteMultipart: RuleKind<typeof params> = {
  kind: "s3-incomplete-multipart",
  title: "Incomplete S3 multipart uploads",
  description:
    "A bucket holding parts of multipart uploads begun more than minAgeDays (7) days ago and never completed: billed as storage, invisible in listings.",
  pack: "storage",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings: `the old uploads' bytes at the bucket's own storage price per GB-month (its billed TimedStorage cost divided by the GB-months billed), else ${STANDARD_USD_PER_GB_MONTH} USD (S3 Standard); the action add-lifecycle-rule aborts them after 7 days`,
  fix: "aws s3api put-bucket-lifecycle-configuration --bucket {name} --lifecycle-configuration file://abort-incomplete-uploads.json",
  params,
  sql: (p, ctx) => `
    WITH storage_price AS (
      SELECT resource_id, sum(cost) / sum(quantity) AS usd_per_gb_month
      FROM resource_meter_costs
      WHERE resource_id IS NOT NULL AND meter LIKE '%TimedStorage%' AND quantity > 0
      GROUP BY resource_id
    ),
    old AS (
      SELECT r.account, r.resource_id, count(*) AS uploads, sum(r.u.bytes) AS bytes, min(r.u.initiated) AS oldest
      -- The buckets first, their uploads unnested in the select list: a lateral unnest over
      -- resources_current is planned as a join over every resource, whatever its type.
      FROM (
        SELECT account, resource_id, unnest(attrs.multipartUploads) AS u
        FROM resources_current WHERE resource_type = 's3:bucket'
      ) r
      WHERE TRY_CAST(r.u.initiated AS TIMESTAMPTZ) < CAST(${ctx.now} AS TIMESTAMPTZ) - INTERVAL (${sqlLiteral(p.minAgeDays)}) DAY
      GROUP BY r.account, r.resource_id
    ),
    priced AS (
      SELECT o.*, f.monthly, coalesce(sp.usd_per_gb_month, ${STANDARD_USD_PER_GB_MONTH}) AS price,
        sp.usd_per_gb_month IS NOT NULL AS price_billed,
        coalesce(o.bytes, 0) / ${GIB} * coalesce(sp.usd_per_gb_month, ${STANDARD_USD_PER_GB_MONTH}) AS saved
      FROM old o
      JOIN resource_facts f ON f.account = o.account AND f.resource_id = o.resource_id
      -- Billing names a bucket by its name, or by its ARN: one price per bucket, the name's first.
      LEFT JOIN (
        SELECT o2.resource_id, coalesce(by_name.usd_per_gb_month, by_arn.usd_per_gb_month) AS usd_per_gb_month
        FROM (SELECT DISTINCT resource_id FROM old) o2
        LEFT JOIN storage_price by_name ON by_name.resource_id = o2.resource_id
        LEFT JOIN storage_price by_arn ON by_arn.resource_id = 'arn:aws:s3:::' || o2.resource_id
      ) sp ON sp.resource_id = o.resource_id
    )
    SELECT account, resource_id,
      uploads || ' incomplete multipart upload(s) older than ' || ${sqlLiteral(p.minAgeDays)} || ' days hold '
        || round(coalesce(bytes, 0) / ${GIB}, 3) || ' GB' AS reason,
      json_object('uploads', uploads, 'bytes', bytes, 'oldestInitiated', oldest,
        'usdPerGbMonth', round(price, 6), 'priceFrom', CASE WHEN price_billed THEN 'billing' ELSE 'S3 Standard list price' END,
        'estimatedMonthlySavings', round(saved, 6)) AS evidence,
      ${savedShareSql("saved")} AS savings_ratio
    FROM priced f`,
};
