import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { ResourceRecord } from "../../collectors/inventory/resource.js";
import { GIB, instanceDay, k8sNode, k8sPod, splitDay } from "../../test/helpers/k8s-rule.js";
import {
  type BillingRow,
  type Collection,
  cpu,
  daysAgo,
  findingsOfKind,
  instance,
  type KindFinding,
} from "../../test/helpers/rule-kind.js";

// NOW is 2024-10-15T00:00Z: the 7 days judged are 2024-10-08 to 2024-10-14 (CPU and split rows), and the
// inventory snapshots collected from 2024-10-08T00:00Z up to now. Every node has 4 cores and 16 GiB
// allocatable unless said otherwise; 30% of it is 1.2 cores, 4.8 GiB.

const kubernetes = { kubernetes: { cluster: "prod-eks", nodegroup: "general", nodepool: null } };
/** The EC2 instance of a node: known as a node by its tags (attrs.kubernetes) or not. */
const nodeInstance = (id: string, tagged = true) => instance(id, {}, tagged ? kubernetes : {});
const name = (id: string) => `n-${id.slice(2)}`;
const lowCpu = (id: string) => cpu(id, 7, 8, 5);
const ten = 10 * 1e9;

/** Nodes judged on the cluster's inventory (the latest snapshot), and the pods on them. */
const clusterNodes: ResourceRecord[] = [
  k8sNode(name("i-cpu-req-29.9"), "i-cpu-req-29.9"),
  k8sNode(name("i-cpu-req-30.0"), "i-cpu-req-30.0"),
  k8sNode(name("i-mem-req-29.9"), "i-mem-req-29.9", { memoryBytes: ten }),
  k8sNode(name("i-mem-req-30.0"), "i-mem-req-30.0", { memoryBytes: ten }),
  k8sNode(name("i-busy-quiet"), "i-busy-quiet"),
  k8sNode(name("i-daemons"), "i-daemons", { nodeGroup: null, nodePool: "spot-pool" }),
  k8sNode(name("i-cpu-9.9"), "i-cpu-9.9"),
  k8sNode(name("i-cpu-10.0"), "i-cpu-10.0"),
  k8sNode(name("i-no-cpu"), "i-no-cpu"),
  k8sNode(name("i-old-busy"), "i-old-busy"),
  k8sNode(name("i-mid-busy"), "i-mid-busy"),
  k8sNode(name("i-pending"), "i-pending"),
  k8sNode(name("i-many"), "i-many"),
  k8sNode(name("i-both"), "i-both"),
];
const pods: ResourceRecord[] = [
  // 1.196 of 4 cores (29.9%), 4 GiB of 16; a DaemonSet's 2 cores do not count, nor another cluster's
  // pod on a node of the same name, nor a pod that has finished.
  k8sPod("web", "api-1", name("i-cpu-req-29.9"), { cpuCores: 0.598, memoryBytes: 2 * GIB }),
  k8sPod("web", "api-2", name("i-cpu-req-29.9"), { cpuCores: 0.598, memoryBytes: 2 * GIB }),
  k8sPod("kube-system", "aws-node-a", name("i-cpu-req-29.9"), { cpuCores: 2, daemonSet: true }),
  k8sPod("web", "api-9", name("i-cpu-req-29.9"), { cpuCores: 3, cluster: "other-eks" }),
  k8sPod("batch", "job-1", name("i-cpu-req-29.9"), { cpuCores: 3, state: "succeeded" }),
  k8sPod("web", "api-3", name("i-cpu-req-30.0"), { cpuCores: 0.6 }),
  k8sPod("web", "api-4", name("i-cpu-req-30.0"), { cpuCores: 0.6 }),
  // Memory: 2.99 GB and 3.00 GB of 10 GB.
  k8sPod("web", "cache-1", name("i-mem-req-29.9"), { memoryBytes: 2.99e9 }),
  k8sPod("web", "cache-2", name("i-mem-req-30.0"), { memoryBytes: 3e9 }),
  // Requests 80% of the CPU, which stays quiet: busy to its autoscaler (the old rule flagged it).
  k8sPod("web", "reserved-1", name("i-busy-quiet"), { cpuCores: 3.2 }),
  // Busy daemons, a static pod, no workload: idle.
  k8sPod("kube-system", "aws-node-b", name("i-daemons"), {
    cpuCores: 3,
    memoryBytes: 12 * GIB,
    daemonSet: true,
  }),
  k8sPod("kube-system", "kube-proxy-b", name("i-daemons"), { cpuCores: 1, ownerKind: "Node" }),
  k8sPod("web", "api-5", name("i-cpu-9.9"), { cpuCores: 0.5 }),
  k8sPod("web", "api-6", name("i-cpu-10.0"), { cpuCores: 0.5 }),
  k8sPod("web", "api-7", name("i-no-cpu"), { cpuCores: 0.5 }),
  k8sPod("web", "api-8", name("i-old-busy"), { cpuCores: 0.5 }),
  k8sPod("web", "api-10", name("i-mid-busy"), { cpuCores: 0.5 }),
  // A pending pod holds its requests on the node it was scheduled to.
  k8sPod("web", "starting-1", name("i-pending"), { cpuCores: 2, state: "pending" }),
  ...Array.from({ length: 12 }, (_, i) =>
    k8sPod("tools", `t-${String(i + 1).padStart(2, "0")}`, name("i-many"), { cpuCores: 0.05 }),
  ),
  k8sPod("web", "api-11", name("i-both"), { cpuCores: 0.4 }),
];

