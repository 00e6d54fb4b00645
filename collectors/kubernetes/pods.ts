import type { V1Pod } from "@kubernetes/client-node";
import { arnOf } from "../../resources/arn.js";
import { k8sPod } from "../../resources/k8s-pod.js";
import { iso, type ResourceRecord } from "../inventory/resource.js";
import { type ClusterName, type KubernetesCollector, listAll } from "./cluster.js";
import { podRequests } from "./requests.js";
import { podWorkload } from "./workload.js";

/**
 * A cluster's pods in every namespace (one list call, every page): phase, node, effective requests and
 * the workload that runs each. Its id is the one split cost allocation rows carry, so they join.
 */
export const kubernetesPods: KubernetesCollector = {
  name: "inventory:kubernetes-pods",
  resource: k8sPod,
  rbac: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
  async collect(scope) {
    const pods = await listAll<V1Pod>(scope, "ListPods", (api, page, options) =>
      api.listPodForAllNamespaces(page, options),
    );
    return pods.map((pod) => podRecord(scope.cluster, pod, scope.now));
  },
};

function podRecord(cluster: ClusterName, pod: V1Pod, now: Date): ResourceRecord {
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  const uid = pod.metadata?.uid ?? "";
  const requests = podRequests(pod);
  return {
    resourceId: arnOf(k8sPod, {
      region: cluster.region,
      account: cluster.account,
      id: `${cluster.name}/${namespace}/${name}/${uid}`,
    }),
    resourceType: k8sPod.type,
    account: cluster.account,
    region: cluster.region,
    // A pod the API server has accepted but no kubelet has reported on yet has no phase: it is pending.
    state: (pod.status?.phase ?? "Pending").toLowerCase(),
    stateSince: null,
    createdAt: iso(pod.metadata?.creationTimestamp),
    tags: { ...(pod.metadata?.labels ?? {}) },
    attributes: {
      cluster: cluster.name,
      namespace,
      name,
      uid,
      node: pod.spec?.nodeName ?? null,
      requestsCpuCores: requests.cpuCores,
      requestsMemoryBytes: requests.memoryBytes,
      ...podWorkload(pod, now),
      priorityClassName: pod.spec?.priorityClassName ?? null,
    },
  };
}
