import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, resource } from "../../test/helpers/rule-kind.js";

test("unassociated-eip: an address associated with nothing", async () => {
  const findings = await findingsOfKind("unassociated-eip", [
    collected([
      resource("ec2:elastic-ip", "eipalloc-free", {
        state: "unassociated",
        attributes: { publicIp: "198.51.100.7" },
      }),
      resource("ec2:elastic-ip", "eipalloc-used", {
        state: "associated",
        attributes: { publicIp: "198.51.100.8" },
      }),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["eipalloc-free"],
  );
  assert.equal(findings[0]?.reason, "Elastic IP 198.51.100.7 is not associated");
});
