import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { mulDiv, subtract } from "../core/decimal.js";
import { Decimal } from "../core/money.js";
import { ARN_OF } from "../store/resources.js";
import { ITEM_STEP } from "./journal.js";

// Realised savings are measured on the bill, never taken from the plan: the resource's mean daily
// EffectiveCost over the billed days before the action against the billed days after it.

/** Billed days measured on each side of the action day (which is left out: it is half before, half after). */
export const WINDOW_DAYS = 14;
/** Full billed days after the action needed before a saving is stated; until then it is pending. */
export const MIN_DAYS_AFTER = 3;
/**
 * Days in a month: the resources' monthly cost from billing is their last 30 days of billing
 * (store/resources.ts), so the estimate a plan item carries and the realised saving use the same month.
 */
export const DAYS_PER_MONTH = 30;

/**
 * measured: the bill has days on both sides. pending: fewer than MIN_DAYS_AFTER full billed days after
 * the action yet. unmatched: no billing row names the resource (by id or ARN) in the days before, so the
 * bill cannot tell what it saved (a bill without resource ids, Cost Explorer data, a free resource).
 */
export type RealisedStatus = "measured" | "pending" | "unmatched";

/** One remediation action the journal records as done (its first completion), estimated and realised. */
export interface RealisedSaving {
  planId: string;
  item: number;
  resourceId: string;
  resourceType: string | null;
  action: string;
  rule: string | null;
  team: string | null;
  account: string | null;
  finishedAt: string;
  detail: string | null;
  /** From the plan item: what the plan expected. */
  estimatedMonthlySavings: Decimal | null;
  /** From the bill: (daily cost before − daily cost after) × DAYS_PER_MONTH; null unless measured. */
  realisedMonthlySavings: Decimal | null;
  realisedStatus: RealisedStatus;
  /** Billed days of the resource's account in the WINDOW_DAYS before the action day. */
  billedDaysBefore: number;
  /** Full billed days of the account after the action day (up to WINDOW_DAYS). */
  billedDaysAfter: number;
  dailyCostBefore: Decimal | null;
  dailyCostAfter: Decimal | null;
}

export interface RealisedFilter {
  /** Completed at or after (UTC timestamp text). */
  from?: string;
  /** Completed before. */
  to?: string;
  planId?: string;
}

/**
 * The done actions that change a cost (marks and tags change none), each measured on the bill. An item
 * done again by a later run of the same plan counts once, on its first completion.
 *
 * A day counts as billed for the resource's account when any billing row of the account starts on it;
 * a day after the action counts only once a later day is billed too (a day's rows keep arriving while it
 * is the bill's latest). The resource is matched by its id or its ARN, as its monthly cost is.
 */
