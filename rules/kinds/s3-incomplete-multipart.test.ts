import assert from "node:assert/strict";
import { test } from "node:test";
import { pricedFindings } from "../../test/helpers/kind-savings.js";
import { collected, daysAgo, flaggedBy, resource } from "../../test/helpers/rule-kind.js";

/** A share of a cost is stored to 6 decimal places: savings are within a micro-dollar per dollar. */
const near = (actual: number | null | undefined, expected: number) =>
  assert.ok(Math.abs((actual ?? Number.NaN) - expected) < 1e-5, `${actual} is not ${expected}`);

const GIB = 1_073_741_824;
const bucket = (name: string, uploads: { initiated: string; bytes: number }[]) =>
  resource("s3:bucket", name, {
    attributes: { lifecycleRules: 0, lifecycle: null, multipartUploads: uploads },
  });

test("s3-incomplete-multipart: uploads begun more than minAgeDays (7) days ago", async () => {
  const records = [
    bucket("seven-days", [{ initiated: daysAgo(7), bytes: GIB }]),
    bucket("seven-days-and-a-minute", [{ initiated: daysAgo(7 + 1 / 1440), bytes: GIB }]),
    bucket("none", []),
  ];
  assert.deepEqual(await flaggedBy("s3-incomplete-multipart", [collected(records)]), [
    "seven-days-and-a-minute",
  ]);
  assert.deepEqual(
    await flaggedBy("s3-incomplete-multipart", [collected(records)], { params: { minAgeDays: 6 } }),
    ["seven-days", "seven-days-and-a-minute"],
  );
});

test("s3-incomplete-multipart: the old uploads' bytes at the bucket's billed storage price, else S3 Standard's", async () => {
  const uploads = [
    { initiated: daysAgo(30), bytes: 6 * GIB },
    { initiated: daysAgo(10), bytes: 4 * GIB },
    { initiated: daysAgo(1), bytes: 100 * GIB }, // too young: not counted
  ];
  const findings = await pricedFindings(
    "s3-incomplete-multipart",
    [collected([bucket("billed", uploads), bucket("requests-only", uploads), bucket("unbilled", uploads)])],
    [
      // 100 GB-months for 2.00: 0.02 per GB-month, the bucket's own price.
      { resourceId: "billed", meter: "USE1-TimedStorage-ByteHrs", cost: 2, quantity: 100, unit: "GB-Mo" },
      { resourceId: "billed", meter: "USE1-Requests-Tier1", cost: 1, quantity: 200_000, unit: "Requests" },
      {
        resourceId: "requests-only",
        meter: "USE1-Requests-Tier1",
        cost: 1,
        quantity: 200_000,
        unit: "Requests",
      },
    ],
  );
  const by = new Map(findings.map((f) => [f.resourceId, f]));
  assert.deepEqual(by.get("billed")?.evidence, {
    uploads: 2,
    bytes: 10 * GIB,
    oldestInitiated: daysAgo(30),
    usdPerGbMonth: 0.02,
    priceFrom: "billing",
    estimatedMonthlySavings: 0.2,
  });
  near(by.get("billed")?.savings, 0.2);
  assert.equal(by.get("requests-only")?.evidence.priceFrom, "S3 Standard list price");
  near(by.get("requests-only")?.savings, 0.23);
  // No bill names it: its cost, and so a share of it, is unknown; the evidence holds the estimate.
  assert.equal(by.get("unbilled")?.savings, null);
  assert.equal(by.get("unbilled")?.evidence.estimatedMonthlySavings, 0.23);
});

test("s3-incomplete-multipart: a bucket billing names both by name and by ARN is one finding, at its name's price", async () => {
  const findings = await pricedFindings(
    "s3-incomplete-multipart",
    [collected([bucket("both-names", [{ initiated: daysAgo(30), bytes: 10 * GIB }])])],
    [
      { resourceId: "both-names", meter: "USE1-TimedStorage-ByteHrs", cost: 2, quantity: 100, unit: "GB-Mo" },
      {
        resourceId: "arn:aws:s3:::both-names",
        meter: "USE1-TimedStorage-ByteHrs",
        cost: 3,
        quantity: 100,
        unit: "GB-Mo",
      },
    ],
  );
  assert.equal(findings.length, 1, JSON.stringify(findings));
  assert.equal(findings[0]?.evidence.usdPerGbMonth, 0.02);
});
