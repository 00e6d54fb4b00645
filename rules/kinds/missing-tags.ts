import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  // The description is documentation: `finops rules` and the generated rules.yaml show it.
  required: z
    .array(z.string().min(1))
    .optional()
    .describe("required tag keys (default: tags.required of the config)"),
});

export const missingTags: RuleKind<typeof params> = {
  kind: "missing-tags",
  title: "Missing required tags",
  description: "A resource missing one of the required tags: its cost cannot be allocated to an owner.",
  pack: "governance",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings: "none: untagged spend is not waste by itself, it is spend nobody answers for",
  fix: "aws resourcegroupstaggingapi tag-resources --resource-arn-list {arn} --tags <key>=<value> --region {region} (the keys the finding names)",
  params,
  sql: (p, ctx) => {
    const required = p.required ?? [...ctx.requiredTags];
    if (required.length === 0)
      return "SELECT NULL AS account, NULL AS resource_id, NULL AS reason, NULL AS evidence, 0.0 AS savings_ratio WHERE false";
    const absent = required.map((key) => `nullif(${ctx.tag("r", key)}, '') IS NULL`);
    const missing = required.map((key, i) => `CASE WHEN ${absent[i]} THEN ${sqlLiteral(key)} END`);
    // The resources missing a tag are found first: the list of what they miss (a lambda per row) is
    // built for those only, not for every resource.
    return `
      SELECT account, resource_id, 'missing tag' || CASE WHEN len(missing) > 1 THEN 's ' ELSE ' ' END
          || array_to_string(missing, ', ') AS reason,
        json_object('missing', missing) AS evidence, 0.0 AS savings_ratio
      FROM (
        SELECT r.account, r.resource_id, list_filter([${missing.join(", ")}], x -> x IS NOT NULL) AS missing
        FROM resources_current r
        WHERE ${absent.join(" OR ")}
      ) r`;
  },
};
