/**
 * The demo estate as a replay folder: the raw AWS API response pages the inventory and utilization
 * collectors would have recorded (`finops collect --record`) had they run against the estate at its
 * anchor, in the layout of aws/record-replay.ts (DIR/ACCOUNT/REGION/SERVICE/OPERATION[/PART]/page-NNNN.json).
 * `finops collect --replay DIR` then reads them with no AWS at all.
 *
 * Pages are the SDK's JSON output (Dates as ISO strings, no $metadata). Everything comes from the
 * estate's records and the lifecycle helpers, like the bill: the same ids, tags and owners; only what
 * exists at the anchor; states from `instanceStateAt` / `volumeStateAt` / `addressAssociatedAt`; daily
 * CloudWatch statistics from each record's usage profile, with the bill's own jitter where the bill
 * charges the same usage (NAT gateway bytes, bucket sizes). Identifiers AWS has but the estate does not
 * model (reservation ids, private IPs, network interfaces) are hashed from the record's id, so the
 * folder is byte-for-byte the same for the same seed and anchor.
 */
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PageScope } from "../aws/pages.js";
import { scopeDir } from "../aws/record-replay.js";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import {
  type MetricQuery,
  metricBatches,
  metricQueriesFor,
  metricWindow,
} from "../collectors/utilization/cloudwatch.js";
import {
  addressAssociatedAt,
  aliveHours,
  allResources,
  type Bucket,
  bucketObjects,
  bucketSizeGb,
  DAY_MS,
  type ElasticIp,
  type Estate,
  existsAt,
  HOUR_MS,
  type Instance,
  instanceStateAt,
  type NatGateway,
  type Resource,
  runningHours,
  type Snapshot,
  type Volume,
  volumeStateAt,
} from "./estate.js";
import { hash32, jitter, noise } from "./random.js";

/** Days of daily CloudWatch statistics written: the collectors' default lookback. */
export const REPLAY_LOOKBACK_DAYS = 30;

/** The file at the top of a replay folder that marks it as the demo's (and so safe to replace). */
export const REPLAY_MARKER = "finops-demo-replay.json";

export interface ReplayOptions {
  /** Days of metrics before the anchor (default 30, as `utilization.lookbackDays`). */
  lookbackDays?: number;
  /** Items per page of every paginated call, instead of each API's maximum (tests use it to force pages). */
  pageSize?: number;
}

export interface ReplayOutput {
  dir: string;
  /** The instant the inventory describes (the anchor's midnight): pass it as the collectors' `now`. */
  collectedAt: string;
  lookbackDays: number;
  /** The estate's accounts and regions, as the folder holds them ("global" for S3 and account-wide calls). */
  scopes: { account: string; region: string }[];
  /** Records written per resource type (live at the anchor). */
  resources: Record<string, number>;
  /** Resource-tag mappings written to the Tagging API's pages. */
  taggedResources: number;
  /** CloudWatch metric queries answered. */
  metricQueries: number;
  files: number;
  bytes: number;
}

/** The instant a replay of the estate describes: midnight UTC of its anchor day. */
export function replayInstant(estate: Estate): Date {
  return new Date(`${estate.anchor}T00:00:00.000Z`);
}

/**
 * Writes the estate's replay folder into `dir`, replacing an earlier demo replay there. A folder that
 * exists, is not empty and is not a demo replay is never touched (an error is thrown instead).
 */
