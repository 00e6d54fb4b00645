import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import type { StandInPlan, StandInReservation } from "./helpers/commitment-stand-in.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { readDatabase, tempDir } from "./helpers/project.js";

const ACCOUNT = "123456789012"; // moto's
const YEAR = 31_536_000;
const RI = (region: string, id: string) => `arn:aws:ec2:${region}:${ACCOUNT}:reserved-instances/${id}`;
const SP = (id: string) => `arn:aws:savingsplans::${ACCOUNT}:savingsplan/${id}`;
const RI_ACTIVE = "4f5e6d7c-aaaa-4bbb-8ccc-000000000001";
const RI_RETIRED = "4f5e6d7c-aaaa-4bbb-8ccc-000000000002";
const RI_PENDING = "4f5e6d7c-aaaa-4bbb-8ccc-000000000003";

const RESERVATIONS: StandInReservation[] = [
  {
    id: RI_ACTIVE,
    region: "us-east-1",
    instanceType: "m5.large",
    count: 3,
    offeringType: "Partial Upfront",
    start: "2024-01-10T08:00:00.000Z",
    end: "2025-01-09T08:00:00.000Z",
    durationSeconds: YEAR,
    fixedPrice: "226.5",
    usagePrice: "0.0",
    // Two hourly charges: recurringHourly is their exact sum.
    hourly: ["0.025", "0.005"],
    state: "active",
    tags: { team: "platform" },
  },
  {
    id: RI_RETIRED,
    region: "us-east-1",
    instanceType: "c5.xlarge",
    count: 1,
    offeringType: "All Upfront",
    scope: "Availability Zone",
    availabilityZone: "us-east-1a",
    start: "2021-03-01T00:00:00.000Z",
    end: "2024-02-29T00:00:00.000Z",
    durationSeconds: 3 * YEAR,
    fixedPrice: "1450",
    usagePrice: "0.0",
    hourly: [],
    state: "retired",
  },
  {
    id: RI_PENDING,
    region: "eu-west-1",
    instanceType: "r5.large",
    count: 2,
    offeringType: "No Upfront",
    start: "2024-12-01T00:00:00.000Z",
    end: "2025-12-01T00:00:00.000Z",
    durationSeconds: YEAR,
    fixedPrice: "0.0",
    usagePrice: "0.0",
    hourly: ["0.082"],
    state: "payment-pending",
  },
];

const plan = (n: number, fields: Partial<StandInPlan>): StandInPlan => {
  const id = `7c2e4d9a-3b1f-4e77-8c21-00000000000${n}`;
  return {
    savingsPlanId: id,
    savingsPlanArn: SP(id),
    start: "2024-03-01T00:00:00.000Z",
    end: "2025-03-01T00:00:00.000Z",
    state: "active",
    savingsPlanType: "Compute",
    paymentOption: "No Upfront",
    productTypes: ["EC2", "Fargate", "Lambda"],
    currency: "USD",
    commitment: "1.5",
    upfrontPaymentAmount: "0",
    recurringPaymentAmount: "1.5",
    termDurationInSeconds: YEAR,
    ...fields,
  };
};

/** Five plans in pages of two: three pages. */
const PLANS: StandInPlan[] = [
  plan(1, { tags: { team: "data" } }),
  plan(2, {
    savingsPlanType: "EC2Instance",
    region: "eu-west-1",
    ec2InstanceFamily: "m5",
    paymentOption: "Partial Upfront",
    commitment: "0.25",
    upfrontPaymentAmount: "1095",
    recurringPaymentAmount: "0.125",
    start: "2023-01-15T00:00:00.000Z",
    end: "2026-01-15T00:00:00.000Z",
    termDurationInSeconds: 3 * YEAR,
  }),
  plan(3, { state: "queued", start: "2025-01-01T00:00:00.000Z", end: "2026-01-01T00:00:00.000Z" }),
  plan(4, { state: "retired", start: "2022-01-01T00:00:00.000Z", end: "2023-01-01T00:00:00.000Z" }),
  plan(5, { state: "payment-pending", savingsPlanType: "SageMaker", paymentOption: "All Upfront" }),
];

interface Report {
  name: string;
  account: string;
  region: string;
  status: string;
  rows: number;
  apiCalls: number;
  error?: string;
}

const TERMS = `SELECT commitment_id, source, type, account_id, service, region, start_at::VARCHAR AS start_at,
  end_at::VARCHAR AS end_at, term, purchase_option, scope, hourly_commitment::VARCHAR AS hourly
  FROM commitment_terms ORDER BY commitment_id`;

