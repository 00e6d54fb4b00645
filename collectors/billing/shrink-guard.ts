import type { DuckDBConnection } from "@duckdb/node-api";
import { UsageError } from "../../core/errors.js";
import { formatMoney } from "../../core/money.js";

/**
 * Refuses a load that would replace a billing period with less than half of what is stored for it,
 * by rows or by cost (the absolute sums of EffectiveCost and of BilledCost, so credits do not hide a
 * loss). Keys are those the replacement uses (provider, billing account, billing period). A file cut
 * short at a row boundary, or one part of a split export given alone, looks like this; a real
 * re-issued export that shrinks that much is rare and goes through with `--allow-shrink`.
 * Runs inside the load's transaction, after its rows are inserted and before the old ones are deleted.
 */
export async function refuseShrinkingPeriods(
  connection: DuckDBConnection,
  loadId: string,
  labels: readonly string[],
): Promise<void> {
  // One pass with one small group per key, no join: joined row by row, DuckDB built its hash table of a
  // whole period's stored rows (at 100M rows, 33M of them: one 512 MiB block, beyond a load's memory limit).
  const rows = (
    await connection.runAndReadAll(
      `SELECT ProviderName AS provider, BillingAccountId AS account, strftime(BillingPeriodStart, '%Y-%m') AS period,
         count(*) FILTER (WHERE x_LoadId = $1) AS new_rows,
         coalesce(sum(abs(EffectiveCost)) FILTER (WHERE x_LoadId = $1), 0) AS new_effective,
         coalesce(sum(abs(BilledCost)) FILTER (WHERE x_LoadId = $1), 0) AS new_billed,
         count(*) FILTER (WHERE x_LoadId <> $1 AND x_Source <> 'cost-explorer') AS old_rows,
         coalesce(sum(abs(EffectiveCost)) FILTER (WHERE x_LoadId <> $1 AND x_Source <> 'cost-explorer'), 0) AS old_effective,
         coalesce(sum(abs(BilledCost)) FILTER (WHERE x_LoadId <> $1 AND x_Source <> 'cost-explorer'), 0) AS old_billed
       FROM billing
       GROUP BY ProviderName, BillingAccountId, BillingPeriodStart
       HAVING new_rows > 0 AND old_rows > 0
         AND (new_rows * 2 < old_rows OR new_effective * 2 < old_effective OR new_billed * 2 < old_billed)
       ORDER BY period, provider, account`,
      [loadId],
    )
  ).getRowObjectsJson();
  if (rows.length === 0) return;
  const periods = rows.map(
    (r) =>
      `${r.period} (${r.provider ?? "no provider"}, billing account ${r.account ?? "none"}): ` +
      `${Number(r.old_rows).toLocaleString("en-US")} rows, effective cost ${formatMoney(String(r.old_effective))}, billed ${formatMoney(String(r.old_billed))} stored; ` +
      `this load has ${Number(r.new_rows).toLocaleString("en-US")} rows, effective cost ${formatMoney(String(r.new_effective))}, billed ${formatMoney(String(r.new_billed))}`,
  );
  throw new UsageError(
    `${labels.join(", ")}: this load would replace ${rows.length === 1 ? "a billing period" : `${rows.length} billing periods`} with less than half of what is stored (costs as absolute sums): ${periods.join("; ")}. ` +
      "A file cut short or one part of a split export looks like this (give every part in one command); if the new export is right, run again with --allow-shrink. Nothing was loaded.",
  );
}
