import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import { savedShareSql } from "../billed-part.js";
import { commitmentCtes, evidenceMoney, isoTimestamp } from "../commitment-usage.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** The whole UTC days before the evaluation's day whose usage is judged. */
  lookbackDays: z.number().int().min(1).max(365).default(30),
  /** A commitment used less than this share of its cost (percent) is flagged. */
  minUtilizationPercent: z.number().gt(0).max(100).default(90),
  /**
   * The fewest of those days it must have been active: a commitment bought last week is judged on its
   * days, but not on its first few, while the usage it was bought for moves onto it.
   */
  minDays: z.number().int().min(1).default(7),
});

export const underusedCommitment: RuleKind<typeof params> = {
  kind: "underused-commitment",
  title: "Underused Savings Plan or reservation",
  description:
    "An active Savings Plan or reservation whose utilization (the used share of its amortized cost, as finops commitments counts it) over the last lookbackDays (30) days is under minUtilizationPercent (90%); one bought within them is judged on its own days, from minDays (7) on.",
  pack: "compute",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings:
    "its unused amortized cost (EffectiveCost of its Unused rows) over the days judged, for a month of 30 days, capped by its own monthly cost (its billed rows over the last 30 days of billing, which are its Unused rows: its fee rows cost 0 amortized); finops only notifies: the commitment is paid whatever happens, the money is what moving usage onto it would recover",
  fix: "move matching usage onto it, or sell a Reserved Instance on the Marketplace: `finops commitments` shows its use",
  params,
  // The figures are the report's (store/commitments.ts, through rules/commitment-usage.ts). A commitment
  // neither billed nor reported by Cost Explorer in the window (no Used or Unused row) is not judged:
  // nothing says what it cost. The threshold is compared in DECIMAL, exactly: 90.0% is not under 90.
  // The money: resource_facts prices a commitment from the billing rows that name it as ResourceId, its
  // Unused rows (Purchase rows are 0 amortized), so over the same 30 days the share is exactly 1.
  sql: (p, ctx) => {
    const today = `CAST(${ctx.now} AS DATE)`;
    const windowStart = `${today} - ${sqlLiteral(p.lookbackDays)}`;
    return `
    WITH ${commitmentCtes(ctx.now, windowStart, today)},
    judged AS (
      SELECT c.*, coalesce(u.used, 0) AS used, coalesce(u.unused, 0) AS unused,
        date_diff('day', greatest(${windowStart}, coalesce(CAST(c.start_at AS DATE), ${windowStart})), ${today}) AS days
      FROM commitments c JOIN commitment_figures u ON u.id = c.resource_id
      WHERE u.used + u.unused > 0
    )
    SELECT j.account, j.resource_id,
      j.type || ' used ' || printf('%.1f', 100 * CAST(j.used AS DOUBLE) / CAST(j.used + j.unused AS DOUBLE))
        || '% of its cost over ' || j.days || ' days: ' || printf('%.2f', CAST(j.unused AS DOUBLE)) || ' of '
        || printf('%.2f', CAST(j.used + j.unused AS DOUBLE)) || ' went unused' AS reason,
      json_object('type', j.type, 'utilization', round(CAST(j.used AS DOUBLE) / CAST(j.used + j.unused AS DOUBLE), 6),
        'usedCost', ${evidenceMoney("j.used")}, 'unusedCost', ${evidenceMoney("j.unused")},
        'commitmentCost', ${evidenceMoney("j.used + j.unused")}, 'windowDays', j.days,
        'start', ${isoTimestamp("j.start_at")}, 'end', ${isoTimestamp("j.end_at")}) AS evidence,
      ${savedShareSql(`CAST(j.unused AS DOUBLE) * 30 / j.days`)} AS savings_ratio
    FROM judged j
    JOIN resource_facts f ON f.account = j.account AND f.resource_id = j.resource_id
    WHERE j.days >= ${sqlLiteral(p.minDays)}
      AND j.used * 100 < ${sqlLiteral(p.minUtilizationPercent)} * (j.used + j.unused)`;
  },
};
