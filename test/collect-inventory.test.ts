import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachVolumeCommand,
  CreateNatGatewayCommand,
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";
import { runFinops } from "./helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

const ACCOUNT = "123456789012"; // moto's account
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

interface Seeded {
  instances: Record<string, string>;
  volumes: Record<string, string>;
  snapshot: string;
  addresses: Record<string, string>;
  natGateway: string;
}

/** EC2 refuses a tag specification without tags: an untagged resource gets none. */
function tagSpecification(type: "instance" | "volume", tags: Record<string, string>) {
  const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return list.length ? { TagSpecifications: [{ ResourceType: type, Tags: list }] } : {};
}

async function seed(endpoint: string): Promise<Seeded> {
  const ec2 = (region: string) => new EC2Client({ region, endpoint, credentials });
  const east = ec2("us-east-1");
  const west = ec2("eu-west-1");
  const image = async (client: EC2Client) =>
    (await client.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId ??
    "ami-12c6146b";
  const run = async (client: EC2Client, tags: Record<string, string>, type = "t3.micro") => {
    const result = await client.send(
      new RunInstancesCommand({
        ImageId: await image(client),
        InstanceType: type as "t3.micro",
        MinCount: 1,
        MaxCount: 1,
        ...tagSpecification("instance", tags),
      }),
    );
    return result.Instances?.[0]?.InstanceId ?? "";
  };
  const web = await run(east, { team: "platform", environment: "prod" });
  const node = await run(
    east,
    { Team: "data", "eks:cluster-name": "prod-eks", "eks:nodegroup-name": "ng-1" },
    "m5.large",
  );
  const stopped = await run(east, {}, "m4.large");
  await east.send(new StopInstancesCommand({ InstanceIds: [stopped] }));
  const euWeb = await run(west, { team: "search" });

  const volume = async (client: EC2Client, zone: string, type: "gp2" | "gp3", tags: Record<string, string>) =>
    (
      await client.send(
        new CreateVolumeCommand({
          AvailabilityZone: zone,
          Size: 100,
          VolumeType: type,
          ...tagSpecification("volume", tags),
        }),
      )
    ).VolumeId ?? "";
  const attached = await volume(east, "us-east-1a", "gp3", { team: "platform" });
  await east.send(new AttachVolumeCommand({ VolumeId: attached, InstanceId: web, Device: "/dev/sdf" }));
  const unattached = await volume(east, "us-east-1a", "gp2", { team: "data" });
  const euVolume = await volume(west, "eu-west-1a", "gp3", {});
  const snapshot = (await east.send(new CreateSnapshotCommand({ VolumeId: attached }))).SnapshotId ?? "";

  const associated = (await east.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId ?? "";
  await east.send(new AssociateAddressCommand({ AllocationId: associated, InstanceId: web }));
  const idle = (await east.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId ?? "";

  const vpc = (await east.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc?.VpcId ?? "";
  const subnet =
    (await east.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.0.1.0/24" }))).Subnet?.SubnetId ??
    "";
  const natEip = (await east.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId ?? "";
  const natGateway =
    (await east.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: natEip }))).NatGateway
      ?.NatGatewayId ?? "";

  const s3 = (region: string) => new S3Client({ region, endpoint, credentials, forcePathStyle: true });
  await s3("us-east-1").send(new CreateBucketCommand({ Bucket: "finops-logs" }));
  await s3("us-east-1").send(
    new PutBucketTaggingCommand({
      Bucket: "finops-logs",
      Tagging: { TagSet: [{ Key: "team", Value: "platform" }] },
    }),
  );
  await s3("us-east-1").send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: "finops-logs",
      LifecycleConfiguration: {
        Rules: [{ ID: "expire", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 30 } }],
      },
    }),
  );
  await s3("eu-west-1").send(
    new CreateBucketCommand({
      Bucket: "finops-eu-data",
      CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
    }),
  );

  // Two weeks of daily CPU for the web instance: 20% average, 60% peak.
  const cloudwatch = new CloudWatchClient({ region: "us-east-1", endpoint, credentials });
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  for (let day = 1; day <= 14; day++) {
    const at = new Date(today.getTime() - day * 86_400_000 + 12 * 3_600_000);
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "AWS/EC2",
        MetricData: [
          {
            MetricName: "CPUUtilization",
            Dimensions: [{ Name: "InstanceId", Value: web }],
            Timestamp: at,
            Value: 20,
          },
        ],
      }),
    );
  }
  for (const client of [east, west, cloudwatch]) client.destroy();
  return {
    instances: { web, node, stopped, euWeb },
    volumes: { attached, unattached, euVolume },
    snapshot,
    addresses: { associated, idle },
    natGateway,
  };
}

