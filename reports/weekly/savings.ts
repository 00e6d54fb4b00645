import type { DuckDBConnection } from "@duckdb/node-api";
import { ITEM_STEP } from "../../remediation/journal.js";
import { Decimal } from "../../store/money.js";
import { add } from "./decimal.js";
import type { RealisedItem, SavingsRealised, Window } from "./model.js";

/**
 * Savings realised in the window: remediation items the journal records as done in it, each with the
 * estimatedMonthlySavings its plan item carried. Marks and tags change no cost and are left out; an item
 * done again by a later run of the same plan counts once, on its first completion.
 */
export async function savingsRealised(
  connection: DuckDBConnection,
  window: Window,
): Promise<SavingsRealised> {
  const reader = await connection.runAndReadAll(
    `WITH done AS (
       SELECT plan_id, item, arg_min(resource_id, seq) AS resource_id, arg_min(action, seq) AS action,
         arg_min(detail, seq) AS detail, min(logged_at) AS finished_at
       FROM journal
       WHERE step = $1 AND status = 'done' AND action NOT IN ('mark', 'unmark', 'tag')
       GROUP BY plan_id, item
     )
     SELECT d.plan_id, d.resource_id, d.action, d.detail,
       strftime(d.finished_at, '%Y-%m-%dT%H:%M:%SZ') AS finished_at,
       json_extract_string(p.content, '$.items[' || d.item || '].resourceType') AS resource_type,
       json_extract_string(p.content, '$.items[' || d.item || '].rule') AS rule,
       json_extract_string(p.content, '$.items[' || d.item || '].team') AS team,
       json_extract_string(p.content, '$.items[' || d.item || '].account') AS account,
       TRY_CAST(json_extract_string(p.content, '$.items[' || d.item || '].estimatedMonthlySavings') AS DECIMAL(38,12))
         AS savings
     FROM done d LEFT JOIN plans p ON p.plan_id = d.plan_id
     WHERE d.finished_at >= CAST($2 AS TIMESTAMP) AND d.finished_at < CAST($3 AS TIMESTAMP)
     ORDER BY savings DESC NULLS LAST, d.finished_at, d.resource_id`,
    [ITEM_STEP, window.from, window.to],
  );
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const items: RealisedItem[] = reader.getRowObjectsJson().map((row) => ({
    planId: String(row.plan_id),
    resourceId: String(row.resource_id),
    resourceType: text(row.resource_type),
    action: String(row.action),
    rule: text(row.rule),
    team: text(row.team),
    account: text(row.account),
    finishedAt: String(row.finished_at),
    detail: text(row.detail),
    estimatedMonthlySavings: row.savings === null ? null : new Decimal(String(row.savings)),
  }));
  return {
    items,
    estimatedMonthlySavings: add(
      ...items.map((i) => i.estimatedMonthlySavings).filter((v): v is Decimal => v !== null),
    ),
  };
}
