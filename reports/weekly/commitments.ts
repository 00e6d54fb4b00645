import type { DuckDBConnection } from "@duckdb/node-api";
import type { CommitmentsConfig } from "../../config/commitments.js";
import { isZero, subtract } from "../../core/decimal.js";
import { commitmentReport } from "../../store/commitments.js";
import type { CommitmentsWeekly, CommitmentWeek, Window } from "./model.js";

/**
 * The weekly report's commitments: `finops commitments`' own figures (store/commitments.ts) over the
 * report week and the week before, never re-derived here, so the report reconciles with
 * `finops commitments --from --to` for the same windows. Only the week-over-week changes are computed.
 */
export async function commitmentsOfWeeks(
  connection: DuckDBConnection,
  config: CommitmentsConfig,
  weeks: { current: Window & { week: string }; previous: Window & { week: string }; now: Date },
): Promise<CommitmentsWeekly> {
  // One query at a time, as the rest of the report: a DuckDB connection runs one statement at once.
  const current = await commitmentReport(connection, config, {
    ...window(weeks.current),
    now: weeks.now,
    by: "commitment",
  });
  const previous = await commitmentReport(connection, config, {
    ...window(weeks.previous),
    now: weeks.now,
    by: "commitment",
  });
  const thisWeek: CommitmentWeek = { week: weeks.current.week, ...window(weeks.current), ...current.summary };
  const weekBefore: CommitmentWeek = {
    week: weeks.previous.week,
    ...window(weeks.previous),
    ...previous.summary,
  };
  return {
    asOf: weeks.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    expiryWarningDays: config.expiryWarningDays,
    any:
      current.commitments.length > 0 ||
      previous.commitments.length > 0 ||
      !isZero(current.summary.eligibleOnDemandCost) ||
      !isZero(previous.summary.eligibleOnDemandCost) ||
      current.expiring.length > 0,
    current: thisWeek,
    previousWeek: weekBefore,
    change: {
      utilization: difference(thisWeek.utilization, weekBefore.utilization),
      coverage: difference(thisWeek.coverage, weekBefore.coverage),
      effectiveSavingsRate: difference(thisWeek.effectiveSavingsRate, weekBefore.effectiveSavingsRate),
      unusedCost: subtract(thisWeek.unusedCost, weekBefore.unusedCost),
    },
    commitments: current.commitments,
    expiring: current.expiring,
  };
}

const window = (w: Window): Window => ({ from: w.from, to: w.to });

/** A rate's change; null where either week has no rate (nothing to compare with). */
function difference(current: number | null, previous: number | null): number | null {
  return current === null || previous === null ? null : current - previous;
}
