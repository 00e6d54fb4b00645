/**
 * The pods on the demo estate's Kubernetes nodes: on every node the clusters' DaemonSets (kube-system's
 * and the observability and security teams' agents); on the system node groups the cluster's own
 * Deployments and StatefulSets (CoreDNS, the controllers, ingress, Prometheus, Vault); elsewhere the
 * teams' applications (teams.ts), each team in a namespace of its own, Karpenter's spot-batch pool only
 * batch and worker ones. A node is filled up to a share of its allocatable CPU that its utilization
 * profile sets (busy 70-92%, low 50-70%), never past its allocatable memory.
 *
 * Waste to find from the bill: the placed idle nodes (profile "idle": a forgotten node group, Karpenter
 * nodes never consolidated) run their DaemonSets only, which request little, so most of their split
 * cost is unused; and one staging system node runs DaemonSets only, but busy ones (using about twice
 * what they request), so that its unused share stays under what an idle node has.
 *
 * Pods live as long as their node runs. Everything comes from streams of their own (per node, hashed
 * from the seed and the instance id), so the estate's other records are unchanged, and a Kubernetes API
 * replay can list the same pods the bill's split rows name.
 */
import { arn, privateDnsName, privateIp } from "./aws-ids.js";
import type { Estate, Instance, KubernetesPod } from "./estate-types.js";
import { INSTANCE_TYPES } from "./prices.js";
import { Random } from "./random.js";
import { TEAMS, type Workload } from "./teams.js";

type WorkloadType = KubernetesPod["workloadType"];

interface WorkloadSpec {
  namespace: string;
  name: string;
  type: WorkloadType;
  cpu: number;
  memory: number;
}

const workload = (namespace: string, name: string, type: WorkloadType, cpu: number, memory: number) => ({
  namespace,
  name,
  type,
  cpu,
  memory,
});

/** On every node of every cluster. */
const DAEMON_SETS: WorkloadSpec[] = [
  workload("kube-system", "aws-node", "DaemonSet", 25, 64),
  workload("kube-system", "kube-proxy", "DaemonSet", 100, 64),
  workload("kube-system", "ebs-csi-node", "DaemonSet", 30, 120),
  workload("observability", "log-shipper", "DaemonSet", 200, 256),
  workload("observability", "node-exporter", "DaemonSet", 100, 128),
  workload("security", "runtime-scanner", "DaemonSet", 150, 256),
];

/** The clusters' own workloads, on their system node groups. */
const SYSTEM: WorkloadSpec[] = [
  workload("kube-system", "coredns", "Deployment", 100, 70),
  workload("kube-system", "ebs-csi-controller", "Deployment", 60, 240),
  workload("kube-system", "metrics-server", "Deployment", 100, 200),
  workload("kube-system", "aws-load-balancer-controller", "Deployment", 100, 200),
  workload("kube-system", "karpenter", "Deployment", 1000, 1024),
  workload("platform", "ingress", "Deployment", 500, 512),
  workload("observability", "prometheus", "StatefulSet", 1000, 4096),
  workload("observability", "grafana", "Deployment", 250, 512),
  workload("security", "vault", "StatefulSet", 500, 1024),
];

/** Requests by kind of application: [min, max] millicores and MiB. */
const REQUESTS: Partial<Record<Workload, [number, number, number, number]>> = {
  web: [100, 500, 256, 1024],
  api: [250, 1000, 512, 2048],
  worker: [500, 1500, 512, 2048],
  stateful: [500, 2000, 2048, 8192],
  batch: [1000, 2000, 1024, 4096],
};

/** The teams' applications that run on Kubernetes (GPU training, bastions and the system ones do not). */
function teamWorkloads(seed: number): (WorkloadSpec & { kind: Workload })[] {
  const system = new Set([...SYSTEM, ...DAEMON_SETS].map((w) => w.name));
  return TEAMS.flatMap((team) =>
    team.apps
      .filter((app) => REQUESTS[app.workload] && !system.has(app.name))
      .map((app) => {
        const [cpuMin, cpuMax, memMin, memMax] = REQUESTS[app.workload] ?? [0, 0, 0, 0];
        const rng = new Random(`${seed}|pods|app|${app.name}`);
        return {
          ...workload(team.name, app.name, app.workload === "stateful" ? "StatefulSet" : "Deployment", 0, 0),
          cpu: Math.round(rng.float(cpuMin, cpuMax) / 50) * 50,
          memory: Math.round(rng.float(memMin, memMax) / 64) * 64,
          kind: app.workload,
        };
      }),
  );
}

/** What the kubelet may schedule on a node of this type (EKS's reservations for the system and kubelet). */
export function nodeAllocatable(instanceType: string): { cpuMillicores: number; memoryMib: number } {
  const { vcpu = 2, memoryGib = 8 } = INSTANCE_TYPES[instanceType] ?? {};
  const maxPods = vcpu <= 2 ? 29 : vcpu <= 8 ? 58 : 234;
  const cpuReserved = 60 + 10 + 5 * Math.min(2, Math.max(0, vcpu - 2)) + 2.5 * Math.max(0, vcpu - 4);
  return {
    cpuMillicores: vcpu * 1000 - cpuReserved,
    memoryMib: memoryGib * 1024 - (255 + 11 * maxPods) - 100,
  };
}

