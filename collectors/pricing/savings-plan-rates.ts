import type {
  RegionSavingsPlanRates,
  SavingsPlanRate,
  SavingsPlanRates,
} from "../../store/commitment-discount.js";

/**
 * The Price List's Savings Plan rates from AWS's public bulk offer files (no credentials needed):
 * - the offer index (rules.yaml commitments.purchase.offerIndexUrl, AWSComputeSavingsPlan's
 *   region_index.json) lists one file per region: `regions[] { regionCode, versionUrl }`, versionUrl
 *   relative to the pricing host;
 * - a region file has `products[] { sku, attributes { purchaseOption, purchaseTerm } }` (one product per
 *   plan kind: term × payment option) and `terms.savingsPlan[] { sku, leaseContractLength { duration,
 *   unit }, rates[] { discountedSku, discountedUsageType, discountedOperation, discountedRate { price,
 *   currency } } }`: the plan's price of each on-demand product it covers.
 * Files are read once a process: a region file is tens of megabytes, and `finops commitments` asks for it
 * once per region. A failed read is not kept, so the next run tries again.
 */

/** A region file can take a while: it is large, and the pricing host is not always quick. */
const FETCH_TIMEOUT_MS = 120_000;

interface OfferIndex {
  regions?: { regionCode?: string; versionUrl?: string }[];
}

interface OfferFile {
  products?: { sku?: string; attributes?: Record<string, string | undefined> }[];
  terms?: {
    savingsPlan?: {
      sku?: string;
      leaseContractLength?: { duration?: number | string; unit?: string };
      rates?: {
        discountedSku?: string;
        discountedUsageType?: string;
        discountedOperation?: string;
        discountedRate?: { price?: string; currency?: string };
      }[];
    }[];
  };
}

const indexes = new Map<string, Promise<Map<string, string>>>();
const regionFiles = new Map<string, Promise<RegionSavingsPlanRates>>();

/** Reads the Price List's Savings Plan offer files under `offerIndexUrl`, caching them for the process. */
export function savingsPlanOfferRates(offerIndexUrl: string): SavingsPlanRates {
  return {
    source: offerIndexUrl,
    async regionRates(regionCode, purchase) {
      const files = await cached(indexes, offerIndexUrl, () => readIndex(offerIndexUrl));
      const url = files.get(regionCode);
      if (!url) return null;
      const key = `${url}|${purchase.term}|${purchase.paymentOption}`;
      return cached(regionFiles, key, async () => parseRegionFile(url, await getJson(url), purchase));
    },
  };
}

/** A promise shared by every caller of the same key; dropped when it fails, so a later call retries. */
function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let promise = cache.get(key);
  if (!promise) {
    promise = load();
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}

async function getJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new Error(`${url}: ${error instanceof Error ? error.message : String(error)}${cause}`);
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  try {
    return await response.json();
  } catch (error) {
    throw new Error(`${url}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function readIndex(indexUrl: string): Promise<Map<string, string>> {
  const index = (await getJson(indexUrl)) as OfferIndex;
  if (!Array.isArray(index?.regions)) {
    throw new Error(`${indexUrl}: not a Savings Plan region index (no regions[])`);
  }
  const files = new Map<string, string>();
  for (const region of index.regions) {
    if (!region.regionCode || !region.versionUrl) continue;
    // versionUrl is a path on the pricing host ("/savingsPlan/v1.0/aws/..."): resolved against the index.
    files.set(region.regionCode, new URL(region.versionUrl, indexUrl).toString());
  }
  return files;
}

/** The term a plan product is sold for, from its attributes, else from its term's contract length. */
function termOf(
  attributes: Record<string, string | undefined>,
  lease: { duration?: number | string; unit?: string } | undefined,
) {
  if (attributes.purchaseTerm) return attributes.purchaseTerm;
  if (lease && /^years?$/i.test(lease.unit ?? "")) return `${lease.duration}yr`;
  return undefined;
}

/** The rates of the plans sold for `purchase`'s term and payment option, in USD. */
export function parseRegionFile(
  url: string,
  body: unknown,
  purchase: { term: string; paymentOption: string },
): RegionSavingsPlanRates {
  const file = body as OfferFile;
  if (!Array.isArray(file?.products) || !Array.isArray(file?.terms?.savingsPlan)) {
    throw new Error(`${url}: not a Savings Plan offer file (no products[] or terms.savingsPlan[])`);
  }
  const attributesBySku = new Map(file.products.map((p) => [p.sku ?? "", p.attributes ?? {}]));
  const bySku = new Map<string, SavingsPlanRate>();
  const byUsageType = new Map<string, SavingsPlanRate[]>();
  for (const term of file.terms.savingsPlan) {
    const attributes = attributesBySku.get(term.sku ?? "");
    if (!attributes || attributes.purchaseOption !== purchase.paymentOption) continue;
    if (termOf(attributes, term.leaseContractLength) !== purchase.term) continue;
    for (const rate of term.rates ?? []) {
      const price = Number(rate.discountedRate?.price);
      // The rates are in USD (the Price List's currency); a number that is not a price is not a rate.
      if (rate.discountedRate?.currency !== "USD" || !Number.isFinite(price) || price <= 0) continue;
      const entry: SavingsPlanRate = {
        sku: rate.discountedSku ?? "",
        usageType: rate.discountedUsageType ?? "",
        operation: rate.discountedOperation ?? "",
        price,
      };
      if (entry.sku) bySku.set(entry.sku, entry);
      if (!entry.usageType) continue;
      const operations = byUsageType.get(entry.usageType);
      if (operations) operations.push(entry);
      else byUsageType.set(entry.usageType, [entry]);
    }
  }
  return { url, bySku, byUsageType };
}
