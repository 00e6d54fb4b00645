import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { CreateClusterCommand, CreateNodegroupCommand, EKSClient } from "@aws-sdk/client-eks";
import { runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";
import { writeFocusCsv } from "./helpers/seed.js";

// AMIs and EKS clusters end to end: made in moto, collected by `finops collect`, judged by `finops
// analyze` at instants after their creation (moto dates them by the clock): both sides of unused-ami's
// age (90 days) and of empty-eks-cluster's (7 days), and of what keeps each from being a finding.

const REGION = "us-east-1";
const ACCOUNT = "123456789012"; // moto's
const DAY_MS = 86_400_000;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

const CONFIG = `
tags:
  required: []
rules:
  - id: unused-ami
  - id: empty-eks-cluster
  # Flags the unused image's snapshot too: its savings must count once, under the image.
  - id: drop-snapshot
    kind: sql
    action: delete
    params:
      query: >-
        SELECT account, resource_id, 'no longer needed' AS reason, 1.0 AS savings_ratio FROM resources_current
        WHERE resource_type = 'ec2:snapshot' AND list_contains(attrs.imageIds, (
          SELECT min(resource_id) FROM resources_current WHERE resource_type = 'ec2:image'
            AND attrs.name = 'unused'))
`;

interface Finding {
  rule: string;
  resourceId: string;
  reason: string;
  evidence: Record<string, unknown>;
  monthlyCost: number | null;
  monthlyCostSource: string | null;
  monthlyCostNote: string | null;
  estimatedMonthlySavings: number | null;
}
interface Analysis {
  findings: Finding[];
  summary: { estimatedMonthlySavings: number; grossEstimatedMonthlySavings: number };
}

const tags = (pairs: Record<string, string>): Tag[] =>
  Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }));

