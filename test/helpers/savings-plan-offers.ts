import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A billing row for the commitment tests, in FOCUS columns; absent fields are empty (NULL). */
export interface BillRow {
  start: string;
  /** Hours the charge covers: 1 for an hourly export, 24 for a daily one. */
  hours: number;
  service: string;
  usageType?: string;
  sku?: string;
  region?: string;
  category?: string;
  chargeClass?: string;
  pricingCategory?: string;
  quantity?: number;
  unitPrice?: string;
  list: string;
  billed?: string;
  effective?: string;
  commitmentId?: string;
  commitmentType?: string;
  commitmentStatus?: string;
  currency?: string;
}

const COLUMNS = [
  "BilledCost",
  "EffectiveCost",
  "ListCost",
  "ListUnitPrice",
  "PricingQuantity",
  "PricingCategory",
  "ChargeCategory",
  "ChargeClass",
  "ChargePeriodStart",
  "ChargePeriodEnd",
  "BillingPeriodStart",
  "BillingPeriodEnd",
  "BillingAccountId",
  "BillingCurrency",
  "ProviderName",
  "ServiceName",
  "SubAccountId",
  "RegionId",
  "SkuId",
  "SkuMeter",
  "CommitmentDiscountId",
  "CommitmentDiscountType",
  "CommitmentDiscountStatus",
];

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** Writes the rows as a FOCUS CSV for `finops ingest`. */
export function writeBill(path: string, rows: BillRow[]): void {
  const lines = rows.map((r) => {
    const start = Date.parse(`${r.start.replace(" ", "T")}Z`);
    const month = `${r.start.slice(0, 7)}-01 00:00:00`;
    const nextMonth = new Date(Date.parse(`${r.start.slice(0, 7)}-01T00:00:00Z`));
    nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1);
    const values = [
      r.billed ?? r.list,
      r.effective ?? r.billed ?? r.list,
      r.list,
      r.unitPrice ?? "",
      r.quantity ?? "",
      r.pricingCategory ?? "",
      r.category ?? "Usage",
      r.chargeClass ?? "",
      stamp(start),
      stamp(start + r.hours * 3_600_000),
      month,
      stamp(nextMonth.getTime()),
      "999999999999",
      r.currency ?? "USD",
      "AWS",
      r.service,
      "111111111111",
      r.region ?? "",
      r.sku ?? "",
      r.usageType ?? "",
      r.commitmentId ?? "",
      r.commitmentType ?? "",
      r.commitmentStatus ?? "",
    ];
    return values.join(",");
  });
  writeFileSync(path, `${COLUMNS.join(",")}\n${lines.join("\n")}\n`);
}

/** One rate of a stand-in offer file. */
export interface OfferRate {
  sku: string;
  usageType: string;
  operation: string;
  price: string;
}

/** A plan product of a stand-in offer file, with its rates. */
export interface OfferPlan {
  sku: string;
  term: "1yr" | "3yr";
  paymentOption: string;
  rates: OfferRate[];
}

export interface OfferServer {
  indexUrl: string;
  /** The paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

const INDEX_PATH = "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json";
const regionPath = (region: string) =>
  `/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/20240601000000/${region}/index.json`;

/**
 * A loopback stand-in for AWS's public Savings Plan offer files: the region index and one file per region
 * with plans, in the documented shape (products with purchaseOption and purchaseTerm, terms.savingsPlan
 * with leaseContractLength and rates with discountedRate { price, currency }).
 */
export async function startOfferServer(files: Record<string, OfferPlan[]>): Promise<OfferServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? "";
    requests.push(path);
    const send = (body: unknown) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (path === INDEX_PATH) {
      send({
        disclaimer: "test",
        publicationDate: "2024-06-01T00:00:00Z",
        regions: Object.keys(files).map((regionCode) => ({ regionCode, versionUrl: regionPath(regionCode) })),
      });
      return;
    }
    const region = Object.keys(files).find((r) => regionPath(r) === path);
    if (!region) {
      response.writeHead(404);
      response.end("not found");
      return;
    }
    const plans = files[region] ?? [];
    send({
      version: "20240601000000",
      publicationDate: "2024-06-01T00:00:00Z",
      regionCode: region,
      products: plans.map((plan) => ({
        sku: plan.sku,
        productFamily: "ComputeSavingsPlans",
        serviceCode: "ComputeSavingsPlans",
        usageType: `ComputeSP:${plan.term}${plan.paymentOption.replace(" ", "")}`,
        operation: "",
        attributes: {
          purchaseOption: plan.paymentOption,
          granularity: "hourly",
          purchaseTerm: plan.term,
          locationType: "AWS Region",
          location: "Any",
        },
      })),
      terms: {
        savingsPlan: plans.map((plan) => ({
          sku: plan.sku,
          description: `${plan.term} ${plan.paymentOption} Compute Savings Plan`,
          effectiveDate: "2024-06-01T00:00:00Z",
          leaseContractLength: { duration: plan.term === "1yr" ? 1 : 3, unit: "year" },
          rates: plan.rates.map((rate) => ({
            discountedSku: rate.sku,
            discountedUsageType: rate.usageType,
            discountedOperation: rate.operation,
            discountedServiceCode: "AmazonEC2",
            rateCode: `${plan.sku}.${rate.sku}`,
            unit: "Hrs",
            discountedRate: { price: rate.price, currency: "USD" },
          })),
        })),
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    indexUrl: `http://127.0.0.1:${port}${INDEX_PATH}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