/** A node's Kubernetes name: its instance's private DNS name, as EC2 describes it (replay-ec2.ts). */
export function nodeName(node: Instance): string {
  const ip = privateIp(node.id, node.kubernetes?.provisioner === "karpenter" ? node.name : undefined);
  return privateDnsName(ip, node.region);
}

/** The staging system node that runs busy DaemonSets and nothing else. */
function daemonSetsOnlyNode(estate: Estate): string | undefined {
  const candidates = estate.instances.filter(
    (i) => i.kubernetes?.cluster === "staging-main" && i.kubernetes.pool === "system" && i.deletedAt === null,
  );
  return (candidates.find((i) => i.utilization.profile === "busy") ?? candidates[0])?.id;
}

/** Every pod of the estate, node by node in the estate's order. */
export function kubernetesPods(estate: Estate): KubernetesPod[] {
  const apps = teamWorkloads(estate.seed);
  const ordinals = new Map<string, number>();
  const daemonSetsOnly = daemonSetsOnlyNode(estate);
  const pods: KubernetesPod[] = [];
  for (const node of estate.instances) {
    if (!node.kubernetes) continue;
    const rng = new Random(`${estate.seed}|pods|${node.id}`);
    const { cluster, pool } = node.kubernetes;
    const profile = node.utilization.profile;
    const busyDaemons = node.id === daemonSetsOnly;
    const usage = () =>
      profile === "idle" ? rng.float(0.02, 0.1) : profile === "low" ? rng.float(0.2, 0.6) : rng.float(0.5, 1);
    const place = (spec: WorkloadSpec, usageOfRequests: number) => {
      const name =
        spec.type === "StatefulSet"
          ? `${spec.name}-${ordinal(ordinals, `${cluster}|${spec.namespace}|${spec.name}`)}`
          : spec.type === "DaemonSet"
            ? `${spec.name}-${podSuffix(rng, 5)}`
            : `${spec.name}-${replicaSetHash(estate.seed, cluster, spec.name)}-${podSuffix(rng, 5)}`;
      const uid = rng.uuid();
      pods.push({
        id: arn("eks", node.region, node.account, `pod/${cluster}/${spec.namespace}/${name}/${uid}`),
        uid,
        name,
        namespace: spec.namespace,
        cluster,
        account: node.account,
        region: node.region,
        instanceId: node.id,
        nodeName: nodeName(node),
        workloadType: spec.type,
        workloadName: spec.name,
        requests: { cpuMillicores: spec.cpu, memoryMib: spec.memory },
        usageOfRequests: Math.round(usageOfRequests * 1000) / 1000,
        team: spec.namespace === "kube-system" ? null : spec.namespace,
        createdAt: node.createdAt,
        deletedAt: node.deletedAt,
      });
    };
    for (const spec of DAEMON_SETS) place(spec, busyDaemons ? rng.float(1.6, 2.2) : usage());
    if (busyDaemons || profile === "idle") continue;
    const allocatable = nodeAllocatable(node.instanceType);
    const target =
      allocatable.cpuMillicores * (profile === "busy" ? rng.float(0.7, 0.92) : rng.float(0.5, 0.7));
    let cpu = DAEMON_SETS.reduce((t, w) => t + w.cpu, 0);
    let memory = DAEMON_SETS.reduce((t, w) => t + w.memory, 0);
    const choices =
      pool === "system"
        ? SYSTEM
        : pool === "spot-batch"
          ? apps.filter((a) => a.kind === "batch" || a.kind === "worker")
          : apps;
    const fits = (spec: WorkloadSpec) =>
      cpu + spec.cpu <= target && memory + spec.memory <= allocatable.memoryMib * 0.9;
    for (let fitting = choices.filter(fits); fitting.length > 0; fitting = choices.filter(fits)) {
      const spec = rng.pick(fitting);
      place(spec, usage());
      cpu += spec.cpu;
      memory += spec.memory;
    }
  }
  return pods;
}

function ordinal(ordinals: Map<string, number>, key: string): number {
  const next = ordinals.get(key) ?? 0;
  ordinals.set(key, next + 1);
  return next;
}

/** The characters Kubernetes names generated suffixes with (no vowels, no look-alikes). */
const SUFFIX = "bcdfghjklmnpqrstvwxz2456789";

function podSuffix(rng: Random, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += SUFFIX[rng.int(0, SUFFIX.length - 1)];
  return out;
}

/** A Deployment's pod-template hash: one per cluster and workload. */
function replicaSetHash(seed: number, cluster: string, name: string): string {
  return podSuffix(new Random(`${seed}|pods|${cluster}|${name}`), 10);
}
