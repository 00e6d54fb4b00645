import assert from "node:assert/strict";
import { test } from "node:test";
import { pricedFindings } from "../../test/helpers/kind-savings.js";
import { ACCOUNT, collected, flaggedBy, REGION, resource, series } from "../../test/helpers/rule-kind.js";

const DAY_SECONDS = 86_400;
const arn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const table = (name: string, billingMode = "PROVISIONED", rcu = 100, wcu = 20) =>
  resource("dynamodb:table", arn(name), {
    state: "ACTIVE",
    attributes: { name, billingMode, readCapacityUnits: rcu, writeCapacityUnits: wcu, tableSizeBytes: 1000 },
  });
/** `days` days of consumed units at these mean units a second. */
const consumed = (name: string, days: number, readPerSecond: number, writePerSecond: number) => [
  ...series(arn(name), "AWS/DynamoDB", "ConsumedReadCapacityUnits", days, {
    sum: readPerSecond * DAY_SECONDS,
  }),
  ...series(arn(name), "AWS/DynamoDB", "ConsumedWriteCapacityUnits", days, {
    sum: writePerSecond * DAY_SECONDS,
  }),
];

test("idle-dynamodb-table: provisioned, reads and writes both under 10% of capacity over 14 days", async () => {
  const flagged = await flaggedBy("idle-dynamodb-table", [
    collected(
      [
        table("idle"),
        table("reads-10pct"),
        table("writes-10pct"),
        table("silent"),
        table("on-demand", "PAY_PER_REQUEST", 0, 0),
      ],
      [
        ...consumed("idle", 14, 9.99, 1.99),
        ...consumed("reads-10pct", 14, 10, 0),
        ...consumed("writes-10pct", 14, 0, 2),
        ...consumed("on-demand", 14, 0, 0),
      ],
    ),
  ]);
  // "silent" has no datapoints (no requests) in a region whose metrics were collected for 14 days.
  assert.deepEqual(flagged, [arn("idle"), arn("silent")]);
});

test("idle-dynamodb-table: at least minDataDays (7) days of collected metrics", async () => {
  const run = (days: number) =>
    flaggedBy("idle-dynamodb-table", [collected([table("quiet")], consumed("quiet", days, 1, 0.1))]);
  assert.deepEqual(await run(6), []);
  assert.deepEqual(await run(7), [arn("quiet")]);
});

test("idle-dynamodb-table: saves the billed capacity minus the consumed units on demand, never the storage", async () => {
  const capacity = [
    { meter: "USE1-ReadCapacityUnit-Hrs", cost: 9.49, quantity: 73_000, unit: "ReadCapacityUnit-Hrs" },
    { meter: "USE1-WriteCapacityUnit-Hrs", cost: 9.49, quantity: 14_600, unit: "WriteCapacityUnit-Hrs" },
    { meter: "USE1-TimedStorage-ByteHrs", cost: 1, quantity: 4, unit: "GB-Mo" },
  ];
  const billed = (name: string) => capacity.map((c) => ({ ...c, resourceId: arn(name) }));
  const findings = await pricedFindings(
    "idle-dynamodb-table",
    [collected([table("silent"), table("light")], consumed("light", 14, 5, 0.5))],
    [...billed("silent"), ...billed("light")],
  );
  const by = new Map(findings.map((f) => [f.resourceId, f]));
  assert.equal(by.get(arn("silent"))?.monthlyCost, 19.98);
  assert.ok(
    Math.abs((by.get(arn("silent"))?.savings ?? 0) - 18.98) < 1e-4,
    "the whole capacity, not storage",
  );
  // (5 + 5 x 0.5) / (100 + 5 x 20) = 3.75% of the capacity used; on demand that costs 3.46 times as much.
  const light = by.get(arn("light"));
  assert.equal(light?.evidence.usedShare, 0.0375);
  assert.equal(light?.evidence.onDemandRatioFrom, "list prices");
  assert.ok(Math.abs((light?.savings ?? 0) - 18.98 * (1 - 0.0375 * 3.46)) < 1e-4, String(light?.savings));
});

test("idle-dynamodb-table: the on-demand ratio comes from the account's bill where it shows both prices", async () => {
  const findings = await pricedFindings(
    "idle-dynamodb-table",
    [collected([table("light"), table("on-demand", "PAY_PER_REQUEST", 0, 0)], consumed("light", 14, 5, 0.5))],
    [
      {
        resourceId: arn("light"),
        meter: "USE1-ReadCapacityUnit-Hrs",
        cost: 9.49,
        quantity: 73_000,
        unit: "ReadCapacityUnit-Hrs",
      },
      // 0.25 per million read request units: 6.92 provisioned unit-seconds' price each.
      {
        resourceId: arn("on-demand"),
        meter: "USE1-ReadRequestUnits",
        cost: 0.25,
        quantity: 1_000_000,
        unit: "ReadRequestUnits",
      },
    ],
  );
  const light = findings.find((f) => f.resourceId === arn("light"));
  assert.equal(light?.evidence.onDemandRatioFrom, "billing");
  assert.equal(light?.evidence.onDemandPerProvisionedUnit, 6.9231);
  assert.ok(Math.abs((light?.savings ?? 0) - 9.49 * (1 - 0.0375 * (0.25e-6 / (0.00013 / 3600)))) < 1e-4);
});
