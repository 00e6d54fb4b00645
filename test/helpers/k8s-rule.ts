import type { ResourceRecord } from "../../collectors/inventory/resource.js";
import { ACCOUNT, type BillingRow, daysAgo, REGION, resource } from "./rule-kind.js";

// Kubernetes inventory rows (eks:node, eks:pod, as the kubernetes collectors store them) and CUR 2.0
// split cost rows (as collectors/billing/cur2-split.ts loads them), for the rules that read them.

export const CLUSTER = "prod-eks";
export const GIB = 1_073_741_824;

export interface NodeShape {
  cluster?: string;
  cpuCores?: number;
  memoryBytes?: number;
  nodeGroup?: string | null;
  nodePool?: string | null;
}

/** An eks:node whose EC2 instance is `instanceId`; 4 cores and 16 GiB allocatable unless told. */
export function k8sNode(name: string, instanceId: string | null, shape: NodeShape = {}): ResourceRecord {
  const cluster = shape.cluster ?? CLUSTER;
  const nodeGroup = shape.nodeGroup === undefined ? "general" : shape.nodeGroup;
  const nodePool = shape.nodePool ?? null;
  return resource("eks:node", `arn:aws:eks:${REGION}:${ACCOUNT}:node/${cluster}/${name}`, {
    state: "ready",
    tags: {
      ...(nodeGroup ? { "eks.amazonaws.com/nodegroup": nodeGroup } : {}),
      ...(nodePool ? { "karpenter.sh/nodepool": nodePool } : {}),
    },
    attributes: {
      cluster,
      name,
      instanceId,
      allocatableCpuCores: shape.cpuCores ?? 4,
      allocatableMemoryBytes: shape.memoryBytes ?? 16 * GIB,
      nodeGroup,
      nodePool,
      capacityType: "ON_DEMAND",
      instanceType: "m5.xlarge",
    },
  });
}

export interface PodShape {
  cluster?: string;
  cpuCores?: number;
  memoryBytes?: number;
  daemonSet?: boolean;
  ownerKind?: string;
  state?: string;
}

let uid = 0;

/** An eks:pod `namespace/name` scheduled on `node` (a node name), running, owned by a ReplicaSet unless told. */
export function k8sPod(namespace: string, name: string, node: string | null, shape: PodShape = {}) {
  const cluster = shape.cluster ?? CLUSTER;
  const ownerKind = shape.ownerKind ?? (shape.daemonSet ? "DaemonSet" : "ReplicaSet");
  const id = `0b1c2d3e-0000-4000-8000-${String(++uid).padStart(12, "0")}`;
  return resource("eks:pod", `arn:aws:eks:${REGION}:${ACCOUNT}:pod/${cluster}/${namespace}/${name}/${id}`, {
    state: shape.state ?? "running",
    tags: { app: name },
    attributes: {
      cluster,
      namespace,
      name,
      uid: id,
      node,
      requestsCpuCores: shape.cpuCores ?? 0.1,
      requestsMemoryBytes: shape.memoryBytes ?? 128 * 1024 * 1024,
      ownerKind,
      ownerName: `${name}-owner`,
      workloadKind: ownerKind === "ReplicaSet" ? "Deployment" : ownerKind,
      workloadName: name,
      daemonSet: shape.daemonSet ?? false,
      priorityClassName: null,
    },
  });
}

/** The UTC day `n` days before NOW, YYYY-MM-DD. */
export const dayAgo = (n: number) => daysAgo(n).slice(0, 10);

/**
 * One day's split rows of a node's pods (CUR 2.0's pod rows: nothing billed, the split and unused cost
 * in x_Split*), `daysBack` days before NOW: `split` and `unused` spread over the given pods (the last
 * pod takes the rest, so the day sums exactly).
 */
export function splitDay(
  instanceId: string,
  daysBack: number,
  figures: { split: string; unused: string; pods?: string[]; cluster?: string; node?: string },
): BillingRow[] {
  const pods = figures.pods ?? ["web/web-1"];
  const cluster = figures.cluster ?? CLUSTER;
  const share = (total: string, i: number) =>
    i === pods.length - 1 ? rest(total, pods.length) : part(total, pods.length);
  return pods.map((pod, i) => ({
    ...day(daysBack),
    BilledCost: "0",
    EffectiveCost: "0",
    ChargeCategory: "Usage",
    ServiceName: "Amazon Elastic Kubernetes Service",
    ResourceId: `arn:aws:eks:${REGION}:${ACCOUNT}:pod/${cluster}/${pod}/0b1c2d3e-${i}`,
    Tags: JSON.stringify({
      "aws:eks:cluster-name": cluster,
      "aws:eks:namespace": pod.split("/")[0],
      "aws:eks:workload-name": pod.split("/")[1],
      ...(figures.node ? { "aws:eks:node": figures.node } : {}),
    }),
    x_SplitParentResourceId: instanceId,
    x_SplitCost: share(figures.split, i),
    x_SplitUnusedCost: share(figures.unused, i),
  }));
}

/** One day's EC2 row of a node instance, `daysBack` days before NOW: its full cost. */
export function instanceDay(instanceId: string, daysBack: number, cost: string): BillingRow {
  return {
    ...day(daysBack),
    BilledCost: cost,
    EffectiveCost: cost,
    ListCost: cost,
    ChargeCategory: "Usage",
    ServiceName: "Amazon Elastic Compute Cloud",
    ResourceId: instanceId,
  };
}

function day(daysBack: number): BillingRow {
  const start = dayAgo(daysBack);
  return {
    ChargePeriodStart: `${start} 00:00:00`,
    ChargePeriodEnd: `${dayAgo(daysBack - 1)} 00:00:00`,
    BillingPeriodStart: `${start.slice(0, 7)}-01 00:00:00`,
    BillingCurrency: "USD",
    ProviderName: "AWS",
    SubAccountId: ACCOUNT,
    RegionId: REGION,
  };
}

// Exact shares of a decimal amount in micro-units: each of `n` parts but the last, and the last (the rest).
const MICRO = 1_000_000n;
const micros = (amount: string) => {
  const [whole = "0", fraction = ""] = amount.split(".");
  return BigInt(whole) * MICRO + BigInt(fraction.padEnd(6, "0").slice(0, 6));
};
const text = (value: bigint) => `${value / MICRO}.${String(value % MICRO).padStart(6, "0")}`;
const part = (amount: string, n: number) => text(micros(amount) / BigInt(n));
const rest = (amount: string, n: number) =>
  text(micros(amount) - (micros(amount) / BigInt(n)) * BigInt(n - 1));
