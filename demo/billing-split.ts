/**
 * EKS split cost allocation rows of the demo bill: for each day a Kubernetes node runs, each of its pods
 * gets two rows (CPU: usage type EKS-EC2-vCPU-Hours; memory: EKS-EC2-GB-Hours), as AWS's split cost
 * allocation data has them. They bill nothing (BilledCost, EffectiveCost and ListCost 0): the node's EC2
 * row keeps its cost, and the x_Split* columns say how it divides.
 *
 * The node's EffectiveCost for the day splits into a CPU part and a memory part by the weight of a vCPU
 * against a GiB (9 to 1). Each pod's split cost of a part is that part times its share of the node's
 * capacity: the larger of what it requests and what it uses (AWS's split usage); the rest of the part
 * is the unused cost, shared among the pods by their split usage. All in integer units of 1e-10, so per
 * node-day Σ split cost + Σ unused cost is the node's EffectiveCost to the last digit. The public
 * on-demand columns split the node's ListCost the same way.
 */
import type { Charge, Emit, Subject } from "./billing-rows.js";
import type { Account, Estate, Instance, KubernetesPod } from "./estate.js";
import { SERVICES } from "./meters.js";
import { INSTANCE_TYPES, USAGE_PREFIX } from "./prices.js";

/** The x_Split* values of a pod's row; money in units of 1e-10. */
export interface SplitFields {
  parentResourceId: string;
  cost: number;
  unusedCost: number;
  publicOnDemandCost: number;
  publicOnDemandUnusedCost: number;
  usage: number;
  reservedUsage: number;
  actualUsage: number;
  usageRatio: number;
}

/** A vCPU weighs as much as this many GiB when a node's cost is split between CPU and memory. */
const CPU_WEIGHT = 9;

interface PodUse {
  pod: KubernetesPod;
  subject: Subject;
  /** Requested and used, in vCPU and GiB. */
  reserved: [number, number];
  actual: [number, number];
}

export class SplitBiller {
  private readonly podsByNode = new Map<string, PodUse[]>();

  constructor(estate: Estate) {
    const accounts = new Map<string, Account>(estate.accounts.map((a) => [a.id, a]));
    for (const pod of estate.kubernetesPods) {
      const reserved: [number, number] = [pod.requests.cpuMillicores / 1000, pod.requests.memoryMib / 1024];
      const use = {
        pod,
        subject: podSubject(pod, accounts.get(pod.account) as Account),
        reserved,
        actual: reserved.map((r) => r * pod.usageOfRequests) as [number, number],
      };
      this.podsByNode.set(pod.instanceId, [...(this.podsByNode.get(pod.instanceId) ?? []), use]);
    }
  }

  /** The split rows of a node's day, from the node's own charge for it. */
  charges(node: Instance, nodeCharge: Charge, emit: Emit): void {
    const pods = this.podsByNode.get(node.id);
    const hours = nodeCharge.quantity ?? 0;
    if (!pods || hours === 0) return;
    const type = INSTANCE_TYPES[node.instanceType] ?? { vcpu: 2, memoryGib: 8 };
    const capacity = [type.vcpu, type.memoryGib];
    const cpuShare = (type.vcpu * CPU_WEIGHT) / (type.vcpu * CPU_WEIGHT + type.memoryGib);
    const prefix = USAGE_PREFIX[node.region] ?? "";
    for (const [resource, unit] of [
      [0, "vCPU"],
      [1, "GB"],
    ] as const) {
      const used = pods.map((p) => Math.max(p.reserved[resource], p.actual[resource]));
      const split = (total: number) => {
        const cpuPart = Math.round(total * cpuShare);
        return divide(resource === 0 ? cpuPart : total - cpuPart, used, capacity[resource] ?? 1);
      };
      const effective = split(nodeCharge.effective);
      const list = split(nodeCharge.list);
      for (const [i, p] of pods.entries()) {
        const usage = round6((used[i] ?? 0) * hours);
        emit({
          subject: p.subject,
          service: SERVICES.eks,
          usageType: `${prefix}EKS-EC2-${unit}-Hours`,
          description: `${unit === "vCPU" ? "vCPU" : "Memory"} of EKS pod ${p.pod.namespace}/${p.pod.name} on ${p.pod.nodeName}`,
          category: "Usage",
          frequency: "Usage-Based",
          pricingCategory: "Standard",
          unit: `${unit}-Hours`,
          quantity: usage,
          listUnitPrice: null,
          list: 0,
          billed: 0,
          effective: 0,
          commitment: null,
          split: {
            parentResourceId: node.billingId,
            cost: effective.split[i] ?? 0,
            unusedCost: effective.unused[i] ?? 0,
            publicOnDemandCost: list.split[i] ?? 0,
            publicOnDemandUnusedCost: list.unused[i] ?? 0,
            usage,
            reservedUsage: round6(p.reserved[resource] * hours),
            actualUsage: round6(p.actual[resource] * hours),
            usageRatio: round6((used[i] ?? 0) / (capacity[resource] ?? 1)),
          },
        });
      }
    }
  }
}

/**
 * A part of a node's cost among its pods: each pod its share of the capacity (rounded down), and what
 * is left, the unused cost, by the same shares; the last pod takes the remainder, so the two lists add
 * up to `part` exactly.
 */
function divide(part: number, used: number[], capacity: number): { split: number[]; unused: number[] } {
  const split = used.map((u) => Math.floor((part * u) / capacity));
  const unusedTotal = part - split.reduce((t, s) => t + s, 0);
  const usedTotal = used.reduce((t, u) => t + u, 0);
  const unused = used.map((u) => Math.floor((unusedTotal * u) / usedTotal));
  const last = unused.length - 1;
  unused[last] = unusedTotal - unused.slice(0, last).reduce((t, s) => t + s, 0);
  return { split, unused };
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

function podSubject(pod: KubernetesPod, account: Account): Subject {
  return {
    account,
    region: pod.region,
    availabilityZone: null,
    resourceId: pod.id,
    resourceName: pod.name,
    resourceType: "pod",
    // The split cost allocation tags AWS adds, and the team label the teams' namespaces carry.
    tags: {
      "aws:eks:cluster-name": pod.cluster,
      "aws:eks:namespace": pod.namespace,
      "aws:eks:node": pod.nodeName,
      "aws:eks:workload-name": pod.workloadName,
      "aws:eks:workload-type": pod.workloadType,
      ...(pod.team ? { team: pod.team } : {}),
    },
  };
}