describe("AMIs and EKS clusters collected from moto, judged at their ages", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let seededAt = 0;
  /** Image ids by name, and their snapshots. */
  const images = new Map<string, string>();
  const snapshots = new Map<string, string[]>();
  let collectors: { name: string; status: string; rows: number }[] = [];

  const arn = (name: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
  const analyzeAfter = async (days: number): Promise<Analysis> => {
    const result = await runFinops([
      "analyze",
      "--db",
      db,
      "--config",
      config,
      "--now",
      new Date(seededAt + days * DAY_MS).toISOString(),
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Analysis;
  };
  const flagged = (analysis: Analysis, rule: string) =>
    analysis.findings
      .filter((f) => f.rule === rule)
      .map((f) => f.resourceId)
      .sort();

  before(async () => {
    moto = await startMoto();
    writeFileSync(config, CONFIG);
    const ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    const eks = new EKSClient({ region: REGION, endpoint: moto.endpoint, credentials });
    try {
      seededAt = Date.now();
      const base =
        (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId ??
        "ami-12c6146b";
      const run = async (imageId: string, extra: Record<string, string> = {}) =>
        (
          await ec2.send(
            new RunInstancesCommand({
              ImageId: imageId,
              InstanceType: "t3.micro",
              MinCount: 1,
              MaxCount: 1,
              TagSpecifications: [{ ResourceType: "instance", Tags: tags({ team: "platform", ...extra }) }],
            }),
          )
        ).Instances?.[0]?.InstanceId as string;
      const builder = await run(base);
      for (const name of ["unused", "running", "in-template", "template-v1"]) {
        const id = (
          await ec2.send(
            new CreateImageCommand({
              InstanceId: builder,
              Name: name,
              TagSpecifications: [{ ResourceType: "image", Tags: tags({ team: "platform" }) }],
            }),
          )
        ).ImageId as string;
        images.set(name, id);
      }
      await run(images.get("running") as string);
      // Version 1 names one image, version 2 another: both are in use (any version can be launched).
      const template = await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "web",
          LaunchTemplateData: { ImageId: images.get("template-v1"), InstanceType: "t3.micro" },
        }),
      );
      await ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId,
          LaunchTemplateData: { ImageId: images.get("in-template") },
        }),
      );
      const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [...images.values()] }));
      for (const image of described.Images ?? [])
        snapshots.set(
          image.ImageId as string,
          (image.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [])),
        );

      // EKS: a cluster with no node group, one whose node group wants none, one that wants two, and one
      // whose nodes are self-managed instances (no node group).
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc?.VpcId as string;
      const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.0.1.0/24" })))
        .Subnet?.SubnetId as string;
      const roleArn = `arn:aws:iam::${ACCOUNT}:role/eks`;
      for (const name of ["no-nodegroups", "scaled-to-zero", "scaled", "self-managed"]) {
        await eks.send(
          new CreateClusterCommand({
            name,
            roleArn,
            resourcesVpcConfig: { subnetIds: [subnet] },
            tags: { team: "platform" },
          }),
        );
      }
      for (const [cluster, desiredSize] of [
        ["scaled-to-zero", 0],
        ["scaled", 2],
      ] as const) {
        await eks.send(
          new CreateNodegroupCommand({
            clusterName: cluster,
            nodegroupName: "ng-1",
            nodeRole: roleArn,
            subnets: [subnet],
            scalingConfig: { minSize: 0, maxSize: 2, desiredSize },
          }),
        );
      }
      await run(base, { "kubernetes.io/cluster/self-managed": "owned" });
    } finally {
      ec2.destroy();
      eks.destroy();
    }

    const collect = await runFinops([
      "collect",
      "--only",
      "inventory,utilization",
      "--regions",
      REGION,
      "--endpoint-url",
      moto.endpoint,
      "--db",
      db,
      "--config",
      config,
      "--json",
    ]);
    assert.equal(collect.code, 0, collect.stderr);
    collectors = JSON.parse(collect.stdout).collectors;

    // The unused image's snapshot is billed: $0.025 a day for the last 30 days.
    const csv = join(dir.path, "focus.csv");
    const snapshot = snapshots.get(images.get("unused") as string)?.[0] as string;
    writeFocusCsv(
      csv,
      Array.from({ length: 30 }, (_, i) => ({
        account: ACCOUNT,
        resourceId: snapshot,
        day: new Date(seededAt - (i + 1) * DAY_MS).toISOString().slice(0, 10),
        cost: "0.025",
        sku: "SNAP",
        unit: "GB-Months",
        quantity: 0.5,
      })),
    );
    const ingest = await runFinops(["ingest", csv, "--db", db]);
    assert.equal(ingest.code, 0, ingest.stderr);
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("the images and clusters collectors succeed, with every image and cluster", () => {
    const byName = new Map(collectors.map((c) => [c.name, c]));
    for (const name of ["inventory:images", "inventory:eks-clusters", "inventory:ec2-instances"])
      assert.equal(byName.get(name)?.status, "ok", JSON.stringify(collectors));
    assert.equal(byName.get("inventory:images")?.rows, 4);
    assert.equal(byName.get("inventory:eks-clusters")?.rows, 4);
  });

  test("clusters carry DescribeCluster's tags and status; images their owners' tags", async () => {
    const listed = async (type: string) => {
      const result = await runFinops(["resources", "--type", type, "--db", db, "--config", config, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as { resourceId: string; state: string | null; team: string | null }[];
    };
    const clusters = await listed("eks:cluster");
    assert.deepEqual(clusters.map((c) => c.resourceId).sort(), [
      arn("no-nodegroups"),
      arn("scaled"),
      arn("scaled-to-zero"),
      arn("self-managed"),
    ]);
    assert.ok(
      clusters.every((c) => c.state === "ACTIVE" && c.team === "platform"),
      JSON.stringify(clusters),
    );
    const owned = await listed("ec2:image");
    assert.deepEqual(owned.map((i) => i.resourceId).sort(), [...images.values()].sort());
    assert.ok(
      owned.every((i) => i.state === "available" && i.team === "platform"),
      JSON.stringify(owned),
    );
  });

  test("unused-ami: over 90 days old and used by no instance or launch template version", async () => {
    assert.deepEqual(flagged(await analyzeAfter(89), "unused-ami"), [], "89 days: too young");
    const analysis = await analyzeAfter(91);
    const unused = images.get("unused") as string;
    assert.deepEqual(flagged(analysis, "unused-ami"), [unused]);
    const finding = analysis.findings.find((f) => f.rule === "unused-ami");
    assert.deepEqual(finding?.evidence.snapshotIds, snapshots.get(unused));
    assert.match(finding?.reason ?? "", /^AMI unused is 91 days old \(over 90\)/);
  });

  test("an unused image costs what its snapshots are billed, and its savings count once", async () => {
    const analysis = await analyzeAfter(91);
    const unused = images.get("unused") as string;
    const [snapshot] = snapshots.get(unused) ?? [];
    const image = analysis.findings.find((f) => f.rule === "unused-ami");
    assert.equal(image?.monthlyCost, 0.75);
    assert.equal(image?.monthlyCostSource, "billing");
    assert.equal(image?.monthlyCostNote, `with its 1 EBS snapshot (${snapshot}) costing 0.75 a month`);
    assert.equal(image?.estimatedMonthlySavings, 0.75);
    // The snapshot's own finding claims the same 0.75: the total counts it once, under the image.
    const own = analysis.findings.find((f) => f.rule === "drop-snapshot");
    assert.equal(own?.resourceId, snapshot);
    assert.equal(own?.estimatedMonthlySavings, 0.75);
    assert.equal(analysis.summary.grossEstimatedMonthlySavings, 1.5);
    assert.equal(analysis.summary.estimatedMonthlySavings, 0.75);
  });

  test("empty-eks-cluster: over 7 days old, no node group wanting a node, no node seen", async () => {
    assert.deepEqual(flagged(await analyzeAfter(6), "empty-eks-cluster"), [], "6 days: too young");
    const analysis = await analyzeAfter(8);
    assert.deepEqual(flagged(analysis, "empty-eks-cluster"), [arn("no-nodegroups"), arn("scaled-to-zero")]);
    const zero = analysis.findings.find((f) => f.resourceId === arn("scaled-to-zero"));
    assert.deepEqual(
      { nodegroups: zero?.evidence.nodegroups, desiredNodes: zero?.evidence.desiredNodes },
      { nodegroups: 1, desiredNodes: 0 },
    );
  });
});
