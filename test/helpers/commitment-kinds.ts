import { join } from "node:path";
import type { ResourceRecord } from "../../collectors/inventory/resource.js";
import { sqlLiteral } from "../../core/sql.js";
import { configSchema } from "../../rules/config.js";
import { analyze } from "../../rules/evaluate.js";
import { openStore } from "../../store/database.js";
import { fromScaled, toScaled } from "./decimal.js";
import { tempDir } from "./project.js";
import { ACCOUNT, NOW, REGION, resource } from "./rule-kind.js";
import { seedInventory } from "./seed.js";

/**
 * The commitment kinds' tests: Savings Plans and reservations as inventory resources (the contract of
 * the commitment collectors: resource id = the bill's CommitmentDiscountId), their bill in FOCUS terms
 * (each day a Purchase row for the fee, EffectiveCost 0, and an Unused row, both naming the commitment
 * as ResourceId; a Used row per covered instance at its amortized cost with ListCost on demand), and
 * Cost Explorer's commitment_usage rows for accounts no billing file covers.
 */

export const OTHER_ACCOUNT = "222222222222";
export const riArn = (id: string, account = ACCOUNT) =>
  `arn:aws:ec2:${REGION}:${account}:reserved-instances/${id}`;
export const spArn = (id: string, account = ACCOUNT) => `arn:aws:savingsplans::${account}:savingsplan/${id}`;

export type CommitmentKind = "Reserved Instance" | "Savings Plan";

export interface Term {
  state?: string;
  start: string;
  end: string;
  account?: string;
}

/** A reservation as its collector records it (attributes named as the collector names them). */
export function reservation(arn: string, term: Term): ResourceRecord {
  return resource("ec2:reserved-instances", arn, {
    account: term.account ?? ACCOUNT,
    state: term.state ?? "active",
    createdAt: term.start,
    attributes: {
      reservedInstancesId: arn.split("/").pop(),
      instanceType: "m5.large",
      instanceCount: 1,
      offeringType: "No Upfront",
      productDescription: "Linux/UNIX",
      scope: "Region",
      availabilityZone: null,
      start: term.start,
      end: term.end,
      durationSeconds: 31_536_000,
      fixedPrice: 0,
      usagePrice: 0,
      recurringHourly: 0.0625,
      currencyCode: "USD",
    },
  });
}

/** A Savings Plan as its collector records it. */
export function savingsPlan(arn: string, term: Term): ResourceRecord {
  return resource("savingsplans:savings-plan", arn, {
    account: term.account ?? ACCOUNT,
    state: term.state ?? "active",
    createdAt: term.start,
    attributes: {
      savingsPlanId: arn.split("/").pop(),
      savingsPlanType: "Compute",
      paymentOption: "No Upfront",
      commitment: "0.5",
      upfrontPaymentAmount: "0",
      recurringPaymentAmount: "0.5",
      currency: "USD",
      start: term.start,
      end: term.end,
      termDurationInSeconds: 31_536_000,
      ec2InstanceFamily: null,
      region: null,
    },
  });
}

/** One billing row, in the columns the commitment figures read. */
export interface BillRow {
  day: string;
  account: string;
  resourceId: string;
  category: "Usage" | "Purchase";
  commitmentId: string;
  type: CommitmentKind;
  status: "Used" | "Unused" | null;
  billed: string;
  effective: string;
  list: string;
}

/**
 * A commitment's rows of one day: its fee (billed, 0 amortized), the covered usage (`used` amortized,
 * `onDemand` list) unless `used` is "0", and the unused part unless `unused` is "0".
 */
export function commitmentDay(
  arn: string,
  type: CommitmentKind,
  day: string,
  figures: { used: string; unused: string; onDemand?: string; account?: string },
): BillRow[] {
  const account = figures.account ?? ACCOUNT;
  const fee = fromScaled(toScaled(figures.used) + toScaled(figures.unused));
  const base = { day, account, commitmentId: arn, type };
  const rows: BillRow[] = [
    { ...base, resourceId: arn, category: "Purchase", status: null, billed: fee, effective: "0", list: fee },
  ];
  if (figures.used !== "0") {
    rows.push({
      ...base,
      resourceId: `i-covered-by-${arn.split("/").pop()}`,
      category: "Usage",
      status: "Used",
      billed: "0",
      effective: figures.used,
      list: figures.onDemand ?? figures.used,
    });
  }
  if (figures.unused !== "0") {
    rows.push({
      ...base,
      resourceId: arn,
      category: "Usage",
      status: "Unused",
      billed: "0",
      effective: figures.unused,
      list: "0",
    });
  }
  return rows;
}

