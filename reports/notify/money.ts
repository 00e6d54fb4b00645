import type { DuckDBConnection } from "@duckdb/node-api";
import { formatMoney } from "../../core/money.js";

/**
 * Findings carry amounts, not a currency: they are in the billing currency. When the billing holds one
 * currency, messages name it; with none (prices from the AWS Price List, which is in USD) it is USD;
 * with several, amounts are shown bare rather than with a symbol that would be wrong for some.
 */
export async function billingCurrency(connection: DuckDBConnection): Promise<string | null> {
  const reader = await connection.runAndReadAll(
    "SELECT DISTINCT BillingCurrency AS c FROM billing_costs WHERE BillingCurrency IS NOT NULL LIMIT 2",
  );
  const rows = reader.getRowObjectsJson();
  if (rows.length === 0) return "USD";
  return rows.length === 1 ? String(rows[0]?.c) : null;
}

/** "$1,234.56", "1,234.56 EUR", or "1,234.56" when the currency is not one. */
export function money(amount: string, currency: string | null): string {
  const text = formatMoney(amount);
  if (currency === "USD") return text.startsWith("-") ? `-$${text.slice(1)}` : `$${text}`;
  return currency ? `${text} ${currency}` : text;
}
