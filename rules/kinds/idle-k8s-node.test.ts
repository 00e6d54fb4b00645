import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, cpu, findingsOfKind, instance } from "../../test/helpers/rule-kind.js";

test("idle-k8s-node: mean daily average CPU under 10% over at least 3 days of 7", async () => {
  const node = (id: string) => instance(id, {}, { kubernetes: { cluster: "prod-eks" } });
  const findings = await findingsOfKind("idle-k8s-node", [
    collected(
      [
        node("i-node-9.9"),
        node("i-node-10.1"),
        node("i-node-3-days"),
        node("i-node-2-days"),
        instance("i-plain"),
      ],
      [
        ...cpu("i-node-9.9", 7, 30, 9.9),
        ...cpu("i-node-10.1", 7, 30, 10.1),
        ...cpu("i-node-3-days", 3, 30, 1),
        ...cpu("i-node-2-days", 2, 30, 1),
        // Not a Kubernetes node: idle-instance's, not this rule's.
        ...cpu("i-plain", 7, 1, 1),
      ],
    ),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["i-node-3-days", "i-node-9.9"],
  );
  assert.deepEqual(findings.find((f) => f.resourceId === "i-node-9.9")?.evidence, {
    cluster: "prod-eks",
    days: 7,
    meanCpuPercent: 9.9,
  });
});
