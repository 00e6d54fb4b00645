import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { savingsPlanOfferRates } from "../collectors/pricing/savings-plan-rates.js";
import { configSchema } from "../rules/config.js";
import { bestCommitment, HourlySpend } from "../store/commitment-optimum.js";
import { type SavingsPlanPurchase, savingsPlanRecommendation } from "../store/commitment-purchase.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import {
  type BillRow,
  type OfferServer,
  startOfferServer,
  writeBill,
} from "./helpers/savings-plan-offers.js";

// What to buy: the Savings Plan hourly commitment that maximises net savings over the last 30 days of
// eligible on-demand spend, checked against a brute force over every $0.001 step that the test runs on
// the spend it computes itself from the rows it wrote.

const NOW = new Date("2024-07-01T12:00:00Z");
const WINDOW_START = Date.parse("2024-06-01T00:00:00Z");
const HOURS = 30 * 24;
const EC2 = "Amazon Elastic Compute Cloud";
const HOUR_MS = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
const hourAt = (day: number, hour: number) => at(WINDOW_START + (day * 24 + hour) * HOUR_MS);
const config = (offerIndexUrl = "http://127.0.0.1:9/none/region_index.json") =>
  configSchema.parse({ commitments: { purchase: { offerIndexUrl } } });

/** The shape: per day 20 hours at $10 (the first 10 days at $6), 4 at $2, and Fargate $1 at 22:00; day 15 idle. */
function eligibleSpend(day: number, hour: number): { ec2: number; fargate: number } {
  if (day === 15) return { ec2: 0, fargate: 0 };
  return { ec2: hour < 20 ? (day < 10 ? 6 : 10) : 2, fargate: hour === 22 ? 1 : 0 };
}

/** Rows no recommendation may count as eligible on-demand spend, or as the account's discount. */
function noise(day: number, hours: number): BillRow[] {
  const start = hourAt(day, 0);
  return [
    // Every day is billed (S3), so no hour of the window is taken for a bill not yet delivered.
    { start, hours, service: "Amazon Simple Storage Service", usageType: "TimedStorage-ByteHrs", list: "5" },
    {
      start,
      hours,
      service: EC2,
      usageType: "USE1-EBS:VolumeUsage.gp3",
      pricingCategory: "Standard",
      list: "3",
    },
    {
      start,
      hours,
      service: EC2,
      usageType: "USE1-SpotUsage:m5.large",
      pricingCategory: "Dynamic",
      list: "50",
    },
    {
      start,
      hours,
      service: EC2,
      usageType: "USE1-BoxUsage:m5.large",
      chargeClass: "Correction",
      list: "-40",
    },
    // The account's Savings Plan: $100 of list price for $72 a day, d = 0.28.
    {
      start,
      hours,
      service: EC2,
      usageType: "USE1-BoxUsage:c5.large",
      pricingCategory: "Committed",
      list: "100",
      billed: "0",
      effective: "72",
      commitmentId: "arn:aws:savingsplans::111111111111:savingsplan/sp-1",
      commitmentType: "Savings Plan",
      commitmentStatus: "Used",
    },
    // A reservation's discount is not a Savings Plan's.
    {
      start,
      hours,
      service: EC2,
      usageType: "USE1-BoxUsage:r5.large",
      pricingCategory: "Committed",
      list: "100",
      billed: "0",
      effective: "40",
      commitmentId: "arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-1",
      commitmentType: "Reserved Instance",
      commitmentStatus: "Used",
    },
  ];
}

/** Before the window: on-demand spend and a plan at another discount that must not count. */
const BEFORE_WINDOW: BillRow[] = [
  { start: "2024-05-25 03:00:00", hours: 1, service: EC2, usageType: "USE1-BoxUsage:m5.large", list: "1000" },
  {
    start: "2024-05-25 04:00:00",
    hours: 1,
    service: EC2,
    usageType: "USE1-BoxUsage:m5.large",
    list: "100",
    billed: "0",
    effective: "10",
    commitmentId: "sp-old",
    commitmentType: "Savings Plan",
    commitmentStatus: "Used",
  },
];
/** Today (after the window): the bill's newest rows are not part of it. */
const TODAY: BillRow[] = [
  { start: "2024-07-01 01:00:00", hours: 1, service: EC2, usageType: "USE1-BoxUsage:m5.large", list: "999" },
];

