import assert from "node:assert/strict";
import { test } from "node:test";
import { pricedFindings } from "../../test/helpers/kind-savings.js";
import { ACCOUNT, collected, flaggedBy, REGION, resource } from "../../test/helpers/rule-kind.js";

/** A share of a cost is stored to 6 decimal places: savings are within a micro-dollar per dollar. */
const near = (actual: number | null | undefined, expected: number) =>
  assert.ok(Math.abs((actual ?? Number.NaN) - expected) < 1e-5, `${actual} is not ${expected}`);

const GIB = 1_073_741_824;
const arn = (name: string) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`;
const repository = (
  name: string,
  hasLifecyclePolicy: boolean,
  imageCount: number,
  imageBytes = imageCount * GIB,
) =>
  resource("ecr:repository", arn(name), { attributes: { name, hasLifecyclePolicy, imageCount, imageBytes } });

test("ecr-no-lifecycle: no lifecycle policy and at least minImages (1) images", async () => {
  const records = [
    repository("one-image", false, 1),
    repository("empty", false, 0),
    repository("tidy", true, 50),
  ];
  assert.deepEqual(await flaggedBy("ecr-no-lifecycle", [collected(records)]), [arn("one-image")]);
  const few = [repository("four", false, 4), repository("five", false, 5)];
  assert.deepEqual(await flaggedBy("ecr-no-lifecycle", [collected(few)], { params: { minImages: 5 } }), [
    arn("five"),
  ]);
});

test("ecr-no-lifecycle: savingsRatio (50%) of the storage part of its cost", async () => {
  const findings = await pricedFindings(
    "ecr-no-lifecycle",
    [collected([repository("billed", false, 10), repository("unbilled", false, 4)])],
    [
      { resourceId: arn("billed"), meter: "USE1-TimedStorage-ByteHrs", cost: 1, quantity: 10, unit: "GB-Mo" },
      { resourceId: arn("billed"), meter: "USE1-DataTransfer-Out-Bytes", cost: 0.5, quantity: 5, unit: "GB" },
    ],
  );
  const by = new Map(findings.map((f) => [f.resourceId, f]));
  assert.equal(by.get(arn("billed"))?.monthlyCost, 1.5);
  near(by.get(arn("billed"))?.savings, 0.5);
  // 4 GB at the billed peer's 0.10 per GB-month, half of it.
  assert.equal(by.get(arn("unbilled"))?.monthlyCost, 0.4);
  near(by.get(arn("unbilled"))?.savings, 0.2);
  const half = await pricedFindings(
    "ecr-no-lifecycle",
    [collected([repository("billed", false, 10)])],
    [{ resourceId: arn("billed"), meter: "USE1-TimedStorage-ByteHrs", cost: 1, quantity: 10, unit: "GB-Mo" }],
    { params: { savingsRatio: 0.2 } },
  );
  near(half[0]?.savings, 0.2);
});
