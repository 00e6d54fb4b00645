import type { V1Node } from "@kubernetes/client-node";
import { arnOf } from "../../resources/arn.js";
import { k8sNode } from "../../resources/k8s-node.js";
import { iso, type ResourceRecord } from "../inventory/resource.js";
import { type ClusterName, type KubernetesCollector, listAll } from "./cluster.js";
import { quantityOrZero } from "./quantity.js";

/**
 * A cluster's nodes (one list call, every page): allocatable CPU and memory, the EC2 instance behind each
 * (its providerID), and the node group or Karpenter node pool that launched it, from its labels.
 */
export const kubernetesNodes: KubernetesCollector = {
  name: "inventory:kubernetes-nodes",
  resource: k8sNode,
  rbac: [{ apiGroups: [""], resources: ["nodes"], verbs: ["list"] }],
  async collect(scope) {
    const nodes = await listAll<V1Node>(scope, "ListNodes", (api, page, options) =>
      api.listNode(page, options),
    );
    return nodes.map((node) => nodeRecord(scope.cluster, node));
  },
};

/** aws:///us-east-1a/i-0abc -> i-0abc; another provider's id (kind://, Fargate's) names no instance. */
export function instanceIdOf(providerId: string | undefined): string | null {
  return /^aws:\/\/\/[^/]*\/(i-[0-9a-f]{8,17})$/.exec(providerId ?? "")?.[1] ?? null;
}

function nodeRecord(cluster: ClusterName, node: V1Node): ResourceRecord {
  const name = node.metadata?.name ?? "";
  const labels: Record<string, string> = { ...(node.metadata?.labels ?? {}) };
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  const allocatable = node.status?.allocatable ?? {};
  return {
    resourceId: arnOf(k8sNode, {
      region: cluster.region,
      account: cluster.account,
      id: `${cluster.name}/${name}`,
    }),
    resourceType: k8sNode.type,
    account: cluster.account,
    region: cluster.region,
    state: ready?.status === "True" ? "ready" : "not-ready",
    // When the node last became ready or not: how long a not-ready node has been so.
    stateSince: iso(ready?.lastTransitionTime),
    createdAt: iso(node.metadata?.creationTimestamp),
    tags: labels,
    attributes: {
      cluster: cluster.name,
      name,
      instanceId: instanceIdOf(node.spec?.providerID),
      allocatableCpuCores: quantityOrZero(allocatable.cpu),
      allocatableMemoryBytes: quantityOrZero(allocatable.memory),
      nodeGroup: labels["eks.amazonaws.com/nodegroup"] ?? null,
      nodePool: labels["karpenter.sh/nodepool"] ?? null,
      capacityType: labels["eks.amazonaws.com/capacityType"] ?? labels["karpenter.sh/capacity-type"] ?? null,
      instanceType: labels["node.kubernetes.io/instance-type"] ?? null,
    },
  };
}
