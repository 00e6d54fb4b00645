import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, daysAgo, findingsOfKind, instance, TAGS } from "../../test/helpers/rule-kind.js";

test("expired: an expires-at that has passed, a ttl elapsed since creation", async () => {
  const findings = await findingsOfKind("expired", [
    collected([
      instance("i-expires-past", { tags: { ...TAGS, "expires-at": daysAgo(1 / 24) } }),
      instance("i-expires-future", { tags: { ...TAGS, "expires-at": daysAgo(-1 / 24) } }),
      instance("i-ttl-36h-37h-old", { createdAt: daysAgo(37 / 24), tags: { ...TAGS, ttl: "36h" } }),
      instance("i-ttl-36h-35h-old", { createdAt: daysAgo(35 / 24), tags: { ...TAGS, ttl: "36h" } }),
      instance("i-untagged"),
      instance("i-expires-not-a-date", { tags: { ...TAGS, "expires-at": "soon" } }),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["i-expires-past", "i-ttl-36h-37h-old"],
  );
  assert.equal(
    findings.find((f) => f.resourceId === "i-ttl-36h-37h-old")?.reason,
    "ttl 36h elapsed at 2024-10-14T23:00:00Z",
  );
});