/** Nodes judged on the bill (split rows of 3 days), on their CPU alone, or not nodes at all. */
const instances: ResourceRecord[] = [
  ...clusterNodes.map((n) => nodeInstance(String(n.attributes.instanceId))),
  // Known as nodes only by their split rows.
  nodeInstance("i-unused-70.1", false),
  nodeInstance("i-unused-69.9"),
  nodeInstance("i-unused-2-days", false),
  nodeInstance("i-unused-before", false),
  nodeInstance("i-ecs-host", false),
  nodeInstance("i-legacy-9.9"),
  nodeInstance("i-legacy-10.1"),
  nodeInstance("i-legacy-2-days"),
  nodeInstance("i-no-pods-run"),
  instance("i-plain"),
];

const metrics = [
  ...["i-cpu-req-29.9", "i-cpu-req-30.0", "i-mem-req-29.9", "i-mem-req-30.0", "i-daemons"].flatMap(lowCpu),
  ...["i-old-busy", "i-mid-busy", "i-pending", "i-many", "i-both", "i-no-pods-run"].flatMap(lowCpu),
  ...cpu("i-busy-quiet", 7, 4, 2),
  ...cpu("i-cpu-9.9", 7, 15, 9.9),
  ...cpu("i-cpu-10.0", 7, 15, 10),
  // Busy CPU does not clear the bill's verdict; quiet CPU does not make 69.9% unused idle.
  ...cpu("i-unused-70.1", 7, 80, 50),
  ...lowCpu("i-unused-69.9"),
  ...cpu("i-legacy-9.9", 7, 15, 9.9),
  ...cpu("i-legacy-10.1", 7, 15, 10.1),
  ...cpu("i-legacy-2-days", 2, 2, 1),
  ...lowCpu("i-plain"),
];

