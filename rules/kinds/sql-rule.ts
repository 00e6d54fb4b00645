import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";
import { USER_MATCHES_TABLE, userQueryKey } from "../user-sql.js";

const params = z.strictObject({
  // The description is documentation: `finops rules` and the generated rules.yaml show it.
  query: z
    .string()
    .min(1)
    .describe(
      "exactly one SELECT over resources_current (and metrics_daily, billing_costs, inventory) returning account, resource_id and reason; evidence (JSON) and savings_ratio (0 to 1) are optional columns; $now is the instant rules evaluate at (a TIMESTAMP, UTC): --now previews a user rule too",
    ),
});

export const sqlRule: RuleKind<typeof params> = {
  kind: "sql",
  title: "Custom SQL rule",
  description:
    "A rule written in SQL in rules.yaml: one SELECT, run alone, read-only, with no file or network access.",
  pack: "custom",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings: "the query's savings_ratio column (0 when absent) of the resource's cost",
  params,
  example: `- id: big-untagged-buckets
  kind: sql
  severity: medium
  params:
    query: |
      SELECT account, resource_id, 'bucket without tags' AS reason
      FROM resources_current WHERE resource_type = 's3:bucket' AND tags::VARCHAR = '{}'
`,
  userQuery: (p) => p.query,
  // The query itself ran before (user-sql.ts: alone, checked, rolled back); its rows are read here. A
  // user's query may name a resource twice; a finding is one per rule and resource.
  sql: (p) => `
    SELECT account, resource_id, reason, evidence, savings_ratio
    FROM ${USER_MATCHES_TABLE}
    WHERE query_key = ${sqlLiteral(userQueryKey(p.query))}
    QUALIFY row_number() OVER (PARTITION BY account, resource_id ORDER BY reason) = 1`,
};
