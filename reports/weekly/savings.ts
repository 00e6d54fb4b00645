import type { DuckDBConnection } from "@duckdb/node-api";
import { add } from "../../core/decimal.js";
import type { Decimal } from "../../core/money.js";
import { realisedSavings } from "../../remediation/realised.js";
import type { RealisedItem, SavingsRealised, Window } from "./model.js";

const sum = (values: (Decimal | null)[]) => add(...values.filter((v): v is Decimal => v !== null));

/**
 * Savings realised: the remediation actions the journal records as done from `from` to `to` (the report
 * week and the three before it, so that an action has had the days after it billed), each with what its
 * plan estimated and what the bill shows (remediation/realised.ts). The measured total sums only what
 * the bill has measured, beside those items' own estimates: like with like.
 */
export async function savingsRealised(
  connection: DuckDBConnection,
  window: Window & { weekFrom: string },
): Promise<SavingsRealised> {
  const actions = await realisedSavings(connection, { from: window.from, to: window.to });
  const items: RealisedItem[] = actions.map(({ item: _item, ...action }) => ({
    ...action,
    inWeek: action.finishedAt.slice(0, 10) >= window.weekFrom,
  }));
  const measured = items.filter((i) => i.realisedStatus === "measured");
  return {
    from: window.from,
    to: window.to,
    items,
    estimatedMonthlySavings: sum(items.map((i) => i.estimatedMonthlySavings)),
    measured: {
      items: measured.length,
      estimatedMonthlySavings: sum(measured.map((i) => i.estimatedMonthlySavings)),
      realisedMonthlySavings: sum(measured.map((i) => i.realisedMonthlySavings)),
    },
    pending: items.filter((i) => i.realisedStatus === "pending").length,
    unmatched: items.filter((i) => i.realisedStatus === "unmatched").length,
  };
}
