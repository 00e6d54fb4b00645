import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { commitmentWindow } from "../collectors/billing/cost-explorer-commitments.js";
import { EC2_COMPUTE } from "../collectors/billing/cost-explorer-commitments-read.js";
import { type CommitmentReplayInput, writeCommitmentPages } from "../demo/replay-commitments.js";
import { PageWriter } from "../demo/replay-pages.js";
import { runFinops } from "./helpers/cli.js";
import {
  type Answer,
  type CostExplorerStandIn,
  startCostExplorer,
} from "./helpers/cost-explorer-stand-in.js";
import { fromScaled, toScaled } from "./helpers/decimal.js";
import { tempDir } from "./helpers/project.js";

const ACCOUNT_A = "111111111111";
const ACCOUNT_B = "222222222222";
const SP_1 = `arn:aws:savingsplans::${ACCOUNT_A}:savingsplan/0b6f3c1e-1d2a-4c55-9a51-5d0f8f2c0a01`;
const SP_2 = `arn:aws:savingsplans::${ACCOUNT_B}:savingsplan/7c2e4d9a-3b1f-4e77-8c21-1a9b0e3d4f02`;
const RI_1 = `arn:aws:ec2:us-east-1:${ACCOUNT_A}:reserved-instances/4f5e6d7c-aaaa-4bbb-8ccc-000000000001`;
const RI_2 = `arn:aws:ec2:eu-west-1:${ACCOUNT_B}:reserved-instances/4f5e6d7c-aaaa-4bbb-8ccc-000000000002`;
const DAYS = ["2024-10-06", "2024-10-07", "2024-10-08", "2024-10-09", "2024-10-10"];
const NOW = "2024-10-11T09:00:00Z";

const add = (a: string, b: string) => fromScaled(toScaled(a) + toScaled(b));
const sub = (a: string, b: string) => fromScaled(toScaled(a) - toScaled(b));
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The stand-in's figures per day: `version` changes what the restated days say on a later run. SP 1
 * commits $36 a day, SP 2 $6; RI 1's fee is $2.40 a day with $0.30 unused; RI 2 ($1.20) goes unused all
 * window and its answer has no RICostForUnusedHours (the unused part comes from its hours).
 */
function figures(day: string, version: number) {
  const i = DAYS.indexOf(day) + version - 1;
  const sp1Used = `${28 + i}.123456789012`;
  return {
    sp1: { used: sp1Used, unused: sub("36", sp1Used), od: add(sp1Used, `${9 + i}.5`) },
    sp2: { used: "6", unused: "0", od: "9.5" },
    ri1: { total: "2.4", unused: "0.3", od: "4.1" },
    ri2: { total: "1.2", unused: "1.2", od: "0" },
    // Reserved hours: A 30, B 10 of the 40 RI 1 and RI 2 cover (all RI 1's): A gets 30/40 of its $4.10.
    riCoverage: { a: { hours: "30", onDemand: "1.9" }, b: { hours: "10", onDemand: "0" } },
    spCoverage: { a: { onDemand: "5.5" }, b: { onDemand: "0.75" } },
  };
}