function hourlyBill(): BillRow[] {
  const rows: BillRow[] = [...BEFORE_WINDOW, ...TODAY];
  for (let day = 0; day < 30; day++) {
    rows.push(...noise(day, 24));
    for (let hour = 0; hour < 24; hour++) {
      const { ec2, fargate } = eligibleSpend(day, hour);
      if (ec2) {
        const common = {
          start: hourAt(day, hour),
          hours: 1,
          service: EC2,
          usageType: "USE1-BoxUsage:m5.large",
        };
        rows.push({
          ...common,
          pricingCategory: "Standard",
          quantity: ec2 * 2,
          unitPrice: "0.5",
          list: String(ec2),
        });
      }
      if (fargate) {
        // No PricingCategory: on-demand all the same.
        rows.push({
          start: hourAt(day, hour),
          hours: 1,
          service: "Amazon Elastic Container Service",
          usageType: "USE1-Fargate-vCPU-Hours:perCPU",
          list: String(fargate),
        });
      }
    }
  }
  return rows;
}

/** The same spend, a row a day per service: a daily export. */
function dailyBill(): BillRow[] {
  const rows: BillRow[] = [...TODAY];
  for (let day = 0; day < 30; day++) {
    rows.push(...noise(day, 24));
    let ec2 = 0;
    let fargate = 0;
    for (let hour = 0; hour < 24; hour++) {
      ec2 += eligibleSpend(day, hour).ec2;
      fargate += eligibleSpend(day, hour).fargate;
    }
    if (ec2)
      rows.push({
        start: hourAt(day, 0),
        hours: 24,
        service: EC2,
        usageType: "USE1-BoxUsage:m5.large",
        pricingCategory: "Standard",
        list: String(ec2),
      });
    if (fargate)
      rows.push({
        start: hourAt(day, 0),
        hours: 24,
        service: "AWS Lambda",
        usageType: "USE1-Lambda-GB-Second",
        list: String(fargate),
      });
  }
  return rows;
}

/** The best commitment over every $0.001 step up to the largest hourly spend: [millis, net savings]. */
function bruteForce(spends: number[], d: number): [number, number] {
  let best: [number, number] = [0, 0];
  const top = Math.ceil(Math.max(...spends) * 1000);
  for (let millis = 1; millis <= top; millis++) {
    const c = millis / 1000;
    const x = c / (1 - d);
    let covered = 0;
    for (const s of spends) covered += Math.min(s, x);
    const net = covered - spends.length * c;
    if (net > best[1]) best = [millis, net];
  }
  return best;
}

const HOURLY_SPENDS = Array.from({ length: HOURS }, (_, h) => {
  const { ec2, fargate } = eligibleSpend(Math.floor(h / 24), h % 24);
  return ec2 + fargate;
});
const DAILY_SPENDS = HOURLY_SPENDS.map((_, h) => {
  const day = Math.floor(h / 24);
  return HOURLY_SPENDS.slice(day * 24, day * 24 + 24).reduce((a, b) => a + b, 0) / 24;
});
const ACCOUNT_D = 1 - 72 / 100;

async function storeWith(dir: string, name: string, rows: BillRow[]) {
  const csv = join(dir, `${name}.csv`);
  writeBill(csv, rows);
  const db = join(dir, `${name}.duckdb`);
  const ingest = await runFinops(["ingest", csv, "--db", db]);
  assert.equal(ingest.code, 0, ingest.stderr);
  return openStore(db);
}

function assertPurchase(result: Awaited<ReturnType<typeof savingsPlanRecommendation>>): SavingsPlanPurchase {
  assert.equal(result.kind, "savings-plan", result.kind === "none" ? result.reason : "");
  return result as SavingsPlanPurchase;
}

