import { z } from "zod";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /**
   * A query over resources_current (and metrics_daily, billing_costs, inventory) returning account,
   * resource_id and reason; evidence (JSON) and savings_ratio (0 to 1) are optional columns.
   */
  query: z.string().min(1),
});

export const sqlRule: RuleKind<typeof params> = {
  kind: "sql",
  title: "Custom SQL rule",
  description: "A rule written in SQL in rules.yaml.",
  category: "custom",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings: "the query's savings_ratio column (0 when absent) of the resource's cost",
  params,
  // UNION BY NAME gives the optional columns a NULL where the query has none. A user's query may name a
  // resource twice; a finding is one per rule and resource (the built-in kinds select each at most once).
  sql: (p) => `
    SELECT CAST(account AS VARCHAR) AS account, CAST(resource_id AS VARCHAR) AS resource_id,
      CAST(reason AS VARCHAR) AS reason, CAST(evidence AS JSON) AS evidence,
      coalesce(CAST(savings_ratio AS DOUBLE), 0) AS savings_ratio
    FROM (
      SELECT NULL::VARCHAR AS account, NULL::VARCHAR AS resource_id, NULL::VARCHAR AS reason,
        NULL::VARCHAR AS evidence, NULL::DOUBLE AS savings_ratio
      WHERE false
      UNION ALL BY NAME (${p.query})
    )
    QUALIFY row_number() OVER (PARTITION BY account, resource_id ORDER BY reason) = 1`,
};
