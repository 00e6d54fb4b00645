import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, snapshot } from "../../test/helpers/rule-kind.js";

test("old-snapshot: over 90 days old, unless it backs a registered AMI", async () => {
  const behindAmi = snapshot("snap-ami-200d", 200, "vol-gone");
  behindAmi.attributes = { ...behindAmi.attributes, imageIds: ["ami-1"] };
  const findings = await findingsOfKind("old-snapshot", [
    collected([
      snapshot("snap-91d", 91, "vol-gp2"),
      snapshot("snap-90d", 90, "vol-gp2"),
      snapshot("snap-89d", 89, "vol-gp2"),
      behindAmi,
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["snap-91d"],
  );
  assert.equal(findings[0]?.reason, "snapshot is 91 days old (over 90)");
});