/** The days from `first` (YYYY-MM-DD) to `last`, inclusive. */
export function daysFrom(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** The exact sum of the picked column over the rows that `where` keeps, as the store writes it. */
export function sum(rows: BillRow[], where: (r: BillRow) => boolean, pick: (r: BillRow) => string): string {
  return fromScaled(rows.filter(where).reduce((total, r) => total + toScaled(pick(r)), 0n));
}

/** One day of Cost Explorer's figures for a commitment (commitment_usage). */
export interface CostExplorerDay {
  day: string;
  commitmentId: string;
  type: CommitmentKind;
  account: string;
  used: string;
  unused: string;
  onDemand: string;
}

export interface CommitmentFinding {
  resourceId: string;
  reason: string;
  evidence: Record<string, unknown>;
  /** Exact, as text (null when unknown). */
  monthlyCost: string | null;
  savings: string | null;
}

/** A kind run through the engine (analyze) on a store seeded with the commitments, their bill and Cost Explorer's figures. */
export async function commitmentFindings(
  kind: string,
  records: ResourceRecord[],
  bill: BillRow[],
  options: { costExplorer?: CostExplorerDay[]; params?: Record<string, unknown>; now?: Date } = {},
): Promise<CommitmentFinding[]> {
  const dir = tempDir("finops-kind-");
  try {
    const db = join(dir.path, "finops.duckdb");
    const now = options.now ?? NOW;
    await seedInventory(db, "run-1", records, new Date(now.getTime() - 0.1 * 86_400_000));
    const store = await openStore(db);
    try {
      const q = sqlLiteral;
      if (bill.length) {
        await store.connection.run(`INSERT INTO billing (ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, SubAccountId,
            ResourceId, ServiceName, ChargeCategory, PricingCategory, CommitmentDiscountId, CommitmentDiscountType,
            CommitmentDiscountStatus, BilledCost, EffectiveCost, ListCost, BillingCurrency, x_Source, x_LoadId)
          SELECT CAST(d AS TIMESTAMP), CAST(d AS TIMESTAMP) + INTERVAL 1 DAY, date_trunc('month', CAST(d AS TIMESTAMP)),
            a, r, 'Amazon Elastic Compute Cloud', c, 'Committed', i, t, s, CAST(b AS DECIMAL(38,12)),
            CAST(e AS DECIMAL(38,12)), CAST(l AS DECIMAL(38,12)), 'USD', 'focus', 'test-load'
          FROM (VALUES ${bill
            .map(
              (r) =>
                `(${[r.day, r.account, r.resourceId, r.category, r.commitmentId, r.type].map(q).join(", ")}, ${r.status === null ? "NULL" : q(r.status)}, ${[r.billed, r.effective, r.list].map(q).join(", ")})`,
            )
            .join(",\n")}) v(d, a, r, c, i, t, s, b, e, l)`);
      }
      for (const u of options.costExplorer ?? []) {
        await store.connection.run(
          "INSERT INTO commitment_usage VALUES (CAST($1 AS DATE), $2, $3, $4, CAST($5 AS DECIMAL(38,12)), CAST($6 AS DECIMAL(38,12)), CAST($7 AS DECIMAL(38,12)))",
          [u.day, u.commitmentId, u.type, u.account, u.used, u.unused, u.onDemand],
        );
      }
      const config = configSchema.parse({ rules: [{ id: kind, params: options.params ?? {} }] });
      await analyze(store.connection, config, now);
      const rows = await store.connection.runAndReadAll(
        `SELECT resource_id, reason, CAST(evidence AS VARCHAR) AS evidence, CAST(monthly_cost AS VARCHAR) AS monthly,
           CAST(estimated_monthly_savings AS VARCHAR) AS savings
         FROM findings WHERE rule = $1 AND resolved_at IS NULL ORDER BY resource_id`,
        [kind],
      );
      const exact = (v: unknown) => (v === null ? null : fromScaled(toScaled(String(v))));
      return rows.getRowObjectsJson().map((row) => ({
        resourceId: String(row.resource_id),
        reason: String(row.reason),
        evidence: JSON.parse(String(row.evidence)) as Record<string, unknown>,
        monthlyCost: exact(row.monthly),
        savings: exact(row.savings),
      }));
    } finally {
      store.close();
    }
  } finally {
    dir.remove();
  }
}
