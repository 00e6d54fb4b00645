import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  AllocateAddressCommand,
  AttachVolumeCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

// The metric-driven waste rules, end to end: resources and CloudWatch datapoints put into moto, then
// `finops collect --only inventory,utilization` and `finops analyze`, both at NOW, on both sides of every
// threshold of the default rules (rules.yaml).

/**
 * A fixed instant, so that nothing depends on the clock: moto keeps datapoints of any date, collect reads
 * the whole UTC days before NOW's day (rules.yaml's utilization.lookbackDays: 30), and each rule looks
 * back from NOW's day.
 */
const NOW = new Date("2025-03-15T00:00:00Z");
const REGION = "us-east-1";
const ZONE = "us-east-1a";
const DAY_MS = 86_400_000;
const MB = 1_000_000;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

/** Datapoints of one metric: per day (1 = the day before NOW), the values put at noon UTC that day. */
type Days = [daysAgo: number, values: number[]][];

/** The same values on each of the `count` days before NOW. */
const lastDays = (count: number, ...values: number[]): Days =>
  Array.from({ length: count }, (_, i) => [i + 1, values]);

/** The same values on the days `from` to `to` days before NOW. */
const daysAgo = (from: number, to: number, ...values: number[]): Days =>
  Array.from({ length: to - from + 1 }, (_, i) => [from + i, values]);

const noonOf = (ago: number) => new Date(NOW.getTime() - ago * DAY_MS + DAY_MS / 2);

/**
 * Busy days that must not count: 15 days ago is collected (30-day window) but outside the rules' 14 days;
 * NOW's own day is not even collected (it is not over).
 */
const outsideWindows = (value: number): Days => [
  [15, [value]],
  [0, [value]],
];

interface InstanceCase {
  tags?: Record<string, string>;
  /** Several values a day make the day's Average and Maximum differ. */
  cpu?: Days;
  /** Bytes a day. */
  networkIn?: Days;
  networkOut?: Days;
}

const EKS_NODE = { "eks:cluster-name": "prod-eks", "eks:nodegroup-name": "ng-1" };

const INSTANCES: Record<string, InstanceCase> = {
  // idle-instance: over 14 days with >= 7 days of data, highest daily max CPU < 5% and mean daily
  // NetworkIn + NetworkOut < 5 MB.
  "idle-14d": {
    cpu: [...lastDays(14, 0.5, 4.9), ...outsideWindows(90)],
    networkIn: [...lastDays(14, 2.45 * MB), ...outsideWindows(500 * MB)],
    networkOut: lastDays(14, 2.45 * MB),
  },
  // One day peaking at 5.1% is enough, however low the average.
  "cpu-5.1": {
    cpu: [...lastDays(13, 1), [14, [1, 5.1]]],
    networkIn: lastDays(14, 1 * MB),
    networkOut: lastDays(14, 1 * MB),
  },
  // In and out are each under 5 MB a day; their sum is not.
  "net-5.1mb": { cpu: lastDays(14, 1), networkIn: lastDays(14, 3 * MB), networkOut: lastDays(14, 2.1 * MB) },
  "6-days": { cpu: lastDays(6, 1), networkIn: lastDays(6, 1 * MB), networkOut: lastDays(6, 1 * MB) },
  "7-days": { cpu: lastDays(7, 1), networkIn: lastDays(7, 1 * MB), networkOut: lastDays(7, 1 * MB) },
  // idle-k8s-node: mean daily average CPU < 10% over 7 days (>= 3 days of data).
  "node-9.9": {
    tags: EKS_NODE,
    // The daily average is 9.9 (the maximum 14.9); the busy week before is outside the 7 days.
    cpu: [...lastDays(7, 4.9, 14.9), ...daysAgo(8, 14, 60)],
  },
  "node-10.1": { tags: EKS_NODE, cpu: lastDays(7, 5.1, 15.1) },
  // Idle by idle-instance's measure too, but a node (self-managed, known by its cluster tag) is left to
  // idle-k8s-node: autoscalers own nodes.
  "node-quiet": {
    tags: { "kubernetes.io/cluster/batch": "owned" },
    cpu: lastDays(14, 1),
    networkIn: lastDays(14, 0.1 * MB),
    networkOut: lastDays(14, 0.1 * MB),
  },
  // Carries the volumes below; no metrics of its own, so no metric rule can match it.
  "volume-host": {},
};

interface VolumeCase {
  type: "gp3" | "io2";
  sizeGiB: number;
  iops?: number;
  readOps: number;
  writeOps: number;
}