/** IAM action of each recorded API operation (where they differ from service:operation). */
const IAM_ACTION: Record<string, string | null> = {
  "s3:ListBuckets": "s3:ListAllMyBuckets",
  "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
  "s3:ListMultipartUploads": "s3:ListBucketMultipartUploads",
  "s3:ListParts": "s3:ListMultipartUploadParts",
  "tagging:GetResources": "tag:GetResources",
  // Both load balancer APIs (recorded as elbv2 and elb) are one IAM service.
  "elbv2:DescribeLoadBalancers": "elasticloadbalancing:DescribeLoadBalancers",
  "elbv2:DescribeTargetGroups": "elasticloadbalancing:DescribeTargetGroups",
  "elbv2:DescribeTargetHealth": "elasticloadbalancing:DescribeTargetHealth",
  "elbv2:DescribeTags": "elasticloadbalancing:DescribeTags",
  "elb:DescribeLoadBalancers": "elasticloadbalancing:DescribeLoadBalancers",
  "elb:DescribeTags": "elasticloadbalancing:DescribeTags",
  "sts:GetCallerIdentity": null, // needs no permission
};

/** Every operation the collectors really called (as recorded) is allowed by `finops iam-policy`. */
async function assertPolicyCoversRecordedCalls(recordDir: string) {
  const result = await runFinops(["iam-policy", "--role", "collector"]);
  assert.equal(result.code, 0, result.stderr);
  const allowed = new Set<string>(JSON.parse(result.stdout).Statement[0].Action);
  const called = new Set<string>();
  for (const entry of await readdir(recordDir, { recursive: true })) {
    const parts = entry.split(sep);
    if (parts.length >= 4) called.add(`${parts[2]}:${parts[3]}`);
  }
  assert.ok(
    called.has("ec2:DescribeInstances") && called.has("cloudwatch:GetMetricData"),
    [...called].join(),
  );
  for (const call of called) {
    const action = call in IAM_ACTION ? IAM_ACTION[call] : call;
    if (action) assert.ok(allowed.has(action), `${call} needs ${action}, missing from the policy`);
  }
}

interface Resource {
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  state: string | null;
  tags: Record<string, string>;
  team: string | null;
}

