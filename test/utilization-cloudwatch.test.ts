import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { livePages, type PageScope, type PageSource, recordingPages } from "../aws/pages.js";
import { replayPages } from "../aws/record-replay.js";
import type { CollectScope, ResourceRecord } from "../collectors/inventory/resource.js";
import {
  collectUtilization,
  MAX_QUERIES_PER_CALL,
  metricBatches,
  metricQueriesFor,
  metricWindow,
} from "../collectors/utilization/cloudwatch.js";
import type { MetricDay } from "../store/inventory.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

process.env.AWS_ACCESS_KEY_ID = "testing";
process.env.AWS_SECRET_ACCESS_KEY = "testing";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const DAY_MS = 86_400_000;

function resource(resourceType: string, resourceId: string, region = REGION): ResourceRecord {
  return {
    resourceId,
    resourceType,
    account: ACCOUNT,
    region,
    state: null,
    stateSince: null,
    createdAt: null,
    tags: {},
    attributes: {},
  };
}

const instances = (count: number, prefix = "i-1") =>
  Array.from({ length: count }, (_, i) =>
    resource("ec2:instance", `${prefix}${String(i).padStart(16 - prefix.length + 2, "0")}`),
  );

/** A PageSource that answers every call with canned pages (empty by default) and counts the calls. */
class FakePages implements PageSource {
  readonly mode = "live" as const;
  readonly apiCalls = new Map<string, number>();
  readonly scopes: PageScope[] = [];

  constructor(private readonly canned: (scope: PageScope) => unknown[] = () => [{ MetricDataResults: [] }]) {}

  async *pages<P>(scope: PageScope): AsyncIterable<P> {
    this.scopes.push(scope);
    const key = `${scope.service}:${scope.operation}`;
    this.apiCalls.set(key, (this.apiCalls.get(key) ?? 0) + 1);
    for (const page of this.canned(scope)) yield page as P;
  }
}

const fakeScope = (pages: PageSource, now = new Date("2025-03-15T10:20:00Z")): CollectScope => ({
  account: ACCOUNT,
  region: REGION,
  pages,
  aws: { region: REGION, endpointUrl: "http://127.0.0.1:9" },
  now,
});