/** What the inventory holds of the commitments: the current rows, typed attributes included. */
const COMMITMENT_RESOURCES = `SELECT resource_id, resource_type, account, region, state, created_at::VARCHAR AS created_at,
  tags::VARCHAR AS tags, attributes::VARCHAR AS attributes FROM resources_current
  WHERE resource_type IN ('ec2:reserved-instances', 'savingsplans:savings-plan') ORDER BY resource_id`;

describe("finops collect --only inventory: reservations and Savings Plans (a stand-in in front of moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let moto: Moto;
  const collect = (database: string, ...args: string[]) =>
    runFinops(
      [
        "collect",
        "--only",
        "inventory",
        "--regions",
        "us-east-1,eu-west-1",
        "--endpoint-url",
        moto.endpoint,
        "--db",
        database,
        "--json",
        ...args,
      ],
      // One attempt: a refused page is not retried into a pass.
      { AWS_MAX_ATTEMPTS: "1" },
    );
  const reportsOf = (stdout: string, name: string): Report[] =>
    (JSON.parse(stdout).collectors as Report[]).filter((c) => c.name === name);

  before(async () => {
    moto = await startMoto();
    moto.commitments.reservations = structuredClone(RESERVATIONS);
    moto.commitments.savingsPlans = structuredClone(PLANS);
    moto.commitments.pageSize = 2;
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("every page is followed, every state kept, attributes mapped and terms written", async () => {
    const result = await collect(db);
    assert.equal(result.code, 0, result.stderr);
    const [plans] = reportsOf(result.stdout, "inventory:savings-plans");
    assert.deepEqual(plans, {
      name: "inventory:savings-plans",
      account: ACCOUNT,
      region: "global",
      status: "ok",
      rows: 5,
      apiCalls: 3,
    });
    const reservations = reportsOf(result.stdout, "inventory:reserved-instances");
    assert.deepEqual(
      reservations.map((r) => [r.region, r.status, r.rows, r.apiCalls]),
      [
        ["eu-west-1", "ok", 1, 1],
        ["us-east-1", "ok", 2, 1],
      ],
    );
    const calls = moto.commitments.requests;
    const planCalls = calls.filter((c) => c.operation === "DescribeSavingsPlans");
    assert.deepEqual(
      planCalls.map((c) => JSON.parse(c.body).nextToken ?? null),
      [null, "page-1", "page-2"],
    );
    // The global API is signed for us-east-1; reservations are asked once in each region.
    assert.deepEqual([...new Set(planCalls.map((c) => c.region))], ["us-east-1"]);
    assert.deepEqual(
      calls
        .filter((c) => c.operation === "DescribeReservedInstances")
        .map((c) => c.region)
        .sort(),
      ["eu-west-1", "us-east-1"],
    );

    const rows = await readDatabase(db, COMMITMENT_RESOURCES);
    const byId = new Map(rows.map((r) => [String(r.resource_id), r]));
    assert.equal(rows.length, 8);
    assert.deepEqual(
      rows.map((r) => [r.resource_id, r.state]),
      [
        [RI("eu-west-1", RI_PENDING), "payment-pending"],
        [RI("us-east-1", RI_ACTIVE), "active"],
        [RI("us-east-1", RI_RETIRED), "retired"],
        ...[1, 2, 3, 4, 5].map((n) => [
          SP(`7c2e4d9a-3b1f-4e77-8c21-00000000000${n}`),
          ["active", "active", "queued", "retired", "payment-pending"][n - 1],
        ]),
      ],
    );
    const active = byId.get(RI("us-east-1", RI_ACTIVE));
    assert.equal(active?.resource_type, "ec2:reserved-instances");
    assert.equal(active?.created_at, "2024-01-10 08:00:00");
    assert.deepEqual(JSON.parse(String(active?.tags)), { team: "platform" });
    const attributes = JSON.parse(String(active?.attributes));
    assert.deepEqual(
      {
        ...attributes,
        offeringClass: undefined,
        instanceTenancy: undefined,
      },
      {
        reservedInstancesId: RI_ACTIVE,
        instanceType: "m5.large",
        instanceCount: 3,
        offeringType: "Partial Upfront",
        offeringClass: undefined,
        productDescription: "Linux/UNIX",
        instanceTenancy: undefined,
        scope: "Region",
        availabilityZone: null,
        start: "2024-01-10T08:00:00.000Z",
        end: "2025-01-09T08:00:00.000Z",
        durationSeconds: YEAR,
        fixedPrice: "226.5",
        usagePrice: "0",
        recurringHourly: "0.030",
        currencyCode: "USD",
      },
    );
    const zonal = JSON.parse(String(byId.get(RI("us-east-1", RI_RETIRED))?.attributes));
    assert.equal(zonal.scope, "Availability Zone");
    assert.equal(zonal.availabilityZone, "us-east-1a");
    assert.equal(zonal.recurringHourly, "0");

    const instancePlan = byId.get(SP("7c2e4d9a-3b1f-4e77-8c21-000000000002"));
    assert.equal(instancePlan?.region, "eu-west-1", "an EC2 Instance plan is of its region");
    const planAttributes = JSON.parse(String(instancePlan?.attributes));
    assert.equal(planAttributes.savingsPlanType, "EC2Instance");
    assert.equal(planAttributes.ec2InstanceFamily, "m5");
    assert.equal(planAttributes.commitment, "0.25");
    assert.equal(planAttributes.upfrontPaymentAmount, "1095");
    assert.equal(planAttributes.termDurationInSeconds, 3 * YEAR);
    const computePlan = byId.get(SP("7c2e4d9a-3b1f-4e77-8c21-000000000001"));
    assert.equal(computePlan?.region, "global", "a Compute plan applies in every region");
    assert.equal(JSON.parse(String(computePlan?.attributes)).region, null);
    assert.deepEqual(JSON.parse(String(computePlan?.tags)), { team: "data" });

    // The typed attributes the rules read (inventory_current's attrs struct).
    const [typed] = await readDatabase(
      db,
      `SELECT attrs.start::VARCHAR AS s, attrs."end"::VARCHAR AS e, attrs.instanceCount AS n, attrs.offeringType AS o
       FROM inventory_current WHERE resource_id = '${RI("us-east-1", RI_ACTIVE)}'`,
    );
    assert.deepEqual(typed, {
      s: "2024-01-10 08:00:00",
      e: "2025-01-09 08:00:00",
      n: "3",
      o: "Partial Upfront",
    });

    const terms = await readDatabase(db, TERMS);
    assert.equal(terms.length, 8);
    assert.ok(terms.every((t) => t.source === "inventory" && t.account_id === ACCOUNT));
    const term = (id: string) => terms.find((t) => t.commitment_id === id);
    assert.deepEqual(term(RI("us-east-1", RI_ACTIVE)), {
      commitment_id: RI("us-east-1", RI_ACTIVE),
      source: "inventory",
      type: "Reserved Instance",
      account_id: ACCOUNT,
      service: "Amazon Elastic Compute Cloud",
      region: "us-east-1",
      start_at: "2024-01-10 08:00:00",
      end_at: "2025-01-09 08:00:00",
      term: "1yr",
      purchase_option: "Partial Upfront",
      scope: "Region",
      hourly: null,
    });
    assert.equal(term(RI("us-east-1", RI_RETIRED))?.term, "3yr");
    assert.equal(term(RI("us-east-1", RI_RETIRED))?.end_at, "2024-02-29 00:00:00");
    assert.deepEqual(term(SP("7c2e4d9a-3b1f-4e77-8c21-000000000002")), {
      commitment_id: SP("7c2e4d9a-3b1f-4e77-8c21-000000000002"),
      source: "inventory",
      type: "Savings Plan",
      account_id: ACCOUNT,
      service: null,
      region: "eu-west-1",
      start_at: "2023-01-15 00:00:00",
      end_at: "2026-01-15 00:00:00",
      term: "3yr",
      purchase_option: "Partial Upfront",
      scope: "EC2InstanceSavingsPlans",
      hourly: "0.250000000000",
    });

    // With no bill at all, the inventory's terms say what expires: 45 days (the default) from now.
    const report = await runFinops(["commitments", "--db", db, "--now", "2024-12-20T08:00:00Z", "--json"]);
    assert.equal(report.code, 0, report.stderr);
    const expiring = JSON.parse(report.stdout).expiring as { commitmentId: string; daysLeft: number }[];
    assert.deepEqual(
      expiring.map((e) => [e.commitmentId, e.daysLeft]),
      [[RI("us-east-1", RI_ACTIVE), 20]],
    );
  });

  test("iam-policy --role collector allows both calls", async () => {
    const result = await runFinops(["iam-policy", "--role", "collector"]);
    assert.equal(result.code, 0, result.stderr);
    const actions: string[] = JSON.parse(result.stdout).Statement[0].Action;
    assert.ok(actions.includes("ec2:DescribeReservedInstances"));
    assert.ok(actions.includes("savingsplans:DescribeSavingsPlans"));
  });

  test("a refused or bad page fails its collector loudly and leaves what was stored", async () => {
    const stored = {
      terms: await readDatabase(db, TERMS),
      resources: await readDatabase(db, COMMITMENT_RESOURCES),
    };
    // What the run would store were it not refused: a new end for every plan and reservation.
    moto.commitments.savingsPlans = PLANS.map((p) => ({ ...p, end: "2030-01-01T00:00:00.000Z" }));
    moto.commitments.reservations = RESERVATIONS.map((r) => ({ ...r, end: "2030-01-01T00:00:00.000Z" }));
    const attempts: { fail?: typeof moto.commitments.fail; change?: () => void; error: RegExp }[] = [
      {
        fail: {
          operation: "DescribeSavingsPlans",
          nth: 2,
          status: 400,
          code: "AccessDeniedException",
          message: "User is not authorized to perform: savingsplans:DescribeSavingsPlans",
        },
        error: /AccessDeniedException.*the collector needs savingsplans:DescribeSavingsPlans/,
      },
      {
        // The last page names a plan without its end: refused, not stored as never ending.
        change: () => {
          const plans = moto.commitments.savingsPlans;
          plans[4] = { ...plans[4], end: undefined };
        },
        error:
          /CommitmentPageError: DescribeSavingsPlans 123456789012 page 3 arn:aws:savingsplans::123456789012:savingsplan\/\S+: no end/,
      },
    ];
    for (const attempt of attempts) {
      moto.commitments.requests.length = 0;
      if (attempt.fail) moto.commitments.fail = { ...attempt.fail };
      attempt.change?.();
      const failing = moto.commitments.reservations;
      // The reservations of us-east-1 fail too: one of them comes without its end.
      moto.commitments.reservations = failing.map((r) =>
        r.id === RI_RETIRED ? { ...r, end: undefined } : r,
      );
      try {
        const result = await collect(db);
        assert.equal(result.code, 1, result.stderr);
        const [plans] = reportsOf(result.stdout, "inventory:savings-plans");
        assert.equal(plans?.status, "failed");
        assert.match(plans?.error ?? "", attempt.error);
        const reservations = reportsOf(result.stdout, "inventory:reserved-instances");
        const east = reservations.find((r) => r.region === "us-east-1");
        assert.equal(east?.status, "failed");
        assert.match(
          east?.error ?? "",
          new RegExp(
            `CommitmentPageError: DescribeReservedInstances ${ACCOUNT} us-east-1 ${RI_RETIRED}: no End`,
          ),
        );
        assert.equal(reservations.find((r) => r.region === "eu-west-1")?.status, "ok");
      } finally {
        delete moto.commitments.fail;
        moto.commitments.reservations = failing;
      }
      // Only eu-west-1's reservation was collected again (its new end); nothing else changed.
      const now = {
        terms: await readDatabase(db, TERMS),
        resources: await readDatabase(db, COMMITMENT_RESOURCES),
      };
      const pending = RI("eu-west-1", RI_PENDING);
      assert.equal(now.terms.find((t) => t.commitment_id === pending)?.end_at, "2030-01-01 00:00:00");
      const others = (rows: Record<string, unknown>[]) =>
        rows.filter((r) => r.commitment_id !== pending && r.resource_id !== pending);
      assert.deepEqual(others(now.terms), others(stored.terms));
      assert.deepEqual(others(now.resources), others(stored.resources));
    }
    moto.commitments.savingsPlans = structuredClone(PLANS);
    moto.commitments.reservations = structuredClone(RESERVATIONS);
  });

  test("record, then replay with no AWS at all: the same rows and terms", async () => {
    const recordDir = join(dir.path, "record");
    const recorded = join(dir.path, "recorded.duckdb");
    const replayed = join(dir.path, "replayed.duckdb");
    const live = await collect(recorded, "--record", recordDir);
    assert.equal(live.code, 0, live.stderr);
    assert.deepEqual(
      (await readdir(join(recordDir, ACCOUNT, "global", "savingsplans", "DescribeSavingsPlans"))).sort(),
      ["page-0001.json", "page-0002.json", "page-0003.json"],
    );
    const replay = await runFinops(["collect", "--replay", recordDir, "--db", replayed, "--json"], {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    });
    assert.equal(replay.code, 0, replay.stderr);
    const replayReports = reportsOf(replay.stdout, "inventory:savings-plans");
    assert.deepEqual(
      replayReports.map((r) => [r.status, r.rows, r.apiCalls]),
      [["ok", 5, 0]],
    );
    assert.deepEqual(
      await readDatabase(replayed, COMMITMENT_RESOURCES),
      await readDatabase(recorded, COMMITMENT_RESOURCES),
    );
    assert.deepEqual(await readDatabase(replayed, TERMS), await readDatabase(recorded, TERMS));
    assert.equal((await readDatabase(replayed, TERMS)).length, 8);
  });
});