export async function writeReplay(
  estate: Estate,
  dir: string,
  options: ReplayOptions = {},
): Promise<ReplayOutput> {
  const lookbackDays = options.lookbackDays ?? REPLAY_LOOKBACK_DAYS;
  const at = replayInstant(estate);
  await clearFolder(dir);
  const writer = new PageWriter(dir);
  const view = new EstateView(estate, at.getTime());
  const size = (apiMaximum: number) => options.pageSize ?? apiMaximum;
  const output: ReplayOutput = {
    dir,
    collectedAt: at.toISOString(),
    lookbackDays,
    scopes: [],
    resources: {},
    taggedResources: 0,
    metricQueries: 0,
    files: 0,
    bytes: 0,
  };
  const count = (type: string, n: number) => {
    output.resources[type] = (output.resources[type] ?? 0) + n;
  };

  await writer.page({ account: "caller", region: "global", service: "sts", operation: "GetCallerIdentity" }, [
    callerIdentity(estate),
  ]);
  await writer.page(
    { account: "caller", region: "global", service: "organizations", operation: "ListAccounts" },
    [listAccounts(estate)],
  );

  for (const account of estate.accounts) {
    const global = (service: string, operation: string, part?: string): PageScope => ({
      account: account.id,
      region: "global",
      service,
      operation,
      ...(part === undefined ? {} : { part }),
    });
    output.scopes.push({ account: account.id, region: "global" });
    await writer.page(global("ec2", "DescribeRegions"), [describeRegions(estate)]);

    const buckets = view.live(estate.buckets).filter((b) => b.account === account.id);
    count("s3:bucket", buckets.length);
    const listed = [...buckets].sort((a, b) => compare(a.id, b.id)).map(bucketListing);
    await writer.page(global("s3", "ListBuckets"), [
      {
        Buckets: listed,
        Owner: { DisplayName: `northwind-${account.name}`, ID: hexOf(`${account.id}|owner`, 64) },
      },
    ]);
    for (const bucket of buckets) {
      await writer.page(global("s3", "GetBucketLocation", bucket.id), [
        bucket.region === "us-east-1" ? {} : { LocationConstraint: bucket.region },
      ]);
      await writer.page(
        global("s3", "GetBucketTagging", bucket.id),
        Object.keys(bucket.tags).length > 0
          ? [{ TagSet: tagList(bucket.tags) }]
          : [apiError("NoSuchTagSet", "The TagSet does not exist")],
      );
      await writer.page(
        global("s3", "GetBucketLifecycleConfiguration", bucket.id),
        bucket.lifecycleRules > 0
          ? [{ Rules: lifecycleRules(bucket) }]
          : [apiError("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")],
      );
    }

    for (const region of estate.regions) {
      output.scopes.push({ account: account.id, region });
      const scope = (service: string, operation: string, part?: string): PageScope => ({
        account: account.id,
        region,
        service,
        operation,
        ...(part === undefined ? {} : { part }),
      });
      const here = <R extends Resource>(records: R[]) =>
        view.live(records).filter((r) => r.account === account.id && r.region === region);
      const instances = here(estate.instances);
      const volumes = here(estate.volumes);
      const snapshots = here(estate.snapshots);
      const addresses = here(estate.elasticIps);
      const gateways = here(estate.natGateways);
      count("ec2:instance", instances.length);
      count("ec2:volume", volumes.length);
      count("ec2:snapshot", snapshots.length);
      count("ec2:elastic-ip", addresses.length);
      count("ec2:nat-gateway", gateways.length);

      await writer.page(
        scope("ec2", "DescribeInstances"),
        paginate(
          instances.map((i) => view.reservation(i)),
          size(1000),
          (Reservations, NextToken) => ({ Reservations, ...(NextToken ? { NextToken } : {}) }),
        ),
      );
      await writer.page(
        scope("ec2", "DescribeVolumes"),
        paginate(
          volumes.map((v) => view.volume(v)),
          size(500),
          (Volumes, NextToken) => ({
            Volumes,
            ...(NextToken ? { NextToken } : {}),
          }),
        ),
      );
      await writer.page(
        scope("ec2", "DescribeImages"),
        paginate(
          snapshots.filter((s) => s.imageId !== null).map(imageJson),
          size(1000),
          (Images, NextToken) => ({
            Images,
            ...(NextToken ? { NextToken } : {}),
          }),
        ),
      );
      await writer.page(
        scope("ec2", "DescribeSnapshots"),
        paginate(snapshots.map(snapshotJson), size(1000), (Snapshots, NextToken) => ({
          Snapshots,
          ...(NextToken ? { NextToken } : {}),
        })),
      );
      // DescribeAddresses has no pages: every address in one answer.
      await writer.page(scope("ec2", "DescribeAddresses"), [
        { Addresses: addresses.map((a) => view.address(a)) },
      ]);
      await writer.page(
        scope("ec2", "DescribeNatGateways"),
        paginate(
          gateways.map((g) => view.natGateway(g)),
          size(1000),
          (NatGateways, NextToken) => ({
            NatGateways,
            ...(NextToken ? { NextToken } : {}),
          }),
        ),
      );

      const tagged = allResources(estate).filter(
        (r) =>
          r.account === account.id &&
          taggingRegion(r) === region &&
          Object.keys(r.tags).length > 0 &&
          existsAt(r, view.at),
      );
      output.taggedResources += tagged.length;
      await writer.page(
        scope("tagging", "GetResources"),
        paginate(
          tagged.map((r) => ({ ResourceARN: r.arn, Tags: tagList(r.tags) })),
          size(100),
          (ResourceTagMappingList, PaginationToken) => ({
            PaginationToken: PaginationToken ?? "",
            ResourceTagMappingList,
          }),
        ),
      );

      const metricResources = [
        ...instances,
        ...volumes,
        ...gateways,
        ...buckets.filter((b) => b.region === region),
      ];
      const queries = metricQueriesFor(metricResources.map(asRecord));
      output.metricQueries += queries.length;
      const window = metricWindow(at, lookbackDays);
      const days = Array.from({ length: lookbackDays }, (_, i) => window.start.getTime() + i * DAY_MS);
      const byId = new Map<string, Resource>(metricResources.map((r) => [r.id, r]));
      for (const [index, batch] of metricBatches(queries).entries()) {
        await writer.page(scope("cloudwatch", "GetMetricData", String(index).padStart(4, "0")), [
          {
            MetricDataResults: batch.map((query, i) => {
              const resource = byId.get(query.resourceId);
              const points = resource ? view.series(resource, query, days) : [];
              return {
                Id: `m${i}`,
                Label: query.metric,
                Timestamps: points.map(([ms]) => new Date(ms).toISOString()),
                Values: points.map(([, value]) => value),
                StatusCode: "Complete",
              };
            }),
            Messages: [],
          },
        ]);
      }
    }
  }
  await writeFile(
    join(dir, REPLAY_MARKER),
    `${JSON.stringify({ seed: estate.seed, anchor: estate.anchor, collectedAt: output.collectedAt, lookbackDays })}\n`,
  );
  output.files = writer.files + 1;
  output.bytes = writer.bytes;
  return output;
}