describe("utilization: CloudWatch query planning (fake page source)", () => {
  test("the window is whole UTC days before now's day", () => {
    const { start, end } = metricWindow(new Date("2025-03-15T10:20:00Z"), 14);
    assert.equal(start.toISOString(), "2025-03-01T00:00:00.000Z");
    assert.equal(end.toISOString(), "2025-03-15T00:00:00.000Z");
    assert.throws(() => metricWindow(new Date(), 0), RangeError);
    assert.throws(() => metricWindow(new Date(), 1.5), RangeError);
  });

  test("queries per resource type, with their dimensions", () => {
    const queries = metricQueriesFor([
      resource("s3:bucket", "my-bucket"),
      resource("ec2:nat-gateway", "nat-0abc"),
      resource("ec2:volume", "vol-0abc"),
      resource("ec2:instance", "i-0abc"),
      resource("ec2:instance", "i-0abc"),
      resource("ec2:snapshot", "snap-0abc"),
    ]);
    assert.deepEqual(
      queries.map((q) => [q.resourceId, q.namespace, q.metric, q.stat, q.dimensions]),
      [
        ["i-0abc", "AWS/EC2", "CPUUtilization", "Average", [{ Name: "InstanceId", Value: "i-0abc" }]],
        ["i-0abc", "AWS/EC2", "CPUUtilization", "Maximum", [{ Name: "InstanceId", Value: "i-0abc" }]],
        ["i-0abc", "AWS/EC2", "NetworkIn", "Sum", [{ Name: "InstanceId", Value: "i-0abc" }]],
        ["i-0abc", "AWS/EC2", "NetworkOut", "Sum", [{ Name: "InstanceId", Value: "i-0abc" }]],
        ["vol-0abc", "AWS/EBS", "VolumeReadOps", "Sum", [{ Name: "VolumeId", Value: "vol-0abc" }]],
        ["vol-0abc", "AWS/EBS", "VolumeWriteOps", "Sum", [{ Name: "VolumeId", Value: "vol-0abc" }]],
        ["vol-0abc", "AWS/EBS", "VolumeIdleTime", "Sum", [{ Name: "VolumeId", Value: "vol-0abc" }]],
        [
          "nat-0abc",
          "AWS/NATGateway",
          "BytesOutToDestination",
          "Sum",
          [{ Name: "NatGatewayId", Value: "nat-0abc" }],
        ],
        [
          "my-bucket",
          "AWS/S3",
          "BucketSizeBytes",
          "Average",
          [
            { Name: "BucketName", Value: "my-bucket" },
            { Name: "StorageType", Value: "StandardStorage" },
          ],
        ],
        [
          "my-bucket",
          "AWS/S3",
          "NumberOfObjects",
          "Average",
          [
            { Name: "BucketName", Value: "my-bucket" },
            { Name: "StorageType", Value: "AllStorageTypes" },
          ],
        ],
      ],
    );
  });

  test("1,200 instances: ceil(queries / 500) calls, at most 10 per 1,000 instances", async () => {
    const resources = instances(1200);
    const queries = metricQueriesFor(resources);
    assert.equal(queries.length, 4800);
    const pages = new FakePages();
    const days = await collectUtilization(fakeScope(pages), resources, { lookbackDays: 14 });
    assert.deepEqual(days, []);
    const calls = pages.apiCalls.get("cloudwatch:GetMetricData") ?? 0;
    assert.equal(calls, Math.ceil(queries.length / MAX_QUERIES_PER_CALL));
    assert.equal(calls, 10);
    assert.ok((calls / resources.length) * 1000 <= 10, `${calls} calls for ${resources.length} instances`);
    assert.deepEqual(
      pages.scopes.map((s) => [s.account, s.region, s.service, s.operation, s.part]),
      Array.from({ length: 10 }, (_, i) => [ACCOUNT, REGION, "cloudwatch", "GetMetricData", `000${i}`]),
    );
    assert.deepEqual(
      metricBatches(queries).map((b) => b.length),
      [...Array(9).fill(500), 300],
    );
  });

  test("queries of every resource type are packed together into full batches", async () => {
    const resources = [
      ...instances(1000),
      ...Array.from({ length: 150 }, (_, i) => resource("ec2:volume", `vol-${i}`)),
      ...Array.from({ length: 10 }, (_, i) => resource("ec2:nat-gateway", `nat-${i}`)),
      ...Array.from({ length: 25 }, (_, i) => resource("s3:bucket", `bucket-${i}`)),
    ];
    const queries = metricQueriesFor(resources);
    assert.equal(queries.length, 4000 + 450 + 10 + 50);
    const pages = new FakePages();
    await collectUtilization(fakeScope(pages), resources, { lookbackDays: 30 });
    // One batch per type would take 8 + 1 + 1 + 1 calls.
    assert.equal(pages.apiCalls.get("cloudwatch:GetMetricData"), 10);
    assert.deepEqual(
      metricBatches(queries).map((b) => b.length),
      [...Array(9).fill(500), 10],
    );
  });

  test("only the scope's account and region; no resources, no calls", async () => {
    const pages = new FakePages();
    const elsewhere = [
      resource("ec2:instance", "i-0west", "us-west-2"),
      { ...resource("ec2:instance", "i-0other"), account: "999999999999" },
      resource("ec2:snapshot", "snap-0abc"),
    ];
    assert.deepEqual(await collectUtilization(fakeScope(pages), elsewhere, { lookbackDays: 14 }), []);
    assert.deepEqual(await collectUtilization(fakeScope(pages), [], { lookbackDays: 14 }), []);
    assert.equal(pages.apiCalls.size, 0);
  });

  test("results split over pages (NextToken) are merged by query id", async () => {
    const pages = new FakePages((scope) =>
      scope.part === "0000"
        ? [
            {
              MetricDataResults: [
                {
                  Id: "m0",
                  Timestamps: ["2025-03-13T00:00:00.000Z"],
                  Values: [12.5],
                  StatusCode: "PartialData",
                },
              ],
              NextToken: "more",
            },
            {
              MetricDataResults: [
                { Id: "m0", Timestamps: ["2025-03-14T00:00:00.000Z"], Values: [7], StatusCode: "Complete" },
                {
                  Id: "m1",
                  Timestamps: ["2025-03-13T00:00:00.000Z", "2025-03-14T00:00:00.000Z"],
                  Values: [40, 9],
                  StatusCode: "Complete",
                },
                { Id: "m99", Timestamps: ["2025-03-13T00:00:00.000Z"], Values: [1] },
              ],
            },
          ]
        : [],
    );
    const days = await collectUtilization(fakeScope(pages), [resource("ec2:instance", "i-0abc")], {
      lookbackDays: 14,
    });
    const base = { account: ACCOUNT, region: REGION, resourceId: "i-0abc", namespace: "AWS/EC2" };
    assert.deepEqual(days, [
      { ...base, metric: "CPUUtilization", day: "2025-03-13", average: 12.5, maximum: 40, sum: null },
      { ...base, metric: "CPUUtilization", day: "2025-03-14", average: 7, maximum: 9, sum: null },
    ]);
  });
});