const VOLUMES: Record<string, VolumeCase> = {
  // oversized-volume: attached, 100 GiB or more (or io1/io2 with at most 16,000 IOPS), mean daily
  // VolumeReadOps + VolumeWriteOps < 1,000 over 14 days (>= 7 days of data).
  "gp3-100g-999ops": { type: "gp3", sizeGiB: 100, readOps: 500, writeOps: 499 },
  "gp3-100g-1001ops": { type: "gp3", sizeGiB: 100, readOps: 501, writeOps: 500 },
  "gp3-99g-0ops": { type: "gp3", sizeGiB: 99, readOps: 0, writeOps: 0 },
  // io2, not io1, so that the IOPS, not the size, decide: io1 allows 50 IOPS per GiB, so 16,000 IOPS
  // take 320 GiB, which the size criterion flags anyway (moto does not check the ratio, AWS would). io2
  // (Block Express) allows 1,000 IOPS per GiB: 50 GiB with 16,000 IOPS is a real volume.
  "io2-16000iops": { type: "io2", sizeGiB: 50, iops: 16_000, readOps: 5, writeOps: 5 },
  "io2-16001iops": { type: "io2", sizeGiB: 50, iops: 16_001, readOps: 5, writeOps: 5 },
};

/** idle-nat-gateway: BytesOutToDestination zero over 14 days (>= 7 days of data). */
const NAT_GATEWAYS: Record<string, Days> = {
  "nat-idle": lastDays(14, 0),
  "nat-1-byte": lastDays(14, 0).map(([ago, values]) => [ago, ago === 9 ? [1] : values]),
  "nat-6-days": lastDays(6, 0),
};

/** The case names each rule must flag, exactly. */
const EXPECTED: Record<string, string[]> = {
  "idle-instance": ["7-days", "idle-14d"],
  "idle-k8s-node": ["node-9.9", "node-quiet"],
  "oversized-volume": ["gp3-100g-999ops", "io2-16000iops"],
  "idle-nat-gateway": ["nat-idle"],
};

/** What moto's ids are: resource id to case name. */
const names = new Map<string, string>();
const idOf = (name: string) => [...names].find(([, n]) => n === name)?.[0] ?? `(no id for ${name})`;

interface Series {
  namespace: string;
  dimension: string;
  id: string;
  metric: string;
  days: Days;
}

const nameTag = (name: string, tags: Record<string, string> = {}): Tag[] =>
  Object.entries({ Name: name, ...tags }).map(([Key, Value]) => ({ Key, Value }));

async function seed(endpoint: string): Promise<Series[]> {
  const ec2 = new EC2Client({ region: REGION, endpoint, credentials });
  const series: Series[] = [];
  try {
    const image =
      (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId ??
      "ami-12c6146b";
    for (const [name, spec] of Object.entries(INSTANCES)) {
      const result = await ec2.send(
        new RunInstancesCommand({
          ImageId: image,
          InstanceType: "t3.micro",
          MinCount: 1,
          MaxCount: 1,
          Placement: { AvailabilityZone: ZONE },
          TagSpecifications: [{ ResourceType: "instance", Tags: nameTag(name, spec.tags) }],
        }),
      );
      const id = result.Instances?.[0]?.InstanceId ?? "";
      names.set(id, name);
      const ec2Series = (metric: string, days: Days | undefined) => {
        if (days) series.push({ namespace: "AWS/EC2", dimension: "InstanceId", id, metric, days });
      };
      ec2Series("CPUUtilization", spec.cpu);
      ec2Series("NetworkIn", spec.networkIn);
      ec2Series("NetworkOut", spec.networkOut);
    }

    const devices = ["/dev/sdf", "/dev/sdg", "/dev/sdh", "/dev/sdi", "/dev/sdj"];
    for (const [i, [name, spec]] of Object.entries(VOLUMES).entries()) {
      const result = await ec2.send(
        new CreateVolumeCommand({
          AvailabilityZone: ZONE,
          Size: spec.sizeGiB,
          VolumeType: spec.type,
          ...(spec.iops ? { Iops: spec.iops } : {}),
          TagSpecifications: [{ ResourceType: "volume", Tags: nameTag(name) }],
        }),
      );
      const id = result.VolumeId ?? "";
      names.set(id, name);
      await ec2.send(
        new AttachVolumeCommand({ VolumeId: id, InstanceId: idOf("volume-host"), Device: devices[i] }),
      );
      for (const [metric, ops] of [
        ["VolumeReadOps", spec.readOps],
        ["VolumeWriteOps", spec.writeOps],
      ] as const) {
        series.push({ namespace: "AWS/EBS", dimension: "VolumeId", id, metric, days: lastDays(14, ops) });
      }
    }

    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc?.VpcId ?? "";
    const subnet =
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.0.1.0/24" }))).Subnet?.SubnetId ??
      "";
    for (const [name, days] of Object.entries(NAT_GATEWAYS)) {
      const eip = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId ?? "";
      const id =
        (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip }))).NatGateway
          ?.NatGatewayId ?? "";
      names.set(id, name);
      series.push({
        namespace: "AWS/NATGateway",
        dimension: "NatGatewayId",
        id,
        metric: "BytesOutToDestination",
        days,
      });
    }
  } finally {
    ec2.destroy();
  }

  const cloudwatch = new CloudWatchClient({ region: REGION, endpoint, credentials });
  try {
    for (const s of series) {
      const data: MetricDatum[] = s.days.map(([ago, values]) => ({
        MetricName: s.metric,
        Dimensions: [{ Name: s.dimension, Value: s.id }],
        Timestamp: noonOf(ago),
        Values: values,
      }));
      await cloudwatch.send(new PutMetricDataCommand({ Namespace: s.namespace, MetricData: data }));
    }
  } finally {
    cloudwatch.destroy();
  }
  return series;
}

