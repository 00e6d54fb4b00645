import { z } from "zod";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({});

export const s3NoLifecycle: RuleKind<typeof params> = {
  kind: "s3-no-lifecycle",
  title: "S3 bucket without a lifecycle configuration",
  description: "A bucket with no lifecycle configuration: objects and incomplete uploads are kept forever.",
  pack: "governance",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings: "none estimated: what a lifecycle policy saves depends on the rules the owner chooses",
  fix: "aws s3api put-bucket-lifecycle-configuration --bucket {name} --lifecycle-configuration file://lifecycle.json",
  params,
  sql: () => `
    SELECT account, resource_id, 'bucket has no lifecycle rules' AS reason,
      json_object('lifecycleRules', 0) AS evidence, 0.0 AS savings_ratio
    FROM resources_current r
    WHERE resource_type = 's3:bucket' AND coalesce(attrs.lifecycleRules, 0) = 0`,
};
