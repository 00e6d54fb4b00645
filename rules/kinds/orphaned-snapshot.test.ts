import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, snapshot, volume } from "../../test/helpers/rule-kind.js";

test("orphaned-snapshot: source volume gone, over 30 days old, not a copy, not behind an AMI", async () => {
  const behindAmi = snapshot("snap-orphan-ami", 31, "vol-gone");
  behindAmi.attributes = { ...behindAmi.attributes, imageIds: ["ami-1"] };
  const findings = await findingsOfKind("orphaned-snapshot", [
    collected([
      volume("vol-gp2", "in-use", { volumeType: "gp2" }),
      snapshot("snap-91d", 91, "vol-gp2"),
      snapshot("snap-orphan-31d", 31, "vol-gone"),
      snapshot("snap-orphan-29d", 29, "vol-gone"),
      // CopySnapshot's placeholder source.
      snapshot("snap-copy", 100, "vol-ffffffff"),
      behindAmi,
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["snap-orphan-31d"],
  );
  assert.deepEqual(findings[0]?.evidence, { volumeId: "vol-gone", ageDays: 31 });
});
