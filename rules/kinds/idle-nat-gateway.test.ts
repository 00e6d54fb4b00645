import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, resource, series } from "../../test/helpers/rule-kind.js";

test("idle-nat-gateway: no bytes out in 14 days, at least 7 days of data", async () => {
  const gateway = (id: string, state = "available") => resource("ec2:nat-gateway", id, { state });
  const bytesOut = (id: string, days: number) =>
    series(id, "AWS/NATGateway", "BytesOutToDestination", days, { sum: 0 });
  const findings = await findingsOfKind("idle-nat-gateway", [
    collected(
      [
        gateway("nat-idle"),
        gateway("nat-1-byte"),
        gateway("nat-7-days"),
        gateway("nat-6-days"),
        gateway("nat-deleted", "deleted"),
      ],
      [
        ...bytesOut("nat-idle", 14),
        ...bytesOut("nat-1-byte", 14).map((d, i) => (i === 0 ? { ...d, sum: 1 } : d)),
        ...bytesOut("nat-7-days", 7),
        ...bytesOut("nat-6-days", 6),
        ...bytesOut("nat-deleted", 14),
      ],
    ),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["nat-7-days", "nat-idle"],
  );
});