function assertOptimal(plan: SavingsPlanPurchase, spends: number[], d: number): void {
  const [millis, net] = bruteForce(spends, d);
  assert.equal(plan.hourlyCommitment.text, (millis / 1000).toFixed(3));
  assert.equal(plan.expectedMonthlySavings.text, ((net * 730) / HOURS).toFixed(2));
  assert.equal(plan.monthlyCommitmentCost.toString(), String((millis * 730) / 1000));
  const x = millis / 1000 / (1 - d);
  const covered = spends.reduce((sum, s) => sum + Math.min(s, x), 0);
  assert.ok(Math.abs(plan.expectedUtilization - covered / (HOURS * x)) < 1e-9);
  assert.ok(Math.abs(plan.breakEvenUtilization - (1 - d)) < 1e-12);
  assert.equal(plan.coveredOnDemandPerHour.text, x.toFixed(6));
  assert.equal(plan.hoursObserved, HOURS);
}

describe("what to buy: the Savings Plan commitment with the largest net savings", () => {
  const dir = tempDir();
  after(() => dir.remove());

  test("hourly rows at the account's own discount: the brute force's commitment, savings and break-even", async () => {
    const store = await storeWith(dir.path, "hourly", hourlyBill());
    try {
      const plan = assertPurchase(await savingsPlanRecommendation(store.connection, config(), { now: NOW }));
      assert.equal(plan.granularity, "hourly");
      assert.equal(plan.discountSource, "account");
      assert.ok(Math.abs(plan.discountRate - ACCOUNT_D) < 1e-12, String(plan.discountRate));
      assert.equal(plan.from, "2024-06-01T00:00:00Z");
      assert.equal(plan.to, "2024-07-01T00:00:00Z");
      assert.equal(plan.lookbackDays, 30);
      assert.equal(plan.term, "1yr");
      assert.equal(plan.paymentOption, "No Upfront");
      assert.equal(plan.currency, "USD");
      const total = HOURLY_SPENDS.reduce((a, b) => a + b, 0);
      assert.equal(plan.onDemandSpend.toString(), String(total));
      assertOptimal(plan, HOURLY_SPENDS, ACCOUNT_D);
      // By hand: the $6 level is the d-quantile (580 of 720 hours reach it, 380 reach $10): 6 × 0.72.
      assert.equal(plan.hourlyCommitment.toString(), "4.32");
      assert.match(plan.method, /maximises net savings/);
    } finally {
      store.close();
    }
  });

  test("daily rows: each hour is a 24th of its day, and the granularity says so", async () => {
    const store = await storeWith(dir.path, "daily", dailyBill());
    try {
      const plan = assertPurchase(await savingsPlanRecommendation(store.connection, config(), { now: NOW }));
      assert.equal(plan.granularity, "daily");
      assert.equal(plan.discountSource, "account");
      assertOptimal(plan, DAILY_SPENDS, ACCOUNT_D);
    } finally {
      store.close();
    }
  });

  test("a bill that ends early: the window ends at its last billed hour, not at today", async () => {
    const rows = hourlyBill().filter((r) => r.start < "2024-06-29");
    // The month's tax is dated over the whole month: it does not say the last two days were billed.
    rows.push({ start: "2024-06-01 00:00:00", hours: 30 * 24, service: EC2, category: "Tax", list: "12" });
    const store = await storeWith(dir.path, "lagging", rows);
    try {
      const plan = assertPurchase(await savingsPlanRecommendation(store.connection, config(), { now: NOW }));
      assert.equal(plan.to, "2024-06-29T00:00:00Z");
      assert.equal(plan.from, "2024-05-30T00:00:00Z");
      assert.equal(plan.hoursObserved, HOURS);
    } finally {
      store.close();
    }
  });

  test("an empty store: none, with the reason", async () => {
    const store = await openStore(join(dir.path, "empty.duckdb"));
    try {
      const result = await savingsPlanRecommendation(store.connection, config(), { now: NOW });
      assert.deepEqual(result, { kind: "none", reason: "no usage billed before 2024-07-01" });
    } finally {
      store.close();
    }
  });

  test("no eligible on-demand usage: none, with the reason", async () => {
    const store = await storeWith(dir.path, "none", noise(0, 24));
    try {
      const result = await savingsPlanRecommendation(store.connection, config(), { now: NOW });
      assert.equal(result.kind, "none");
      assert.match(
        result.kind === "none" ? result.reason : "",
        /no on-demand usage eligible for a Savings Plan/,
      );
    } finally {
      store.close();
    }
  });

  test("spend that never stays high enough: none, with the break-even in the reason", async () => {
    // One $100 hour in 30 days: at d = 0.28 a plan must be used 72% of the time to pay off.
    const rows = [...noise(0, 24), ...noise(29, 24)];
    rows.push({
      start: hourAt(3, 5),
      hours: 1,
      service: EC2,
      usageType: "USE1-BoxUsage:m5.large",
      list: "100",
    });
    const store = await storeWith(dir.path, "spiky", rows);
    try {
      const result = await savingsPlanRecommendation(store.connection, config(), { now: NOW });
      assert.equal(result.kind, "none");
      assert.match(result.kind === "none" ? result.reason : "", /no hourly commitment saves money.*72\.0%/);
    } finally {
      store.close();
    }
  });
});

