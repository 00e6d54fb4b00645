import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import { billedPartCtes, GIB, partCostSql, savedShareSql } from "../billed-part.js";
import type { RuleKind } from "../rule-kind.js";

/** The retention periods PutRetentionPolicy accepts, in days. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * CloudWatch Logs' standard storage price (us-east-1, USD per GB-month): what prices a billed group's
 * storage when its bill names no storage meter.
 */
const STANDARD_STORAGE_USD_PER_GB_MONTH = 0.03;

const params = z.strictObject({
  /** Groups holding fewer bytes are left alone. */
  minStoredBytes: z.number().int().min(0).default(1),
  /** The retention the action sets. */
  retentionDays: z
    .number()
    .int()
    .refine((days) => (RETENTION_DAYS as readonly number[]).includes(days), {
      message: `a retention CloudWatch Logs accepts: ${RETENTION_DAYS.join(", ")}`,
    })
    .default(30),
});

export const logGroupNoRetention: RuleKind<typeof params> = {
  kind: "log-group-no-retention",
  title: "Log group that keeps logs forever",
  description: "A CloudWatch Logs log group that never expires its logs and holds stored data.",
  pack: "storage",
  defaultSeverity: "medium",
  defaultAction: "set-retention",
  savings:
    "the share of its stored bytes a retentionDays (30) retention deletes, estimated from its age as if it took in data evenly since it was created (1 - retentionDays / age in days), of the storage part of its cost only: its billed storage meter (TimedStorage), else its stored bytes at 0.03 USD per GB-month capped by its bill; ingestion is never counted",
  fix: "aws logs put-retention-policy --log-group-name {name} --retention-in-days 30 --region {region}",
  params,
  sql: (p, ctx) => `
    WITH ${billedPartCtes("%TimedStorage%")},
    g AS (
      SELECT r.account, r.resource_id, r.attrs.storedBytes AS stored_bytes,
        date_diff('day', r.created_at, ${ctx.now}) AS age_days, f.monthly,
        ${partCostSql(`CAST(r.attrs.storedBytes AS DOUBLE) / ${GIB} * ${STANDARD_STORAGE_USD_PER_GB_MONTH}`)} AS storage_cost,
      FROM resources_current r
      JOIN resource_facts f ON f.account = r.account AND f.resource_id = r.resource_id
      LEFT JOIN billed_part b ON b.resource_id = r.resource_id
      WHERE r.resource_type = 'logs:log-group' AND r.attrs.retentionDays IS NULL
        AND coalesce(r.attrs.storedBytes, 0) >= ${sqlLiteral(p.minStoredBytes)}
    ),
    shares AS (
      SELECT *, CASE WHEN age_days > ${sqlLiteral(p.retentionDays)}
        THEN 1 - ${sqlLiteral(p.retentionDays)} / age_days ELSE 0 END AS deleted_share
      FROM g
    )
    SELECT account, resource_id,
      'log group never expires its logs and holds ' || round(stored_bytes / ${GIB}, 3) || ' GB' AS reason,
      json_object('storedBytes', stored_bytes, 'retentionDays', NULL, 'ageDays', age_days,
        'proposedRetentionDays', ${sqlLiteral(p.retentionDays)}, 'estimatedDeletedShare', round(deleted_share, 4),
        'storageMonthlyCost', round(storage_cost, 6), 'estimatedMonthlySavings', round(storage_cost * deleted_share, 6),
        'basis', 'logs older than ' || ${sqlLiteral(p.retentionDays)} || ' days, as a share of ' || coalesce(age_days, 0)
          || ' days of logs if ingested evenly since creation; storage part only') AS evidence,
      ${savedShareSql("storage_cost * deleted_share")} AS savings_ratio
    FROM shares f`,
};
