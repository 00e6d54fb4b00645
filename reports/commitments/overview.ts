import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../../config/schema.js";
import { formatMoney } from "../../core/money.js";
import {
  type SavingsPlanPurchase,
  type SavingsPlanRates,
  savingsPlanRecommendation,
} from "../../store/commitment-purchase.js";
import {
  type CommitmentQuery,
  commitmentReport,
  type CommitmentReport as Figures,
} from "../../store/commitments.js";

/** A purchase finops suggests (or why it suggests none), with the one line that says it. */
export type CommitmentRecommendation =
  | (SavingsPlanPurchase & { summary: string })
  | { kind: "none"; reason: string; summary: string };

export interface CommitmentReport extends Figures {
  recommendations: CommitmentRecommendation[];
}

/**
 * What `finops commitments` and the demo show: the figures of the window and what to buy. `rates` reads
 * the Price List's Savings Plan rates (the CLI passes collectors/pricing's reader; this stage cannot
 * import collectors); without it an account that has no Savings Plan of its own gets no recommendation,
 * and the reason says so.
 */
export async function commitmentsOverview(
  connection: DuckDBConnection,
  config: Config,
  query: CommitmentQuery,
  rates?: SavingsPlanRates,
): Promise<CommitmentReport> {
  const figures = await commitmentReport(connection, config.commitments, query);
  const recommendation = await savingsPlanRecommendation(connection, config, {
    now: query.now,
    ...(rates === undefined ? {} : { rates }),
  });
  return {
    ...figures,
    recommendations: [{ ...recommendation, summary: recommendationLine(recommendation) }],
  };
}

/** One sentence a finance lead can act on: what to buy, what it saves, when it pays off. */
export function recommendationLine(
  recommendation: SavingsPlanPurchase | { kind: "none"; reason: string },
): string {
  if (recommendation.kind === "none") return `No Savings Plan recommended: ${recommendation.reason}.`;
  const r = recommendation;
  const money = (value: SavingsPlanPurchase["monthlyCommitmentCost"]) => formatMoney(value, r.currency);
  // The hourly commitment is bought in $0.001 steps: shown exactly, not rounded to the cent.
  return (
    `Buy a ${r.term} ${r.paymentOption} Compute Savings Plan of ${r.currency} ${r.hourlyCommitment.text} an hour ` +
    `(${money(r.monthlyCommitmentCost)} a month): over ${r.from.slice(0, 10)} to ${r.to.slice(0, 10)} it would have saved ` +
    `${money(r.expectedMonthlySavings)} a month at ${(r.expectedUtilization * 100).toFixed(1)}% utilization; ` +
    `it pays off above ${(r.breakEvenUtilization * 100).toFixed(1)}% utilization (a ${(r.discountRate * 100).toFixed(1)}% discount, from ${r.discountSource === "account" ? "the account's own Savings Plans" : "the Price List"}).`
  );
}
