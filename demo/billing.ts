/**
 * Writes the demo estate's daily FOCUS 1.0 billing as gzipped CSV, one file per billing period, streamed
 * chunk by chunk (never one giant string). Money is written as plain decimal text with at most 10
 * decimals, from exact integer units, so the database's DECIMAL sums equal the generator's totals.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { type Charge, type Day, DayBiller, day, plainDecimal, type Subject } from "./billing-rows.js";
import { DAY_MS, type Estate, isoTime } from "./estate.js";
import { REGION_NAMES } from "./prices.js";
import { hash32 } from "./random.js";

/** The columns written, in file order (the reader maps them by name). */
export const FOCUS_COLUMNS = [
  "BillingAccountId",
  "BillingAccountName",
  "BillingCurrency",
  "BillingPeriodStart",
  "BillingPeriodEnd",
  "ChargePeriodStart",
  "ChargePeriodEnd",
  "ProviderName",
  "PublisherName",
  "InvoiceIssuerName",
  "SubAccountId",
  "SubAccountName",
  "RegionId",
  "RegionName",
  "AvailabilityZone",
  "ResourceId",
  "ResourceName",
  "ResourceType",
  "Tags",
  "ServiceName",
  "ServiceCategory",
  "SkuId",
  "SkuPriceId",
  // The metered dimension: the usage type with its region prefix, which the rules that save one part of
  // a resource's bill (a log group's storage, a table's capacity) read their billed part from.
  "SkuMeter",
  "ChargeCategory",
  "ChargeClass",
  "ChargeFrequency",
  "ChargeDescription",
  "PricingCategory",
  "PricingUnit",
  "PricingQuantity",
  "ConsumedUnit",
  "ConsumedQuantity",
  "ListUnitPrice",
  "ListCost",
  "ContractedUnitPrice",
  "ContractedCost",
  "BilledCost",
  "EffectiveCost",
  "CommitmentDiscountCategory",
  "CommitmentDiscountId",
  "CommitmentDiscountName",
  "CommitmentDiscountStatus",
  "CommitmentDiscountType",
  // Split cost allocation data of the EKS pods' rows (billing-split.ts): FOCUS custom columns, as
  // finops names them (store/billing-columns.ts SPLIT_COLUMNS); empty on every other row.
  "x_SplitParentResourceId",
  "x_SplitCost",
  "x_SplitUnusedCost",
  "x_SplitNetCost",
  "x_SplitNetUnusedCost",
  "x_SplitPublicOnDemandCost",
  "x_SplitPublicOnDemandUnusedCost",
  "x_SplitUsage",
  "x_SplitReservedUsage",
  "x_SplitActualUsage",
  "x_SplitUsageRatio",
] as const;

export interface BillingFile {
  path: string;
  billingPeriod: string;
  rows: number;
}

export interface BillingOutput {
  files: BillingFile[];
  rows: number;
  /** Exact sums, in units of 1e-10. */
  billedUnits: bigint;
  effectiveUnits: bigint;
}

/** Writes `focus-YYYY-MM.csv.gz` for each billing period of the estate's window into `folder`. */
export async function writeBilling(estate: Estate, folder: string): Promise<BillingOutput> {
  await mkdir(folder, { recursive: true });
  const months = new Map<string, number[]>();
  for (let index = 0; index < estate.days; index++) {
    const period = isoTime(Date.parse(`${estate.windowStart}T00:00:00Z`) + index * DAY_MS).slice(0, 7);
    months.set(period, [...(months.get(period) ?? []), index]);
  }
  const biller = new DayBiller(estate);
  const output: BillingOutput = { files: [], rows: 0, billedUnits: 0n, effectiveUnits: 0n };
  for (const [period, days] of months) {
    const path = join(folder, `focus-${period}.csv.gz`);
    const totals = { rows: 0, billed: 0n, effective: 0n };
    await pipeline(
      Readable.from(csvChunks(estate, biller, days, totals)),
      createGzip({ level: 6 }),
      createWriteStream(path),
    );
    output.files.push({ path, billingPeriod: period, rows: totals.rows });
    output.rows += totals.rows;
    output.billedUnits += totals.billed;
    output.effectiveUnits += totals.effective;
  }
  return output;
}

const CHUNK = 1 << 18;

