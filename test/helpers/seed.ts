import { writeFileSync } from "node:fs";
import type { ResourceRecord } from "../../collectors/inventory/resource.js";
import { recordCollectorRun } from "../../collectors/run.js";
import { openStore } from "../../store/database.js";
import { type MetricDay, saveInventory, saveMetrics } from "../../store/inventory.js";

/** Stores records as one successful inventory run per resource type, account and region, as collect would. */
export async function seedInventory(
  db: string,
  runId: string,
  records: ResourceRecord[],
  at: Date,
  metrics: MetricDay[] = [],
): Promise<void> {
  const store = await openStore(db);
  try {
    const groups = new Map<string, ResourceRecord[]>();
    for (const r of records) {
      const key = `${r.resourceType}|${r.account}|${r.region}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const list of groups.values()) {
      const { resourceType, account, region } = list[0] as ResourceRecord;
      const name = `inventory:${resourceType}`;
      await saveInventory(store.connection, runId, name, region, at, list);
      await recordCollectorRun(
        store.connection,
        runId,
        { name, account, region, status: "ok", rows: list.length, apiCalls: 0 },
        at,
      );
    }
    if (metrics.length) await saveMetrics(store.connection, runId, metrics);
  } finally {
    store.close();
  }
}

/** One day's charge of a resource, as a FOCUS row. */
export interface SeedCharge {
  account: string;
  resourceId: string;
  /** The charge's UTC day, YYYY-MM-DD. */
  day: string;
  cost: string;
  sku?: string;
  unit?: string;
  quantity?: number;
  /** The account's name (FOCUS SubAccountName); the column is written only when some charge has one. */
  accountName?: string;
}

/** Writes a minimal FOCUS CSV holding the charges, for `finops ingest`. */
export function writeFocusCsv(path: string, charges: SeedCharge[]): void {
  const header =
    "BilledCost,EffectiveCost,ListCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingPeriodEnd," +
    "BillingAccountId,BillingCurrency,ProviderName,ServiceName,SubAccountId,ResourceId,SkuId,PricingUnit,PricingQuantity" +
    (charges.some((c) => c.accountName) ? ",SubAccountName" : "");
  const named = charges.some((c) => c.accountName);
  const rows = charges.map((c) => {
    const start = `${c.day} 00:00:00`;
    const end = new Date(Date.parse(`${c.day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const period = `${c.day.slice(0, 7)}-01 00:00:00`;
    return [
      c.cost,
      c.cost,
      c.cost,
      "Usage",
      start,
      `${end} 00:00:00`,
      period,
      period,
      "999999999999",
      "USD",
      "AWS",
      "Amazon EC2",
      c.account,
      c.resourceId,
      c.sku ?? "",
      c.unit ?? "",
      c.quantity ?? "",
      ...(named ? [c.accountName ?? ""] : []),
    ].join(",");
  });
  writeFileSync(path, `${header}\n${rows.join("\n")}\n`);
}
