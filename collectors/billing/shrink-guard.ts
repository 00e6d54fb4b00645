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
  const same = (column: string) => `old.${column} IS NOT DISTINCT FROM c.${column}`;
  const rows = (
    await connection.runAndReadAll(
      `WITH covered AS (
         SELECT ProviderName, BillingAccountId, BillingPeriodStart, count(*) AS rows,
           sum(abs(EffectiveCost)) AS effective, sum(abs(BilledCost)) AS billed
         FROM billing WHERE x_LoadId = $1 GROUP BY ALL
       )
       SELECT c.ProviderName AS provider, c.BillingAccountId AS account,
         strftime(c.BillingPeriodStart, '%Y-%m') AS period,
         c.rows AS new_rows, c.effective::VARCHAR AS new_effective, c.billed::VARCHAR AS new_billed,
         count(*) AS old_rows, sum(abs(old.EffectiveCost))::VARCHAR AS old_effective,
         sum(abs(old.BilledCost))::VARCHAR AS old_billed
       FROM covered AS c JOIN billing AS old
         ON ${same("ProviderName")} AND ${same("BillingAccountId")} AND ${same("BillingPeriodStart")}
       WHERE old.x_LoadId <> $1 AND old.x_Source <> 'cost-explorer'
       GROUP BY c.ProviderName, c.BillingAccountId, c.BillingPeriodStart, c.rows, c.effective, c.billed
       HAVING c.rows * 2 < count(*) OR c.effective * 2 < sum(abs(old.EffectiveCost))
         OR c.billed * 2 < sum(abs(old.BilledCost))
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