const days = (count: number, from = 1) => Array.from({ length: count }, (_, i) => from + i);
const bill: BillingRow[] = [
  ...days(3).flatMap((d) => splitDay("i-unused-70.1", d, { split: "0.299", unused: "0.701" })),
  ...days(3).flatMap((d) =>
    splitDay("i-unused-69.9", d, { split: "0.301", unused: "0.699", pods: ["web/a-1", "web/b-1"] }),
  ),
  ...days(2).flatMap((d) => splitDay("i-unused-2-days", d, { split: "0.1", unused: "0.9" })),
  // Wholly unused the week before; half used in the window.
  ...days(7, 8).flatMap((d) => splitDay("i-unused-before", d, { split: "0", unused: "1" })),
  ...days(3).flatMap((d) => splitDay("i-unused-before", d, { split: "0.5", unused: "0.5" })),
  // An ECS task's split rows name its container instance: not a Kubernetes node.
  ...days(3).flatMap((d) =>
    splitDay("i-ecs-host", d, { split: "0.05", unused: "0.95" }).map((row) => ({
      ...row,
      ResourceId: "arn:aws:ecs:us-east-1:111111111111:task/prod-ecs/0123456789abcdef0",
    })),
  ),
  ...days(3).flatMap((d) =>
    splitDay("i-both", d, {
      split: "0.2",
      unused: "0.8",
      node: name("i-both"),
      pods: ["web/api-11", "web/x"],
    }),
  ),
  // The node's own EC2 rows: its cost, what the finding saves.
  ...days(30).map((d) => instanceDay("i-both", d, "0.96")),
];

const collections: Collection[] = [
  // Outside the window: 90% requested, ignored.
  {
    at: new Date(daysAgo(8)),
    records: [
      k8sNode(name("i-old-busy"), "i-old-busy"),
      k8sPod("web", "big-1", name("i-old-busy"), { cpuCores: 3.6 }),
    ],
  },
  // In the window: half its CPU requested three days ago.
  {
    at: new Date(daysAgo(3)),
    records: [
      k8sNode(name("i-mid-busy"), "i-mid-busy"),
      k8sPod("web", "big-2", name("i-mid-busy"), { cpuCores: 2 }),
    ],
  },
  // A run whose pod collection failed: its node snapshot says nothing of requests.
  { at: new Date(daysAgo(2)), records: [k8sNode(name("i-no-pods-run"), "i-no-pods-run")] },
  { at: new Date(daysAgo(0.1)), records: [...instances, ...clusterNodes, ...pods], metrics },
];

