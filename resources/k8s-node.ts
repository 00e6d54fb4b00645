import type { ResourceDescriptor } from "./types.js";

/**
 * A Kubernetes node, as the cluster's API server reports it (collectors/kubernetes). Its cost is its EC2
 * instance's (attributes.instanceId, from the node's providerID): the node itself has no price basis.
 *
 * Its id, arn:aws:eks:REGION:ACCOUNT:node/CLUSTER/NODE, is finops's own name, not an ARN AWS issues: it
 * is shaped like the pod ids AWS's split cost allocation rows carry (arn:...:pod/CLUSTER/NAMESPACE/POD/UID)
 * so that a node name, unique only in its cluster, stays unique across clusters and accounts.
 */
export const k8sNode: ResourceDescriptor = {
  type: "eks:node",
  displayName: { one: "Kubernetes node", many: "Kubernetes nodes" },
  id: {
    pattern: /^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:node\/[A-Za-z0-9][A-Za-z0-9_-]*\/[a-z0-9][a-z0-9.-]*$/,
    example: "arn:aws:eks:eu-west-1:111122223333:node/prod-eks/ip-10-0-1-17.ec2.internal",
  },
  arn: { service: "eks", arnType: "node", scope: "regional", idIsArn: true },
  attributes: {
    cluster: "VARCHAR",
    name: "VARCHAR",
    instanceId: "VARCHAR",
    allocatableCpuCores: "DOUBLE",
    allocatableMemoryBytes: "DOUBLE",
    /** Label eks.amazonaws.com/nodegroup: the managed node group that owns it. */
    nodeGroup: "VARCHAR",
    /** Label karpenter.sh/nodepool: the Karpenter node pool that launched it. */
    nodePool: "VARCHAR",
    capacityType: "VARCHAR",
    instanceType: "VARCHAR",
  },
  consoleUrl: (region, id) => {
    const [cluster = "", node = ""] = id.split(":node/")[1]?.split("/") ?? [];
    return `https://console.aws.amazon.com/eks/home?region=${encodeURIComponent(region)}#/clusters/${encodeURIComponent(cluster)}/nodes/${encodeURIComponent(node)}`;
  },
};
