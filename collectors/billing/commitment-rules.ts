import { ident, type RowRule, type SourceColumns } from "./format.js";

/**
 * The rules every commitment row keeps, in FOCUS terms, whatever the format. Both are checked on the
 * loaded billing rows with the same conditions for every format: one load can hold files of several
 * formats, and a file's check runs over the whole load's rows so far, which must all pass it.
 *
 * A commitment row without its id cannot be attributed to a commitment: its money would count in the
 * totals and in no commitment's utilization. A Used row without ListCost has no on-demand equivalent,
 * so savings and coverage would be understated without a word.
 */
export const COMMITMENT_WITHOUT_ID = `NULLIF("CommitmentDiscountId", '') IS NULL
  AND (NULLIF("CommitmentDiscountStatus", '') IS NOT NULL OR NULLIF("CommitmentDiscountType", '') IS NOT NULL)`;

export const USED_WITHOUT_LIST_COST = `"CommitmentDiscountStatus" = 'Used' AND "ListCost" IS NULL`;

/** Text with '' as no value; an absent column reads as NULL. */
export function sourceText(columns: SourceColumns, name: string): string {
  return columns.has(name) ? `NULLIF(CAST(${ident(name)} AS VARCHAR), '')` : "NULL";
}

/** The rules for a FOCUS file: its columns have the billing table's names. */
export function focusRowRules(columns: SourceColumns): RowRule[] {
  const text = (name: string) => sourceText(columns, name);
  return [
    {
      billing: COMMITMENT_WITHOUT_ID,
      source: `${text("CommitmentDiscountId")} IS NULL
        AND (${text("CommitmentDiscountStatus")} IS NOT NULL OR ${text("CommitmentDiscountType")} IS NOT NULL)`,
      column: "CommitmentDiscountId",
      problem: "a commitment row (CommitmentDiscountStatus or CommitmentDiscountType set) without its id",
    },
    {
      billing: USED_WITHOUT_LIST_COST,
      source: `${text("CommitmentDiscountStatus")} = 'Used' AND ${text("ListCost")} IS NULL`,
      column: "ListCost",
      problem: `a Used commitment row without ListCost: its on-demand equivalent would be unknown${columns.has("ListCost") ? "" : " (the file has no ListCost column)"}`,
    },
  ];
}
