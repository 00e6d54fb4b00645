import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildEstate, DEMO_SEED } from "../demo/estate.js";
import { nodeAllocatable } from "../demo/estate-pods.js";
import { TEAMS } from "../demo/teams.js";
import { k8sPod } from "../resources/k8s-pod.js";

// The pods of the demo estate's Kubernetes nodes (demo/estate-pods.ts), which the bill's split rows name
// and a Kubernetes API replay is to serve.

type Pod = ReturnType<typeof buildEstate>["kubernetesPods"][number];

function podsByNode(pods: Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) byNode.set(p.instanceId, [...(byNode.get(p.instanceId) ?? []), p]);
  return byNode;
}

describe("the demo estate's Kubernetes pods", () => {
  const estate = buildEstate(DEMO_SEED, new Date("2024-09-18T12:00:00Z"));
  const pods = estate.kubernetesPods;
  const nodes = estate.instances.filter((i) => i.kubernetes);

  test("come from the seed alone: the same for another anchor, and the rest of the estate unchanged", () => {
    const later = buildEstate(DEMO_SEED, new Date("2025-01-10T00:00:00Z"));
    const strip = (p: Pod) => ({ ...p, createdAt: "", deletedAt: "" });
    assert.deepEqual(later.kubernetesPods.map(strip), pods.map(strip));
    assert.ok(pods.length > 1000, `${pods.length} pods`);
  });

  test("every node has pods, and they fit its allocatable CPU and memory", () => {
    const byNode = podsByNode(pods);
    for (const node of nodes) {
      const mine = byNode.get(node.id) ?? [];
      assert.ok(mine.length >= 6, `${node.id}: ${mine.length} pods`);
      const allocatable = nodeAllocatable(node.instanceType);
      const cpu = mine.reduce((t, p) => t + p.requests.cpuMillicores, 0);
      const memory = mine.reduce((t, p) => t + p.requests.memoryMib, 0);
      assert.ok(cpu <= allocatable.cpuMillicores, `${node.id}: ${cpu}m CPU requested`);
      assert.ok(memory <= allocatable.memoryMib, `${node.id}: ${memory}Mi requested`);
      for (const p of mine) {
        assert.equal(p.cluster, node.kubernetes?.cluster);
        assert.equal(p.createdAt, node.createdAt);
        assert.equal(p.deletedAt, node.deletedAt);
        assert.match(p.nodeName, /^ip-10-\d+-\d+-\d+\.(ec2|eu-west-1\.compute)\.internal$/);
      }
    }
  });

  test("ids as split cost rows carry them, unique; names unique in their namespace; namespaces of the teams", () => {
    for (const p of pods) assert.match(p.id, k8sPod.id.pattern);
    assert.equal(new Set(pods.map((p) => p.id)).size, pods.length);
    assert.equal(new Set(pods.map((p) => `${p.cluster}/${p.namespace}/${p.name}`)).size, pods.length);
    const namespaces = new Set(pods.map((p) => p.namespace));
    assert.ok(namespaces.has("kube-system"));
    const teams = new Set(TEAMS.map((t) => t.name));
    for (const ns of namespaces) assert.ok(ns === "kube-system" || teams.has(ns), ns);
    assert.deepEqual(
      new Set(pods.map((p) => p.workloadType)),
      new Set(["DaemonSet", "Deployment", "StatefulSet"]),
    );
  });

  test("idle nodes run DaemonSets only; so does one node whose DaemonSets are busy", () => {
    const byNode = podsByNode(pods);
    const daemonSetsOnly = nodes.filter((n) =>
      (byNode.get(n.id) ?? []).every((p) => p.workloadType === "DaemonSet"),
    );
    const idle = nodes.filter((n) => n.utilization.profile === "idle");
    assert.ok(idle.length >= 2);
    for (const n of idle) assert.ok(daemonSetsOnly.includes(n), n.id);
    const busy = daemonSetsOnly.filter((n) => (byNode.get(n.id) ?? []).every((p) => p.usageOfRequests > 1.5));
    assert.equal(busy.length, 1);
  });
});
