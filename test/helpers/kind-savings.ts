import { join } from "node:path";
import { configSchema } from "../../rules/config.js";
import { analyze } from "../../rules/evaluate.js";
import { openStore } from "../../store/database.js";
import { tempDir } from "./project.js";
import { ACCOUNT, type Collection, NOW } from "./rule-kind.js";
import { seedInventory } from "./seed.js";

/** One billing row of the 30 days before NOW: a resource's cost on one meter (SkuMeter). */
export interface BilledMeter {
  resourceId: string;
  meter: string;
  cost: number;
  quantity: number;
  unit: string;
  account?: string;
}

export interface PricedFinding {
  resourceId: string;
  evidence: Record<string, unknown>;
  monthlyCost: number | null;
  savings: number | null;
}

/**
 * One rule kind run through the engine (as findingsOfKind) on a store seeded with the collections and
 * these billing rows (one day each, the day before NOW): its open findings with their monthly cost
 * and estimated savings, by resource id.
 */
export async function pricedFindings(
  kind: string,
  collections: Collection[],
  billing: BilledMeter[],
  options: { params?: Record<string, unknown>; now?: Date } = {},
): Promise<PricedFinding[]> {
  const dir = tempDir("finops-kind-");
  try {
    const db = join(dir.path, "finops.duckdb");
    for (const [index, { records, metrics, at }] of collections.entries()) {
      await seedInventory(db, `run-${index + 1}`, records, at, metrics);
    }
    const store = await openStore(db);
    try {
      const day = new Date((options.now ?? NOW).getTime() - 86_400_000).toISOString().slice(0, 10);
      for (const b of billing) {
        await store.connection.run(
          `INSERT INTO billing (BilledCost, EffectiveCost, ChargeCategory, ChargePeriodStart, ChargePeriodEnd,
             BillingPeriodStart, SubAccountId, ResourceId, SkuMeter, PricingUnit, PricingQuantity, x_Source, x_LoadId)
           VALUES ($1, $1, 'Usage', CAST($2 AS TIMESTAMP), CAST($2 AS TIMESTAMP) + INTERVAL 1 DAY,
             date_trunc('month', CAST($2 AS TIMESTAMP)), $3, $4, $5, $6, $7, 'focus', 'test-load')`,
          [String(b.cost), day, b.account ?? ACCOUNT, b.resourceId, b.meter, b.unit, b.quantity],
        );
      }
      const config = configSchema.parse({ rules: [{ id: kind, params: options.params ?? {} }] });
      await analyze(store.connection, config, options.now ?? NOW);
      const rows = await store.connection.runAndReadAll(
        `SELECT resource_id, CAST(evidence AS VARCHAR) AS evidence, CAST(monthly_cost AS DOUBLE) AS monthly,
           CAST(estimated_monthly_savings AS DOUBLE) AS savings
         FROM findings WHERE rule = $1 AND resolved_at IS NULL ORDER BY resource_id`,
        [kind],
      );
      return rows.getRowObjectsJson().map((row) => ({
        resourceId: String(row.resource_id),
        evidence: JSON.parse(String(row.evidence)) as Record<string, unknown>,
        monthlyCost: row.monthly === null ? null : Number(row.monthly),
        savings: row.savings === null ? null : Number(row.savings),
      }));
    } finally {
      store.close();
    }
  } finally {
    dir.remove();
  }
}
