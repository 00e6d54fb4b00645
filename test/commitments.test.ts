import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { fromScaled, toScaled } from "./helpers/decimal.js";
import { tempDir } from "./helpers/project.js";

/**
 * `finops commitments` against a FOCUS bill the test writes: a Savings Plan partly used, a reservation
 * that goes unused, on-demand eligible usage, Spot and ineligible usage, over a month boundary, and
 * Cost Explorer's commitment figures for an account no file covers. Every expected figure is summed
 * here from the rows written.
 */

const PAYER = "999999999999";
const PROD = "111111111111";
const DEV = "222222222222";
const CE_ONLY = "333333333333";
const SP = `arn:aws:savingsplans::${PROD}:savingsplan/00000000-0000-0000-0000-000000000001`;
const RI = `arn:aws:ec2:us-east-1:${DEV}:reserved-instances/11111111-2222-3333-4444-555555555555`;
const EC2 = "Amazon Elastic Compute Cloud";

type Row = Record<string, string>;
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

function day(date: string, account: string, fields: Row): Row {
  const start = new Date(`${date}T00:00:00Z`);
  const end = new Date(start.getTime() + 86_400_000);
  const month = `${date.slice(0, 7)}-01`;
  const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return {
    BillingAccountId: PAYER,
    SubAccountId: account,
    BillingCurrency: "USD",
    BillingPeriodStart: `${month}T00:00:00Z`,
    BillingPeriodEnd: nextMonth.toISOString().replace(".000", ""),
    ChargePeriodStart: start.toISOString().replace(".000", ""),
    ChargePeriodEnd: end.toISOString().replace(".000", ""),
    ProviderName: "AWS",
    ChargeFrequency: "Usage-Based",
    ChargeCategory: "Usage",
    ...fields,
  };
}

