import { fromScaled, toScaled } from "./decimal.js";

/**
 * A FOCUS bill with commitment rows, as test/commitments.test.ts writes one (the Used rows at the
 * amortized cost with ListCost on demand, the Unused rows, the fees as Purchase rows), for the faces'
 * tests: a Compute Savings Plan partly used every day, a reservation unused in the first week and
 * partly used after, eligible on-demand usage, Spot and ineligible usage. Tests sum their expected
 * figures from these rows themselves.
 */

export const PAYER = "999999999999";
export const PROD = "111111111111";
export const DEV = "222222222222";
export const SP = `arn:aws:savingsplans::${PROD}:savingsplan/00000000-0000-0000-0000-000000000001`;
export const RI = `arn:aws:ec2:us-east-1:${DEV}:reserved-instances/11111111-2222-3333-4444-555555555555`;
const EC2 = "Amazon Elastic Compute Cloud";

export type BillRow = Record<string, string>;

const COLUMNS = [
  "BillingAccountId",
  "SubAccountId",
  "BillingCurrency",
  "BillingPeriodStart",
  "BillingPeriodEnd",
  "ChargePeriodStart",
  "ChargePeriodEnd",
  "ProviderName",
  "ServiceName",
  "SkuMeter",
  "ResourceId",
  "ChargeCategory",
  "ChargeFrequency",
  "PricingCategory",
  "ListCost",
  "BilledCost",
  "EffectiveCost",
  "CommitmentDiscountId",
  "CommitmentDiscountType",
  "CommitmentDiscountCategory",
  "CommitmentDiscountStatus",
];

/** One daily row of an account, with the FOCUS columns every row needs. */
export function dayRow(date: string, account: string, fields: BillRow): BillRow {
  const start = new Date(`${date}T00:00:00Z`);
  const end = new Date(start.getTime() + 86_400_000);
  const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return {
    BillingAccountId: PAYER,
    SubAccountId: account,
    BillingCurrency: "USD",
    BillingPeriodStart: `${date.slice(0, 7)}-01T00:00:00Z`,
    BillingPeriodEnd: nextMonth.toISOString().replace(".000", ""),
    ChargePeriodStart: start.toISOString().replace(".000", ""),
    ChargePeriodEnd: end.toISOString().replace(".000", ""),
    ProviderName: "AWS",
    ChargeFrequency: "Usage-Based",
    ChargeCategory: "Usage",
    ...fields,
  };
}

