import assert from "node:assert/strict";
import { test } from "node:test";
import { pricedFindings } from "../../test/helpers/kind-savings.js";
import { ACCOUNT, collected, daysAgo, flaggedBy, REGION, resource } from "../../test/helpers/rule-kind.js";
import { configSchema } from "../config.js";

/** A share of a cost is stored to 6 decimal places: savings are within a micro-dollar per dollar. */
const near = (actual: number | null | undefined, expected: number) =>
  assert.ok(Math.abs((actual ?? Number.NaN) - expected) < 1e-5, `${actual} is not ${expected}`);

const GIB = 1_073_741_824;
const arn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
const group = (name: string, storedBytes: number, retentionDays: number | null = null, ageDays = 120) =>
  resource("logs:log-group", arn(name), {
    createdAt: daysAgo(ageDays),
    attributes: { name, retentionDays, storedBytes },
  });

test("log-group-no-retention: never expires and holds at least minStoredBytes (default 1)", async () => {
  const records = [group("one-byte", 1), group("empty", 0), group("kept-30-days", 5 * GIB, 30)];
  assert.deepEqual(await flaggedBy("log-group-no-retention", [collected(records)]), [arn("one-byte")]);
  const sized = [group("999", 999), group("1000", 1000)];
  assert.deepEqual(
    await flaggedBy("log-group-no-retention", [collected(sized)], { params: { minStoredBytes: 1000 } }),
    [arn("1000")],
  );
});

test("log-group-no-retention: saves the share of the storage part a 30-day retention deletes, never ingestion", async () => {
  const findings = await pricedFindings(
    "log-group-no-retention",
    [
      collected([
        group("billed", 10 * GIB),
        group("young", 10 * GIB, null, 20),
        group("no-storage-meter", 1 * GIB),
        group("unbilled", 2 * GIB),
      ]),
    ],
    [
      // 10 GB stored at 0.03, and 10 GB ingested at 0.50: the ingestion is not what a retention saves.
      {
        resourceId: arn("billed"),
        meter: "USE1-TimedStorage-ByteHrs",
        cost: 0.3,
        quantity: 10,
        unit: "GB-Mo",
      },
      { resourceId: arn("billed"), meter: "USE1-DataProcessing-Bytes", cost: 5, quantity: 10, unit: "GB" },
      {
        resourceId: arn("young"),
        meter: "USE1-TimedStorage-ByteHrs",
        cost: 0.3,
        quantity: 10,
        unit: "GB-Mo",
      },
      {
        resourceId: arn("no-storage-meter"),
        meter: "USE1-DataProcessing-Bytes",
        cost: 5,
        quantity: 10,
        unit: "GB",
      },
    ],
  );
  const by = new Map(findings.map((f) => [f.resourceId, f]));
  // 120 days of logs, 30 kept: 3/4 of the 0.30 of storage.
  assert.equal(by.get(arn("billed"))?.monthlyCost, 5.3);
  near(by.get(arn("billed"))?.savings, 0.225);
  assert.equal(by.get(arn("billed"))?.evidence.estimatedDeletedShare, 0.75);
  assert.equal(by.get(arn("billed"))?.evidence.ageDays, 120);
  // 20 days old: a 30-day retention deletes nothing yet.
  near(by.get(arn("young"))?.savings, 0);
  // Billed with no storage meter: 1 GB at 0.03, 3/4 of it.
  near(by.get(arn("no-storage-meter"))?.savings, 0.0225);
  // Not billed: its stored bytes at its peers' billed price (0.03 per GB-month), 3/4 of it.
  assert.equal(by.get(arn("unbilled"))?.monthlyCost, 0.06);
  near(by.get(arn("unbilled"))?.savings, 0.045);
});

test("log-group-no-retention: retentionDays must be a retention CloudWatch Logs accepts", () => {
  const parse = (retentionDays: number) =>
    configSchema.safeParse({ rules: [{ id: "log-group-no-retention", params: { retentionDays } }] });
  assert.equal(parse(30).success, true);
  assert.equal(parse(365).success, true);
  const refused = parse(31);
  assert.equal(refused.success, false);
  assert.match(
    refused.error?.issues[0]?.message ?? "",
    /a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30/,
  );
});