interface Finding {
  rule: string;
  resourceId: string;
  evidence: Record<string, unknown>;
}

describe("metric rules on both sides of every threshold (collected from moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let moto: Moto;
  let series: Series[] = [];
  let collectors: { name: string; status: string; rows: number }[] = [];
  let findings: Finding[] = [];

  /** The case names a rule flagged, sorted (an id that is no case shows as itself). */
  const flagged = (rule: string) =>
    findings
      .filter((f) => f.rule === rule)
      .map((f) => names.get(f.resourceId) ?? f.resourceId)
      .sort();
  const evidence = (rule: string, name: string) =>
    findings.find((f) => f.rule === rule && f.resourceId === idOf(name))?.evidence;

  before(async () => {
    moto = await startMoto();
    series = await seed(moto.endpoint);
    const at = ["--now", NOW.toISOString(), "--db", db, "--json"];
    const collect = await runFinops([
      "collect",
      "--only",
      "inventory,utilization",
      "--regions",
      REGION,
      "--endpoint-url",
      moto.endpoint,
      ...at,
    ]);
    assert.equal(collect.code, 0, collect.stderr);
    collectors = JSON.parse(collect.stdout).collectors;
    const analyze = await runFinops(["analyze", ...at]);
    assert.equal(analyze.code, 0, analyze.stderr);
    findings = JSON.parse(analyze.stdout).findings;
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("collect stores one day per datapoint day within the 30 days before NOW", () => {
    assert.ok(
      collectors.every((c) => c.status === "ok"),
      JSON.stringify(collectors),
    );
    const expectedDays = series.reduce(
      (sum, s) => sum + s.days.filter(([ago]) => ago >= 1 && ago <= 30).length,
      0,
    );
    assert.equal(collectors.find((c) => c.name === "utilization:cloudwatch")?.rows, expectedDays);
  });

  test("idle-instance: max CPU under 5% and network under 5 MB/day, at least 7 days of data", () => {
    assert.deepEqual(flagged("idle-instance"), EXPECTED["idle-instance"]);
    assert.ok(
      !flagged("idle-instance").includes("node-quiet"),
      "a Kubernetes node is never an idle instance",
    );
    // The busy day 15 days ago is collected, but outside the rule's 14 days.
    assert.deepEqual(evidence("idle-instance", "idle-14d"), {
      days: 14,
      maxCpuPercent: 4.9,
      meanNetworkMbPerDay: 4.9,
    });
    assert.deepEqual(evidence("idle-instance", "7-days"), {
      days: 7,
      maxCpuPercent: 1,
      meanNetworkMbPerDay: 2,
    });
  });

  // Neither the cluster's inventory nor split cost rows know these nodes' requests: CPU alone judges them
  // (rules/kinds/idle-k8s-node.test.ts has the verdicts from requests and from the bill).
  test("idle-k8s-node: mean daily average CPU under 10% over 7 days", () => {
    assert.deepEqual(flagged("idle-k8s-node"), EXPECTED["idle-k8s-node"]);
    const cpuOnly = { node: null, nodePool: null, requestedCpuPercent: null, requestedMemoryPercent: null };
    const noBill = {
      unusedCost: null,
      unusedPercent: null,
      billDays: null,
      podsToMove: null,
      podsToMoveCount: null,
    };
    assert.deepEqual(evidence("idle-k8s-node", "node-9.9"), {
      source: "cpu",
      cluster: "prod-eks",
      nodeGroup: "ng-1",
      ...cpuOnly,
      snapshots: null,
      usedCpuPercent: 9.9,
      cpuDays: 7,
      ...noBill,
    });
    assert.deepEqual(evidence("idle-k8s-node", "node-quiet"), {
      source: "cpu",
      cluster: "batch",
      nodeGroup: null,
      ...cpuOnly,
      snapshots: null,
      usedCpuPercent: 1,
      cpuDays: 7,
      ...noBill,
    });
  });

  test("oversized-volume: 100 GiB or io2 up to 16,000 IOPS, under 1,000 ops a day", () => {
    assert.deepEqual(flagged("oversized-volume"), EXPECTED["oversized-volume"]);
    assert.deepEqual(evidence("oversized-volume", "gp3-100g-999ops"), {
      volumeType: "gp3",
      sizeGiB: 100,
      iops: 3000, // gp3's baseline, which moto sets when none is asked for
      days: 14,
      meanDailyOps: 999,
    });
    assert.deepEqual(evidence("oversized-volume", "io2-16000iops"), {
      volumeType: "io2",
      sizeGiB: 50,
      iops: 16_000,
      days: 14,
      meanDailyOps: 10,
    });
  });

  test("idle-nat-gateway: no bytes out in 14 days, at least 7 days of data", () => {
    assert.deepEqual(flagged("idle-nat-gateway"), EXPECTED["idle-nat-gateway"]);
    assert.deepEqual(evidence("idle-nat-gateway", "nat-idle"), { days: 14, bytesOutToDestination: 0 });
  });
});