describe("idle-k8s-node", () => {
  let findings: KindFinding[] = [];
  const of = (id: string) => findings.find((f) => f.resourceId === id);

  before(async () => {
    findings = await findingsOfKind("idle-k8s-node", collections, { billing: bill });
  });

  test("flags what the cluster, the bill or (knowing neither) the CPU says is idle, on both sides of each threshold", () => {
    assert.deepEqual(
      findings.map((f) => f.resourceId),
      [
        "i-both",
        "i-cpu-9.9",
        "i-cpu-req-29.9",
        "i-daemons",
        "i-legacy-9.9",
        "i-many",
        "i-mem-req-29.9",
        "i-no-pods-run",
        "i-old-busy",
        "i-unused-70.1",
      ],
    );
  });

  test("the cluster's verdict: requests under 30% of allocatable in every snapshot, CPU low", () => {
    assert.deepEqual(of("i-cpu-req-29.9")?.evidence, {
      source: "cluster",
      cluster: "prod-eks",
      node: "n-cpu-req-29.9",
      nodeGroup: "general",
      nodePool: null,
      requestedCpuPercent: 29.9,
      requestedMemoryPercent: 25,
      snapshots: 1,
      usedCpuPercent: 5,
      cpuDays: 7,
      unusedCost: null,
      unusedPercent: null,
      billDays: null,
      podsToMove: ["web/api-1", "web/api-2"],
      podsToMoveCount: 2,
    });
    assert.equal(of("i-mem-req-29.9")?.evidence.requestedMemoryPercent, 29.9);
    assert.equal(
      of("i-cpu-req-29.9")?.reason,
      "node n-cpu-req-29.9 (node group general, cluster prod-eks) looks idle: its non-daemonset pods request at most 29.9% of its CPU and 25.0% of its memory over 1 inventory snapshot(s), 2 pod(s) would move; mean CPU 5.0% over 7 days. Its autoscaler owns it: lower node group general's size",
    );
  });

  test("requests known and high, or no CPU data, or 69.9% unused: not idle, however quiet the CPU", () => {
    for (const id of [
      "i-busy-quiet",
      "i-pending",
      "i-no-cpu",
      "i-unused-69.9",
      "i-cpu-req-30.0",
      "i-mem-req-30.0",
    ])
      assert.equal(of(id), undefined, id);
  });

  test("busy daemons without workloads are idle; the nodepool names a Karpenter node", () => {
    const daemons = of("i-daemons");
    assert.deepEqual(
      [daemons?.evidence.requestedCpuPercent, daemons?.evidence.podsToMove, daemons?.evidence.nodePool],
      [0, [], "spot-pool"],
    );
    // Its labels, not its instance's tags (which this test gives a node group), name its owner.
    assert.match(daemons?.reason ?? "", /^node n-daemons \(nodepool spot-pool, cluster prod-eks\)/);
    assert.match(daemons?.reason ?? "", /Karpenter owns it: let nodepool spot-pool consolidate it$/);
  });

  test("the snapshots judged: the most requested in the window, none before it, none without pods", () => {
    assert.equal(of("i-old-busy")?.evidence.snapshots, 1);
    assert.equal(of("i-mid-busy"), undefined);
    assert.equal(of("i-no-pods-run")?.evidence.source, "cpu");
  });

  test("the pods that would move are listed up to 10, and counted", () => {
    const many = of("i-many")?.evidence;
    assert.equal(many?.podsToMoveCount, 12);
    assert.deepEqual(
      many?.podsToMove,
      Array.from({ length: 10 }, (_, i) => `tools/t-${String(i + 1).padStart(2, "0")}`),
    );
  });

  test("the bill's verdict: over 70% of the split cost unused, exactly, over at least 3 days in the window", () => {
    assert.deepEqual(of("i-unused-70.1")?.evidence, {
      source: "bill",
      cluster: "prod-eks",
      node: null,
      nodeGroup: null,
      nodePool: null,
      requestedCpuPercent: null,
      requestedMemoryPercent: null,
      snapshots: null,
      usedCpuPercent: 50,
      cpuDays: 7,
      unusedCost: "2.103",
      unusedPercent: 70.1,
      billDays: 3,
      podsToMove: null,
      podsToMoveCount: null,
    });
    assert.match(
      of("i-unused-70.1")?.reason ?? "",
      /70\.1% of its split cost went unused over 3 days \(2\.103 of 3\)/,
    );
  });

  test("both verdicts; the savings are the node's own cost", () => {
    const both = of("i-both");
    assert.deepEqual(
      [both?.evidence.source, both?.evidence.unusedCost, both?.evidence.unusedPercent, both?.evidence.node],
      ["both", "2.4", 80, "n-both"],
    );
    assert.ok(both?.monthlyCost);
    assert.equal(both?.savings, both?.monthlyCost);
  });

  test("CPU alone judges only a node neither the cluster nor the bill covers", () => {
    assert.deepEqual(of("i-legacy-9.9")?.evidence, {
      source: "cpu",
      cluster: "prod-eks",
      node: null,
      nodeGroup: "general",
      nodePool: null,
      requestedCpuPercent: null,
      requestedMemoryPercent: null,
      snapshots: null,
      usedCpuPercent: 9.9,
      cpuDays: 7,
      unusedCost: null,
      unusedPercent: null,
      billDays: null,
      podsToMove: null,
      podsToMoveCount: null,
    });
    assert.match(of("i-legacy-9.9")?.reason ?? "", /requests are unknown/);
  });

  test("a lower threshold is honoured in DECIMAL", async () => {
    const flagged = await findingsOfKind("idle-k8s-node", collections, {
      billing: bill,
      params: { minUnusedPercent: 69.85, maxRequestedPercent: 30.01 },
    });
    const ids = flagged.map((f) => f.resourceId);
    assert.ok(ids.includes("i-unused-69.9") && ids.includes("i-cpu-req-30.0"), ids.join(" "));
  });
});