export async function realisedSavings(
  connection: DuckDBConnection,
  filter: RealisedFilter = {},
): Promise<RealisedSaving[]> {
  const params: DuckDBValue[] = [ITEM_STEP];
  const param = (value: DuckDBValue) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filter.from) where.push(`d.finished_at >= CAST(${param(filter.from)} AS TIMESTAMP)`);
  if (filter.to) where.push(`d.finished_at < CAST(${param(filter.to)} AS TIMESTAMP)`);
  if (filter.planId) where.push(`d.plan_id = ${param(filter.planId)}`);
  const item = (field: string) => `json_extract_string(p.content, '$.items[' || d.item || '].${field}')`;
  const reader = await connection.runAndReadAll(
    `WITH done AS (
       SELECT plan_id, item, arg_min(resource_id, seq) AS resource_id, arg_min(action, seq) AS action,
         arg_min(detail, seq) AS detail, min(logged_at) AS finished_at
       FROM journal
       WHERE step = $1 AND status = 'done' AND action NOT IN ('mark', 'unmark', 'tag')
       GROUP BY plan_id, item
     ),
     actions AS (
       SELECT d.plan_id, d.item, d.resource_id, d.action, d.detail, d.finished_at,
         CAST(d.finished_at AS DATE) AS action_day,
         ${item("resourceType")} AS resource_type, ${item("rule")} AS rule, ${item("team")} AS team,
         ${item("account")} AS account, ${item("region")} AS region,
         TRY_CAST(${item("estimatedMonthlySavings")} AS DECIMAL(38,12)) AS savings
       FROM done d LEFT JOIN plans p ON p.plan_id = d.plan_id
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ),
     -- The columns ARN_OF reads, with the attributes the inventory last saw the resource with.
     r AS (
       SELECT a.plan_id, a.item, a.resource_id, a.resource_type, a.region, a.account,
         (SELECT arg_max(i.attributes, i.collected_at) FROM inventory i
          WHERE i.account = a.account AND i.resource_id = a.resource_id) AS attributes
       FROM actions a
     ),
     names AS (
       SELECT plan_id, item, resource_id AS name FROM r
       UNION
       SELECT plan_id, item, ${ARN_OF} AS name FROM r WHERE ${ARN_OF} IS NOT NULL
     ),
     -- Only the days around the actions are read: a day a little past the last window is enough to
     -- tell that the window's days are no longer the bill's latest.
     span AS (
       SELECT CAST(min(action_day) - ${WINDOW_DAYS} AS TIMESTAMP) AS first,
         CAST(max(action_day) + ${WINDOW_DAYS + 2} AS TIMESTAMP) AS stop
       FROM actions
     ),
     account_days AS (
       SELECT DISTINCT coalesce(SubAccountId, BillingAccountId) AS account, CAST(ChargePeriodStart AS DATE) AS day
       FROM billing_costs, span
       WHERE coalesce(SubAccountId, BillingAccountId) IN (SELECT account FROM actions)
         AND ChargePeriodStart >= span.first AND ChargePeriodStart < span.stop
     ),
     last_day AS (SELECT account, max(day) AS last FROM account_days GROUP BY account),
     windows AS (
       SELECT a.plan_id, a.item, d.day, d.day < a.action_day AS before
       FROM actions a
       JOIN account_days d ON d.account = a.account
       JOIN last_day l ON l.account = a.account
       WHERE (d.day >= a.action_day - ${WINDOW_DAYS} AND d.day < a.action_day)
          OR (d.day > a.action_day AND d.day <= a.action_day + ${WINDOW_DAYS} AND d.day < l.last)
     ),
     resource_days AS (
       SELECT n.plan_id, n.item, CAST(b.ChargePeriodStart AS DATE) AS day, sum(b.EffectiveCost) AS cost
       FROM names n
       JOIN actions a ON a.plan_id = n.plan_id AND a.item = n.item
       JOIN billing_costs b ON b.ResourceId = n.name
         AND b.ChargePeriodStart >= CAST(a.action_day - ${WINDOW_DAYS} AS TIMESTAMP)
         AND b.ChargePeriodStart < CAST(a.action_day + ${WINDOW_DAYS + 1} AS TIMESTAMP)
       GROUP BY ALL
     ),
     measured AS (
       SELECT w.plan_id, w.item,
         count(*) FILTER (WHERE w.before) AS days_before,
         count(*) FILTER (WHERE NOT w.before) AS days_after,
         count(rd.cost) FILTER (WHERE w.before) AS named_days_before,
         CAST(coalesce(sum(rd.cost) FILTER (WHERE w.before), 0) AS DECIMAL(38,12)) AS cost_before,
         CAST(coalesce(sum(rd.cost) FILTER (WHERE NOT w.before), 0) AS DECIMAL(38,12)) AS cost_after
       FROM windows w
       LEFT JOIN resource_days rd ON rd.plan_id = w.plan_id AND rd.item = w.item AND rd.day = w.day
       GROUP BY w.plan_id, w.item
     )
     SELECT a.plan_id, a.item, a.resource_id, a.action, a.detail, a.resource_type, a.rule, a.team, a.account,
       strftime(a.finished_at, '%Y-%m-%dT%H:%M:%SZ') AS finished_at, a.savings,
       coalesce(m.days_before, 0) AS days_before, coalesce(m.days_after, 0) AS days_after,
       coalesce(m.named_days_before, 0) AS named_days_before, m.cost_before, m.cost_after
     FROM actions a LEFT JOIN measured m ON m.plan_id = a.plan_id AND m.item = a.item
     ORDER BY a.savings DESC NULLS LAST, a.finished_at, a.resource_id`,
    params,
  );
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return reader.getRowObjectsJson().map((row) => {
    const daysBefore = Number(row.days_before);
    const daysAfter = Number(row.days_after);
    const before = daysBefore ? mulDiv(new Decimal(String(row.cost_before)), 1, daysBefore) : null;
    const after = daysAfter ? mulDiv(new Decimal(String(row.cost_after)), 1, daysAfter) : null;
    const status: RealisedStatus =
      Number(row.named_days_before) === 0 ? "unmatched" : daysAfter < MIN_DAYS_AFTER ? "pending" : "measured";
    // From the sums, not the rounded means: one rounding, at the 12th decimal.
    const realised =
      status === "measured"
        ? subtract(
            mulDiv(new Decimal(String(row.cost_before)), DAYS_PER_MONTH, daysBefore),
            mulDiv(new Decimal(String(row.cost_after)), DAYS_PER_MONTH, daysAfter),
          )
        : null;
    return {
      planId: String(row.plan_id),
      item: Number(row.item),
      resourceId: String(row.resource_id),
      resourceType: text(row.resource_type),
      action: String(row.action),
      rule: text(row.rule),
      team: text(row.team),
      account: text(row.account),
      finishedAt: String(row.finished_at),
      detail: text(row.detail),
      estimatedMonthlySavings: row.savings === null ? null : new Decimal(String(row.savings)),
      realisedMonthlySavings: realised,
      realisedStatus: status,
      billedDaysBefore: daysBefore,
      billedDaysAfter: daysAfter,
      dailyCostBefore: status === "unmatched" ? null : before,
      dailyCostAfter: status === "measured" ? after : null,
    };
  });
}

/** "measured", "pending: billing has 1 of the 3 full days after the action needed", ... for people. */
export function realisedStatusText(s: Pick<RealisedSaving, "realisedStatus" | "billedDaysAfter">): string {
  if (s.realisedStatus === "pending") {
    return `pending: billing has ${s.billedDaysAfter} of the ${MIN_DAYS_AFTER} full days after the action needed`;
  }
  if (s.realisedStatus === "unmatched") return "not measurable: no billing row names it before the action";
  return "measured";
}
