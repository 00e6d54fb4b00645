import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import { billedPartCtes, GIB, partCostSql, savedShareSql } from "../billed-part.js";
import type { RuleKind } from "../rule-kind.js";

/** ECR's storage price (USD per GB-month, every region): prices a billed repository's storage when its bill names no storage meter. */
const STORAGE_USD_PER_GB_MONTH = 0.1;

const params = z.strictObject({
  /** Repositories with fewer images are left alone. */
  minImages: z.number().int().min(0).default(1),
  /**
   * The share of its storage a lifecycle policy removes: old untagged and superseded images, typically
   * most of a repository that CI pushes to.
   */
  savingsRatio: z.number().min(0).max(1).default(0.5),
});

export const ecrNoLifecycle: RuleKind<typeof params> = {
  kind: "ecr-no-lifecycle",
  title: "ECR repository without a lifecycle policy",
  description:
    "An ECR repository without a lifecycle policy: every image pushed is kept, and billed, forever.",
  pack: "storage",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings:
    "savingsRatio (default 50%) of the storage part of its cost: its billed storage meter (TimedStorage), else its images' bytes at 0.10 USD per GB-month capped by its bill",
  fix: "aws ecr put-lifecycle-policy --repository-name {name} --lifecycle-policy-text file://expire-untagged.json --region {region}",
  params,
  sql: (p) => `
    WITH ${billedPartCtes("%TimedStorage%")},
    g AS (
      SELECT r.account, r.resource_id, r.attrs.imageCount AS images, r.attrs.imageBytes AS image_bytes, f.monthly,
        ${partCostSql(`CAST(r.attrs.imageBytes AS DOUBLE) / ${GIB} * ${STORAGE_USD_PER_GB_MONTH}`)} AS storage_cost
      FROM resources_current r
      JOIN resource_facts f ON f.account = r.account AND f.resource_id = r.resource_id
      LEFT JOIN billed_part b ON b.resource_id = r.resource_id
      WHERE r.resource_type = 'ecr:repository' AND NOT coalesce(r.attrs.hasLifecyclePolicy, false)
        AND coalesce(r.attrs.imageCount, 0) >= ${sqlLiteral(p.minImages)}
    )
    SELECT account, resource_id,
      'no lifecycle policy; keeps ' || images || ' image(s), ' || round(image_bytes / ${GIB}, 3) || ' GB' AS reason,
      json_object('hasLifecyclePolicy', false, 'imageCount', images, 'imageBytes', image_bytes,
        'storageMonthlyCost', round(storage_cost, 6), 'savingsRatio', ${sqlLiteral(p.savingsRatio)}) AS evidence,
      ${savedShareSql(`storage_cost * ${sqlLiteral(p.savingsRatio)}`)} AS savings_ratio
    FROM g f`,
};