/** The days from `first` on, `count` of them, as YYYY-MM-DD. */
export function days(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

/**
 * The bill's rows over the days. `riUsedFrom`: from that day on the reservation covers an instance
 * (2.000 of its 3.750 a day used, 3.100 on demand), before it is wholly unused.
 */
export function commitmentBill(dates: string[], riUsedFrom: string): BillRow[] {
  const rows: BillRow[] = [];
  const sp = {
    CommitmentDiscountId: SP,
    CommitmentDiscountType: "Savings Plan",
    CommitmentDiscountCategory: "Spend",
  };
  const ri = {
    CommitmentDiscountId: RI,
    CommitmentDiscountType: "Reserved Instance",
    CommitmentDiscountCategory: "Usage",
  };
  const fee = { ChargeCategory: "Purchase", ChargeFrequency: "Recurring", PricingCategory: "Standard" };
  for (const [i, date] of dates.entries()) {
    // The plan's daily fee (24) and its amortized parts: the used part grows day by day.
    const used = 10 + (i % 12);
    rows.push(
      dayRow(date, PROD, {
        ...sp,
        ...fee,
        ServiceName: "Savings Plans for AWS Compute usage",
        ResourceId: SP,
        ListCost: "24",
        BilledCost: "24",
        EffectiveCost: "0",
      }),
      dayRow(date, PROD, {
        ...sp,
        ServiceName: EC2,
        SkuMeter: "USE1-BoxUsage:m5.large",
        ResourceId: "i-0aaa",
        PricingCategory: "Committed",
        CommitmentDiscountStatus: "Used",
        ListCost: (used * 1.4).toFixed(4),
        BilledCost: "0",
        EffectiveCost: used.toFixed(3),
      }),
      dayRow(date, PROD, {
        ...sp,
        ServiceName: "Savings Plans for AWS Compute usage",
        ResourceId: SP,
        PricingCategory: "Committed",
        CommitmentDiscountStatus: "Unused",
        ListCost: "0",
        BilledCost: "0",
        EffectiveCost: (24 - used).toFixed(3),
      }),
      dayRow(date, DEV, {
        ...ri,
        ...fee,
        ServiceName: EC2,
        ResourceId: RI,
        ListCost: "2.5",
        BilledCost: "2.5",
        EffectiveCost: "0",
      }),
    );
    const riUsed = date >= riUsedFrom ? "2.000" : "0";
    if (riUsed !== "0") {
      rows.push(
        dayRow(date, DEV, {
          ...ri,
          ServiceName: EC2,
          SkuMeter: "USE1-BoxUsage:r5.large",
          ResourceId: "i-0ddd",
          PricingCategory: "Committed",
          CommitmentDiscountStatus: "Used",
          ListCost: "3.1",
          BilledCost: "0",
          EffectiveCost: riUsed,
        }),
      );
    }
    rows.push(
      dayRow(date, DEV, {
        ...ri,
        ServiceName: EC2,
        ResourceId: RI,
        PricingCategory: "Committed",
        CommitmentDiscountStatus: "Unused",
        ListCost: "0",
        BilledCost: "0",
        EffectiveCost: riUsed === "0" ? "3.75" : "1.75",
      }),
      // Eligible on demand, Spot (not on demand) and usage no commitment covers (EBS).
      dayRow(date, DEV, {
        ServiceName: EC2,
        SkuMeter: "USE1-BoxUsage:c5.xlarge",
        ResourceId: "i-0bbb",
        PricingCategory: "Standard",
        ListCost: (4 + (i % 3)).toFixed(2),
        BilledCost: (4 + (i % 3)).toFixed(2),
        EffectiveCost: (4 + (i % 3)).toFixed(2),
      }),
      dayRow(date, DEV, {
        ServiceName: EC2,
        SkuMeter: "USE1-SpotUsage:c5.xlarge",
        ResourceId: "i-0ccc",
        PricingCategory: "Dynamic",
        ListCost: "4.08",
        BilledCost: "1.2",
        EffectiveCost: "1.2",
      }),
      dayRow(date, DEV, {
        ServiceName: EC2,
        SkuMeter: "USE1-EBS:VolumeUsage.gp3",
        ResourceId: "vol-1",
        PricingCategory: "Standard",
        ListCost: "0.8",
        BilledCost: "0.8",
        EffectiveCost: "0.8",
      }),
    );
  }
  return rows;
}

export function billCsv(rows: BillRow[]): string {
  const quote = (v: string | undefined) =>
    v === undefined ? "" : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  return `${COLUMNS.join(",")}\n${rows.map((r) => COLUMNS.map((c) => quote(r[c])).join(",")).join("\n")}\n`;
}

/** The rows charged in [from, to) (days), by ChargePeriodStart as `finops commitments` counts them. */
export function rowsIn(rows: BillRow[], from: string, to: string): BillRow[] {
  return rows.filter((r) => (r.ChargePeriodStart ?? "") >= from && (r.ChargePeriodStart ?? "") < to);
}

/** The exact sum of a column over the rows (a row pick returns undefined or "0" to leave it out). */
export function sumRows(rows: BillRow[], pick: (r: BillRow) => string | undefined): string {
  return fromScaled(rows.reduce((total, r) => total + toScaled(pick(r) ?? "0"), 0n));
}

/** The figures of `finops commitments` summed from the rows: what every face must show. */
export function expectedFigures(rows: BillRow[]) {
  const status = (s: string, column: string) => (r: BillRow) =>
    r.CommitmentDiscountStatus === s ? r[column] : "0";
  const used = sumRows(rows, status("Used", "EffectiveCost"));
  const unused = sumRows(rows, status("Unused", "EffectiveCost"));
  const onDemand = sumRows(rows, status("Used", "ListCost"));
  // Eligible on demand: the c5 instance's hours (Spot and EBS are not eligible on-demand usage).
  const eligible = sumRows(rows, (r) => (r.SkuMeter === "USE1-BoxUsage:c5.xlarge" ? r.ListCost : "0"));
  const commitmentCost = Number(used) + Number(unused);
  const base = Number(onDemand) + Number(eligible);
  return {
    usedCost: used,
    unusedCost: unused,
    commitmentCost: fromScaled(toScaled(used) + toScaled(unused)),
    onDemandEquivalentCost: onDemand,
    savings: fromScaled(toScaled(onDemand) - toScaled(used) - toScaled(unused)),
    eligibleOnDemandCost: eligible,
    utilization: commitmentCost > 0 ? Number(used) / commitmentCost : null,
    coverage: base > 0 ? Number(onDemand) / base : null,
    // On-demand eligible usage's effective cost is its list cost here (no discount on it).
    effectiveSavingsRate: base > 0 ? 1 - (commitmentCost + Number(eligible)) / base : null,
  };
}

/** The terms CUR 2.0 would have given: the reservation ends 2024-10-20, the plan in 2027. */
export const TERMS_SQL = `INSERT INTO commitment_terms (commitment_id, source, type, account_id, start_at, end_at, term, purchase_option, updated_at) VALUES
  ('${RI}', 'cur2', 'Reserved Instance', '${DEV}', '2023-10-20', '2024-10-20', '1yr', 'Partial Upfront', now()),
  ('${SP}', 'cur2', 'Savings Plan', '${PROD}', '2024-01-01', '2027-01-01', '3yr', 'No Upfront', now())`;

/** Every number of a JSON text as a string, so money keeps every digit (a double would round it). */
export function parseExact<T>(text: string): T {
  return JSON.parse(text.replace(/(":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"')) as T;
}