/** Cost Explorer's answers, as its API reference shapes them; SP 2 and RI 2 come on a second page. */
function answer(version: () => number) {
  return (operation: string, body: Record<string, unknown>): Answer => {
    if (operation === "GetCostAndUsage") return { ResultsByTime: [], DimensionValueAttributes: [] };
    const period = body.TimePeriod as { Start: string; End: string };
    assert.equal(period.End, nextDay(period.Start), "one day per call");
    const day = period.Start;
    const f = figures(day, version());
    const second = body.NextToken === "sp-page-2" || body.NextPageToken === "ri-page-2";
    switch (operation) {
      case "GetSavingsPlansUtilizationDetails": {
        const plan = second
          ? {
              arn: SP_2,
              account: ACCOUNT_B,
              x: f.sp2,
              type: "EC2InstanceSavingsPlans",
              term: "3yr",
              hourly: "0.25",
            }
          : {
              arn: SP_1,
              account: ACCOUNT_A,
              x: f.sp1,
              type: "ComputeSavingsPlans",
              term: "1yr",
              hourly: "1.5",
            };
        return {
          SavingsPlansUtilizationDetails: [
            {
              SavingsPlanArn: plan.arn,
              Attributes: {
                AccountId: plan.account,
                AccountName: "payer",
                EndDateTime: "2025-03-01T00:00:00.000Z",
                HourlyCommitment: plan.hourly,
                InstanceFamily: "",
                PaymentOption: second ? "All Upfront" : "No Upfront",
                PurchaseTerm: plan.term,
                Region: second ? "EU (Ireland)" : "Any",
                SavingsPlanARN: plan.arn,
                SavingsPlansType: plan.type,
                StartDateTime: "2024-03-01T00:00:00.000Z",
                Status: "Active",
              },
              Utilization: {
                TotalCommitment: add(plan.x.used, plan.x.unused),
                UsedCommitment: plan.x.used,
                UnusedCommitment: plan.x.unused,
                UtilizationPercentage: "90",
              },
              Savings: { NetSavings: sub(plan.x.od, plan.x.used), OnDemandCostEquivalent: plan.x.od },
              AmortizedCommitment: { TotalAmortizedCommitment: add(plan.x.used, plan.x.unused) },
            },
          ],
          TimePeriod: period,
          ...(second ? {} : { NextToken: "sp-page-2" }),
        };
      }
      case "GetSavingsPlansCoverage": {
        if (day === "2024-10-07") return { error: { type: "DataUnavailableException", message: "no data" } };
        const row = (account: string, covered: string, onDemand: string) => ({
          Attributes: { LINKED_ACCOUNT: account },
          Coverage: {
            SpendCoveredBySavingsPlans: covered,
            OnDemandCost: onDemand,
            TotalCost: add(covered, onDemand),
          },
          TimePeriod: period,
        });
        return {
          SavingsPlansCoverages: [
            row(ACCOUNT_A, f.sp1.od, f.spCoverage.a.onDemand),
            row(ACCOUNT_B, f.sp2.od, f.spCoverage.b.onDemand),
          ],
        };
      }
      case "GetReservationUtilization": {
        assert.deepEqual(body.GroupBy, [{ Type: "DIMENSION", Key: "SUBSCRIPTION_ID" }]);
        const ri1 = {
          Key: "SUBSCRIPTION_ID",
          Value: "1001",
          Attributes: {
            accountId: ACCOUNT_A,
            reservationARN: RI_1,
            leaseId: "4f5e6d7c-aaaa-4bbb-8ccc-000000000001",
            startDateTime: "2024-01-15T10:00:00.000Z",
            endDateTime: "2025-01-14T10:00:00.000Z",
            subscriptionType: "Partial Upfront",
            offeringType: "Standard",
            scope: "Region",
            region: "us-east-1",
            instanceType: "m5.large",
          },
          Utilization: {
            PurchasedHours: "24",
            TotalActualHours: "21",
            UnusedHours: "3",
            AmortizedUpfrontFee: "1.1",
            AmortizedRecurringFee: "1.3",
            TotalAmortizedFee: f.ri1.total,
            RICostForUnusedHours: f.ri1.unused,
            OnDemandCostOfRIHoursUsed: f.ri1.od,
          },
        };
        const ri2 = {
          Key: "SUBSCRIPTION_ID",
          Value: "1002",
          Attributes: {
            accountId: ACCOUNT_B,
            reservationARN: RI_2,
            startDateTime: "2022-06-01T00:00:00.000Z",
            endDateTime: "2025-05-31T00:00:00.000Z",
            subscriptionType: "All Upfront",
            scope: "Availability Zone",
            region: "eu-west-1",
          },
          Utilization: {
            PurchasedHours: "24",
            TotalActualHours: "0",
            UnusedHours: "24",
            AmortizedUpfrontFee: "1.2",
            AmortizedRecurringFee: "0",
            TotalAmortizedFee: f.ri2.total,
            OnDemandCostOfRIHoursUsed: f.ri2.od,
          },
        };
        return {
          UtilizationsByTime: [{ TimePeriod: period, Groups: [second ? ri2 : ri1] }],
          ...(second ? {} : { NextPageToken: "ri-page-2" }),
        };
      }
      case "GetReservationCoverage": {
        const group = (account: string, c: { hours: string; onDemand: string }) => ({
          Attributes: { LINKED_ACCOUNT: account },
          Coverage: {
            CoverageHours: {
              ReservedHours: c.hours,
              OnDemandHours: "8",
              TotalRunningHours: add(c.hours, "8"),
            },
            CoverageCost: { OnDemandCost: c.onDemand },
          },
        });
        return {
          CoveragesByTime: [
            {
              TimePeriod: period,
              Groups: [group(ACCOUNT_A, f.riCoverage.a), group(ACCOUNT_B, f.riCoverage.b)],
            },
          ],
        };
      }
    }
    return { error: { type: "UnknownOperationException", message: operation } };
  };
}