describe("utilization: CloudWatch GetMetricData (against moto)", () => {
  let moto: Moto;
  const dir = tempDir();
  const now = new Date();
  const LOOKBACK = 14;
  const { start } = metricWindow(now, LOOKBACK);
  const dayOf = (d: number) => new Date(start.getTime() + d * DAY_MS).toISOString().slice(0, 10);
  const noonOf = (d: number) => new Date(start.getTime() + d * DAY_MS + DAY_MS / 2);

  // Sorted by id: FIRST is the first query of batch 0, LAST's queries (and every other type's) are in batch 1.
  const FIRST = "i-00000000000000001";
  const SPARSE = "i-0aaaaaaaaaaaaaaaa";
  const LAST = "i-fffffffffffffffff";
  const VOLUME = "vol-0123456789abcdef0";
  const NAT = "nat-0123456789abcdef0";
  const BUCKET = "finops-test-bucket";
  const FILLER = 130;
  const resources = [
    resource("ec2:instance", LAST),
    resource("ec2:instance", FIRST),
    resource("ec2:instance", SPARSE),
    ...instances(FILLER),
    resource("ec2:volume", VOLUME),
    resource("ec2:nat-gateway", NAT),
    resource("s3:bucket", BUCKET),
    // Another region's instance, whose data (put in us-east-1) must not be read.
    resource("ec2:instance", "i-0west0000000000000", "us-west-2"),
  ];
  const QUERIES = (3 + FILLER) * 4 + 3 + 1 + 2;

  /** What the test puts: per series, one or more values per day index (0 = the window's first day). */
  interface Series {
    namespace: string;
    resourceId: string;
    metric: string;
    dimensions: { Name: string; Value: string }[];
    values: (d: number) => number[] | undefined;
  }
  const series: Series[] = [];
  const add = (
    namespace: string,
    resourceId: string,
    metric: string,
    values: Series["values"],
    extra = "",
  ) => {
    const [dimension, storageType] = {
      "AWS/EC2": ["InstanceId", ""],
      "AWS/EBS": ["VolumeId", ""],
      "AWS/NATGateway": ["NatGatewayId", ""],
      "AWS/S3": ["BucketName", extra],
    }[namespace] as [string, string];
    const dimensions = [{ Name: dimension, Value: resourceId }];
    if (storageType) dimensions.push({ Name: "StorageType", Value: storageType });
    series.push({ namespace, resourceId, metric, dimensions, values });
  };
  for (const [k, id] of [FIRST, LAST].entries()) {
    // Two CPU samples a day, so that the day's average and maximum differ.
    add("AWS/EC2", id, "CPUUtilization", (d) => [10 + d + k, 30 + 2 * d + k]);
    add("AWS/EC2", id, "NetworkIn", (d) => [1_000_000 * (d + 1) + k]);
    add("AWS/EC2", id, "NetworkOut", (d) => [250_000 * (d + 1) + k]);
  }
  add("AWS/EC2", SPARSE, "CPUUtilization", (d) => (d % 3 === 0 ? [d / 4] : undefined));
  add("AWS/EC2", "i-0west0000000000000", "CPUUtilization", () => [99]);
  add("AWS/EBS", VOLUME, "VolumeReadOps", (d) => [100 * d]);
  add("AWS/EBS", VOLUME, "VolumeWriteOps", (d) => [50 * d + 1]);
  add("AWS/EBS", VOLUME, "VolumeIdleTime", (d) => [86_000 - d]);
  add("AWS/NATGateway", NAT, "BytesOutToDestination", (d) => [5_000_000_000 + d]);
  add("AWS/S3", BUCKET, "BucketSizeBytes", (d) => [1_073_741_824 * (d + 1)], "StandardStorage");
  add("AWS/S3", BUCKET, "BucketSizeBytes", () => [42], "StandardIAStorage");
  add("AWS/S3", BUCKET, "NumberOfObjects", (d) => [1000 + d], "AllStorageTypes");

  const STATS: Record<string, ("average" | "maximum" | "sum")[]> = {
    CPUUtilization: ["average", "maximum"],
    BucketSizeBytes: ["average"],
    NumberOfObjects: ["average"],
  };
  const expected: MetricDay[] = [];
  for (const s of series) {
    const queried = resources.some((r) => r.resourceId === s.resourceId && r.region === REGION);
    if (!queried || s.dimensions.some((d) => d.Value === "StandardIAStorage")) continue;
    for (let d = 0; d < LOOKBACK; d++) {
      const values = s.values(d);
      if (!values) continue;
      const stats = STATS[s.metric] ?? ["sum"];
      expected.push({
        account: ACCOUNT,
        region: REGION,
        resourceId: s.resourceId,
        namespace: s.namespace,
        metric: s.metric,
        day: dayOf(d),
        average: stats.includes("average") ? values.reduce((a, b) => a + b, 0) / values.length : null,
        maximum: stats.includes("maximum") ? Math.max(...values) : null,
        sum: stats.includes("sum") ? values.reduce((a, b) => a + b, 0) : null,
      });
    }
  }
  const key = (m: MetricDay) => [m.resourceId, m.namespace, m.metric, m.day].join("\u0000");
  expected.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

  const scope = (pages: PageSource): CollectScope => ({
    account: ACCOUNT,
    region: REGION,
    pages,
    aws: { endpointUrl: moto.endpoint, region: REGION },
    now,
  });
  let live: MetricDay[] = [];

  before(async () => {
    moto = await startMoto();
    const client = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint });
    try {
      for (const s of series) {
        const data: MetricDatum[] = [];
        // Days -1 and LOOKBACK (today) are outside the window: they must not be read.
        for (let d = -1; d <= LOOKBACK; d++) {
          const values = d < 0 || d >= LOOKBACK ? [777_777] : s.values(d);
          if (!values) continue;
          data.push({ MetricName: s.metric, Dimensions: s.dimensions, Timestamp: noonOf(d), Values: values });
        }
        await client.send(new PutMetricDataCommand({ Namespace: s.namespace, MetricData: data }));
      }
    } finally {
      client.destroy();
    }
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("daily average, maximum and sum per resource and metric, in 2 GetMetricData calls", async () => {
    assert.equal(metricQueriesFor(resources.filter((r) => r.region === REGION)).length, QUERIES);
    assert.ok(QUERIES > MAX_QUERIES_PER_CALL && QUERIES <= 2 * MAX_QUERIES_PER_CALL);
    const pages = livePages();
    live = await collectUtilization(scope(pages), resources, { lookbackDays: LOOKBACK });
    assert.equal(pages.apiCalls.get("cloudwatch:GetMetricData"), 2);
    assert.deepEqual([...pages.apiCalls.keys()], ["cloudwatch:GetMetricData"]);
    assert.equal(expected.length, 2 * 3 * 14 + 5 + 3 * 14 + 14 + 2 * 14);
    assert.deepEqual(live, expected);

    // Spot checks, spelled out.
    const find = (id: string, metric: string, d: number) =>
      live.find((m) => m.resourceId === id && m.metric === metric && m.day === dayOf(d));
    assert.deepEqual(
      { ...find(LAST, "CPUUtilization", 3) },
      {
        account: ACCOUNT,
        region: REGION,
        resourceId: LAST,
        namespace: "AWS/EC2",
        metric: "CPUUtilization",
        day: dayOf(3),
        average: (14 + 37) / 2,
        maximum: 37,
        sum: null,
      },
    );
    assert.equal(find(FIRST, "NetworkOut", 13)?.sum, 3_500_000);
    assert.equal(find(SPARSE, "CPUUtilization", 1), undefined);
    assert.equal(find(SPARSE, "NetworkIn", 0), undefined);
    assert.equal(find(BUCKET, "BucketSizeBytes", 0)?.average, 1_073_741_824);
    assert.equal(find(NAT, "BytesOutToDestination", 6)?.sum, 5_000_000_006);
    assert.equal(find(VOLUME, "VolumeIdleTime", 0)?.sum, 86_000);
    assert.ok(live.every((m) => m.day >= dayOf(0) && m.day <= dayOf(LOOKBACK - 1)));
    assert.ok(!live.some((m) => m.resourceId === "i-0west0000000000000"));
    assert.ok(!live.some((m) => m.average === 777_777 || m.sum === 777_777));
  });

  test("record, then replay with moto stopped: the same days", async () => {
    const recording = recordingPages(dir.path);
    const recorded = await collectUtilization(scope(recording), resources, { lookbackDays: LOOKBACK });
    assert.equal(recording.apiCalls.get("cloudwatch:GetMetricData"), 2);
    assert.deepEqual(recorded, expected);

    const endpoint = moto.endpoint;
    await moto.stop();
    const replay = replayPages(dir.path);
    const replayed = await collectUtilization(
      {
        account: ACCOUNT,
        region: REGION,
        pages: replay,
        aws: { endpointUrl: endpoint, region: REGION },
        now,
      },
      resources,
      { lookbackDays: LOOKBACK },
    );
    assert.equal(replay.apiCalls.size, 0);
    assert.deepEqual(replayed, recorded);
    assert.deepEqual(replayed, live);
  });
});