/** Empties `dir` if it holds an earlier demo replay; creates it if missing; refuses anything else. */
async function clearFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new Error(`${dir} exists and is not a folder`);
  const entries = info ? await readdir(dir) : [];
  if (entries.length > 0) {
    if (!entries.includes(REPLAY_MARKER)) {
      throw new Error(
        `${dir} is not empty and is not a demo replay folder (no ${REPLAY_MARKER}): not replacing it`,
      );
    }
    for (const entry of entries) await rm(join(dir, entry), { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
}

class PageWriter {
  files = 0;
  bytes = 0;

  constructor(private readonly root: string) {}

  async page(scope: PageScope, pages: unknown[]): Promise<void> {
    const dir = scopeDir(this.root, scope);
    await mkdir(dir, { recursive: true });
    for (const [index, page] of pages.entries()) {
      const text = `${JSON.stringify(page)}\n`;
      await writeFile(join(dir, `page-${String(index + 1).padStart(4, "0")}.json`), text);
      this.files++;
      this.bytes += Buffer.byteLength(text);
    }
  }
}

/**
 * Items in pages of `size`, each page built by `build(items, nextToken)`; the token is undefined on
 * the last page. An empty list is one empty page, as AWS answers it.
 */
function paginate<T>(
  items: T[],
  size: number,
  build: (items: T[], next: string | undefined) => object,
): object[] {
  const pages: object[] = [];
  for (let i = 0; i < items.length || i === 0; i += size) {
    const last = i + size >= items.length;
    pages.push(build(items.slice(i, i + size), last ? undefined : token(`${i}|${items.length}`)));
  }
  return pages;
}

/** An opaque pagination token. */
function token(key: string): string {
  return Buffer.from(hexOf(key, 48), "hex").toString("base64");
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Lower-case hex digits hashed from a key. */
function hexOf(key: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += hash32(`${key}#${i}`).toString(16).padStart(8, "0");
  return out.slice(0, length);
}

const isoMs = (ms: number) => new Date(ms).toISOString();
const isoOf = (iso: string) => new Date(iso).toISOString();

function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Tags as DescribeX answers them: no Tags member at all when there are none. */
function tagsMember(tags: Record<string, string>): { Tags?: { Key: string; Value: string }[] } {
  return Object.keys(tags).length > 0 ? { Tags: tagList(tags) } : {};
}

function apiError(name: string, message: string): { error: { name: string; message: string } } {
  return { error: { name, message } };
}

/** The region whose Tagging API lists a resource: Route 53 (global) answers in us-east-1. */
function taggingRegion(resource: Resource): string {
  return resource.region === "global" ? "us-east-1" : resource.region;
}

/** Just what metricQueriesFor reads of a record: its type and id. */
function asRecord(resource: Resource): ResourceRecord {
  return {
    resourceId: resource.id,
    resourceType: resource.resourceType,
    account: resource.account,
    region: resource.region,
    state: null,
    stateSince: null,
    createdAt: null,
    tags: {},
    attributes: {},
  };
}

const STATE_CODE = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** "2024-09-18 22:00:00", as in StateTransitionReason. */
const reasonTime = (ms: number) => isoMs(ms).slice(0, 19).replace("T", " ");

/** Graviton families (m7g, c7g, r6g, t4g, ...) are arm64. */
const architecture = (type: string) => (/^[a-z]+\d+g[a-z]*\./.test(type) ? "arm64" : "x86_64");

/** A private IP hashed from a key (or read from a Karpenter node's ip-10-1-2-3 host name). */
function privateIp(key: string, hostname?: string): string {
  const match = /^ip-(\d+)-(\d+)-(\d+)-(\d+)\./.exec(hostname ?? "");
  if (match) return match.slice(1, 5).join(".");
  const h = hash32(`${key}|ip`);
  return `10.${(h >>> 24) & 63}.${(h >>> 16) & 255}.${((h >>> 8) & 255) % 254 || 1}`;
}

function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replaceAll(".", "-")}`;
  return region === "us-east-1" ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

function publicDnsName(ip: string, region: string): string {
  const host = `ec2-${ip.replaceAll(".", "-")}`;
  return region === "us-east-1"
    ? `${host}.compute-1.amazonaws.com`
    : `${host}.${region}.compute.amazonaws.com`;
}

/** The estate at one instant, with the lookups the pages need. */
class EstateView {
  private readonly instances = new Map<string, Instance>();
  private readonly attached = new Map<string, Volume[]>();
  private readonly addressOf = new Map<string, ElasticIp>();
  private readonly addressById = new Map<string, ElasticIp>();
  private readonly windowStartMs: number;

  constructor(
    private readonly estate: Estate,
    readonly at: number,
  ) {
    this.windowStartMs = Date.parse(`${estate.windowStart}T00:00:00Z`);
    for (const instance of estate.instances) this.instances.set(instance.id, instance);
    for (const volume of estate.volumes) {
      if (volumeStateAt(volume, at) !== "in-use" || !volume.attachment) continue;
      const list = this.attached.get(volume.attachment.instanceId) ?? [];
      list.push(volume);
      this.attached.set(volume.attachment.instanceId, list);
    }
    for (const address of estate.elasticIps) {
      this.addressById.set(address.id, address);
      if (address.association?.instanceId && addressAssociatedAt(address, at)) {
        this.addressOf.set(address.association.instanceId, address);
      }
    }
  }

  live<R extends Resource>(records: R[]): R[] {
    return records.filter((r) => existsAt(r, this.at));
  }

  /** When the instance last started and (if it is stopped) last stopped, as of the instant. */
  private transitions(i: Instance): { lastStart: number; lastStop: number | null } {
    const created = Date.parse(i.createdAt);
    if (i.stoppedAt !== null && Date.parse(i.stoppedAt) <= this.at) {
      return { lastStart: created, lastStop: Date.parse(i.stoppedAt) };
    }
    if (i.schedule === "always") return { lastStart: created, lastStop: null };
    // Weekdays 08:00-20:00 UTC: look back day by day for the last run.
    const today = Math.floor(this.at / DAY_MS) * DAY_MS;
    for (let day = today; day >= today - 14 * DAY_MS && day + 20 * HOUR_MS > created; day -= DAY_MS) {
      const weekday = new Date(day).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const start = Math.max(created, day + 8 * HOUR_MS);
      const stop = day + 20 * HOUR_MS;
      if (start > this.at) continue;
      return { lastStart: start, lastStop: this.at < stop ? null : stop };
    }
    // Launched outside its hours and stopped by the scheduler at once.
    return { lastStart: created, lastStop: created };
  }

  reservation(i: Instance): object {
    return {
      ReservationId: `r-0${hexOf(`${i.id}|reservation`, 16)}`,
      OwnerId: i.account,
      Groups: [],
      Instances: [this.instance(i)],
    };
  }

  instance(i: Instance): object {
    const state = instanceStateAt(i, this.at) ?? "running";
    const { lastStart, lastStop } = this.transitions(i);
    const stopped = state === "stopped";
    const ip = privateIp(i.id, i.kubernetes?.provisioner === "karpenter" ? i.name : undefined);
    const address = this.addressOf.get(i.id);
    const volumes = [...(this.attached.get(i.id) ?? [])].sort((a, b) =>
      compare(a.attachment?.device ?? "", b.attachment?.device ?? ""),
    );
    const root = volumes.find((v) => v.attachment?.device === "/dev/xvda");
    const ordered = root ? [root, ...volumes.filter((v) => v !== root)] : volumes;
    return {
      AmiLaunchIndex: 0,
      ImageId: i.imageId,
      InstanceId: i.id,
      InstanceType: i.instanceType,
      LaunchTime: isoMs(lastStart),
      Monitoring: { State: "disabled" },
      Placement: { AvailabilityZone: i.availabilityZone, GroupName: "", Tenancy: "default" },
      PrivateDnsName: privateDnsName(ip, i.region),
      PrivateIpAddress: ip,
      ProductCodes: [],
      PublicDnsName: address && !stopped ? publicDnsName(address.publicIp, i.region) : "",
      ...(address ? { PublicIpAddress: address.publicIp } : {}),
      State: { Code: STATE_CODE[state], Name: state },
      StateTransitionReason:
        stopped && lastStop !== null ? `User initiated (${reasonTime(lastStop)} GMT)` : "",
      SubnetId: i.subnetId,
      VpcId: i.vpcId,
      Architecture: architecture(i.instanceType),
      BlockDeviceMappings: ordered.map((v) => ({
        DeviceName: v.attachment?.device,
        Ebs: {
          AttachTime: isoOf(v.createdAt),
          DeleteOnTermination: v.attachment?.deleteOnTermination ?? false,
          Status: "attached",
          VolumeId: v.id,
        },
      })),
      ClientToken: "",
      EbsOptimized: true,
      EnaSupport: true,
      Hypervisor: "xen",
      ...(i.market === "spot"
        ? { InstanceLifecycle: "spot", SpotInstanceRequestId: `sir-${hexOf(`${i.id}|spot`, 8)}` }
        : {}),
      RootDeviceName: "/dev/xvda",
      RootDeviceType: "ebs",
      SourceDestCheck: true,
      ...(stopped
        ? {
            StateReason: {
              Code: "Client.UserInitiatedShutdown",
              Message: "Client.UserInitiatedShutdown: User initiated shutdown",
            },
          }
        : {}),
      ...tagsMember(i.tags),
      VirtualizationType: "hvm",
      PlatformDetails: i.platform,
      UsageOperation: "RunInstances",
      UsageOperationUpdateTime: isoOf(i.createdAt),
    };
  }

  volume(v: Volume): object {
    const inUse = volumeStateAt(v, this.at) === "in-use";
    const root = v.attachment?.device === "/dev/xvda";
    const instance = v.attachment ? this.instances.get(v.attachment.instanceId) : undefined;
    return {
      Attachments:
        inUse && v.attachment
          ? [
              {
                AttachTime: isoOf(v.createdAt),
                Device: v.attachment.device,
                InstanceId: v.attachment.instanceId,
                State: "attached",
                VolumeId: v.id,
                DeleteOnTermination: v.attachment.deleteOnTermination,
              },
            ]
          : [],
      AvailabilityZone: v.availabilityZone,
      CreateTime: isoOf(v.createdAt),
      Encrypted: v.account === this.estate.accounts[0]?.id,
      Size: v.sizeGb,
      // A root volume comes from its image's snapshot (owned by the image's owner, not listed here).
      SnapshotId: root && instance ? `snap-0${hexOf(`${instance.imageId}|snapshot`, 16)}` : "",
      State: volumeStateAt(v, this.at),
      VolumeId: v.id,
      ...(v.iops !== null && v.volumeType !== "st1" ? { Iops: v.iops } : {}),
      ...tagsMember(v.tags),
      VolumeType: v.volumeType,
      MultiAttachEnabled: false,
      ...(v.throughputMBps !== null && v.volumeType === "gp3" ? { Throughput: v.throughputMBps } : {}),
    };
  }

  address(a: ElasticIp): object {
    const associated = addressAssociatedAt(a, this.at);
    const instanceId = a.association?.instanceId ?? null;
    const natId = a.association?.natGatewayId ?? null;
    const target = instanceId ?? natId ?? a.id;
    return {
      AllocationId: a.id,
      ...(associated && a.association
        ? {
            AssociationId: a.association.associationId,
            ...(instanceId ? { InstanceId: instanceId } : {}),
            NetworkInterfaceId: `eni-0${hexOf(`${target}|eni`, 16)}`,
            NetworkInterfaceOwnerId: a.account,
            PrivateIpAddress: privateIp(target, this.hostnameOf(instanceId)),
          }
        : {}),
      Domain: "vpc",
      NetworkBorderGroup: a.region,
      PublicIp: a.publicIp,
      PublicIpv4Pool: "amazon",
      ...tagsMember(a.tags),
    };
  }

  private hostnameOf(instanceId: string | null): string | undefined {
    const instance = instanceId ? this.instances.get(instanceId) : undefined;
    return instance?.kubernetes?.provisioner === "karpenter" ? instance.name : undefined;
  }

  natGateway(n: NatGateway): object {
    const address = this.addressById.get(n.allocationId);
    return {
      CreateTime: isoOf(n.createdAt),
      NatGatewayAddresses: [
        {
          AllocationId: n.allocationId,
          NetworkInterfaceId: `eni-0${hexOf(`${n.id}|eni`, 16)}`,
          PrivateIp: privateIp(n.id),
          ...(address ? { PublicIp: address.publicIp } : {}),
          ...(address?.association ? { AssociationId: address.association.associationId } : {}),
          IsPrimary: true,
          Status: "succeeded",
        },
      ],
      NatGatewayId: n.id,
      State: "available",
      SubnetId: n.subnetId,
      VpcId: n.vpcId,
      ...tagsMember(n.tags),
      ConnectivityType: "public",
    };
  }

  /** One query's daily datapoints ([day start, value]) over the given days; none where there is no data. */
  series(resource: Resource, query: MetricQuery, days: number[]): [number, number][] {
    const points: [number, number][] = [];
    for (const dayMs of days) {
      const value = this.value(resource, query, dayMs);
      if (value !== null) points.push([dayMs, value]);
    }
    return points;
  }

  private value(resource: Resource, query: MetricQuery, dayMs: number): number | null {
    const index = Math.round((dayMs - this.windowStartMs) / DAY_MS);
    const key = `${resource.id}|${query.metric}|${query.stat}|${index}`;
    switch (resource.resourceType) {
      case "ec2:instance":
        return instanceValue(resource as Instance, query, dayMs, index);
      case "ec2:volume":
        return this.volumeValue(resource as Volume, query, dayMs, key);
      case "ec2:nat-gateway": {
        const n = resource as NatGateway;
        const hours = aliveHours(n, dayMs);
        if (hours === 0) return null;
        // The same jitter as the bill's processed bytes for the gateway and day.
        return Math.round(
          n.traffic.bytesOutToDestinationPerDay * jitter(`${n.id}|${index}`, 0.15) * (hours / 24),
        );
      }
      case "s3:bucket": {
        const b = resource as Bucket;
        if (aliveHours(b, dayMs) === 0) return null;
        if (query.metric === "NumberOfObjects") return Math.max(0, bucketObjects(b, index));
        const gb = Math.max(0, bucketSizeGb(b, index)) * (1 - b.infrequentAccessShare);
        return Math.round(gb * 1024 ** 3);
      }
      default:
        return null;
    }
  }

  private volumeValue(v: Volume, query: MetricQuery, dayMs: number, key: string): number | null {
    const alive = aliveHours(v, dayMs);
    if (alive === 0) return null;
    const instance = v.attachment ? this.instances.get(v.attachment.instanceId) : undefined;
    // Operations only while its instance ran with it attached (its detachment is the instance's end).
    const active = instance ? Math.min(alive, runningHours(instance, dayMs)) : 0;
    const perHour = v.io.readOpsPerHour + v.io.writeOpsPerHour;
    if (query.metric === "VolumeReadOps") return Math.round(v.io.readOpsPerHour * active * jitter(key, 0.3));
    if (query.metric === "VolumeWriteOps")
      return Math.round(v.io.writeOpsPerHour * active * jitter(key, 0.3));
    // Seconds with no I/O: all of them but a share of the active ones that grows with the I/O rate.
    const busyShare = active > 0 ? Math.min(0.98, 1 - Math.exp(-perHour / 3600 / 5)) : 0;
    return Math.round(alive * 3600 - active * 3600 * busyShare);
  }
}

function instanceValue(i: Instance, query: MetricQuery, dayMs: number, index: number): number | null {
  const hours = runningHours(i, dayMs);
  if (hours === 0) return null;
  const u = i.utilization;
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  const average = Math.min(100, u.cpuMeanPercent * jitter(`${i.id}|cpu|${index}`, 0.15));
  switch (query.metric) {
    case "CPUUtilization": {
      if (query.stat === "Average") return round(average, 4);
      // The day's busiest minute: between its average and the profile's maximum, never above that.
      const peak =
        average + (u.cpuMaxPercent - u.cpuMeanPercent) * (0.6 + 0.4 * noise(`${i.id}|cpumax|${index}`));
      return round(Math.max(average, Math.min(u.cpuMaxPercent, peak)), 4);
    }
    case "NetworkIn":
      return Math.round(u.networkInBytesPerHour * hours * jitter(`${i.id}|netin|${index}`, 0.3));
    case "NetworkOut":
      return Math.round(u.networkOutBytesPerHour * hours * jitter(`${i.id}|netout|${index}`, 0.3));
    default:
      return null;
  }
}

function bucketListing(b: Bucket): object {
  return { Name: b.id, CreationDate: isoOf(b.createdAt), BucketRegion: b.region };
}

const EXPIRING = new Set(["logs", "tmp", "backups", "exports", "scratch"]);

/** The bucket's lifecycle rules: tiering to Standard-IA where it has some, expiry for data that expires. */
function lifecycleRules(b: Bucket): object[] {
  const rules: object[] = [];
  const days = { logs: 90, tmp: 7, backups: 365, exports: 30, scratch: 7 }[b.purpose] ?? 180;
  if (b.infrequentAccessShare > 0) {
    rules.push({
      ID: "tier-to-infrequent-access",
      Filter: { Prefix: "" },
      Status: "Enabled",
      Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }],
      ...(EXPIRING.has(b.purpose) ? { Expiration: { Days: days } } : {}),
    });
  } else {
    rules.push({
      ID: `expire-after-${days}-days`,
      Filter: { Prefix: "" },
      Status: "Enabled",
      Expiration: { Days: days },
    });
  }
  if (b.lifecycleRules >= 2) {
    rules.push({
      ID: "abort-incomplete-uploads",
      Filter: { Prefix: "" },
      Status: "Enabled",
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
  }
  if (b.lifecycleRules >= 3) {
    rules.push({
      ID: "expire-noncurrent-versions",
      Filter: { Prefix: "" },
      Status: b.versioning ? "Enabled" : "Disabled",
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    });
  }
  return rules;
}

function snapshotJson(s: Snapshot): object {
  return {
    Description: s.description,
    Encrypted: false,
    OwnerId: s.account,
    Progress: "100%",
    SnapshotId: s.id,
    StartTime: isoOf(s.createdAt),
    State: "completed",
    VolumeId: s.volumeId,
    VolumeSize: s.volumeSizeGb,
    StorageTier: "standard",
    ...tagsMember(s.tags),
  };
}

/** The account's AMI a snapshot backs, as DescribeImages (Owners=self) answers it. */
function imageJson(s: Snapshot): object {
  return {
    Architecture: "x86_64",
    CreationDate: isoOf(s.createdAt),
    ImageId: s.imageId,
    ImageLocation: `${s.account}/golden-${s.imageId}`,
    ImageType: "machine",
    Public: false,
    OwnerId: s.account,
    PlatformDetails: "Linux/UNIX",
    UsageOperation: "RunInstances",
    State: "available",
    BlockDeviceMappings: [
      {
        DeviceName: "/dev/xvda",
        Ebs: {
          DeleteOnTermination: true,
          SnapshotId: s.id,
          VolumeSize: s.volumeSizeGb,
          VolumeType: "gp3",
          Encrypted: false,
        },
      },
    ],
    Name: `golden-${s.imageId}`,
    RootDeviceName: "/dev/xvda",
    RootDeviceType: "ebs",
    VirtualizationType: "hvm",
  };
}

function callerIdentity(estate: Estate): object {
  const payer = estate.organization.payerAccountId;
  return {
    UserId: `AIDA${hexOf(`${payer}|user`, 17).toUpperCase()}`,
    Account: payer,
    Arn: `arn:aws:iam::${payer}:user/finops-collector`,
  };
}

function listAccounts(estate: Estate): object {
  const org = estate.organization;
  const orgId = `o-${hexOf(`${org.payerAccountId}|org`, 10)}`;
  const member = (id: string, name: string) => ({
    Id: id,
    Arn: `arn:aws:organizations::${org.payerAccountId}:account/${orgId}/${id}`,
    Email: `aws+${name}@northwind.example`,
    Name: name,
    Status: "ACTIVE",
    JoinedMethod: id === org.payerAccountId ? "INVITED" : "CREATED",
    JoinedTimestamp: isoMs(Date.parse("2019-03-04T10:00:00Z") + (hash32(id) % 400) * DAY_MS),
  });
  return {
    Accounts: [
      member(org.payerAccountId, org.payerName),
      ...estate.accounts.map((a) => member(a.id, `northwind-${a.name}`)),
    ],
  };
}

function describeRegions(estate: Estate): object {
  return {
    Regions: estate.regions.map((r) => ({
      Endpoint: `ec2.${r}.amazonaws.com`,
      RegionName: r,
      OptInStatus: "opt-in-not-required",
    })),
  };
}
