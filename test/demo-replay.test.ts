import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { recordedScopes, replayPages } from "../aws/record-replay.js";
import { INVENTORY_COLLECTORS } from "../collectors/collect-run.js";
import { ebsSnapshots } from "../collectors/inventory/ebs-snapshots.js";
import { ebsVolumes } from "../collectors/inventory/ebs-volumes.js";
import { ec2Instances } from "../collectors/inventory/ec2-instances.js";
import type { CollectScope, InventoryCollector, ResourceRecord } from "../collectors/inventory/resource.js";
import { s3Buckets } from "../collectors/inventory/s3-buckets.js";
import { taggingResources } from "../collectors/inventory/tagging.js";
import { collectUtilization } from "../collectors/utilization/cloudwatch.js";
import {
  addressAssociatedAt,
  allResources,
  bucketSizeGb,
  buildEstate,
  DAY_MS,
  DEMO_SEED,
  type Estate,
  existsAt,
  instanceStateAt,
  type Resource,
  volumeStateAt,
} from "../demo/estate.js";
import { wasteCounts } from "../demo/estate-waste-counts.js";
import { type ReplayOutput, replayInstant, writeReplay } from "../demo/replay.js";
import type { MetricDay } from "../store/inventory.js";
import { tempDir } from "./helpers/project.js";

const ANCHOR = new Date("2024-09-18T00:00:00Z");
const REGIONAL: InventoryCollector[] = INVENTORY_COLLECTORS.filter((c) => c.scope === "regional");

/** Every file under a folder with its SHA-256, by relative path. */
function digests(root: string, sub = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(root, sub)).sort()) {
    const path = join(sub, name);
    if (statSync(join(root, path)).isDirectory()) {
      for (const [k, v] of digests(root, path)) out.set(k, v);
    } else {
      out.set(
        path,
        createHash("sha256")
          .update(readFileSync(join(root, path)))
          .digest("hex"),
      );
    }
  }
  return out;
}

