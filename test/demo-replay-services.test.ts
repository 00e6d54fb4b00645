import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import type { PageScope } from "../aws/pages.js";
import { replayPages } from "../aws/record-replay.js";
import type { MetricQuery } from "../collectors/utilization/cloudwatch.js";
import { DayBiller, day } from "../demo/billing-rows.js";
import {
  allResources,
  buildEstate,
  DAY_MS,
  DEMO_SEED,
  type Estate,
  existsAt,
  type Resource,
} from "../demo/estate.js";
import { writeReplay } from "../demo/replay.js";
import { MetricSeries } from "../demo/replay-cloudwatch.js";
import { collectorId } from "../demo/replay-cloudwatch-services.js";
import { tempDir } from "./helpers/project.js";

const ANCHOR = new Date("2024-09-18T00:00:00Z");
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Page = Record<string, unknown>;
type Item = Record<string, unknown>;

/** Every page of one call, as a collector reads it back through the replay page source. */
async function pagesOf(dir: string, scope: PageScope): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of replayPages(dir).pages<Page>(scope, async () => ({ page: {} }))) out.push(page);
  return out;
}

/** The items under `key` of every page of one call. */
async function itemsOf(dir: string, scope: PageScope, key: string): Promise<Item[]> {
  return (await pagesOf(dir, scope)).flatMap((p) => (p[key] as Item[] | undefined) ?? []);
}