describe("finops collect --only inventory,utilization (against moto, two regions)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let moto: Moto;
  let proxy: CountingProxy;
  let seeded: Seeded;
  const regions = ["--regions", "us-east-1,eu-west-1"];
  const collect = (database: string, ...args: string[]) =>
    runFinops(
      [
        "collect",
        "--only",
        "inventory,utilization",
        ...regions,
        "--endpoint-url",
        proxy.endpoint,
        "--db",
        database,
        "--json",
        ...args,
      ],
      // One attempt: the failing-region test answers 503, which the SDK would otherwise retry.
      { AWS_MAX_ATTEMPTS: "1" },
    );
  const resources = async (database: string, ...args: string[]): Promise<Resource[]> => {
    const result = await runFinops(["resources", "--db", database, "--json", ...args]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout);
  };

  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    seeded = await seed(moto.endpoint);
  });
  after(async () => {
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("every collector succeeds in both regions and the inventory is what was seeded", async () => {
    const result = await collect(db);
    assert.equal(result.code, 0, result.stderr);
    const { collectors } = JSON.parse(result.stdout);
    assert.ok(
      collectors.every((c: { status: string }) => c.status === "ok"),
      result.stdout,
    );
    assert.ok(collectors.some((c: { region: string }) => c.region === "eu-west-1"));

    const all = await resources(db);
    const byId = new Map(all.map((r) => [r.resourceId, r]));
    const web = byId.get(seeded.instances.web ?? "");
    assert.equal(web?.resourceType, "ec2:instance");
    assert.equal(web?.account, ACCOUNT);
    assert.equal(web?.state, "running");
    assert.equal(web?.team, "platform");
    assert.equal(byId.get(seeded.instances.node ?? "")?.team, "data", "Team matches team ignoring case");
    assert.equal(byId.get(seeded.instances.stopped ?? "")?.state, "stopped");
    assert.equal(byId.get(seeded.instances.euWeb ?? "")?.region, "eu-west-1");
    assert.equal(byId.get(seeded.volumes.unattached ?? "")?.state, "available");
    assert.equal(byId.get(seeded.volumes.attached ?? "")?.state, "in-use");
    assert.equal(byId.get(seeded.volumes.euVolume ?? "")?.region, "eu-west-1");
    assert.equal(byId.get(seeded.snapshot)?.resourceType, "ec2:snapshot");
    assert.equal(byId.get(seeded.addresses.associated ?? "")?.state, "associated");
    assert.equal(byId.get(seeded.addresses.idle ?? "")?.state, "unassociated");
    assert.equal(byId.get(seeded.natGateway)?.resourceType, "ec2:nat-gateway");
    assert.equal(byId.get("finops-logs")?.region, "us-east-1");
    assert.deepEqual(byId.get("finops-logs")?.tags, { team: "platform" });
    assert.equal(byId.get("finops-eu-data")?.region, "eu-west-1");
    assert.equal(
      all.filter((r) => r.resourceId === seeded.instances.web).length,
      1,
      "a resource the Tagging API also reports is listed once",
    );

    const volumes = await resources(db, "--type", "ec2:volume", "--region", "us-east-1");
    // Besides the two seeded volumes, moto gives each instance a root volume.
    assert.ok(volumes.every((r) => r.region === "us-east-1" && r.resourceType === "ec2:volume"));
    const ids = volumes.map((r) => r.resourceId);
    assert.ok(ids.includes(seeded.volumes.attached ?? "") && ids.includes(seeded.volumes.unattached ?? ""));
    assert.deepEqual(
      volumes.filter((r) => r.state === "available").map((r) => r.resourceId),
      [seeded.volumes.unattached],
    );
    const untagged = await resources(db, "--untagged", "--type", "ec2:instance");
    assert.deepEqual(
      untagged.map((r) => r.resourceId),
      [seeded.instances.stopped],
    );
  });

  test("utilization: daily CPU of the seeded instance is stored", async () => {
    const instance = await DuckDBInstance.create(db, {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
    const connection = await instance.connect();
    const rows = (
      await connection.runAndReadAll(
        "SELECT count(*) AS days, avg(average) AS avg FROM metrics_daily WHERE resource_id = $1 AND metric = 'CPUUtilization'",
        [seeded.instances.web ?? ""],
      )
    ).getRowObjectsJson();
    connection.closeSync();
    instance.closeSync();
    assert.ok(Number(rows[0]?.days) >= 13, `days of CPU: ${rows[0]?.days}`);
    assert.equal(Number(rows[0]?.avg), 20);
  });

  test("the rules find the seeded waste in what was collected", async () => {
    const inEightDays = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const result = await runFinops(["analyze", "--db", db, "--now", inEightDays, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const findings: { rule: string; resourceId: string }[] = JSON.parse(result.stdout).findings;
    const has = (rule: string, id: string) => findings.some((f) => f.rule === rule && f.resourceId === id);
    assert.ok(has("unassociated-eip", seeded.addresses.idle ?? ""));
    assert.ok(!has("unassociated-eip", seeded.addresses.associated ?? ""));
    assert.ok(has("unattached-volume", seeded.volumes.unattached ?? ""));
    assert.ok(has("gp2-volume", seeded.volumes.unattached ?? ""));
    assert.ok(!has("unattached-volume", seeded.volumes.attached ?? ""));
    assert.ok(has("previous-generation", seeded.instances.stopped ?? ""));
    assert.ok(has("missing-tags", seeded.instances.stopped ?? ""));
    assert.ok(has("s3-no-lifecycle", "finops-eu-data"));
    assert.ok(!has("s3-no-lifecycle", "finops-logs"));
    assert.ok(!has("idle-instance", seeded.instances.web ?? ""), "20% CPU is not idle");
  });

  test("one region failing is reported, exits 1, and the other region's rows are kept", async () => {
    const partial = join(dir.path, "partial.duckdb");
    proxy.failWhen = (headers) => String(headers.authorization ?? "").includes("/eu-west-1/");
    try {
      const result = await collect(partial);
      assert.equal(result.code, 1, result.stderr);
      const { collectors } = JSON.parse(result.stdout);
      const failed = collectors.filter((c: { status: string }) => c.status === "failed");
      assert.ok(failed.length > 0);
      // S3's collector is account-wide: it reads the eu-west-1 bucket too, so it fails as a whole.
      assert.ok(
        failed.every((c: { region: string }) => ["eu-west-1", "global"].includes(c.region)),
        JSON.stringify(failed),
      );
      assert.ok(
        collectors.some(
          (c: { region: string; status: string }) => c.region === "us-east-1" && c.status === "ok",
        ),
      );
      assert.match(result.stderr, /failed/);
    } finally {
      delete proxy.failWhen;
    }
    const kept = await resources(partial);
    assert.ok(kept.some((r) => r.resourceId === seeded.instances.web));
    assert.ok(!kept.some((r) => r.resourceId === seeded.instances.euWeb));
  });

  test("record against moto, replay with moto stopped: identical tables", async () => {
    const recordDir = join(dir.path, "record");
    const recorded = join(dir.path, "recorded.duckdb");
    const replayed = join(dir.path, "replayed.duckdb");
    const live = await collect(recorded, "--record", recordDir);
    assert.equal(live.code, 0, live.stderr);
    await assertPolicyCoversRecordedCalls(recordDir);
    await proxy.close();
    await moto.stop();
    const replay = await runFinops(["collect", "--replay", recordDir, "--db", replayed, "--json"], {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    });
    assert.equal(replay.code, 0, replay.stderr);
    const replayReport = JSON.parse(replay.stdout);
    assert.ok(replayReport.collectors.every((c: { apiCalls: number }) => c.apiCalls === 0));
    assert.deepEqual(await resources(replayed), await resources(recorded));
    const metrics = async (database: string) => {
      const instance = await DuckDBInstance.create(database, {
        autoinstall_known_extensions: "false",
        autoload_known_extensions: "false",
      });
      const connection = await instance.connect();
      const rows = (
        await connection.runAndReadAll(
          "SELECT resource_id, namespace, metric, day::VARCHAR AS day, average, maximum, sum FROM metrics_daily ORDER BY ALL",
        )
      ).getRowObjectsJson();
      connection.closeSync();
      instance.closeSync();
      return rows;
    };
    assert.deepEqual(await metrics(replayed), await metrics(recorded));
  });
});