describe("demo replay folder: the estate's raw API pages, read by the real collectors", () => {
  const dir = tempDir("finops-demo-replay-");
  const replay = join(dir.path, "replay");
  let estate: Estate;
  let written: ReplayOutput;
  let now: Date;
  /** Collected records by type; metric days of every account and region. */
  const records = new Map<string, ResourceRecord[]>();
  const metrics: MetricDay[] = [];

  const live = <R extends Resource>(list: R[]) => list.filter((r) => existsAt(r, now.getTime()));
  const collected = (type: string) => records.get(type) ?? [];
  const byId = (type: string) => new Map(collected(type).map((r) => [r.resourceId, r]));

  before(async () => {
    estate = buildEstate(DEMO_SEED, ANCHOR);
    written = await writeReplay(estate, replay);
    now = replayInstant(estate);
    const add = (list: ResourceRecord[], collector: string) => {
      // The Tagging API also reports EC2 resources and buckets: they are counted from their own collectors.
      const key = (r: ResourceRecord) =>
        collector === "inventory:tagging" ? `tagging|${r.resourceType}` : r.resourceType;
      for (const r of list) records.set(key(r), [...(records.get(key(r)) ?? []), r]);
    };
    for (const account of estate.accounts) {
      const scope = (region: string): CollectScope => ({
        account: account.id,
        region,
        pages: replayPages(replay),
        aws: {},
        now,
      });
      const buckets = await s3Buckets.collect(scope(estate.regions[0] ?? "us-east-1"));
      add(buckets, s3Buckets.name);
      for (const region of estate.regions) {
        const regional: ResourceRecord[] = buckets.filter((b) => b.region === region);
        for (const collector of REGIONAL) {
          const list = await collector.collect(scope(region));
          add(list, collector.name);
          regional.push(...list);
        }
        metrics.push(
          ...(await collectUtilization(scope(region), regional, { lookbackDays: written.lookbackDays })),
        );
      }
    }
  });
  after(() => dir.remove());

  test("the folder holds every account and region of the estate, as collect --replay plans them", async () => {
    const scopes = await recordedScopes(replay);
    const expected = estate.accounts.flatMap((a) =>
      ["global", ...estate.regions].map((region) => ({ account: a.id, region })),
    );
    assert.deepEqual(
      scopes.filter((s) => s.account !== "caller"),
      [...expected].sort((a, b) => `${a.account}/${a.region}`.localeCompare(`${b.account}/${b.region}`)),
    );
    assert.equal(written.collectedAt, "2024-09-18T00:00:00.000Z");
    assert.ok(
      written.files > 100 && written.bytes > 1_000_000,
      `${written.files} files, ${written.bytes} bytes`,
    );
  });

  test("inventory counts equal the estate's resources that exist at the anchor", () => {
    const expected: [string, Resource[]][] = [
      ["ec2:instance", estate.instances],
      ["ec2:volume", estate.volumes],
      ["ec2:snapshot", estate.snapshots],
      ["ec2:elastic-ip", estate.elasticIps],
      ["ec2:nat-gateway", estate.natGateways],
      ["s3:bucket", estate.buckets],
    ];
    for (const [type, list] of expected) {
      assert.equal(collected(type).length, live(list).length, type);
      assert.equal(written.resources[type], live(list).length, type);
    }
    // Issue 16's types: the folder always holds them; they are collected once their collector is registered.
    const collectors = new Set(INVENTORY_COLLECTORS.map((c) => c.name));
    const services: [string, string, Resource[]][] = [
      ["rds:db", "inventory:rds-instances", estate.databases],
      ["elasticloadbalancing:loadbalancer", "inventory:load-balancers", estate.loadBalancers],
      ["logs:log-group", "inventory:log-groups", estate.logGroups],
      ["dynamodb:table", "inventory:dynamodb-tables", estate.dynamoTables],
      ["ecr:repository", "inventory:ecr-repositories", estate.ecrRepositories],
      ["ec2:image", "inventory:images", estate.images],
      ["elasticache:cluster", "inventory:elasticache-clusters", estate.cacheClusters],
      ["eks:cluster", "inventory:eks-clusters", estate.eksClusters],
      ["redshift:cluster", "inventory:redshift-clusters", estate.redshiftClusters],
    ];
    for (const [type, collector, list] of services) {
      assert.equal(written.resources[type], live(list).length, type);
      assert.ok(live(list).length > 0, type);
      if (!collectors.has(collector)) continue;
      // Both load balancer collectors return this type: together they list every one.
      const ids = new Set(collected(type).map((r) => r.resourceId));
      const expectedIds = live(list).map((r) => (type === "ec2:image" ? r.id : r.billingId));
      assert.deepEqual(ids, new Set(expectedIds), type);
    }
    // Terminated, deleted and released ones are not there at all.
    assert.ok(live(estate.instances).length < estate.instances.length);
    assert.ok(collected("ec2:instance").length > 400, `${collected("ec2:instance").length} instances`);
  });

  test("ids are the bill's: bare ids for instances, volumes and buckets, ARNs for the rest", () => {
    const same = (type: string, list: Resource[], id: (r: ResourceRecord) => string) => {
      const billing = new Set(live(list).map((r) => r.billingId));
      assert.deepEqual(new Set(collected(type).map(id)), billing, type);
    };
    same("ec2:instance", estate.instances, (r) => r.resourceId);
    same("ec2:volume", estate.volumes, (r) => r.resourceId);
    same("s3:bucket", estate.buckets, (r) => r.resourceId);
    const ec2Arn = (kind: string) => (r: ResourceRecord) =>
      `arn:aws:ec2:${r.region}:${r.account}:${kind}/${r.resourceId}`;
    same("ec2:snapshot", estate.snapshots, ec2Arn("snapshot"));
    same("ec2:elastic-ip", estate.elasticIps, ec2Arn("elastic-ip"));
    same("ec2:nat-gateway", estate.natGateways, ec2Arn("natgateway"));
    // The other services come from the Tagging API, identified by ARN as the bill does.
    const others = live(allResources(estate)).filter(
      (r) =>
        !r.resourceType.startsWith("ec2:") &&
        r.resourceType !== "s3:bucket" &&
        Object.keys(r.tags).length > 0,
    );
    for (const type of new Set(others.map((r) => r.resourceType))) {
      assert.deepEqual(
        new Set(collected(`tagging|${type}`).map((r) => r.resourceId)),
        new Set(others.filter((r) => r.resourceType === type).map((r) => r.billingId)),
        type,
      );
    }
    assert.ok(collected("tagging|rds:db").length > 0 && collected("tagging|lambda:function").length > 0);
  });

  test("tags, accounts and regions are the estate's", () => {
    for (const list of [
      estate.instances,
      estate.volumes,
      estate.snapshots,
      estate.elasticIps,
      estate.buckets,
    ]) {
      for (const resource of live(list as Resource[])) {
        const record = byId(resource.resourceType).get(resource.id);
        assert.ok(record, `${resource.id} not collected`);
        assert.deepEqual(record.tags, resource.tags, resource.id);
        assert.equal(record.account, resource.account);
        assert.equal(record.region, resource.region);
      }
    }
    const untagged = collected("s3:bucket").filter((b) => Object.keys(b.tags).length === 0);
    assert.ok(untagged.length >= 2, "untagged buckets come back with no tags (NoSuchTagSet)");
  });

  test("instance states, stopped-since times, Kubernetes nodes and spot", () => {
    const instances = byId("ec2:instance");
    for (const instance of live(estate.instances)) {
      const record = instances.get(instance.id);
      assert.ok(record);
      assert.equal(record.state, instanceStateAt(instance, now.getTime()), instance.id);
      assert.equal(record.attributes.instanceType, instance.instanceType);
      assert.equal(record.attributes.lifecycle, instance.market);
      assert.equal(record.attributes.availabilityZone, instance.availabilityZone);
      const node = record.attributes.kubernetes as { cluster: string | null } | null;
      assert.equal(node?.cluster ?? null, instance.kubernetes?.cluster ?? null, instance.id);
      if (record.state === "stopped") {
        assert.ok(record.stateSince, `${instance.id} stopped with no stateSince`);
        assert.ok(Date.parse(record.stateSince) <= now.getTime());
        if (instance.stoppedAt) assert.equal(Date.parse(record.stateSince), Date.parse(instance.stoppedAt));
      }
      // Every attached volume is in its block device mappings.
      const attached = live(estate.volumes)
        .filter(
          (v) => v.attachment?.instanceId === instance.id && volumeStateAt(v, now.getTime()) === "in-use",
        )
        .map((v) => v.id);
      assert.deepEqual([...(record.attributes.volumeIds as string[])].sort(), attached.sort(), instance.id);
    }
    const stopped = collected("ec2:instance").filter((r) => r.state === "stopped");
    const longStopped = stopped.filter((r) => now.getTime() - Date.parse(r.stateSince ?? "") > 30 * DAY_MS);
    assert.ok(longStopped.length >= 10, `${longStopped.length} instances stopped over 30 days`);
    const nodes = collected("ec2:instance").filter((r) => r.attributes.kubernetes);
    assert.deepEqual(
      new Set(nodes.map((r) => (r.attributes.kubernetes as { cluster: string }).cluster)),
      new Set(["prod-main", "prod-eu", "staging-main"]),
    );
    assert.ok(collected("ec2:instance").some((r) => r.attributes.lifecycle === "spot"));
  });

  test("volumes, addresses and NAT gateways in their states", () => {
    const volumes = byId("ec2:volume");
    const instanceIds = new Set(collected("ec2:instance").map((r) => r.resourceId));
    for (const volume of live(estate.volumes)) {
      const record = volumes.get(volume.id);
      assert.ok(record);
      assert.equal(record.state, volumeStateAt(volume, now.getTime()));
      assert.equal(record.attributes.volumeType, volume.volumeType);
      assert.equal(record.attributes.sizeGiB, volume.sizeGb);
      const attachments = record.attributes.attachments as { instanceId: string }[];
      assert.equal(attachments.length, record.state === "in-use" ? 1 : 0);
      for (const a of attachments)
        assert.ok(instanceIds.has(a.instanceId), `${volume.id} on a missing instance`);
    }
    const addresses = byId("ec2:elastic-ip");
    for (const address of live(estate.elasticIps)) {
      const state = addressAssociatedAt(address, now.getTime()) ? "associated" : "unassociated";
      assert.equal(addresses.get(address.id)?.state, state, address.id);
    }
    assert.ok(collected("ec2:elastic-ip").filter((r) => r.state === "unassociated").length >= 5);
    assert.ok(collected("ec2:nat-gateway").every((r) => r.state === "available"));
    const buckets = byId("s3:bucket");
    for (const bucket of estate.buckets) {
      assert.equal(buckets.get(bucket.id)?.attributes.lifecycleRules, bucket.lifecycleRules, bucket.id);
    }
  });

  test("snapshots: the one that backs an AMI of its account carries that image's id (DescribeImages)", () => {
    const snapshots = byId("ec2:snapshot");
    const backing = live(estate.snapshots).filter((s) => s.imageId !== null);
    assert.ok(backing.length > 0, "the demo has a snapshot behind a registered AMI");
    for (const snapshot of live(estate.snapshots)) {
      const expected = snapshot.imageId === null ? [] : [snapshot.imageId];
      assert.deepEqual(snapshots.get(snapshot.id)?.attributes.imageIds, expected, snapshot.id);
    }
  });

  test("the waste the rules look for is there", () => {
    const waste = wasteCounts(estate, now.getTime());
    for (const [kind, count] of Object.entries(waste)) assert.ok(count > 0, `no ${kind}`);
    const expired = live(allResources(estate)).filter((r) => r.tags["expires-at"] || r.tags.ttl);
    const collectedIds = new Set([...records.values()].flat().map((r) => r.resourceId));
    for (const r of expired) assert.ok(collectedIds.has(r.id) || collectedIds.has(r.billingId), r.id);
  });

  test("utilization: every instance that ran has daily CPU; idle ones stay below 5%, busy ones high", () => {
    const cpu = new Map<string, MetricDay[]>();
    for (const m of metrics) {
      if (m.metric !== "CPUUtilization") continue;
      cpu.set(m.resourceId, [...(cpu.get(m.resourceId) ?? []), m]);
    }
    const from = now.getTime() - written.lookbackDays * DAY_MS;
    for (const instance of live(estate.instances)) {
      const days = cpu.get(instance.id) ?? [];
      const ranInWindow = instance.stoppedAt === null || Date.parse(instance.stoppedAt) > from;
      if (!ranInWindow) {
        assert.equal(days.length, 0, `${instance.id} stopped before the window has CPU data`);
        continue;
      }
      assert.ok(days.length > 0, `${instance.id} has no CPU data`);
      for (const d of days) {
        assert.ok(d.average !== null && d.maximum !== null, `${instance.id} ${d.day}`);
        assert.ok(d.maximum >= d.average && d.maximum <= 100);
      }
      const peak = Math.max(...days.map((d) => d.maximum ?? 0));
      if (instance.utilization.profile === "idle")
        assert.ok(peak < 5, `idle ${instance.id} peaks at ${peak}%`);
      if (instance.utilization.profile === "busy")
        assert.ok(peak > 20, `busy ${instance.id} peaks at ${peak}%`);
    }
  });

  test("utilization: idle NAT sends nothing, unattached volumes do no I/O, buckets have their size", () => {
    const sums = (id: string, metric: string) =>
      metrics.filter((m) => m.resourceId === id && m.metric === metric).map((m) => m.sum ?? m.average);
    for (const gateway of live(estate.natGateways)) {
      const bytes = sums(gateway.id, "BytesOutToDestination");
      assert.equal(bytes.length, written.lookbackDays, gateway.id);
      if (gateway.idle) assert.ok(bytes.every((b) => b === 0));
      else assert.ok(bytes.every((b) => (b ?? 0) > 0));
    }
    const available = live(estate.volumes).filter((v) => volumeStateAt(v, now.getTime()) === "available");
    assert.ok(available.length > 10);
    for (const volume of available) {
      const ops = [...sums(volume.id, "VolumeReadOps"), ...sums(volume.id, "VolumeWriteOps")];
      const detached = Date.parse(volume.detachedAt ?? volume.createdAt);
      if (detached <= now.getTime() - written.lookbackDays * DAY_MS)
        assert.ok(
          ops.every((o) => o === 0),
          volume.id,
        );
    }
    const last = new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);
    const lastIndex = estate.days - 1;
    for (const bucket of live(estate.buckets)) {
      const day = metrics.find(
        (m) => m.resourceId === bucket.id && m.metric === "BucketSizeBytes" && m.day === last,
      );
      assert.ok(day?.average, `${bucket.id} has no size`);
      const gb = bucketSizeGb(bucket, lastIndex) * (1 - bucket.infrequentAccessShare);
      assert.ok(Math.abs(day.average / 1024 ** 3 - gb) < 0.01, bucket.id);
    }
  });

  test("the same estate and anchor give the same bytes; a replay folder is replaced, anything else refused", async () => {
    const again = join(dir.path, "again");
    await writeReplay(estate, again);
    writeFileSync(join(again, "stale.txt"), "from an earlier replay\n");
    await writeReplay(estate, again);
    assert.deepEqual(digests(again), digests(replay));

    const foreign = join(dir.path, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "keep.txt"), "mine\n");
    await assert.rejects(writeReplay(estate, foreign), /not a demo replay folder/);
    assert.deepEqual(readdirSync(foreign), ["keep.txt"]);
  });

  test("paginated calls split into pages with next tokens are read back whole", async () => {
    const small = join(dir.path, "small-pages");
    await writeReplay(estate, small, { pageSize: 25 });
    const account = estate.accounts[0]?.id ?? "";
    const scope: CollectScope = { account, region: "us-east-1", pages: replayPages(small), aws: {}, now };
    const pages = readdirSync(join(small, account, "us-east-1", "ec2", "DescribeInstances"));
    assert.ok(pages.length > 2, `${pages.length} pages`);
    const first = JSON.parse(
      readFileSync(join(small, account, "us-east-1", "ec2", "DescribeInstances", "page-0001.json"), "utf8"),
    );
    assert.ok(first.NextToken);
    for (const collector of [ec2Instances, ebsVolumes, ebsSnapshots, taggingResources]) {
      const list = await collector.collect(scope);
      const full = await collector.collect({ ...scope, pages: replayPages(replay) });
      assert.deepEqual(
        list.map((r) => r.resourceId),
        full.map((r) => r.resourceId),
        collector.name,
      );
    }
  });
});
