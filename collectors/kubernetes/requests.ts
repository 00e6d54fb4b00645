import type { V1Pod } from "@kubernetes/client-node";
import { quantityOrZero } from "./quantity.js";

/** A pod's effective requests: what the scheduler reserves for it on its node. */
export interface PodRequests {
  cpuCores: number;
  memoryBytes: number;
}

type Requests = Record<string, string> | undefined;

/**
 * The pod's requests as the scheduler counts them (apimachinery's resourcehelper.PodRequests): the sum of
 * its containers, or the largest init container if that is more, plus the RuntimeClass overhead. Sidecars
 * (init containers with restartPolicy Always) keep running: they add to the containers' sum, and to every
 * init container that starts after them. Pod-level requests (spec.resources), where set, are the pod's.
 */
export function podRequests(pod: V1Pod): PodRequests {
  return {
    cpuCores: effective(pod, (requests) => quantityOrZero(requests?.cpu)),
    memoryBytes: effective(pod, (requests) => quantityOrZero(requests?.memory)),
  };
}

function effective(pod: V1Pod, amount: (requests: Requests) => number): number {
  const spec = pod.spec;
  const podLevel = spec?.resources?.requests;
  const overhead = amount(spec?.overhead);
  if (podLevel && amount(podLevel) > 0) return amount(podLevel) + overhead;
  let containers = 0;
  for (const container of spec?.containers ?? []) containers += amount(container.resources?.requests);
  let sidecars = 0;
  let initMax = 0;
  for (const init of spec?.initContainers ?? []) {
    const own = amount(init.resources?.requests);
    if (init.restartPolicy === "Always") {
      containers += own;
      sidecars += own;
      initMax = Math.max(initMax, sidecars);
    } else {
      initMax = Math.max(initMax, own + sidecars);
    }
  }
  return Math.max(containers, initMax) + overhead;
}
