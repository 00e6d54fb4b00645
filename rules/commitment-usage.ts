import { sqlLiteral } from "../core/sql.js";
import { MONEY } from "../store/billing-columns.js";
import { commitmentRowsSql, FILE_MONTHS } from "../store/commitments.js";

/**
 * What the commitment kinds (underused-commitment, expiring-commitment) read: the inventory's Savings
 * Plans and reservations, and their figures over a window of days as `finops commitments` sums them
 * (store/commitments.ts: the billing rows in FOCUS terms, Cost Explorer's commitment_usage where no
 * billing file covers the account's month), so a finding and the report say the same numbers.
 */

/** The inventory's commitment types, and the FOCUS CommitmentDiscountType each is billed as. */
export const COMMITMENT_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  "ec2:reserved-instances": "Reserved Instance",
  "savingsplans:savings-plan": "Savings Plan",
};

/**
 * A timestamp attribute of the row aliased `r`, read from the collected JSON rather than the attrs
 * struct: the commitment types' descriptors come with their collectors, and the JSON reads the same
 * whichever DuckDB type a descriptor gives the field. Only commitments are read, a handful of rows.
 * The collector writes ISO 8601 with an offset; the session zone is UTC.
 */
function timestampAttribute(field: string): string {
  return `CAST(TRY_CAST(json_extract_string(r.attributes, ${sqlLiteral(`$.${field}`)}) AS TIMESTAMPTZ) AS TIMESTAMP)`;
}

/**
 * CTEs for a rule's WITH at `now` (a TIMESTAMP) over the days [from, to) (SQL expressions of DATEs):
 * - `commitments(account, resource_id, resource_type, type, start_at, end_at)`: the active commitments
 *   of the current inventory that have not ended by `now` (a retired, queued or payment-pending one is
 *   not judged, nor one whose end has passed before the inventory saw it retire);
 * - `commitment_figures(id, used, unused, on_demand)`: each one's Σ used (EffectiveCost of the usage it
 *   covered), unused (EffectiveCost of its unused part) and on-demand equivalent (ListCost of the
 *   covered usage) over the days, exact (DECIMAL); a commitment with no row there has none.
 */
export function commitmentCtes(now: string, from: string, to: string): string {
  const types = Object.entries(COMMITMENT_RESOURCE_TYPES);
  return `${FILE_MONTHS},
    commitments AS (
      SELECT r.account, r.resource_id, r.resource_type,
        CASE r.resource_type ${types.map(([t, focus]) => `WHEN ${sqlLiteral(t)} THEN ${sqlLiteral(focus)}`).join(" ")} END AS type,
        ${timestampAttribute("start")} AS start_at, ${timestampAttribute("end")} AS end_at
      FROM resources_current r
      WHERE r.resource_type IN (${types.map(([t]) => sqlLiteral(t)).join(", ")}) AND r.state = 'active'
        AND (${timestampAttribute("end")} IS NULL OR ${timestampAttribute("end")} > ${now})
    ),
    commitment_rows AS (${commitmentRowsSql(from, to)}),
    commitment_figures AS (
      SELECT id, CAST(sum(used) AS ${MONEY}) AS used, CAST(sum(unused) AS ${MONEY}) AS unused,
        CAST(sum(on_demand) AS ${MONEY}) AS on_demand
      FROM commitment_rows WHERE id IN (SELECT resource_id FROM commitments)
      GROUP BY id
    )`;
}

/** SQL: a money expression as a JSON number rounded to micro-dollars (the evidence's figures). */
export function evidenceMoney(expression: string): string {
  return `CAST(round(${expression}, 6) AS DOUBLE)`;
}

/** SQL: a TIMESTAMP as ISO 8601 UTC text. */
export function isoTimestamp(expression: string): string {
  return `strftime(${expression}, '%Y-%m-%dT%H:%M:%SZ')`;
}