const rows: Row[] = [];
// 2024-09-28 .. 2024-10-03: six days over the September/October boundary.
const DAYS = ["2024-09-28", "2024-09-29", "2024-09-30", "2024-10-01", "2024-10-02", "2024-10-03"];
for (const [i, date] of DAYS.entries()) {
  const sp = {
    CommitmentDiscountId: SP,
    CommitmentDiscountType: "Savings Plan",
    CommitmentDiscountCategory: "Spend",
  };
  // The plan's daily fee (24.000) and its amortized parts: used covers two instances, the rest unused.
  rows.push(
    day(date, PROD, {
      ...sp,
      ServiceName: "Savings Plans for AWS Compute usage",
      ResourceId: SP,
      ChargeCategory: "Purchase",
      ChargeFrequency: "Recurring",
      PricingCategory: "Standard",
      ListCost: "24.000",
      BilledCost: "24.000",
      EffectiveCost: "0",
    }),
  );
  const used = (10 + i).toFixed(3);
  const onDemand = ((10 + i) * 1.4).toFixed(4);
  rows.push(
    day(date, PROD, {
      ...sp,
      ServiceName: EC2,
      SkuMeter: "USE1-BoxUsage:m5.large",
      ResourceId: "i-0aaa",
      PricingCategory: "Committed",
      CommitmentDiscountStatus: "Used",
      ListCost: onDemand,
      BilledCost: "0",
      EffectiveCost: used,
    }),
  );
  rows.push(
    day(date, PROD, {
      ...sp,
      ServiceName: "Savings Plans for AWS Compute usage",
      ResourceId: SP,
      PricingCategory: "Committed",
      CommitmentDiscountStatus: "Unused",
      ListCost: "0",
      BilledCost: "0",
      EffectiveCost: (24 - 10 - i).toFixed(3),
    }),
  );
  // The reservation, all unused: its recurring fee and its unused amortized cost.
  const ri = {
    CommitmentDiscountId: RI,
    CommitmentDiscountType: "Reserved Instance",
    CommitmentDiscountCategory: "Usage",
  };
  rows.push(
    day(date, DEV, {
      ...ri,
      ServiceName: EC2,
      ResourceId: RI,
      ChargeCategory: "Purchase",
      ChargeFrequency: "Recurring",
      PricingCategory: "Standard",
      ListCost: "2.5",
      BilledCost: "2.5",
      EffectiveCost: "0",
    }),
  );
  rows.push(
    day(date, DEV, {
      ...ri,
      ServiceName: EC2,
      ResourceId: RI,
      PricingCategory: "Committed",
      CommitmentDiscountStatus: "Unused",
      ListCost: "0",
      BilledCost: "0",
      EffectiveCost: "3.75",
    }),
  );
  // Eligible on-demand usage, Spot (not on demand), and usage no commitment covers (EBS).
  rows.push(
    day(date, DEV, {
      ServiceName: EC2,
      SkuMeter: "USE1-BoxUsage:c5.xlarge",
      ResourceId: "i-0bbb",
      PricingCategory: "Standard",
      ListCost: "4.08",
      BilledCost: "4.08",
      EffectiveCost: "4.08",
    }),
  );
  rows.push(
    day(date, DEV, {
      ServiceName: EC2,
      SkuMeter: "USE1-SpotUsage:c5.xlarge",
      ResourceId: "i-0ccc",
      PricingCategory: "Dynamic",
      ListCost: "4.08",
      BilledCost: "1.2",
      EffectiveCost: "1.2",
    }),
  );
  rows.push(
    day(date, DEV, {
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

function csv(list: Row[]): string {
  const quote = (v: string | undefined) =>
    v === undefined ? "" : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  return `${COLUMNS.join(",")}\n${list.map((r) => COLUMNS.map((c) => quote(r[c])).join(",")).join("\n")}\n`;
}

const sum = (list: Row[], pick: (r: Row) => string | undefined) =>
  fromScaled(list.reduce((total, r) => total + toScaled(pick(r) ?? "0"), 0n));
const inWindow = (from: string, to: string) =>
  rows.filter((r) => (r.ChargePeriodStart ?? "") >= from && (r.ChargePeriodStart ?? "") < to);

const dir = tempDir();
const db = join(dir.path, "finops.duckdb");

before(async () => {
  const file = join(dir.path, "bill.csv");
  writeFileSync(file, csv(rows));
  const loaded = await runFinops(["ingest", file, "--db", db]);
  assert.equal(loaded.code, 0, loaded.stderr);
  // Cost Explorer's figures: an account no billing file covers (read), and PROD (covered by the file: ignored).
  const store = await openStore(db);
  try {
    await store.connection.run(`INSERT INTO commitment_usage VALUES
      ('2024-10-01', 'arn:aws:savingsplans::${CE_ONLY}:savingsplan/ce', 'Savings Plan', '${CE_ONLY}', 7, 3, 9.5),
      ('2024-10-01', '${SP}', 'Savings Plan', '${PROD}', 100, 100, 100)`);
    await store.connection.run(`INSERT INTO commitment_coverage VALUES
      ('2024-10-01', 'Savings Plan', '${CE_ONLY}', 9.5, 2.5),
      ('2024-10-01', 'Savings Plan', '${PROD}', 100, 100)`);
    await store.connection.run(`INSERT INTO commitment_terms (commitment_id, source, type, account_id, start_at, end_at, term, purchase_option, updated_at) VALUES
      ('${RI}', 'cur2', 'Reserved Instance', '${DEV}', '2023-10-20', '2024-10-20', '1yr', 'Partial Upfront', now()),
      ('${SP}', 'cost-explorer', 'Savings Plan', '${PROD}', '2024-01-01', '2027-01-01', '3yr', 'No Upfront', now())`);
  } finally {
    store.close();
  }
});

after(() => dir.remove());

/** `finops commitments --json`, with money fields kept as text. */
// biome-ignore lint/suspicious/noExplicitAny: the CLI's parsed JSON; each assertion names the fields it reads
async function commitments(args: string[]): Promise<Record<string, any>> {
  const result = await runFinops(["commitments", "--db", db, "--json", ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(
    result.stdout.replace(/("[A-Za-z]*(?:Cost|savings|Savings)":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"'),
  );
}

test("the summary over a month boundary equals the sums of the rows, with Cost Explorer only where no file covers", async () => {
  const from = "2024-09-29T00:00:00Z";
  const to = "2024-10-03T00:00:00Z";
  const report = await commitments([
    "--from",
    "2024-09-29",
    "--to",
    "2024-10-03",
    "--now",
    "2024-10-10T00:00:00Z",
  ]);
  const window = inWindow(from, to);
  const used = sum(window, (r) => (r.CommitmentDiscountStatus === "Used" ? r.EffectiveCost : "0"));
  const unused = sum(window, (r) => (r.CommitmentDiscountStatus === "Unused" ? r.EffectiveCost : "0"));
  const onDemand = sum(window, (r) => (r.CommitmentDiscountStatus === "Used" ? r.ListCost : "0"));
  const s = report.summary;
  // Cost Explorer's CE_ONLY plan adds 7 used, 3 unused, 9.5 on demand; its PROD figures are the file's.
  assert.equal(s.usedCost, fromScaled(toScaled(used) + toScaled("7")));
  assert.equal(s.unusedCost, fromScaled(toScaled(unused) + toScaled("3")));
  assert.equal(s.commitmentCost, fromScaled(toScaled(used) + toScaled(unused) + toScaled("10")));
  assert.equal(s.onDemandEquivalentCost, fromScaled(toScaled(onDemand) + toScaled("9.5")));
  assert.equal(
    s.savings,
    fromScaled(toScaled(onDemand) + toScaled("9.5") - toScaled(used) - toScaled(unused) - toScaled("10")),
  );
  const commitmentCost = Number(used) + Number(unused) + 10;
  assert.ok(Math.abs(s.utilization - (Number(used) + 7) / commitmentCost) < 1e-12);
  // Eligible on demand: the c5 instance's hours (not Spot, not EBS) and CE_ONLY's uncovered 2.5.
  const eligible =
    Number(sum(window, (r) => (r.SkuMeter === "USE1-BoxUsage:c5.xlarge" ? r.ListCost : "0"))) + 2.5;
  assert.equal(Number(s.eligibleOnDemandCost), eligible);
  const coveredOnDemand = Number(onDemand) + 9.5;
  assert.ok(Math.abs(s.coverage - coveredOnDemand / (coveredOnDemand + eligible)) < 1e-12);
  assert.ok(
    Math.abs(s.effectiveSavingsRate - (1 - (commitmentCost + eligible) / (coveredOnDemand + eligible))) <
      1e-12,
  );

  // The reservation that went unused is listed at utilization 0, with its terms.
  const ri = report.commitments.find((c: Record<string, unknown>) => c.commitmentId === RI);
  assert.ok(ri, "the unused reservation is listed");
  assert.equal(ri.utilization, 0);
  assert.equal(ri.usedCost, "0");
  assert.equal(
    ri.unusedCost,
    sum(window, (r) =>
      r.CommitmentDiscountId === RI && r.CommitmentDiscountStatus === "Unused" ? r.EffectiveCost : "0",
    ),
  );
  assert.equal(ri.account, DEV);
  assert.equal(ri.end, "2024-10-20T00:00:00Z");
  assert.equal(ri.purchaseOption, "Partial Upfront");
  assert.equal(report.commitments.length, 3);

  // What to buy: one entry, priced at the discount the account's own plan gives (no Price List read),
  // and the line the command prints names the commitment and the break-even it was chosen with.
  assert.equal(report.recommendations.length, 1);
  const [buy] = report.recommendations;
  assert.equal(buy.kind, "savings-plan", buy.reason);
  assert.equal(buy.discountSource, "account");
  const hourly = /USD ([0-9.]+) an hour/.exec(buy.summary)?.[1];
  assert.equal(Number(hourly), buy.hourlyCommitment, buy.summary);
  assert.ok(buy.summary.includes(`pays off above ${(buy.breakEvenUtilization * 100).toFixed(1)}%`));
  assert.ok(Math.abs(buy.breakEvenUtilization - (1 - buy.discountRate)) < 1e-12);
});

test("one month alone counts only that month's rows; --by type and account group the same money", async () => {
  const september = await commitments([
    "--from",
    "2024-09-01",
    "--to",
    "2024-10-01",
    "--now",
    "2024-10-10T00:00:00Z",
  ]);
  const rowsOfSeptember = inWindow("2024-09-01", "2024-10-01T00:00:00Z");
  assert.equal(
    september.summary.unusedCost,
    sum(rowsOfSeptember, (r) => (r.CommitmentDiscountStatus === "Unused" ? r.EffectiveCost : "0")),
  );
  const byType = await commitments([
    "--from",
    "2024-09-01",
    "--to",
    "2024-10-01",
    "--by",
    "type",
    "--now",
    "2024-10-10T00:00:00Z",
  ]);
  const types = Object.fromEntries(
    byType.groups.map((g: Record<string, string>) => [g.key, g.commitmentCost]),
  );
  assert.deepEqual(types, {
    "Savings Plan": sum(rowsOfSeptember, (r) =>
      r.CommitmentDiscountId === SP && r.CommitmentDiscountStatus ? r.EffectiveCost : "0",
    ),
    "Reserved Instance": sum(rowsOfSeptember, (r) =>
      r.CommitmentDiscountId === RI && r.CommitmentDiscountStatus ? r.EffectiveCost : "0",
    ),
  });
  const byAccount = await commitments([
    "--from",
    "2024-09-01",
    "--to",
    "2024-10-01",
    "--by",
    "account",
    "--now",
    "2024-10-10T00:00:00Z",
  ]);
  assert.deepEqual(byAccount.groups.map((g: Record<string, string>) => g.key).sort(), [PROD, DEV].sort());
});

test("a commitment ending within expiryWarningDays of --now is expiring, with the on-demand cost it covered", async () => {
  const report = await commitments([
    "--from",
    "2024-09-28",
    "--to",
    "2024-10-04",
    "--now",
    "2024-10-04T00:00:00Z",
  ]);
  assert.deepEqual(
    report.expiring.map((e: Record<string, unknown>) => [e.commitmentId, e.daysLeft]),
    [[RI, 16]],
  );
  // The reservation covered nothing: no on-demand cost returns, and its 30 days of unused cost go.
  assert.equal(report.expiring[0].monthlyOnDemandCost, "0");
  assert.equal(
    report.expiring[0].monthlyCommitmentCost,
    sum(rows, (r) => (r.CommitmentDiscountId === RI && r.CommitmentDiscountStatus ? r.EffectiveCost : "0")),
  );
  // 17 days after, it has ended: not expiring any more; 46 days before its end, not yet.
  assert.deepEqual((await commitments(["--now", "2024-10-21T00:00:00Z"])).expiring, []);
  assert.deepEqual((await commitments(["--now", "2024-09-04T00:00:00Z"])).expiring, []);
  assert.equal((await commitments(["--now", "2024-09-05T00:00:00Z"])).expiring.length, 1);
});

test("bad flags exit 2 naming the flag", async () => {
  const by = await runFinops(["commitments", "--db", db, "--by", "region"]);
  assert.equal(by.code, 2);
  assert.match(by.stderr, /--by/);
  const order = await runFinops(["commitments", "--db", db, "--from", "2024-10-02", "--to", "2024-10-01"]);
  assert.equal(order.code, 2);
  assert.match(order.stderr, /--from 2024-10-02 is not before --to 2024-10-01/);
});
