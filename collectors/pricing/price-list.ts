import { type Filter, GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import pLimit from "p-limit";
import { type AwsOptions, clientConfig } from "../../aws/clients.js";
import { describeAwsError } from "../../aws/errors.js";
import { descriptorOf } from "../../resources/index.js";
import type { PriceQuery } from "../../resources/types.js";
import { ensureCurrentInventory, withCurrentInventory } from "../../store/current-inventory.js";
import { inTransaction, type Store } from "../../store/database.js";
import { PRICE_KEY_NEEDS_LIST_PRICE } from "../../store/price-basis.js";
import type { CollectorReport } from "../run.js";

export const PRICING_COLLECTOR = "pricing:price-list";
export const PRICING_IAM_ACTIONS = ["pricing:GetProducts"] as const;

/** A price stays good this long: on-demand prices change a few times a year. */
const REFRESH_DAYS = 7;

/** The Price List API answers from us-east-1 (and two other regions) for every region's prices. */
const PRICE_LIST_REGION = "us-east-1";

/**
 * How a price key (see store/price-basis.ts: TYPE|REGION|PARTS...) is asked of the Price List: its
 * type's descriptor's query; null for keys it cannot price.
 */
export function priceQuery(priceKey: string): PriceQuery | null {
  const [type = "", region, ...keyParts] = priceKey.split("|");
  if (!region) return null;
  return descriptorOf(type)?.price?.priceListQuery(region, keyParts) ?? null;
}

export interface ListPrice {
  unit: "hours" | "gb-months";
  usdPerUnit: string;
  sku: string | null;
  description: string | null;
}

/** Price List items are JSON documents, one per product, with its on-demand terms. */
interface PriceListItem {
  product?: { sku?: string; attributes?: Record<string, string> };
  terms?: {
    OnDemand?: Record<
      string,
      {
        priceDimensions?: Record<
          string,
          { unit?: string; description?: string; beginRange?: string; pricePerUnit?: { USD?: string } }
        >;
      }
    >;
  };
}

/** The on-demand first-tier USD price of the first product matching the query, or null. */
export function pickPrice(items: readonly string[], query: PriceQuery): ListPrice | null {
  for (const text of items) {
    const item = JSON.parse(text) as PriceListItem;
    const usageType = item.product?.attributes?.usagetype ?? "";
    if (query.usageTypeSuffix && !usageType.endsWith(query.usageTypeSuffix)) continue;
    for (const term of Object.values(item.terms?.OnDemand ?? {})) {
      for (const dimension of Object.values(term.priceDimensions ?? {})) {
        const usd = dimension.pricePerUnit?.USD;
        if (dimension.unit !== query.unit || usd === undefined || (dimension.beginRange ?? "0") !== "0")
          continue;
        if (!/^\d+(\.\d+)?$/.test(usd) || Number(usd) === 0) continue;
        return {
          unit: query.unit === "Hrs" ? "hours" : "gb-months",
          usdPerUnit: usd,
          sku: item.product?.sku ?? null,
          description: dimension.description ?? null,
        };
      }
    }
  }
  return null;
}

/**
 * Fetches the Price List's on-demand price of every price key that billing cannot price (no billing row
 * names the resource, none bills its kind) and that has no price fetched in the last week. The Price
 * List is the last resort of the money figures: a user's own bill knows their discounts, it does not.
 */
export async function collectPrices(
  store: Store,
  options: { aws: AwsOptions; now: Date; concurrency?: number },
): Promise<CollectorReport> {
  const report: CollectorReport = {
    name: PRICING_COLLECTOR,
    account: null,
    region: PRICE_LIST_REGION,
    status: "ok",
    rows: 0,
    apiCalls: 0,
  };
  const connection = store.connection;
  // Over the materialized inventory, which the collection builds at its end anyway (prices do not change
  // it): the resources_current view is a window over the inventory history, seconds at a million resources.
  await ensureCurrentInventory(connection);
  const wanted = await withCurrentInventory(connection, () =>
    connection.runAndReadAll(
      `WITH ${PRICE_KEY_NEEDS_LIST_PRICE}
       SELECT price_key FROM needs_list_price
       WHERE price_key NOT IN (
         SELECT price_key FROM prices WHERE fetched_at > CAST($1 AS TIMESTAMP) - INTERVAL ${REFRESH_DAYS} DAY
       ) ORDER BY price_key`,
      [options.now.toISOString()],
    ),
  );
  const keys = wanted.getRowObjectsJson().map((row) => String(row.price_key));
  const client = new PricingClient(clientConfig(options.aws, PRICE_LIST_REGION));
  const limit = pLimit(options.concurrency ?? 4);
  const found: { key: string; price: ListPrice }[] = [];
  try {
    await Promise.all(
      keys.map((key) =>
        limit(async () => {
          const query = priceQuery(key);
          if (!query) return;
          const filters: Filter[] = Object.entries(query.filters).map(([Field, Value]) => ({
            Type: "TERM_MATCH",
            Field,
            Value,
          }));
          let token: string | undefined;
          do {
            report.apiCalls++;
            const page = await client.send(
              new GetProductsCommand({
                ServiceCode: query.serviceCode,
                Filters: filters,
                FormatVersion: "aws_v1",
                MaxResults: 100,
                NextToken: token,
              }),
            );
            const price = pickPrice(page.PriceList ?? [], query);
            if (price) {
              found.push({ key, price });
              return;
            }
            token = page.NextToken;
          } while (token);
        }),
      ),
    );
  } catch (error) {
    // Nothing is stored from a failed run: the prices already stored stay as they were.
    return { ...report, status: "failed", error: describePriceListError(error, options.aws.endpointUrl) };
  } finally {
    client.destroy();
  }
  await inTransaction(connection, async () => {
    for (const { key, price } of found) {
      await connection.run(
        `INSERT OR REPLACE INTO prices VALUES ($1, $2, CAST($3 AS DECIMAL(38,12)), $4, $5, CAST($6 AS TIMESTAMP))`,
        [key, price.unit, price.usdPerUnit, price.sku, price.description, options.now.toISOString()],
      );
    }
  });
  return { ...report, rows: found.length };
}

/**
 * A failed Price List call in words. An endpoint that does not serve the Price List (an emulator such as
 * moto, a proxy's error page) answers with something that is not its JSON, and the SDK's own words for
 * that are a parser's ("SyntaxError: Unexpected token '<' ... Deserialization error").
 */
export function describePriceListError(error: unknown, endpointUrl: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  const unparsable =
    (error instanceof Error && error.name === "SyntaxError") || /Deserialization error/i.test(message);
  if (!unparsable) return describeAwsError(error);
  const answered = /Unexpected token '?</.test(message) ? "HTML" : "something that is not JSON";
  const where = endpointUrl ?? `the Price List endpoint of ${PRICE_LIST_REGION}`;
  return (
    `the endpoint ${where} answered ${answered}, not the Price List API: it does not serve pricing ` +
    `(an emulator?); run with --only billing,inventory,utilization, or point --endpoint-url at an endpoint ` +
    `that serves the Price List API (pricing prices only what billing does not)`
  );
}