function* csvChunks(
  estate: Estate,
  biller: DayBiller,
  days: number[],
  totals: { rows: number; billed: bigint; effective: bigint },
): Generator<string> {
  const subjects = new Map<Subject, string>();
  let chunk = `${FOCUS_COLUMNS.join(",")}\n`;
  for (const index of days) {
    const d = day(estate, index);
    const prefix = dayPrefix(estate, d);
    let billed = 0;
    let effective = 0;
    biller.charges(d, (charge) => {
      let subject = subjects.get(charge.subject);
      if (subject === undefined) {
        subject = subjectFields(charge.subject);
        subjects.set(charge.subject, subject);
      }
      chunk += `${prefix}${subject}${chargeFields(charge)}\n`;
      totals.rows++;
      billed += charge.billed;
      effective += charge.effective;
    });
    totals.billed += BigInt(billed);
    totals.effective += BigInt(effective);
    // A day is about a megabyte of text: it is handed to gzip as soon as the chunk is big enough.
    if (chunk.length > CHUNK) {
      yield chunk;
      chunk = "";
    }
  }
  yield chunk;
}

function dayPrefix(estate: Estate, d: Day): string {
  const start = new Date(d.startMs);
  const periodStart = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1);
  const periodEnd = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
  const org = estate.organization;
  return [
    org.payerAccountId,
    csv(org.name),
    estate.currency,
    isoTime(periodStart),
    isoTime(periodEnd),
    isoTime(d.startMs),
    isoTime(d.startMs + DAY_MS),
    "AWS",
    csv("Amazon Web Services, Inc."),
    csv("Amazon Web Services, Inc."),
    "",
  ].join(",");
}

function subjectFields(s: Subject): string {
  return [
    s.account.id,
    csv(s.account.name),
    s.region ?? "",
    s.region ? csv(REGION_NAMES[s.region] ?? s.region) : "",
    s.availabilityZone ?? "",
    csv(s.resourceId),
    csv(s.resourceName),
    csv(s.resourceType),
    s.tags ? csv(JSON.stringify(s.tags)) : "",
    "",
  ].join(",");
}

function chargeFields(c: Charge): string {
  const sku = c.usageType ? skuId(c.subject.region ?? "global", c.usageType) : "";
  const quantity = c.quantity === null ? "" : plainDecimal(c.quantity, 6);
  const unitPrice = c.listUnitPrice === null ? "" : plainDecimal(c.listUnitPrice, 10);
  const list = money(c.list);
  return [
    csv(c.service.name),
    csv(c.service.category),
    sku,
    sku && c.category === "Usage" ? `${sku}.JRTCKXETXF.6YS6EN2CT7` : "",
    csv(c.usageType),
    c.category,
    "",
    c.frequency,
    csv(c.description),
    c.pricingCategory ?? "",
    c.unit ?? "",
    quantity,
    c.unit ?? "",
    quantity,
    unitPrice,
    list,
    unitPrice,
    list,
    money(c.billed),
    money(c.effective),
    c.commitment?.category ?? "",
    csv(c.commitment?.id ?? null),
    csv(c.commitment?.name ?? null),
    c.commitment?.status ?? "",
    csv(c.commitment?.type ?? null),
    splitFields(c.split),
  ].join(",");
}

const NO_SPLIT = ",".repeat(10);

function splitFields(s: Charge["split"]): string {
  if (!s) return NO_SPLIT;
  return [
    s.parentResourceId,
    money(s.cost),
    money(s.unusedCost),
    money(s.cost),
    money(s.unusedCost),
    money(s.publicOnDemandCost),
    money(s.publicOnDemandUnusedCost),
    plainDecimal(s.usage, 6),
    plainDecimal(s.reservedUsage, 6),
    plainDecimal(s.actualUsage, 6),
    plainDecimal(s.usageRatio, 6),
  ].join(",");
}

/** A CSV field: quoted only when it must be; empty for null (the reader's NULL). */
function csv(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Integer units of 1e-10 as plain decimal text: "12.3456", "-600", "0". */
export function money(units: number): string {
  const negative = units < 0;
  const abs = Math.abs(units);
  const whole = Math.floor(abs / 1e10);
  const fraction = String(abs - whole * 1e10)
    .padStart(10, "0")
    .replace(/0+$/, "");
  return `${negative && abs !== 0 ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

const skus = new Map<string, string>();

/** A stable 16-character SKU id for a region's usage type, in the shape AWS uses. */
function skuId(region: string, usageType: string): string {
  const key = `${region}|${usageType}`;
  let sku = skus.get(key);
  if (!sku) {
    const chars = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let h = hash32(key);
    let g = hash32(`${key}#`);
    sku = "";
    for (let i = 0; i < 16; i++) {
      sku += chars[(i < 8 ? h : g) & 31];
      if (i < 8) h = (h >>> 5) | ((h & 31) << 27);
      else g = (g >>> 5) | ((g & 31) << 27);
    }
    skus.set(key, sku);
  }
  return sku;
}