describe("demo replay: issue 16's services at the spec's PageScopes, in the SDK's output shapes", () => {
  const dir = tempDir("finops-demo-services-");
  const full = join(dir.path, "full");
  const small = join(dir.path, "small");
  let estate: Estate;
  const at = ANCHOR.getTime();
  const live = <R extends Resource>(list: R[]) => list.filter((r) => existsAt(r, at));
  /** Every account and region of the estate with its live records of a list. */
  const scopes = <R extends Resource>(list: R[]) =>
    estate.accounts.flatMap((a) =>
      estate.regions.map((region) => ({
        account: a.id,
        region,
        records: live(list).filter((r) => r.account === a.id && r.region === region),
        scope: (service: string, operation: string, part?: string): PageScope => ({
          account: a.id,
          region,
          service,
          operation,
          ...(part === undefined ? {} : { part }),
        }),
      })),
    );

  before(async () => {
    estate = buildEstate(DEMO_SEED, ANCHOR);
    await writeReplay(estate, full);
    await writeReplay(estate, small, { pageSize: 2 });
  });

  test("the estate is the same for the same seed, and issue 16's records are there", () => {
    const again = buildEstate(DEMO_SEED, ANCHOR);
    assert.equal(JSON.stringify(again), JSON.stringify(estate));
    for (const key of [
      "dynamoTables",
      "ecrRepositories",
      "cacheClusters",
      "redshiftClusters",
      "images",
      "launchTemplates",
    ] as const) {
      assert.ok(estate[key].length > 0, key);
    }
    assert.ok(estate.buckets.some((b) => b.multipartUploads.length > 0));
    assert.ok(estate.loadBalancers.some((lb) => lb.kind === "classic"));
    assert.ok(estate.eksClusters.every((c) => c.nodegroups.length > 0));
  });

  test("RDS DescribeDBInstances lists every live database with the attributes the collector reads", async () => {
    for (const s of scopes(estate.databases)) {
      for (const root of [full, small]) {
        const items = await itemsOf(root, s.scope("rds", "DescribeDBInstances"), "DBInstances");
        assert.deepEqual(items.map((i) => i.DBInstanceArn).sort(), s.records.map((r) => r.billingId).sort());
        for (const i of items) {
          assert.equal(typeof i.DBInstanceIdentifier, "string");
          assert.match(String(i.DBInstanceClass), /^db\./);
          assert.ok(["gp2", "gp3"].includes(String(i.StorageType)));
          assert.equal(typeof i.AllocatedStorage, "number");
          assert.equal(typeof i.MultiAZ, "boolean");
          assert.equal(i.DBInstanceStatus, "available");
          assert.match(String(i.InstanceCreateTime), ISO);
          assert.ok(Array.isArray(i.TagList));
        }
      }
      const pages = await pagesOf(small, s.scope("rds", "DescribeDBInstances"));
      if (s.records.length > 2) assert.ok(pages[0]?.Marker, "a first page of several has a Marker");
    }
  });

  test("load balancers: v2 with target groups and their targets' health, classic with instances", async () => {
    let targetHealthCalls = 0;
    for (const s of scopes(estate.loadBalancers)) {
      const v2 = s.records.filter((r) => r.kind !== "classic");
      const classic = s.records.filter((r) => r.kind === "classic");
      const lbs = await itemsOf(small, s.scope("elbv2", "DescribeLoadBalancers"), "LoadBalancers");
      assert.deepEqual(lbs.map((l) => l.LoadBalancerArn).sort(), v2.map((r) => r.billingId).sort());
      for (const l of lbs) {
        assert.deepEqual(l.State, { Code: "active" });
        assert.ok(["application", "network"].includes(String(l.Type)));
        assert.match(String(l.CreatedTime), ISO);
      }
      const groups = await itemsOf(small, s.scope("elbv2", "DescribeTargetGroups"), "TargetGroups");
      for (const lb of v2) {
        const mine = groups.filter((g) => (g.LoadBalancerArns as string[]).includes(lb.arn));
        assert.equal(mine.length, lb.targetGroups.length, lb.name);
        for (const g of mine) {
          const health = await pagesOf(
            full,
            s.scope("elbv2", "DescribeTargetHealth", String(g.TargetGroupName)),
          );
          assert.equal(health.length, 1);
          const targets = health[0]?.TargetHealthDescriptions as { Target: { Id: string } }[];
          assert.equal(targets.length, lb.targetGroups[0]?.targets.length);
          targetHealthCalls++;
        }
      }
      const descriptions = await itemsOf(
        small,
        s.scope("elb", "DescribeLoadBalancers"),
        "LoadBalancerDescriptions",
      );
      assert.deepEqual(descriptions.map((d) => d.LoadBalancerName).sort(), classic.map((r) => r.name).sort());
      for (const d of descriptions) {
        const lb = classic.find((r) => r.name === d.LoadBalancerName);
        assert.deepEqual(
          (d.Instances as { InstanceId: string }[]).map((i) => i.InstanceId),
          lb?.classicInstances,
        );
        assert.match(String(d.CreatedTime), ISO);
      }
    }
    assert.ok(targetHealthCalls > 10);
  });

  test("log groups with retention, stored bytes (epoch ms creation) and tags", async () => {
    for (const s of scopes(estate.logGroups)) {
      const groups = await itemsOf(small, s.scope("logs", "DescribeLogGroups"), "logGroups");
      assert.deepEqual(groups.map((g) => g.logGroupArn).sort(), s.records.map((r) => r.billingId).sort());
      for (const g of groups) {
        const record = s.records.find((r) => r.name === g.logGroupName);
        assert.ok(record);
        assert.equal(g.retentionInDays, record.retentionDays ?? undefined);
        assert.equal(typeof g.creationTime, "number");
        // A group that barely logs can hold under 0.1 MB: stored bytes round to 0.
        assert.equal(typeof g.storedBytes, "number", record.name);
        assert.equal(g.arn, `${record.arn}:*`);
        const tags = await pagesOf(full, s.scope("logs", "ListTagsForResource", record.name));
        assert.deepEqual(tags[0]?.tags, record.tags);
      }
    }
  });

  test("DynamoDB ListTables, then DescribeTable and ListTagsOfResource of each table", async () => {
    for (const s of scopes(estate.dynamoTables)) {
      const pages = await pagesOf(small, s.scope("dynamodb", "ListTables"));
      const names = pages.flatMap((p) => p.TableNames as string[]);
      assert.deepEqual([...names].sort(), s.records.map((r) => r.name).sort());
      for (const [i, p] of pages.entries()) {
        assert.equal(
          p.LastEvaluatedTableName,
          i < pages.length - 1 ? (p.TableNames as string[]).at(-1) : undefined,
        );
      }
      for (const table of s.records) {
        const [page] = await pagesOf(full, s.scope("dynamodb", "DescribeTable", table.name));
        const t = page?.Table as Item;
        assert.equal(t.TableArn, table.billingId);
        assert.match(String(t.CreationDateTime), ISO);
        const summary = t.BillingModeSummary as { BillingMode: string } | undefined;
        assert.equal(summary?.BillingMode ?? "PROVISIONED", table.billingMode);
        const throughput = t.ProvisionedThroughput as {
          ReadCapacityUnits: number;
          WriteCapacityUnits: number;
        };
        assert.equal(throughput.ReadCapacityUnits, table.readCapacityUnits);
        assert.equal(typeof t.TableSizeBytes, "number");
        const tags = await itemsOf(small, s.scope("dynamodb", "ListTagsOfResource", table.name), "Tags");
        assert.deepEqual(Object.fromEntries(tags.map((x) => [x.Key, x.Value])), table.tags);
      }
    }
  });

  test("ECR repositories, their lifecycle policy (or the not-found error), images and tags", async () => {
    let withoutPolicy = 0;
    for (const s of scopes(estate.ecrRepositories)) {
      const repos = await itemsOf(small, s.scope("ecr", "DescribeRepositories"), "repositories");
      assert.deepEqual(repos.map((r) => r.repositoryArn).sort(), s.records.map((r) => r.billingId).sort());
      for (const repo of s.records) {
        const policy = pagesOf(full, s.scope("ecr", "GetLifecyclePolicy", repo.name));
        if (repo.lifecyclePolicy === null) {
          await assert.rejects(policy, { name: "LifecyclePolicyNotFoundException" });
          withoutPolicy++;
        } else {
          assert.equal((await policy)[0]?.lifecyclePolicyText, repo.lifecyclePolicy);
        }
        const images = await itemsOf(small, s.scope("ecr", "DescribeImages", repo.name), "imageDetails");
        assert.equal(images.length, repo.images.length);
        for (const i of images) {
          assert.match(String(i.imagePushedAt), ISO);
          assert.equal(typeof i.imageSizeInBytes, "number");
        }
        const [tags] = await pagesOf(full, s.scope("ecr", "ListTagsForResource", repo.name));
        assert.deepEqual(
          tags?.tags,
          Object.entries(repo.tags).map(([Key, Value]) => ({ Key, Value })),
        );
      }
    }
    assert.ok(withoutPolicy > 0);
  });

  test("owned AMIs with their snapshots; launch templates with every version's image", async () => {
    for (const s of scopes(estate.images)) {
      const images = await itemsOf(small, s.scope("ec2", "DescribeImages"), "Images");
      assert.deepEqual(images.map((i) => i.ImageId).sort(), s.records.map((r) => r.id).sort());
      for (const i of images) {
        const record = s.records.find((r) => r.id === i.ImageId);
        const snapshots = (i.BlockDeviceMappings as { Ebs: { SnapshotId: string } }[]).map(
          (b) => b.Ebs.SnapshotId,
        );
        assert.deepEqual(snapshots, record?.snapshotIds);
        assert.match(String(i.CreationDate), ISO);
        assert.equal(i.State, "available");
      }
      const templates = estate.launchTemplates.filter(
        (t) => t.account === s.account && t.region === s.region,
      );
      const listed = await itemsOf(small, s.scope("ec2", "DescribeLaunchTemplates"), "LaunchTemplates");
      assert.deepEqual(listed.map((t) => t.LaunchTemplateId).sort(), templates.map((t) => t.id).sort());
      for (const t of templates) {
        const versions = await itemsOf(
          small,
          s.scope("ec2", "DescribeLaunchTemplateVersions", t.id),
          "LaunchTemplateVersions",
        );
        const images = versions.map((v) => (v.LaunchTemplateData as { ImageId: string }).ImageId);
        assert.deepEqual(images.sort(), [...t.versionImageIds].sort());
      }
    }
  });

  test("ElastiCache, Redshift and EKS (clusters, node groups, desired sizes)", async () => {
    for (const s of scopes(estate.cacheClusters)) {
      const items = await itemsOf(small, s.scope("elasticache", "DescribeCacheClusters"), "CacheClusters");
      assert.deepEqual(items.map((i) => i.ARN).sort(), s.records.map((r) => r.billingId).sort());
      for (const i of items) assert.match(String(i.CacheClusterCreateTime), ISO);
    }
    for (const s of scopes(estate.redshiftClusters)) {
      const items = await itemsOf(small, s.scope("redshift", "DescribeClusters"), "Clusters");
      assert.deepEqual(items.map((i) => i.ClusterIdentifier).sort(), s.records.map((r) => r.name).sort());
      for (const i of items) assert.match(String(i.ClusterCreateTime), ISO);
    }
    for (const s of scopes(estate.eksClusters)) {
      const names = await itemsOf(small, s.scope("eks", "ListClusters"), "clusters");
      assert.deepEqual([...names].sort(), s.records.map((r) => r.name).sort());
      for (const c of s.records) {
        const [page] = await pagesOf(full, s.scope("eks", "DescribeCluster", c.name));
        assert.equal((page?.cluster as Item | undefined)?.arn, c.billingId);
        const groups = await pagesOf(small, s.scope("eks", "ListNodegroups", c.name));
        const groupNames = groups.flatMap((p) => p.nodegroups as string[]);
        assert.deepEqual(
          groupNames,
          c.nodegroups.map((g) => g.name),
        );
        let desired = 0;
        for (const name of groupNames) {
          const [ng] = await pagesOf(full, s.scope("eks", "DescribeNodegroup", `${c.name}/${name}`));
          desired +=
            ((ng?.nodegroup as Item | undefined)?.scalingConfig as { desiredSize: number } | undefined)
              ?.desiredSize ?? -1;
        }
        assert.equal(
          desired,
          c.nodegroups.reduce((sum, g) => sum + g.desiredSize, 0),
          c.name,
        );
      }
    }
    assert.ok(live(estate.eksClusters).some((c) => c.nodegroups.every((g) => g.desiredSize === 0)));
  });

  test("S3 incomplete multipart uploads and their parts, paged with both markers", async () => {
    let uploads = 0;
    for (const account of estate.accounts) {
      for (const bucket of live(estate.buckets).filter((b) => b.account === account.id)) {
        const scope = (operation: string, part: string): PageScope => ({
          account: account.id,
          region: "global",
          service: "s3",
          operation,
          part,
        });
        const pages = await pagesOf(small, scope("ListMultipartUploads", bucket.id));
        assert.ok(pages.length >= 1, bucket.id);
        for (const [i, p] of pages.entries()) {
          assert.equal(p.IsTruncated, i < pages.length - 1);
          if (p.IsTruncated) assert.ok(p.NextKeyMarker && p.NextUploadIdMarker);
        }
        const listed = pages.flatMap((p) => (p.Uploads as Item[] | undefined) ?? []);
        assert.equal(listed.length, bucket.multipartUploads.length);
        for (const u of listed) {
          assert.match(String(u.Initiated), ISO);
          const upload = bucket.multipartUploads.find((x) => x.uploadId === u.UploadId);
          const parts = await itemsOf(small, scope("ListParts", `${bucket.id}/${u.UploadId}`), "Parts");
          assert.deepEqual(
            parts.map((x) => x.Size),
            upload?.partBytes,
          );
          uploads++;
        }
      }
    }
    assert.ok(uploads >= 4);
  });

  test("CloudWatch answers the new metrics from the records, as the bill charges them", () => {
    const series = new MetricSeries(estate);
    const start = at - 30 * DAY_MS;
    const days = Array.from({ length: 30 }, (_, i) => start + i * DAY_MS);
    const ask = (r: Resource, namespace: string, metric: string, stat: MetricQuery["stat"]) =>
      series
        .series(
          r,
          {
            resourceId: collectorId(r),
            resourceType: r.resourceType,
            namespace,
            metric,
            stat,
            dimensions: [],
          },
          days,
        )
        .map(([, v]) => v);
    // Log ingestion: IncomingBytes is the GB the bill charges that day (in 2^30 bytes).
    const biller = new DayBiller(estate);
    const lastDay = day(estate, estate.days - 1);
    const ingested = new Map<string, number>();
    const charged = new Set<string>();
    biller.charges(lastDay, (c) => {
      if (c.subject.resourceId) charged.add(c.subject.resourceId);
      if (c.usageType?.endsWith("DataProcessing-Bytes") && c.subject.resourceType === "log-group") {
        ingested.set(c.subject.resourceId ?? "", c.quantity ?? 0);
      }
    });
    for (const g of live(estate.logGroups)) {
      const bytes = ask(g, "AWS/Logs", "IncomingBytes", "Sum").at(-1) ?? -1;
      if (g.ingestGbPerDay === 0) {
        assert.equal(bytes, 0, g.name);
        assert.ok(!ingested.has(g.billingId));
      } else {
        assert.ok(Math.abs(bytes / 1024 ** 3 - (ingested.get(g.billingId) ?? -1)) < 1e-5, g.name);
      }
    }
    // Idle services answer 0 every day; busy ones more.
    for (const db of live(estate.databases)) {
      const connections = ask(db, "AWS/RDS", "DatabaseConnections", "Maximum");
      assert.equal(connections.length, 30);
      assert.equal(Math.max(...connections) === 0, db.utilization.connectionsMean === 0, db.id);
      const cpu = ask(db, "AWS/RDS", "CPUUtilization", "Maximum");
      assert.ok(cpu.every((v) => v >= 0 && v <= 100));
    }
    for (const c of [...live(estate.cacheClusters), ...live(estate.redshiftClusters)]) {
      const metric = c.resourceType === "redshift:cluster" ? "DatabaseConnections" : "CurrConnections";
      const values = ask(c, "", metric, "Maximum");
      assert.equal(values.length, 30);
      assert.equal(Math.max(...values) === 0, c.profile === "idle", c.id);
    }
    for (const t of live(estate.dynamoTables)) {
      const reads = ask(t, "AWS/DynamoDB", "ConsumedReadCapacityUnits", "Sum");
      assert.equal(reads.length, 30);
      if (t.billingMode === "PROVISIONED") {
        const used = Math.max(...reads) / (t.readCapacityUnits * 86_400);
        assert.ok(used < 1, t.name);
      }
    }
    for (const lb of live(estate.loadBalancers)) {
      const metric = lb.kind === "network" ? "ProcessedBytes" : "RequestCount";
      const values = ask(lb, "", metric, "Sum");
      assert.equal(Math.max(...values) === 0, lb.lcuPerHour === 0, lb.name);
    }
    // Billing names every new service's resource by its ARN; images are not billed, their snapshots are.
    for (const r of live(allResources(estate))) {
      if (r.resourceType === "ec2:image") {
        assert.ok(!charged.has(r.billingId));
        continue;
      }
      if (
        !["dynamodb:table", "elasticache:cluster", "redshift:cluster", "ecr:repository"].includes(
          r.resourceType,
        )
      )
        continue;
      assert.ok(charged.has(r.arn), `${r.arn} is not billed`);
    }
    for (const image of live(estate.images)) {
      for (const id of image.snapshotIds) {
        const snapshot = estate.snapshots.find((s) => s.id === id);
        assert.ok(snapshot && charged.has(snapshot.billingId), id);
      }
    }
  });
});