describe("what to buy without a Savings Plan: the Price List's rates", () => {
  const dir = tempDir();
  let offers: OfferServer;
  let store: Awaited<ReturnType<typeof openStore>>;
  const M5 = { usageType: "USE1-BoxUsage:m5.large", sku: "M5L-LINUX", od: 0.096, qty: 10, plan: 0.068 };
  // Billed under a SKU the offer file lacks: matched by usage type, the Windows rate (below its price).
  const C5 = { usageType: "USE1-BoxUsage:c5.large", sku: "C5L-OTHER", od: 0.178, qty: 5, plan: 0.154 };

  before(async () => {
    const rate = (sku: string, usageType: string, operation: string, price: string) => ({
      sku,
      usageType,
      operation,
      price,
    });
    offers = await startOfferServer({
      "us-east-1": [
        {
          sku: "PLAN-1YR-NU",
          term: "1yr",
          paymentOption: "No Upfront",
          rates: [
            rate("M5L-LINUX", M5.usageType, "RunInstances", "0.068"),
            // Below the Linux price too: the row's own SKU wins over the usage type's other operations.
            rate("M5L-WIN", M5.usageType, "RunInstances:0002", "0.09"),
            rate("C5L-LINUX", C5.usageType, "RunInstances", "0.062"),
            rate("C5L-WIN", C5.usageType, "RunInstances:0002", "0.154"),
            rate("C5L-RHEL", C5.usageType, "RunInstances:0010", "0.122"),
          ],
        },
        {
          sku: "PLAN-1YR-AU",
          term: "1yr",
          paymentOption: "All Upfront",
          rates: [rate("M5L-LINUX", M5.usageType, "RunInstances", "0.05")],
        },
        {
          sku: "PLAN-3YR-NU",
          term: "3yr",
          paymentOption: "No Upfront",
          rates: [rate("M5L-LINUX", M5.usageType, "RunInstances", "0.04")],
        },
      ],
      "us-west-2": [],
    });
    const rows: BillRow[] = [];
    for (let day = 0; day < 30; day++) {
      rows.push({
        start: hourAt(day, 0),
        hours: 24,
        service: "Amazon Simple Storage Service",
        usageType: "TimedStorage-ByteHrs",
        list: "5",
      });
      for (let hour = 0; hour < 24; hour++) {
        const usage = (u: typeof M5, region = "us-east-1") => ({
          start: hourAt(day, hour),
          hours: 1,
          service: EC2,
          usageType: u.usageType,
          sku: u.sku,
          region,
          pricingCategory: "Standard",
          quantity: u.qty,
          unitPrice: String(u.od),
          list: (u.qty * u.od).toFixed(4),
        });
        rows.push(usage(M5));
        if (hour < 12) rows.push(usage(C5));
        // A usage type the file lacks, and a region the index lacks: left out of the discount, counted.
        rows.push(usage({ usageType: "USE1-BoxUsage:t3.nano", sku: "T3N", od: 0.0052, qty: 100, plan: 0 }));
        rows.push(
          usage({ usageType: "EU-BoxUsage:m5.large", sku: "EUM5", od: 0.107, qty: 2, plan: 0 }, "eu-west-1"),
        );
      }
    }
    store = await storeWith(dir.path, "price-list", rows);
  });
  after(async () => {
    store.close();
    await offers.close();
    dir.remove();
  });

  test("the discount is the rates' weighted by the account's usage, and the files are read once", async () => {
    const rates = savingsPlanOfferRates(offers.indexUrl);
    const plan = assertPurchase(
      await savingsPlanRecommendation(store.connection, config(offers.indexUrl), { now: NOW, rates }),
    );
    const m5Hours = HOURS;
    const c5Hours = 30 * 12;
    const planCost = m5Hours * M5.qty * M5.plan + c5Hours * C5.qty * C5.plan;
    const onDemand = m5Hours * M5.qty * M5.od + c5Hours * C5.qty * C5.od;
    const d = 1 - planCost / onDemand;
    assert.equal(plan.discountSource, "price-list");
    assert.ok(Math.abs(plan.discountRate - d) < 1e-9, `${plan.discountRate} vs ${d}`);
    const spend = (u: { od: number; qty: number }) => Number((u.qty * u.od).toFixed(4));
    const spends = Array.from(
      { length: HOURS },
      (_, h) =>
        spend(M5) +
        (h % 24 < 12 ? spend(C5) : 0) +
        spend({ od: 0.0052, qty: 100 }) +
        spend({ od: 0.107, qty: 2 }),
    );
    assertOptimal(plan, spends, d);
    const priced = 30 * 24 * spend(M5) + 30 * 12 * spend(C5);
    const total = spends.reduce((a, b) => a + b, 0);
    assert.match(
      plan.discountNote,
      new RegExp(`rates found for 2 of 4 usage types, ${((priced / total) * 100).toFixed(1)}% of the spend`),
    );
    assert.match(plan.discountNote, /1yr No Upfront/);
    assert.deepEqual(offers.requests.length, 2, offers.requests.join(", "));
    await savingsPlanRecommendation(store.connection, config(offers.indexUrl), { now: NOW, rates });
    assert.equal(offers.requests.length, 2, "the second recommendation reads no file again");
  });

  test("another term reads the rates sold for it", async () => {
    const threeYear = configSchema.parse({
      commitments: { purchase: { term: "3yr", offerIndexUrl: offers.indexUrl } },
    });
    const plan = assertPurchase(
      await savingsPlanRecommendation(store.connection, threeYear, {
        now: NOW,
        rates: savingsPlanOfferRates(offers.indexUrl),
      }),
    );
    assert.equal(plan.term, "3yr");
    assert.ok(Math.abs(plan.discountRate - (1 - 0.04 / 0.096)) < 1e-9, String(plan.discountRate));
    assert.match(plan.discountNote, /rates found for 1 of 4 usage types/);
  });

  test("the offer server down: none, naming the URL", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${port}/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json`;
    const result = await savingsPlanRecommendation(store.connection, config(url), {
      now: NOW,
      rates: savingsPlanOfferRates(url),
    });
    assert.equal(result.kind, "none");
    const reason = result.kind === "none" ? result.reason : "";
    assert.match(reason, /^no Savings Plan usage from 2024-06-01T00:00:00Z to 2024-07-01T00:00:00Z/);
    assert.ok(reason.includes(`could not be read: ${url}`), reason);
  });

  test("no reader of the rates given: none, with the reason", async () => {
    const result = await savingsPlanRecommendation(store.connection, config(offers.indexUrl), { now: NOW });
    assert.equal(result.kind, "none");
    assert.match(
      result.kind === "none" ? result.reason : "",
      /no reader of the Price List's Savings Plan rates/,
    );
  });
});

test("the optimum scan agrees with a brute force on random spend", () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let round = 0; round < 20; round++) {
    const spends = Array.from({ length: 96 }, () =>
      random() < 0.2 ? 0 : Math.round(random() * 4000) / 1000,
    );
    const d = 0.1 + random() * 0.6;
    const best = bestCommitment(new HourlySpend(spends), d);
    const [millis, net] = bruteForce(spends, d);
    if (millis === 0) assert.equal(best, null);
    else {
      assert.ok(best, `round ${round}`);
      assert.ok(Math.abs(best.netSavings - net) < 1e-9, `round ${round}: ${best.netSavings} vs ${net}`);
      assert.equal(best.commitmentMillis, millis, `round ${round}`);
    }
  }
});