/** What the test expects stored: its own sums of the answers' figures over the days each version told. */
function expected(versions: Record<string, number>) {
  const sum = (pick: (f: ReturnType<typeof figures>, day: string) => string, days = DAYS) =>
    fromScaled(
      days.reduce((total, day) => total + toScaled(pick(figures(day, versions[day] ?? 1), day)), 0n),
    );
  const spDays = DAYS.filter((d) => d !== "2024-10-07");
  return {
    usage: [
      { id: RI_2, used: "0", unused: sum((f) => f.ri2.unused), od: "0" },
      {
        id: RI_1,
        used: sum((f) => sub(f.ri1.total, f.ri1.unused)),
        unused: sum((f) => f.ri1.unused),
        od: sum((f) => f.ri1.od),
      },
      { id: SP_1, used: sum((f) => f.sp1.used), unused: sum((f) => f.sp1.unused), od: sum((f) => f.sp1.od) },
      { id: SP_2, used: sum((f) => f.sp2.used), unused: "0", od: sum((f) => f.sp2.od) },
    ],
    coverage: [
      // RI 1's $4.10 on-demand equivalent a day, shared 30:10 by reserved hours: $3.075 and $1.025.
      {
        type: "Reserved Instance",
        account: ACCOUNT_A,
        covered: sum(() => "3.075"),
        onDemand: sum(() => "1.9"),
      },
      { type: "Reserved Instance", account: ACCOUNT_B, covered: sum(() => "1.025"), onDemand: "0" },
      {
        type: "Savings Plan",
        account: ACCOUNT_A,
        covered: sum((f) => f.sp1.od, spDays),
        onDemand: sum(() => "5.5", spDays),
      },
      {
        type: "Savings Plan",
        account: ACCOUNT_B,
        covered: sum((f) => f.sp2.od, spDays),
        onDemand: sum(() => "0.75", spDays),
      },
    ],
  };
}

