import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, daysAgo, findingsOfKind, volume } from "../../test/helpers/rule-kind.js";

test("unattached-volume: 7 days or more, counted from the last time it was seen attached", async () => {
  const findings = await findingsOfKind("unattached-volume", [
    // An earlier collection saw vol-detached-3d attached three days ago.
    {
      records: [volume("vol-detached-3d", "in-use", {}, { createdAt: daysAgo(100) })],
      at: new Date(daysAgo(3)),
    },
    collected([
      volume("vol-available-8d", "available", {}, { createdAt: daysAgo(8) }),
      volume("vol-available-7d", "available", {}, { createdAt: daysAgo(7) }),
      volume("vol-available-6d", "available", {}, { createdAt: daysAgo(6) }),
      volume("vol-detached-3d", "available", {}, { createdAt: daysAgo(100) }),
      volume("vol-in-use", "in-use", {}, { createdAt: daysAgo(100) }),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["vol-available-7d", "vol-available-8d"],
  );
  assert.equal(findings[1]?.reason, "unattached for 8 days (50 GiB gp3)");
});
