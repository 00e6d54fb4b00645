import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { kubernetesRbacYaml, kubernetesRules } from "../cli/kubernetes-rbac.js";
import { instanceIdOf } from "../collectors/kubernetes/nodes.js";
import { parseQuantity } from "../collectors/kubernetes/quantity.js";
import { podRequests } from "../collectors/kubernetes/requests.js";
import { podWorkload } from "../collectors/kubernetes/workload.js";
import { runFinops } from "./helpers/cli.js";
import {
  type KubernetesApi,
  type KubernetesApiOptions,
  startKubernetesApi,
} from "./helpers/kubernetes-api.js";
import { PROJECT_ROOT, readDatabase, tempDir } from "./helpers/project.js";

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const CLUSTER = "prod-eks";
const NOW = new Date("2024-09-18T12:00:00Z");
/** A CronJob's Job is named by its scheduled minute since the epoch. */
const SCHEDULED_MINUTE = Math.floor(Date.UTC(2024, 8, 18, 2, 0) / 60_000);

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`);

function node(
  name: string,
  extra: {
    providerID?: string;
    labels?: Record<string, string>;
    cpu?: string;
    memory?: string;
    ready?: string;
  },
) {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: "2024-09-01T08:00:00Z",
      labels: extra.labels ?? {},
    },
    spec: extra.providerID ? { providerID: extra.providerID } : {},
    status: {
      allocatable: { cpu: extra.cpu ?? "1930m", memory: extra.memory ?? "7Gi", pods: "29" },
      conditions: [
        { type: "MemoryPressure", status: "False", lastTransitionTime: "2024-09-01T08:00:00Z" },
        { type: "Ready", status: extra.ready ?? "True", lastTransitionTime: "2024-09-01T08:01:00Z" },
      ],
    },
  };
}

const container = (name: string, cpu?: string, memory?: string, restartPolicy?: string) => ({
  name,
  image: `${name}:1`,
  ...(restartPolicy ? { restartPolicy } : {}),
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
});

function pod(
  name: string,
  extra: {
    namespace?: string;
    owner?: { kind: string; name: string; controller?: boolean };
    labels?: Record<string, string>;
    phase?: string;
    node?: string | null;
    containers?: object[];
    initContainers?: object[];
    overhead?: Record<string, string>;
    priorityClassName?: string;
  } = {},
) {
  return {
    metadata: {
      name,
      namespace: extra.namespace ?? "payments",
      uid: `0b1c2d3e-4f5a-6b7c-8d9e-${String(name.length).padStart(4, "0")}${name.charCodeAt(0).toString(16).padStart(8, "0")}`,
      creationTimestamp: "2024-09-17T10:00:00Z",
      labels: extra.labels ?? { app: name },
      ...(extra.owner
        ? { ownerReferences: [{ apiVersion: "apps/v1", uid: "owner-uid", controller: true, ...extra.owner }] }
        : {}),
    },
    spec: {
      ...(extra.node === null ? {} : { nodeName: extra.node ?? "ip-10-0-1-17.eu-west-1.compute.internal" }),
      containers: extra.containers ?? [container("app", "100m", "128Mi")],
      ...(extra.initContainers ? { initContainers: extra.initContainers } : {}),
      ...(extra.overhead ? { overhead: extra.overhead } : {}),
      ...(extra.priorityClassName ? { priorityClassName: extra.priorityClassName } : {}),
    },
    status: { phase: extra.phase ?? "Running" },
  };
}

const NODES = [
  node("ip-10-0-1-17.eu-west-1.compute.internal", {
    providerID: "aws:///eu-west-1a/i-0123456789abcdef0",
    labels: {
      "eks.amazonaws.com/nodegroup": "general",
      "eks.amazonaws.com/capacityType": "ON_DEMAND",
      "node.kubernetes.io/instance-type": "m5.xlarge",
    },
    cpu: "3920m",
    memory: "15Gi",
  }),
  node("ip-10-0-2-31.eu-west-1.compute.internal", {
    providerID: "aws:///eu-west-1b/i-0fedcba9876543210",
    labels: { "karpenter.sh/nodepool": "default", "karpenter.sh/capacity-type": "spot" },
    cpu: "7910m",
    memory: "128974848",
  }),
  node("ip-10-0-3-5.eu-west-1.compute.internal", {
    providerID: "aws:///eu-west-1c/i-0aaaabbbbccccdddd",
    ready: "False",
  }),
  node("fargate-ip-10-0-4-9.eu-west-1.compute.internal", {
    providerID: "aws:///eu-west-1a/0f1e2d3c4b5a6978/fargate-ip-10-0-4-9.eu-west-1.compute.internal",
    cpu: "2",
    memory: "4e9",
  }),
  node("ip-10-0-5-1.eu-west-1.compute.internal", { providerID: "aws:///eu-west-1a/i-0000000000000001a" }),
  node("ip-10-0-5-2.eu-west-1.compute.internal", { providerID: "aws:///eu-west-1a/i-0000000000000002a" }),
  node("ip-10-0-5-3.eu-west-1.compute.internal", { providerID: "aws:///eu-west-1a/i-0000000000000003a" }),
];

const PODS = [
  pod("web-7d9f8c6b5-x2x4q", {
    owner: { kind: "ReplicaSet", name: "web-7d9f8c6b5" },
    labels: { app: "web", "pod-template-hash": "7d9f8c6b5" },
    containers: [container("app", "250m", "256Mi"), container("proxy", "100m", "64Mi")],
    initContainers: [container("migrate", "500m", "128Mi")],
    overhead: { cpu: "10m", memory: "1Mi" },
    priorityClassName: "high",
  }),
  pod("mesh-6c8b7-abcde", {
    owner: { kind: "ReplicaSet", name: "mesh-6c8b7" },
    labels: { "pod-template-hash": "6c8b7" },
    containers: [container("app", "100m", "100Mi")],
    initContainers: [container("sidecar", "200m", "50Mi", "Always"), container("setup", "1", "10Mi")],
  }),
  pod("aws-node-7xk2p", { namespace: "kube-system", owner: { kind: "DaemonSet", name: "aws-node" } }),
  pod(`report-${SCHEDULED_MINUTE}-q8w7e`, {
    owner: { kind: "Job", name: `report-${SCHEDULED_MINUTE}` },
    phase: "Succeeded",
  }),
  pod("backup-20240101-zz9", { owner: { kind: "Job", name: "backup-20240101" }, phase: "Failed" }),
  pod("debug", { containers: [container("shell")] }),
  pod("legacy-rs-abc12", { owner: { kind: "ReplicaSet", name: "legacy-rs" } }),
  pod("db-0", { owner: { kind: "StatefulSet", name: "db" } }),
  pod("queued-5f6d7-m1n2o", {
    owner: { kind: "ReplicaSet", name: "queued-5f6d7" },
    labels: { "pod-template-hash": "5f6d7" },
    phase: "Pending",
    node: null,
  }),
  pod("orphan", { owner: { kind: "ReplicaSet", name: "gone", controller: false } }),
];

describe("Kubernetes quantities, requests and workloads", () => {
  test("quantities parse as the API server writes them", () => {
    const cases: [string, number][] = [
      ["3920m", 3.92],
      ["100m", 0.1],
      ["2", 2],
      ["0.5", 0.5],
      ["15Gi", 15 * 2 ** 30],
      ["15140112Ki", 15140112 * 1024],
      ["128974848", 128974848],
      ["1e3", 1000],
      ["1E", 1e18],
      ["4e9", 4e9],
      ["129M", 129e6],
      ["2.5G", 2.5e9],
      ["250u", 0.00025],
      ["1Ti", 2 ** 40],
      [".5", 0.5],
    ];
    for (const [quantity, expected] of cases) close(parseQuantity(quantity), expected, quantity);
    assert.throws(() => parseQuantity("12 cores"), /not a Kubernetes quantity: "12 cores"/);
    assert.throws(() => parseQuantity(""), /not a Kubernetes quantity/);
  });

  test("a pod's requests are the scheduler's: containers, init containers, sidecars, overhead", () => {
    const web = podRequests(PODS[0] as unknown as V1Pod);
    // The init container's 500m is more than the containers' 350m; their memory (320Mi) is more than its.
    close(web.cpuCores, 0.51, "web cpu");
    close(web.memoryBytes, (320 + 1) * 2 ** 20, "web memory");
    const mesh = podRequests(PODS[1] as unknown as V1Pod);
    // The sidecar runs beside the setup container and the app: max(0.1 + 0.2, 1 + 0.2).
    close(mesh.cpuCores, 1.2, "mesh cpu");
    close(mesh.memoryBytes, 150 * 2 ** 20, "mesh memory");
    assert.deepEqual(podRequests(PODS[5] as unknown as V1Pod), { cpuCores: 0, memoryBytes: 0 });
  });

  test("workloads: a ReplicaSet's Deployment, a DaemonSet, a CronJob's Job, a bare pod", () => {
    const workload = (index: number) => podWorkload(PODS[index] as unknown as V1Pod, NOW);
    assert.deepEqual(workload(0), {
      ownerKind: "ReplicaSet",
      ownerName: "web-7d9f8c6b5",
      workloadKind: "Deployment",
      workloadName: "web",
      daemonSet: false,
    });
    assert.equal(workload(2).daemonSet, true);
    assert.equal(workload(2).workloadKind, "DaemonSet");
    assert.deepEqual([workload(3).workloadKind, workload(3).workloadName], ["CronJob", "report"]);
    // A date in a Job's name is no scheduled minute: the Job is its own workload.
    assert.deepEqual([workload(4).workloadKind, workload(4).workloadName], ["Job", "backup-20240101"]);
    assert.deepEqual(workload(5), {
      ownerKind: null,
      ownerName: null,
      workloadKind: "Pod",
      workloadName: "debug",
      daemonSet: false,
    });
    // A ReplicaSet no Deployment made (its pods carry no pod-template-hash) is the workload.
    assert.deepEqual([workload(6).workloadKind, workload(6).workloadName], ["ReplicaSet", "legacy-rs"]);
    assert.deepEqual([workload(7).workloadKind, workload(7).workloadName], ["StatefulSet", "db"]);
    // An owner that is not the controller is no owner.
    assert.deepEqual([workload(9).ownerKind, workload(9).workloadKind], [null, "Pod"]);
  });

  test("providerID names the EC2 instance; other providers' ids name none", () => {
    assert.equal(instanceIdOf("aws:///us-east-1a/i-0abc12345678"), "i-0abc12345678");
    assert.equal(
      instanceIdOf("aws:///eu-west-1a/0f1e2d3c/fargate-ip-10-0-4-9.eu-west-1.compute.internal"),
      null,
    );
    assert.equal(instanceIdOf("kind://docker/kind/kind-control-plane"), null);
    assert.equal(instanceIdOf(undefined), null);
  });
});

interface Row {
  resource_id: string;
  resource_type: string;
  account: string;
  region: string;
  state: string;
  state_since: string | null;
  created_at: string | null;
  tags: string;
  attributes: string;
}

async function currentRows(db: string): Promise<Row[]> {
  return (await readDatabase(
    db,
    `SELECT resource_id, resource_type, account, region, state, state_since::VARCHAR AS state_since,
       created_at::VARCHAR AS created_at, tags::VARCHAR AS tags, attributes::VARCHAR AS attributes
     FROM resources_current ORDER BY resource_type, resource_id`,
  )) as unknown as Row[];
}

interface CollectJson {
  collectors: {
    name: string;
    account: string;
    region: string;
    status: string;
    rows: number;
    apiCalls: number;
    error?: string;
  }[];
}

describe("the Kubernetes collectors against a stand-in API server", () => {
  const dir = tempDir("finops-k8s-");
  let api: KubernetesApi;
  const config = (file: string, cluster: Record<string, unknown>, settings = "pageSize: 3") => {
    const path = join(dir.path, file);
    writeFileSync(
      path,
      [
        "aws: { regions: [eu-west-1] }",
        "kubernetes:",
        `  ${settings}`,
        "  clusters:",
        `    - ${JSON.stringify({ name: CLUSTER, account: ACCOUNT, region: REGION, ...cluster })}`,
        "",
      ].join("\n"),
    );
    return path;
  };
  const collect = (args: string[]) => runFinops(["collect", "--only", "kubernetes", "--json", ...args]);

  before(async () => {
    api = await startKubernetesApi({ nodes: NODES, pods: PODS });
  });
  after(async () => {
    await api.close();
    dir.remove();
  });

  test("every page is followed (limit, continue), and the rows are the data model's", async () => {
    const db = join(dir.path, "live.duckdb");
    const cfg = config("live.yaml", { kubeconfig: api.kubeconfig(dir.path), context: "stand-in" });
    const result = await collect(["--config", cfg, "--db", db, "--record", join(dir.path, "record")]);
    assert.equal(result.code, 0, result.stderr);
    const { collectors } = JSON.parse(result.stdout) as CollectJson;
    assert.deepEqual(
      collectors.map((c) => [c.name, c.account, c.region, c.status, c.rows, c.apiCalls]),
      [
        ["inventory:kubernetes-nodes", ACCOUNT, `${REGION}/${CLUSTER}`, "ok", 7, 3],
        ["inventory:kubernetes-pods", ACCOUNT, `${REGION}/${CLUSTER}`, "ok", 10, 4],
      ],
    );
    // Three nodes a page: the first page without a token, each next with the one the server returned.
    const nodeRequests = api.requests.filter((r) => r.startsWith("/api/v1/nodes"));
    assert.equal(nodeRequests.length, 3);
    assert.equal(nodeRequests[0], "/api/v1/nodes?limit=3");
    for (const request of nodeRequests.slice(1)) assert.match(request, /[?&]continue=[^&]+/);
    assert.ok(nodeRequests.every((r) => r.includes("limit=3")));

    const rows = await currentRows(db);
    const nodes = rows.filter((r) => r.resource_type === "eks:node");
    const pods = rows.filter((r) => r.resource_type === "eks:pod");
    assert.equal(nodes.length, 7);
    assert.equal(pods.length, 10);
    const first = nodes.find((n) => n.resource_id.endsWith("/ip-10-0-1-17.eu-west-1.compute.internal"));
    assert.ok(first);
    assert.equal(
      first.resource_id,
      `arn:aws:eks:${REGION}:${ACCOUNT}:node/${CLUSTER}/ip-10-0-1-17.eu-west-1.compute.internal`,
    );
    assert.deepEqual([first.account, first.region, first.state], [ACCOUNT, REGION, "ready"]);
    assert.equal(first.created_at, "2024-09-01 08:00:00");
    assert.deepEqual(JSON.parse(first.attributes), {
      cluster: CLUSTER,
      name: "ip-10-0-1-17.eu-west-1.compute.internal",
      instanceId: "i-0123456789abcdef0",
      allocatableCpuCores: 3.92,
      allocatableMemoryBytes: 15 * 2 ** 30,
      nodeGroup: "general",
      nodePool: null,
      capacityType: "ON_DEMAND",
      instanceType: "m5.xlarge",
    });
    assert.equal(JSON.parse(first.tags)["eks.amazonaws.com/nodegroup"], "general");
    const karpenter = JSON.parse(
      nodes.find((n) => n.resource_id.includes("ip-10-0-2-31"))?.attributes ?? "{}",
    );
    assert.deepEqual(
      [karpenter.nodePool, karpenter.capacityType, karpenter.allocatableMemoryBytes, karpenter.nodeGroup],
      ["default", "spot", 128974848, null],
    );
    assert.equal(nodes.find((n) => n.resource_id.includes("ip-10-0-3-5"))?.state, "not-ready");
    const fargate = JSON.parse(nodes.find((n) => n.resource_id.includes("fargate-"))?.attributes ?? "{}");
    assert.deepEqual([fargate.instanceId, fargate.allocatableMemoryBytes], [null, 4e9]);

    const web = pods.find((p) => p.resource_id.includes("/web-7d9f8c6b5-x2x4q/"));
    assert.ok(web);
    const webPod = PODS[0] as { metadata: { uid: string } };
    assert.equal(
      web.resource_id,
      `arn:aws:eks:${REGION}:${ACCOUNT}:pod/${CLUSTER}/payments/web-7d9f8c6b5-x2x4q/${webPod.metadata.uid}`,
    );
    assert.equal(web.state, "running");
    const attributes = JSON.parse(web.attributes);
    close(attributes.requestsCpuCores, 0.51, "web cpu");
    assert.deepEqual(
      { ...attributes, requestsCpuCores: 0 },
      {
        cluster: CLUSTER,
        namespace: "payments",
        name: "web-7d9f8c6b5-x2x4q",
        uid: webPod.metadata.uid,
        node: "ip-10-0-1-17.eu-west-1.compute.internal",
        requestsCpuCores: 0,
        requestsMemoryBytes: 321 * 2 ** 20,
        ownerKind: "ReplicaSet",
        ownerName: "web-7d9f8c6b5",
        workloadKind: "Deployment",
        workloadName: "web",
        daemonSet: false,
        priorityClassName: "high",
      },
    );
    const queued = pods.find((p) => p.resource_id.includes("/queued-"));
    assert.deepEqual([queued?.state, JSON.parse(queued?.attributes ?? "{}").node], ["pending", null]);
    assert.deepEqual(pods.map((p) => p.state).sort(), [
      "failed",
      "pending",
      "running",
      "running",
      "running",
      "running",
      "running",
      "running",
      "running",
      "succeeded",
    ]);
  });

  test("a replay of the record gives the same rows, and asks the cluster nothing", async () => {
    const live = await currentRows(join(dir.path, "live.duckdb"));
    const asked = api.requests.length;
    const db = join(dir.path, "replay.duckdb");
    // No cluster configured: a replay takes its clusters from the record folder.
    const none = join(dir.path, "none.yaml");
    writeFileSync(none, "aws: { regions: [eu-west-1] }\n");
    const result = await collect(["--config", none, "--db", db, "--replay", join(dir.path, "record")]);
    assert.equal(result.code, 0, result.stderr);
    const { collectors } = JSON.parse(result.stdout) as CollectJson;
    assert.deepEqual(
      collectors.map((c) => [c.name, c.status, c.rows, c.apiCalls]),
      [
        ["inventory:kubernetes-nodes", "ok", 7, 0],
        ["inventory:kubernetes-pods", "ok", 10, 0],
      ],
    );
    assert.equal(api.requests.length, asked);
    assert.deepEqual(await currentRows(db), live);
    const page = JSON.parse(
      readFileSync(
        join(dir.path, "record", ACCOUNT, REGION, "kubernetes", "ListNodes", CLUSTER, "page-0001.json"),
        "utf8",
      ),
    );
    assert.equal(page.items.length, 3);
  });

  test("a 403 on pods fails the pods collector alone, naming the cluster and `list pods`; the nodes are kept", async () => {
    const refusing = await startKubernetesApi({
      nodes: NODES,
      pods: PODS,
      forbidden: ["pods"],
    } satisfies KubernetesApiOptions);
    try {
      const db = join(dir.path, "forbidden.duckdb");
      const record = join(dir.path, "forbidden-record");
      const cfg = config("forbidden.yaml", {
        kubeconfig: refusing.kubeconfig(dir.path, "refusing"),
        context: "refusing",
      });
      const result = await collect(["--config", cfg, "--db", db, "--record", record]);
      assert.equal(result.code, 1);
      const { collectors } = JSON.parse(result.stdout) as CollectJson;
      const [nodes, pods] = collectors;
      assert.deepEqual([nodes?.status, nodes?.rows], ["ok", 7]);
      assert.equal(pods?.status, "failed");
      assert.match(
        pods?.error ?? "",
        /^cluster prod-eks \(111122223333 eu-west-1\) refused list pods: Forbidden: pods is forbidden/,
      );
      assert.match(pods?.error ?? "", /The collector needs list pods \(finops iam-policy --role kubernetes/);
      assert.match(
        result.stderr,
        /inventory:kubernetes-pods 111122223333 eu-west-1\/prod-eks: cluster prod-eks .* list pods/,
      );
      const rows = await currentRows(db);
      assert.deepEqual(
        [
          rows.filter((r) => r.resource_type === "eks:node").length,
          rows.filter((r) => r.resource_type === "eks:pod").length,
        ],
        [7, 0],
      );
      // The refusal is recorded: the replay fails the same way, with the same words.
      const replayed = await collect(["--db", join(dir.path, "forbidden-replay.duckdb"), "--replay", record]);
      assert.equal(replayed.code, 1);
      const again = (JSON.parse(replayed.stdout) as CollectJson).collectors;
      assert.deepEqual(
        again.map((c) => [c.status, c.error]),
        collectors.map((c) => [c.status, c.error]),
      );
    } finally {
      await refusing.close();
    }
  });

  test("a cluster that does not answer one list call fails that collector after the request timeout", async () => {
    const stuck = await startKubernetesApi({ nodes: NODES, pods: PODS, silent: ["pods"] });
    try {
      const cfg = config(
        "stuck.yaml",
        { kubeconfig: stuck.kubeconfig(dir.path, "stuck"), context: "stuck" },
        "requestTimeoutSeconds: 1",
      );
      const result = await collect(["--config", cfg, "--db", join(dir.path, "stuck.duckdb")]);
      assert.equal(result.code, 1);
      const [nodes, pods] = (JSON.parse(result.stdout) as CollectJson).collectors;
      assert.deepEqual([nodes?.status, nodes?.rows], ["ok", 7]);
      assert.equal(
        pods?.error,
        "cluster prod-eks (111122223333 eu-west-1): Timeout: ListPods: no answer within 1 s",
      );
    } finally {
      await stuck.close();
    }
  });

  test("credentials the server refuses, and a context the kubeconfig lacks, fail loudly naming the cluster", async () => {
    const wrongToken = join(dir.path, "wrong-token.yaml");
    writeFileSync(
      wrongToken,
      readFileSync(api.kubeconfig(dir.path), "utf8").replace("stand-in-token", "stolen"),
    );
    const unauthorized = await collect([
      "--config",
      config("unauthorized.yaml", { kubeconfig: wrongToken, context: "stand-in" }),
      "--db",
      join(dir.path, "unauthorized.duckdb"),
    ]);
    assert.equal(unauthorized.code, 1);
    for (const c of (JSON.parse(unauthorized.stdout) as CollectJson).collectors) {
      assert.match(
        c.error ?? "",
        /^cluster prod-eks \(111122223333 eu-west-1\) did not accept finops's credentials/,
      );
    }
    const noContext = await collect([
      "--config",
      config("no-context.yaml", { kubeconfig: api.kubeconfig(dir.path), context: "staging" }),
      "--db",
      join(dir.path, "no-context.duckdb"),
    ]);
    assert.equal(noContext.code, 1);
    assert.match(
      noContext.stderr,
      /kubeconfig .*kubeconfig-stand-in\.yaml has no context "staging" \(it has: stand-in, elsewhere\)/,
    );
  });

  test("bad cluster configuration is a usage error naming the field", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        {},
        /kubernetes\.clusters\.0\.kubeconfig: required: a kubeconfig file \(with context\), or inCluster: true/,
      ],
      [{ inCluster: true, kubeconfig: "x" }, /kubernetes\.clusters\.0\.kubeconfig: either kubeconfig/],
      [{ kubeconfig: "x", account: "1234" }, /kubernetes\.clusters\.0\.account: a 12-digit AWS account id/],
      [
        { kubeconfig: "x", region: "Ireland" },
        /kubernetes\.clusters\.0\.region: an AWS region like us-east-1/,
      ],
      [{ kubeconfig: "x", name: "prod eks" }, /kubernetes\.clusters\.0\.name: a cluster name/],
      [
        { kubeconfig: "x", kubeconfg: "y" },
        /unknown key "kubernetes\.clusters\.0\.kubeconfg": did you mean "kubeconfig"\?/,
      ],
    ];
    for (const [cluster, message] of cases) {
      const result = await collect([
        "--config",
        config("bad.yaml", cluster),
        "--db",
        join(dir.path, "bad.duckdb"),
      ]);
      assert.equal(result.code, 2, `${JSON.stringify(cluster)}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /bad\.yaml:5:\d+/);
    }
  });
});

describe("the Kubernetes collectors' ClusterRole", () => {
  test("is exactly what the collectors call: list on nodes and pods", () => {
    assert.deepEqual(kubernetesRules(), [{ apiGroups: [""], resources: ["nodes", "pods"], verbs: ["list"] }]);
  });

  test("deploy/kubernetes-rbac.yaml is `finops iam-policy --role kubernetes`'s output", async () => {
    const shipped = readFileSync(join(PROJECT_ROOT, "deploy/kubernetes-rbac.yaml"), "utf8");
    assert.equal(
      shipped,
      kubernetesRbacYaml("default"),
      "regenerate: finops iam-policy --role kubernetes > deploy/kubernetes-rbac.yaml",
    );
    const printed = await runFinops(["iam-policy", "--role", "kubernetes"]);
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, shipped);
    const elsewhere = await runFinops(["iam-policy", "--role", "kubernetes", "--namespace", "finops"]);
    assert.match(elsewhere.stdout, /kind: ServiceAccount\n\s+name: finops\n\s+namespace: finops/);
  });
});
