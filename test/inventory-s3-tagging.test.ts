import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  type TagSpecification,
} from "@aws-sdk/client-ec2";
import {
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { PageSource } from "../aws/pages.js";
import { livePages, recordingPages } from "../aws/pages.js";
import { replayPages, scopeDir } from "../aws/record-replay.js";
import type { CollectScope, InventoryCollector, ResourceRecord } from "../collectors/inventory/resource.js";
import { bucketRegion, s3Buckets } from "../collectors/inventory/s3-buckets.js";
import { resourceFromArn, taggingResources } from "../collectors/inventory/tagging.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

const ACCOUNT = "123456789012";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

describe("inventory: S3 buckets and the Tagging API (against moto)", () => {
  const dir = tempDir("finops-inventory-");
  let moto: Moto;
  const ids: {
    instance: string;
    volume: string;
    snapshot: string;
    natGateway: string;
    untaggedVolume: string;
  } = {
    instance: "",
    volume: "",
    snapshot: "",
    natGateway: "",
    untaggedVolume: "",
  };

  const scope = (region: string, pages: PageSource = livePages()): CollectScope => ({
    account: ACCOUNT,
    region,
    pages,
    aws: { endpointUrl: moto.endpoint, region },
    now: new Date(),
  });
  const byId = (records: ResourceRecord[]) => new Map(records.map((r) => [r.resourceId, r]));
  const run = (collector: InventoryCollector, region: string, pages?: PageSource) =>
    collector.collect(scope(region, pages));

  before(async () => {
    process.env.AWS_ACCESS_KEY_ID = "testing";
    process.env.AWS_SECRET_ACCESS_KEY = "testing";
    moto = await startMoto();
    const s3 = (region: string) =>
      new S3Client({ region, endpoint: moto.endpoint, forcePathStyle: true, credentials });
    const use1 = s3("us-east-1");
    const euw1 = s3("eu-west-1");
    await use1.send(new CreateBucketCommand({ Bucket: "alpha-logs" }));
    await use1.send(new CreateBucketCommand({ Bucket: "delta-scratch" }));
    await euw1.send(
      new CreateBucketCommand({
        Bucket: "beta-archive",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    await euw1.send(
      new CreateBucketCommand({
        Bucket: "gamma-plain",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    await use1.send(
      new PutBucketTaggingCommand({
        Bucket: "alpha-logs",
        Tagging: {
          TagSet: [
            { Key: "team", Value: "data" },
            { Key: "env", Value: "prod" },
          ],
        },
      }),
    );
    await euw1.send(
      new PutBucketTaggingCommand({
        Bucket: "beta-archive",
        Tagging: { TagSet: [{ Key: "team", Value: "platform" }] },
      }),
    );
    await use1.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: "alpha-logs",
        LifecycleConfiguration: {
          Rules: [
            {
              ID: "expire-and-archive",
              Status: "Enabled",
              Filter: { Prefix: "logs/" },
              Expiration: { Days: 365 },
              Transitions: [{ Days: 30, StorageClass: "GLACIER" }],
            },
            {
              ID: "tidy-versions",
              Status: "Disabled",
              Filter: { Prefix: "" },
              NoncurrentVersionExpiration: { NoncurrentDays: 7 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
            },
          ],
        },
      }),
    );
    await use1.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: "delta-scratch",
        LifecycleConfiguration: {
          Rules: [{ ID: "scratch", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 1 } }],
        },
      }),
    );
    use1.destroy();
    euw1.destroy();

    const ec2 = new EC2Client({ region: "us-east-1", endpoint: moto.endpoint, credentials });
    const tagged = (ResourceType: TagSpecification["ResourceType"], team: string): TagSpecification[] => [
      { ResourceType, Tags: [{ Key: "team", Value: team }] },
    ];
    const launched = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-12c6146b",
        InstanceType: "t3.micro",
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: tagged("instance", "web"),
      }),
    );
    ids.instance = launched.Instances?.[0]?.InstanceId ?? "";
    const volume = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: "us-east-1a",
        Size: 10,
        TagSpecifications: tagged("volume", "data"),
      }),
    );
    ids.volume = volume.VolumeId ?? "";
    const untagged = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 5 }));
    ids.untaggedVolume = untagged.VolumeId ?? "";
    const snapshot = await ec2.send(
      new CreateSnapshotCommand({ VolumeId: ids.volume, TagSpecifications: tagged("snapshot", "data") }),
    );
    ids.snapshot = snapshot.SnapshotId ?? "";
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    const address = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
    const nat = await ec2.send(
      new CreateNatGatewayCommand({
        SubnetId: subnets.Subnets?.[0]?.SubnetId,
        AllocationId: address.AllocationId,
        TagSpecifications: tagged("natgateway", "network"),
      }),
    );
    ids.natGateway = nat.NatGateway?.NatGatewayId ?? "";
    ec2.destroy();
    assert.ok(ids.instance && ids.volume && ids.snapshot && ids.natGateway && ids.untaggedVolume);
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("S3: every bucket once, in its own region, with its tags and lifecycle rules", async () => {
    const records = await run(s3Buckets, "us-east-1");
    assert.equal(s3Buckets.scope, "account");
    assert.deepEqual(
      records.map((r) => [r.resourceId, r.region]),
      [
        ["alpha-logs", "us-east-1"],
        ["beta-archive", "eu-west-1"],
        ["delta-scratch", "us-east-1"],
        ["gamma-plain", "eu-west-1"],
      ],
    );
    for (const record of records) {
      assert.equal(record.resourceType, "s3:bucket");
      assert.equal(record.account, ACCOUNT);
      assert.equal(record.state, null);
      assert.equal(record.stateSince, null);
      assert.ok(record.createdAt && !Number.isNaN(Date.parse(record.createdAt)), "CreationDate as ISO");
    }
    const buckets = byId(records);
    assert.deepEqual(buckets.get("alpha-logs")?.tags, { team: "data", env: "prod" });
    assert.deepEqual(buckets.get("alpha-logs")?.attributes, {
      lifecycleRules: 2,
      lifecycle: {
        rules: [
          {
            id: "expire-and-archive",
            status: "Enabled",
            hasExpiration: true,
            hasTransition: true,
            hasNoncurrentVersionExpiration: false,
            hasAbortIncompleteMultipartUpload: false,
          },
          {
            id: "tidy-versions",
            status: "Disabled",
            hasExpiration: false,
            hasTransition: false,
            hasNoncurrentVersionExpiration: true,
            hasAbortIncompleteMultipartUpload: true,
          },
        ],
      },
      multipartUploads: [],
    });
    assert.deepEqual(buckets.get("beta-archive")?.tags, { team: "platform" });
    assert.deepEqual(buckets.get("beta-archive")?.attributes, {
      lifecycleRules: 0,
      lifecycle: null,
      multipartUploads: [],
    });
    assert.deepEqual(buckets.get("delta-scratch")?.tags, {});
    assert.equal(buckets.get("delta-scratch")?.attributes.lifecycleRules, 1);
    // Neither tags nor lifecycle: a normal bucket, not an error.
    assert.deepEqual(buckets.get("gamma-plain")?.tags, {});
    assert.deepEqual(buckets.get("gamma-plain")?.attributes, {
      lifecycleRules: 0,
      lifecycle: null,
      multipartUploads: [],
    });
  });

  test("Tagging API: tagged resources with the contract's types and ids; untagged ones are not reported", async () => {
    assert.equal(taggingResources.scope, "regional");
    const records = await run(taggingResources, "us-east-1");
    const resources = byId(records);
    const expectEc2 = (id: string, resourceType: string, arnType: string, team: string) => {
      const record = resources.get(id);
      assert.ok(record, `${resourceType} ${id} reported`);
      assert.deepEqual(record, {
        resourceId: id,
        resourceType,
        account: ACCOUNT,
        region: "us-east-1",
        state: null,
        stateSince: null,
        createdAt: null,
        tags: { team },
        attributes: { arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:${arnType}/${id}` },
      });
    };
    expectEc2(ids.instance, "ec2:instance", "instance", "web");
    expectEc2(ids.volume, "ec2:volume", "volume", "data");
    expectEc2(ids.snapshot, "ec2:snapshot", "snapshot", "data");
    expectEc2(ids.natGateway, "ec2:nat-gateway", "natgateway", "network");
    assert.equal(resources.has(ids.untaggedVolume), false, "an untagged volume is not in the Tagging API");
    // S3 ARNs name no region: the bucket is reported in the scope's region, by its name.
    const bucket = resources.get("alpha-logs");
    assert.equal(bucket?.resourceType, "s3:bucket");
    assert.equal(bucket?.region, "us-east-1");
    assert.deepEqual(bucket?.tags, { team: "data", env: "prod" });
    assert.deepEqual(bucket?.attributes, { arn: "arn:aws:s3:::alpha-logs" });
    for (const record of records) assert.ok(record.resourceType.includes(":"), record.resourceType);
  });

  test("Tagging API: ARNs map to service:type, EC2 and S3 types to the contract's names and ids", () => {
    const cases: [string, { resourceType: string; resourceId: string; account: string; region: string }][] = [
      [
        "arn:aws:ec2:eu-west-1:111122223333:elastic-ip/eipalloc-0abc",
        {
          resourceType: "ec2:elastic-ip",
          resourceId: "eipalloc-0abc",
          account: "111122223333",
          region: "eu-west-1",
        },
      ],
      [
        "arn:aws:ec2:us-east-1:111122223333:natgateway/nat-0abc",
        {
          resourceType: "ec2:nat-gateway",
          resourceId: "nat-0abc",
          account: "111122223333",
          region: "us-east-1",
        },
      ],
      [
        "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0abc",
        {
          resourceType: "ec2:vpc",
          resourceId: "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0abc",
          account: "111122223333",
          region: "us-east-1",
        },
      ],
      [
        "arn:aws:rds:us-east-1:111122223333:db:orders-prod",
        {
          resourceType: "rds:db",
          resourceId: "arn:aws:rds:us-east-1:111122223333:db:orders-prod",
          account: "111122223333",
          region: "us-east-1",
        },
      ],
      [
        "arn:aws:lambda:us-east-1:111122223333:function:resize:live",
        {
          resourceType: "lambda:function",
          resourceId: "arn:aws:lambda:us-east-1:111122223333:function:resize:live",
          account: "111122223333",
          region: "us-east-1",
        },
      ],
      [
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188",
        {
          resourceType: "elasticloadbalancing:loadbalancer",
          resourceId:
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188",
          account: "111122223333",
          region: "us-east-1",
        },
      ],
      [
        "arn:aws:s3:::my-bucket",
        { resourceType: "s3:bucket", resourceId: "my-bucket", account: "", region: "" },
      ],
      [
        "arn:aws:sqs:us-east-1:111122223333:jobs",
        {
          resourceType: "sqs:queue",
          resourceId: "arn:aws:sqs:us-east-1:111122223333:jobs",
          account: "111122223333",
          region: "us-east-1",
        },
      ],
      [
        "arn:aws:apigateway:us-east-1::/restapis/a1b2c3",
        {
          resourceType: "apigateway:restapis",
          resourceId: "arn:aws:apigateway:us-east-1::/restapis/a1b2c3",
          account: "",
          region: "us-east-1",
        },
      ],
    ];
    for (const [arn, expected] of cases) assert.deepEqual(resourceFromArn(arn), expected, arn);
    assert.equal(resourceFromArn("not-an-arn"), null);
  });

  test("S3: ListBuckets pages, the legacy EU location and expected absences, from a record folder", async () => {
    const folder = join(dir.path, "handmade");
    const write = (scope: { operation: string; part?: string }, index: number, page: unknown) => {
      const at = scopeDir(folder, { account: ACCOUNT, region: "global", service: "s3", ...scope });
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, `page-000${index}.json`), JSON.stringify(page));
    };
    write({ operation: "ListBuckets" }, 1, {
      Buckets: [{ Name: "old-eu", CreationDate: "2015-03-01T00:00:00.000Z" }],
      ContinuationToken: "t1",
    });
    write({ operation: "ListBuckets" }, 2, {
      Buckets: [{ Name: "new-us", CreationDate: "2024-01-02T03:04:05.000Z" }],
    });
    write({ operation: "GetBucketLocation", part: "old-eu" }, 1, { LocationConstraint: "EU" });
    write({ operation: "GetBucketLocation", part: "new-us" }, 1, { LocationConstraint: "" });
    for (const part of ["old-eu", "new-us"]) {
      write({ operation: "GetBucketTagging", part }, 1, { error: { name: "NoSuchTagSet", message: "none" } });
      write({ operation: "GetBucketLifecycleConfiguration", part }, 1, {
        error: { name: "NoSuchLifecycleConfiguration", message: "none" },
      });
    }
    const records = await run(s3Buckets, "us-east-1", replayPages(folder));
    assert.deepEqual(
      records.map((r) => [r.resourceId, r.region, r.createdAt]),
      [
        ["new-us", "us-east-1", "2024-01-02T03:04:05.000Z"],
        ["old-eu", "eu-west-1", "2015-03-01T00:00:00.000Z"],
      ],
    );
    for (const record of records)
      assert.deepEqual(record.attributes, { lifecycleRules: 0, lifecycle: null, multipartUploads: [] });
    assert.equal(bucketRegion(null), "us-east-1");
    assert.equal(bucketRegion("ap-south-1"), "ap-south-1");

    // Any other failure is a failure.
    write({ operation: "GetBucketTagging", part: "old-eu" }, 1, {
      error: { name: "AccessDenied", message: "no" },
    });
    await assert.rejects(run(s3Buckets, "us-east-1", replayPages(folder)), { name: "AccessDenied" });
  });

  // Last: it stops moto.
  test("record, then replay without AWS: the same records", async () => {
    const folder = join(dir.path, "recorded");
    const recorded = {
      s3: await run(s3Buckets, "us-east-1", recordingPages(folder)),
      taggingUs: await run(taggingResources, "us-east-1", recordingPages(folder)),
      taggingEu: await run(taggingResources, "eu-west-1", recordingPages(folder)),
    };
    assert.equal(recorded.s3.length, 4);
    assert.ok(recorded.taggingUs.length >= 5);
    await moto.stop();
    const replay = replayPages(folder);
    const replayed = {
      s3: await run(s3Buckets, "us-east-1", replay),
      taggingUs: await run(taggingResources, "us-east-1", replay),
      taggingEu: await run(taggingResources, "eu-west-1", replay),
    };
    assert.deepEqual(replayed, recorded);
    assert.equal(replay.apiCalls.size, 0);
  });
});
