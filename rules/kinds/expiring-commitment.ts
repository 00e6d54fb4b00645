import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import { commitmentCtes, evidenceMoney, isoTimestamp } from "../commitment-usage.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** A commitment ending within this many days after --now is flagged. */
  warningDays: z.number().int().min(1).max(1095).default(45),
});

/** The days before --now whose covered usage is taken as a month, as `finops commitments`' expiring list. */
const MONTH_DAYS = 30;

export const expiringCommitment: RuleKind<typeof params> = {
  kind: "expiring-commitment",
  title: "Expiring Savings Plan or reservation",
  description:
    "An active Savings Plan or reservation that ends within warningDays (45, as commitments.expiryWarningDays for finops commitments) after now: the usage it covers returns to on-demand prices unless it is renewed.",
  pack: "compute",
  defaultSeverity: "high",
  defaultAction: "notify",
  savings:
    "none: renewing is a decision, not a saving; the evidence gives the monthly on-demand cost that returns if it is not renewed (ListCost of the usage it covered in the 30 days before now) and its amortized cost in those days",
  fix: "renew or replace it before it ends: `finops commitments` shows what the usage would buy",
  params,
  // The evidence's figures are the report's expiring list's (store/commitments.ts expiringCommitments),
  // over the same 30 whole days before now's day, taken as the month unscaled so both faces agree. The
  // end is the inventory's (the commitment is an inventory resource); one that ended is not flagged,
  // whether or not the inventory has seen it retire yet.
  sql: (p, ctx) => {
    const today = `CAST(${ctx.now} AS DATE)`;
    return `
    WITH ${commitmentCtes(ctx.now, `${today} - ${MONTH_DAYS}`, today)},
    expiring AS (
      SELECT c.*, date_diff('day', ${ctx.now}, c.end_at) AS days_left,
        coalesce(u.on_demand, 0) AS on_demand, coalesce(u.used, 0) + coalesce(u.unused, 0) AS cost
      FROM commitments c LEFT JOIN commitment_figures u ON u.id = c.resource_id
      -- commitments holds only those not ended by now.
      WHERE c.end_at <= ${ctx.now} + to_days(CAST(${sqlLiteral(p.warningDays)} AS INTEGER))
    )
    SELECT account, resource_id,
      type || ' ends ' || strftime(end_at, '%Y-%m-%d') || ' (in ' || days_left || ' days): '
        || printf('%.2f', CAST(on_demand AS DOUBLE)) || ' a month of the usage it covers returns to on-demand prices unless renewed'
        AS reason,
      json_object('type', type, 'end', ${isoTimestamp("end_at")}, 'daysLeft', days_left,
        'monthlyOnDemandCost', ${evidenceMoney("on_demand")}, 'monthlyCommitmentCost', ${evidenceMoney("cost")},
        'monthDays', ${MONTH_DAYS}) AS evidence,
      0 AS savings_ratio
    FROM expiring`;
  },
};
