import { UsageError } from "../../core/errors.js";
import { cur2Format } from "./cur2.js";
import { focusFormat } from "./focus.js";
import type { BillingFormat, SourceColumns } from "./format.js";

/** Every billing file format the ingester reads; detection tries them in this order. */
export const BILLING_FORMATS: readonly BillingFormat[] = [focusFormat, cur2Format];

export type FormatChoice = "auto" | BillingFormat["name"];

export function chooseFormat(columns: SourceColumns, choice: FormatChoice, label: string): BillingFormat {
  const candidates = choice === "auto" ? BILLING_FORMATS : BILLING_FORMATS.filter((f) => f.name === choice);
  const format =
    candidates.find((f) => f.matches(columns)) ?? (choice === "auto" ? undefined : candidates[0]);
  if (!format) {
    const seen = [...columns.keys()].slice(0, 8).join(", ");
    throw new UsageError(
      `${label}: not a FOCUS or CUR 2.0 export: its header has neither the FOCUS columns (BilledCost, ChargePeriodStart, ...) nor the CUR 2.0 ones (line_item_unblended_cost, line_item_usage_start_date, ...); it starts with: ${seen}`,
    );
  }
  const missing = format.requiredColumns.filter((name) => !columns.has(name));
  if (missing.length) {
    throw new UsageError(
      `${label}: ${format.name === "focus" ? "FOCUS" : "CUR 2.0"} column${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}`,
    );
  }
  return format;
}
