import type { ResourceDescriptor } from "./types.js";

/**
 * A Kubernetes pod, as the cluster's API server reports it (collectors/kubernetes). Its id is the one
 * AWS's split cost allocation rows carry for it (arn:aws:eks:REGION:ACCOUNT:pod/CLUSTER/NAMESPACE/POD/UID),
 * so a pod in inventory and its split cost rows in billing join by id. It bills nothing itself: its node
 * does, and the split rows say what part of the node's cost it used.
 */
export const k8sPod: ResourceDescriptor = {
  type: "eks:pod",
  displayName: { one: "Kubernetes pod", many: "Kubernetes pods" },
  id: {
    pattern:
      /^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:pod\/[A-Za-z0-9][A-Za-z0-9_-]*\/[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9.-]*\/[0-9a-f-]+$/,
    example:
      "arn:aws:eks:eu-west-1:111122223333:pod/prod-eks/payments/api-7d9f8c6b5-x2x4q/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
  },
  arn: { service: "eks", arnType: "pod", scope: "regional", idIsArn: true },
  attributes: {
    cluster: "VARCHAR",
    namespace: "VARCHAR",
    name: "VARCHAR",
    uid: "VARCHAR",
    /** spec.nodeName; NULL while unscheduled. */
    node: "VARCHAR",
    /** The pod's effective requests, as the scheduler counts them (containers, init containers, overhead). */
    requestsCpuCores: "DOUBLE",
    requestsMemoryBytes: "DOUBLE",
    ownerKind: "VARCHAR",
    ownerName: "VARCHAR",
    /** The workload that owns it: a ReplicaSet's Deployment, a Job's CronJob, else the owner itself. */
    workloadKind: "VARCHAR",
    workloadName: "VARCHAR",
    daemonSet: "BOOLEAN",
    priorityClassName: "VARCHAR",
  },
  consoleUrl: (region, id) => {
    const [cluster = "", namespace = "", pod = ""] = id.split(":pod/")[1]?.split("/") ?? [];
    return `https://console.aws.amazon.com/eks/home?region=${encodeURIComponent(region)}#/clusters/${encodeURIComponent(cluster)}/pods/${encodeURIComponent(pod)}?namespace=${encodeURIComponent(namespace)}`;
  },
};