/** Everything the collector stores, read back with every digit (usage ordered by id: RI 2 sorts first). */
async function storedCommitments(db: string) {
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();
  const trim = (rows: Record<string, unknown>[]) =>
    rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          typeof v === "string" && /^-?\d+\.\d+$/.test(v) ? fromScaled(toScaled(v)) : v,
        ]),
      ),
    );
  try {
    return {
      usage: trim(
        await rows(`SELECT commitment_id AS id, sum(used_cost)::VARCHAR AS used, sum(unused_cost)::VARCHAR AS unused,
          sum(on_demand_equivalent)::VARCHAR AS od FROM commitment_usage GROUP BY ALL ORDER BY id`),
      ),
      coverage: trim(
        await rows(`SELECT type, account_id AS account, sum(covered_cost)::VARCHAR AS covered,
          sum(on_demand_cost)::VARCHAR AS "onDemand" FROM commitment_coverage GROUP BY ALL ORDER BY type, account`),
      ),
      daily: trim(
        await rows(`SELECT strftime(day, '%Y-%m-%d') AS day, commitment_id, type, account_id, used_cost::VARCHAR AS used,
          unused_cost::VARCHAR AS unused, on_demand_equivalent::VARCHAR AS od FROM commitment_usage ORDER BY ALL`),
      ),
      terms: trim(
        await rows(`SELECT commitment_id, source, type, account_id, service, region, start_at::VARCHAR AS start_at,
          end_at::VARCHAR AS end_at, term, purchase_option, scope, hourly_commitment::VARCHAR AS hourly
          FROM commitment_terms ORDER BY ALL`),
      ),
      days: (
        await rows(
          "SELECT strftime(day, '%Y-%m-%d') AS day FROM cost_explorer_days WHERE query = 'commitments' ORDER BY day",
        )
      ).map((r) => r.day),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("finops collect --only billing: Cost Explorer's commitments (a stand-in Cost Explorer)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let version = 1;
  let ce: CostExplorerStandIn;
  const collect = (now: string, database = db, extra: string[] = []) =>
    runFinops(
      [
        "collect",
        "--only",
        "billing",
        "--db",
        database,
        "--config",
        config,
        "--now",
        now,
        "--json",
        ...extra,
      ],
      {
        AWS_ENDPOINT_URL: ce.endpoint,
      },
    );
  const commitmentCalls = () => ce.requests.filter((r) => r.operation !== "GetCostAndUsage");
  const reportOf = (stdout: string) =>
    JSON.parse(stdout).collectors.find(
      (c: { name: string }) => c.name === "billing:cost-explorer-commitments",
    );

  before(async () => {
    ce = await startCostExplorer(answer(() => version));
    writeFileSync(config, "billing:\n  costExplorer:\n    lookbackDays: 5\n    restatementDays: 2\n");
  });
  after(async () => {
    await ce?.close();
    dir.remove();
  });

  test("first run: every day of the window, every page, stored as the answers' totals", async () => {
    const result = await collect(NOW);
    assert.equal(result.code, 0, result.stderr);
    const report = reportOf(result.stdout);
    assert.equal(report.status, "ok");
    // Per day: two pages of plans, one of plan coverage, two of reservations, one of reservation coverage.
    assert.equal(commitmentCalls().length, 30);
    assert.equal(report.apiCalls, 30);
    assert.deepEqual(
      [...new Set(commitmentCalls().map((r) => (r.body.TimePeriod as { Start: string }).Start))],
      DAYS,
    );
    assert.equal(commitmentCalls().filter((r) => r.body.NextToken === "sp-page-2").length, 5);
    assert.equal(commitmentCalls().filter((r) => r.body.NextPageToken === "ri-page-2").length, 5);

    const stored = await storedCommitments(db);
    const want = expected({});
    assert.deepEqual(stored.usage, want.usage);
    assert.deepEqual(stored.coverage, want.coverage);
    assert.deepEqual(stored.days, DAYS);
    assert.equal(report.rows, 4 * 5 + 4 * 5 - 2, "usage and coverage rows (no plan coverage on the 7th)");
    const term = (id: string) => stored.terms.find((t) => t.commitment_id === id);
    assert.deepEqual(term(SP_1), {
      commitment_id: SP_1,
      source: "cost-explorer",
      type: "Savings Plan",
      account_id: ACCOUNT_A,
      service: "ComputeSavingsPlans",
      region: null,
      start_at: "2024-03-01 00:00:00",
      end_at: "2025-03-01 00:00:00",
      term: "1yr",
      purchase_option: "No Upfront",
      scope: null,
      hourly: "1.5",
    });
    assert.deepEqual(term(RI_2), {
      commitment_id: RI_2,
      source: "cost-explorer",
      type: "Reserved Instance",
      account_id: ACCOUNT_B,
      service: "Amazon Elastic Compute Cloud - Compute",
      region: "eu-west-1",
      start_at: "2022-06-01 00:00:00",
      end_at: "2025-05-31 00:00:00",
      term: "3yr",
      purchase_option: "All Upfront",
      scope: "Availability Zone",
      hourly: null,
    });
    assert.equal(term(RI_1)?.term, "1yr");
  });

  test("second run: only the days AWS still restates are asked, and they replace what was stored", async () => {
    ce.requests.length = 0;
    version = 2;
    const result = await collect("2024-10-11T18:00:00Z");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(reportOf(result.stdout).apiCalls, 12);
    assert.deepEqual(
      [...new Set(commitmentCalls().map((r) => (r.body.TimePeriod as { Start: string }).Start))],
      ["2024-10-09", "2024-10-10"],
    );
    const stored = await storedCommitments(db);
    const want = expected({ "2024-10-09": 2, "2024-10-10": 2 });
    assert.deepEqual(stored.usage, want.usage);
    assert.notDeepEqual(want.usage, expected({}).usage, "the restated days changed something");
  });

  test("a refused operation fails this collector alone, names the permission, and keeps every table", async () => {
    const before = await storedCommitments(db);
    ce.requests.length = 0;
    ce.refuse = {
      operation: "GetReservationCoverage",
      type: "AccessDeniedException",
      message:
        "User: arn:aws:iam::999999999999:user/finops is not authorized to perform: ce:GetReservationCoverage",
    };
    try {
      const result = await collect("2024-10-12T06:00:00Z");
      assert.equal(result.code, 1);
      const collectors = JSON.parse(result.stdout).collectors;
      assert.equal(collectors.find((c: { name: string }) => c.name === "billing:cost-explorer").status, "ok");
      const report = reportOf(result.stdout);
      assert.equal(report.status, "failed");
      assert.match(
        report.error,
        /^GetReservationCoverage 2024-10-10 Amazon Elastic Compute Cloud - Compute: AccessDeniedException: /,
      );
      assert.match(
        report.error,
        /the collector needs ce:GetReservationCoverage, and all of ce:GetSavingsPlansUtilizationDetails, /,
      );
      assert.match(result.stderr, /billing:cost-explorer-commitments .*not authorized/);
      // It stopped at the refusal: the 10th's plan pages, plan coverage and reservation pages, then the refusal.
      assert.equal(commitmentCalls().length, 6);
    } finally {
      delete ce.refuse;
    }
    assert.deepEqual(await storedCommitments(db), before);
  });

  test("an answer that cannot be read fails the collector naming the call, day and field", async () => {
    const before = await storedCommitments(db);
    const broken = await startCostExplorer((operation, body) => {
      const page = answer(() => 1)(operation, body) as Record<string, unknown>;
      if (operation !== "GetSavingsPlansUtilizationDetails") return page;
      const [detail] = page.SavingsPlansUtilizationDetails as { Utilization: Record<string, string> }[];
      if (detail) detail.Utilization.UsedCommitment = "12,5";
      return page;
    });
    try {
      const result = await runFinops(
        [
          "collect",
          "--only",
          "billing",
          "--db",
          db,
          "--config",
          config,
          "--now",
          "2024-10-12T06:00:00Z",
          "--json",
        ],
        { AWS_ENDPOINT_URL: broken.endpoint },
      );
      assert.equal(result.code, 1);
      assert.equal(
        reportOf(result.stdout).error,
        `GetSavingsPlansUtilizationDetails 2024-10-10 ${SP_1}: Utilization.UsedCommitment: "12,5" is not a decimal number`,
      );
    } finally {
      await broken.close();
    }
    assert.deepEqual(await storedCommitments(db), before);
  });

  test("recorded, then replayed into a new database: the same rows, without a request", async () => {
    version = 1;
    const record = join(dir.path, "record");
    const recorded = join(dir.path, "recorded.duckdb");
    const replayed = join(dir.path, "replayed.duckdb");
    const result = await collect(NOW, recorded, ["--record", record]);
    assert.equal(result.code, 0, result.stderr);
    ce.requests.length = 0;
    // No --only: a folder with commitment pages replays billing's commitments with the inventory.
    const replay = await runFinops(
      ["collect", "--replay", record, "--db", replayed, "--config", config, "--now", NOW, "--json"],
      { AWS_ENDPOINT_URL: ce.endpoint },
    );
    assert.equal(replay.code, 0, replay.stderr);
    assert.equal(ce.requests.length, 0);
    const report = reportOf(replay.stdout);
    assert.equal(report.status, "ok");
    assert.equal(report.apiCalls, 0);
    const a = await storedCommitments(recorded);
    assert.deepEqual(a.usage, expected({}).usage);
    assert.deepEqual(await storedCommitments(replayed), a);
  });

  test("finops iam-policy --role collector allows the four calls", async () => {
    const result = await runFinops(["iam-policy", "--role", "collector"]);
    assert.equal(result.code, 0, result.stderr);
    const actions: string[] = JSON.parse(result.stdout).Statement[0].Action;
    for (const action of [
      "ce:GetSavingsPlansUtilizationDetails",
      "ce:GetReservationUtilization",
      "ce:GetSavingsPlansCoverage",
      "ce:GetReservationCoverage",
    ]) {
      assert.ok(actions.includes(action), action);
    }
  });
});

describe("demo/replay-commitments.ts writes the pages the collector replays", () => {
  const RDS = "Amazon Relational Database Service";
  const SP = `arn:aws:savingsplans::${ACCOUNT_A}:savingsplan/9d8c7b6a-0000-4000-8000-0000000000aa`;
  const RI_EC2 = `arn:aws:ec2:us-east-1:${ACCOUNT_A}:reserved-instances/ri-ec2`;
  const RI_RDS = `arn:aws:rds:eu-west-1:${ACCOUNT_B}:ri:ri-rds`;
  const window = commitmentWindow(new Date(NOW), 5);
  const everyDay = (figures: { used: string; unused: string; onDemandEquivalent: string }) =>
    // A day before the window too: the collector never asks it, the writer leaves it out.
    ["2024-10-05", ...DAYS].map((day) => ({ day, ...figures }));
  const input = (): CommitmentReplayInput => ({
    window,
    reservationServices: [EC2_COMPUTE, RDS],
    pageSize: 1,
    commitments: [
      {
        id: SP,
        type: "Savings Plan",
        account: ACCOUNT_A,
        region: null,
        service: "ComputeSavingsPlans",
        start: "2024-02-01T00:00:00Z",
        end: "2027-02-01T00:00:00Z",
        term: "3yr",
        paymentOption: "Partial Upfront",
        hourlyCommitment: "1",
        days: everyDay({ used: "20.5", unused: "3.5", onDemandEquivalent: "31.25" }),
      },
      {
        id: RI_EC2,
        type: "Reserved Instance",
        account: ACCOUNT_A,
        region: "us-east-1",
        service: EC2_COMPUTE,
        start: "2024-05-01T00:00:00Z",
        end: "2025-05-01T00:00:00Z",
        term: "1yr",
        paymentOption: "No Upfront",
        scope: "Region",
        instanceType: "m5.large",
        days: everyDay({ used: "1.6", unused: "0.8", onDemandEquivalent: "2.9" }),
      },
      {
        id: RI_RDS,
        type: "Reserved Instance",
        account: ACCOUNT_B,
        region: "eu-west-1",
        service: RDS,
        start: "2024-03-01T00:00:00Z",
        end: "2025-03-01T00:00:00Z",
        term: "1yr",
        paymentOption: "All Upfront",
        days: everyDay({ used: "0", unused: "3", onDemandEquivalent: "0" }),
      },
    ],
    coverage: DAYS.flatMap((day) => [
      { day, account: ACCOUNT_A, type: "Savings Plan" as const, covered: "31.25", onDemand: "4" },
      { day, account: ACCOUNT_A, type: "Reserved Instance" as const, covered: "2", onDemand: "1" },
      { day, account: ACCOUNT_B, type: "Reserved Instance" as const, covered: "0.9", onDemand: "0.5" },
      {
        day,
        account: ACCOUNT_B,
        type: "Reserved Instance" as const,
        service: RDS,
        covered: "0",
        onDemand: "7",
      },
    ]),
  });
  const dir = tempDir();
  after(() => dir.remove());

  test("the replayed rows are the input's own figures over the window", async () => {
    const folder = join(dir.path, "replay");
    const calls = await writeCommitmentPages(new PageWriter(folder), input());
    assert.equal(calls, 5 * (2 + 2 * 2));
    const config = join(dir.path, "rules.yaml");
    writeFileSync(
      config,
      `billing:\n  costExplorer:\n    lookbackDays: 5\n    reservationServices: ["${EC2_COMPUTE}", "${RDS}"]\n`,
    );
    const db = join(dir.path, "demo.duckdb");
    const result = await runFinops([
      "collect",
      "--replay",
      folder,
      "--only",
      "billing",
      "--db",
      db,
      "--config",
      config,
      "--now",
      NOW,
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const stored = await storedCommitments(db);
    const times = (value: string) => fromScaled(toScaled(value) * BigInt(DAYS.length));
    assert.deepEqual(stored.usage, [
      { id: RI_EC2, used: times("1.6"), unused: times("0.8"), od: times("2.9") },
      { id: RI_RDS, used: "0", unused: times("3"), od: "0" },
      { id: SP, used: times("20.5"), unused: times("3.5"), od: times("31.25") },
    ]);
    assert.deepEqual(stored.coverage, [
      { type: "Reserved Instance", account: ACCOUNT_A, covered: times("2"), onDemand: times("1") },
      { type: "Reserved Instance", account: ACCOUNT_B, covered: times("0.9"), onDemand: times("7.5") },
      { type: "Savings Plan", account: ACCOUNT_A, covered: times("31.25"), onDemand: times("4") },
    ]);
    const terms = Object.fromEntries(stored.terms.map((t) => [t.commitment_id, t]));
    assert.equal(terms[RI_RDS]?.service, RDS);
    assert.equal(terms[RI_RDS]?.term, "1yr");
    assert.equal(terms[SP]?.term, "3yr");
    assert.equal(terms[SP]?.hourly, "1");
    assert.equal(terms[SP]?.region, null);
  });

  test("reservation coverage that does not add up to the reservations' on-demand equivalent is refused", async () => {
    const bad = input();
    bad.coverage = bad.coverage.filter((c) => !(c.account === ACCOUNT_B && c.day === "2024-10-08"));
    await assert.rejects(
      writeCommitmentPages(new PageWriter(join(dir.path, "bad")), bad),
      /2024-10-08 Amazon Elastic Compute Cloud - Compute: reservation coverage says 2 covered, the reservations' on-demand equivalent is 2.9/,
    );
  });
});
