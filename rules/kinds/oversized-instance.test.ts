import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { collected, cpu, findingsOfKind, instance, type KindFinding } from "../../test/helpers/rule-kind.js";
import { sizeFactor } from "./oversized-instance.js";

const sized = (id: string, instanceType: string, fields = {}, attributes = {}) =>
  instance(id, fields, { instanceType, ...attributes });

describe("oversized-instance: peak CPU under 40% for 14 days, a smaller size of the family fits under 70%", () => {
  let findings: KindFinding[] = [];
  const evidence = (id: string) => findings.find((f) => f.resourceId === id)?.evidence;
  before(async () => {
    findings = await findingsOfKind("oversized-instance", [
      collected(
        [
          // 12xlarge (96) to 8xlarge (64): 39.9% and 40% would both fit; the threshold decides.
          sized("i-39.9", "m5.12xlarge"),
          sized("i-40", "m5.12xlarge"),
          sized("i-30-2xl", "m5.2xlarge"),
          sized("i-15-2xl", "m5.2xlarge"),
          // 36% on a 2xlarge is 72% on an xlarge: no smaller size fits.
          sized("i-36-2xl", "m5.2xlarge"),
          // m5 starts at large; a t3 goes down to nano.
          sized("i-smallest", "m5.large"),
          sized("i-t3", "t3.medium"),
          sized("i-metal", "m5.metal"),
          sized(
            "i-node",
            "m5.2xlarge",
            {},
            { kubernetes: { cluster: "prod", nodegroup: null, nodepool: null } },
          ),
          sized("i-stopped", "m5.2xlarge", { state: "stopped" }),
          sized("i-6-days", "m5.2xlarge"),
          sized("i-7-days", "m5.2xlarge"),
        ],
        [
          ...cpu("i-39.9", 14, 39.9),
          ...cpu("i-40", 14, 40),
          ...cpu("i-30-2xl", 14, 30),
          ...cpu("i-15-2xl", 14, 15),
          ...cpu("i-36-2xl", 14, 36),
          ...cpu("i-smallest", 14, 5),
          ...cpu("i-t3", 14, 10),
          ...cpu("i-metal", 14, 5),
          ...cpu("i-node", 14, 5),
          ...cpu("i-stopped", 14, 5),
          ...cpu("i-6-days", 6, 5),
          ...cpu("i-7-days", 7, 5),
        ],
      ),
    ]);
  });

  test("flags peaks under 40% with a smaller size that fits, at least 7 days of data", () => {
    assert.deepEqual(
      findings.map((f) => f.resourceId),
      ["i-15-2xl", "i-30-2xl", "i-39.9", "i-7-days", "i-t3"],
    );
  });

  test("names the smallest size the peak fits under 70%", () => {
    assert.equal(evidence("i-39.9")?.targetInstanceType, "m5.8xlarge");
    assert.equal(evidence("i-39.9")?.projectedPeakCpuPercent, 59.85);
    assert.equal(evidence("i-30-2xl")?.targetInstanceType, "m5.xlarge");
    assert.equal(evidence("i-30-2xl")?.projectedPeakCpuPercent, 60);
    assert.equal(evidence("i-15-2xl")?.targetInstanceType, "m5.large");
    assert.equal(evidence("i-15-2xl")?.projectedPeakCpuPercent, 60);
    // 10% of a medium (2) is 40% of a micro (0.5), 80% of a nano (0.25).
    assert.equal(evidence("i-t3")?.targetInstanceType, "t3.micro");
    assert.equal(evidence("i-7-days")?.targetInstanceType, "m5.large");
  });

  test("the size factors are AWS's normalization factors", () => {
    assert.equal(sizeFactor("nano"), 0.25);
    assert.equal(sizeFactor("xlarge"), 8);
    assert.equal(sizeFactor("12xlarge"), 96);
    assert.equal(sizeFactor("metal"), null);
  });
});
