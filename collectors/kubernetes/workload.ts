import type { V1Pod } from "@kubernetes/client-node";

/** Who runs a pod: its controller (a ReplicaSet), and the workload people name it by (a Deployment). */
export interface PodWorkload {
  ownerKind: string | null;
  ownerName: string | null;
  workloadKind: string;
  workloadName: string;
  daemonSet: boolean;
}

/** Minutes since the epoch of 2015-01-01: older "scheduled minutes" in a Job's name are not a CronJob's. */
const CRONJOB_EPOCH_MINUTES = Date.UTC(2015, 0, 1) / 60_000;

/**
 * The pod's workload, without listing ReplicaSets or Jobs (which would need more permissions): a ReplicaSet
 * named DEPLOYMENT-HASH, where HASH is the pod's pod-template-hash label, is its Deployment's; a Job named
 * CRONJOB-MINUTES, where MINUTES is a plausible scheduled time (the CronJob controller names its Jobs by
 * their scheduled minute since the epoch), is its CronJob's; any other controller is the workload itself,
 * and a pod without one (a bare pod) is its own.
 */
export function podWorkload(pod: V1Pod, now: Date): PodWorkload {
  const name = pod.metadata?.name ?? "";
  const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller === true);
  if (!owner) {
    return { ownerKind: null, ownerName: null, workloadKind: "Pod", workloadName: name, daemonSet: false };
  }
  const base = { ownerKind: owner.kind, ownerName: owner.name, daemonSet: owner.kind === "DaemonSet" };
  if (owner.kind === "ReplicaSet") {
    const hash = pod.metadata?.labels?.["pod-template-hash"];
    if (hash && owner.name.endsWith(`-${hash}`) && owner.name.length > hash.length + 1) {
      return { ...base, workloadKind: "Deployment", workloadName: owner.name.slice(0, -(hash.length + 1)) };
    }
  }
  if (owner.kind === "Job") {
    const scheduled = /^(.+)-(\d{8,10})$/.exec(owner.name);
    const minutes = Number(scheduled?.[2]);
    if (scheduled?.[1] && minutes >= CRONJOB_EPOCH_MINUTES && minutes <= now.getTime() / 60_000 + 60 * 24) {
      return { ...base, workloadKind: "CronJob", workloadName: scheduled[1] };
    }
  }
  return { ...base, workloadKind: owner.kind, workloadName: owner.name };
}
