import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateCacheClusterCommand, ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { CreateClusterCommand, RedshiftClient } from "@aws-sdk/client-redshift";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

// ElastiCache and Redshift clusters end to end: clusters and CloudWatch datapoints put into moto, then
// `finops collect --only inventory,utilization` and `finops analyze` at NOW, on both sides of every
// threshold of idle-elasticache-cluster and idle-redshift-cluster.

const NOW = new Date("2025-03-15T00:00:00Z");
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const DAY_MS = 86_400_000;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const noonOf = (ago: number) => new Date(NOW.getTime() - ago * DAY_MS + DAY_MS / 2);

/** Per day (1 = the day before NOW) one value. */
type Days = [daysAgo: number, value: number][];
const lastDays = (count: number, value = 0): Days => Array.from({ length: count }, (_, i) => [i + 1, value]);
const withDay = (days: Days, ago: number, value: number): Days =>
  days.map(([a, v]) => [a, a === ago ? value : v]);

/** Daily maximum connections: zero for 14 days (>= 7 days of data) is idle. */
const CACHES: Record<string, { engine: string; nodes: number; connections: Days }> = {
  // A busy day 15 days ago is collected (30-day window) but outside the rule's 14 days.
  "cache-idle": { engine: "redis", nodes: 1, connections: [...lastDays(14), [15, 80]] },
  "cache-1-conn": { engine: "redis", nodes: 1, connections: withDay(lastDays(14), 13, 1) },
  "cache-7-days": { engine: "memcached", nodes: 3, connections: lastDays(7) },
  "cache-6-days": { engine: "memcached", nodes: 2, connections: lastDays(6) },
};
const WAREHOUSES: Record<string, { nodes: number; connections: Days }> = {
  "dw-idle": { nodes: 2, connections: lastDays(14) },
  "dw-1-conn": { nodes: 2, connections: withDay(lastDays(14), 2, 1) },
  "dw-7-days": { nodes: 1, connections: lastDays(7) },
  "dw-6-days": { nodes: 1, connections: lastDays(6) },
};

const CONFIG = `
tags:
  required: []
rules:
  - id: idle-elasticache-cluster
  - id: idle-redshift-cluster
`;

interface Finding {
  rule: string;
  resourceId: string;
  evidence: Record<string, unknown>;
}

const cacheArn = (id: string) => `arn:aws:elasticache:${REGION}:${ACCOUNT}:cluster:${id}`;
const warehouseArn = (id: string) => `arn:aws:redshift:${REGION}:${ACCOUNT}:cluster:${id}`;

describe("idle ElastiCache and Redshift clusters on both sides of every threshold (collected from moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let collectors: { name: string; status: string; rows: number }[] = [];
  let findings: Finding[] = [];
  let attributes = new Map<string, Record<string, unknown>>();
  let tags = new Map<string, Record<string, string>>();
  const flagged = (rule: string) =>
    findings
      .filter((f) => f.rule === rule)
      .map((f) => f.resourceId.split(":").at(-1))
      .sort();

  before(async () => {
    moto = await startMoto();
    writeFileSync(config, CONFIG);
    const endpoint = moto.endpoint;
    const elasticache = new ElastiCacheClient({ region: REGION, endpoint, credentials });
    const redshift = new RedshiftClient({ region: REGION, endpoint, credentials });
    const cloudwatch = new CloudWatchClient({ region: REGION, endpoint, credentials });
    const put = async (namespace: string, metric: string, dimension: string, id: string, days: Days) => {
      const data: MetricDatum[] = days.map(([ago, value]) => ({
        MetricName: metric,
        Dimensions: [{ Name: dimension, Value: id }],
        Timestamp: noonOf(ago),
        Value: value,
      }));
      await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
    };
    try {
      for (const [id, spec] of Object.entries(CACHES)) {
        await elasticache.send(
          new CreateCacheClusterCommand({
            CacheClusterId: id,
            Engine: spec.engine,
            CacheNodeType: "cache.t3.micro",
            NumCacheNodes: spec.nodes,
            Tags: [{ Key: "team", Value: "sessions" }],
          }),
        );
        await put("AWS/ElastiCache", "CurrConnections", "CacheClusterId", id, spec.connections);
      }
      for (const [id, spec] of Object.entries(WAREHOUSES)) {
        await redshift.send(
          new CreateClusterCommand({
            ClusterIdentifier: id,
            NodeType: "ra3.xlplus",
            ClusterType: spec.nodes > 1 ? "multi-node" : "single-node",
            ...(spec.nodes > 1 ? { NumberOfNodes: spec.nodes } : {}),
            MasterUsername: "admin",
            MasterUserPassword: "Password1",
            Tags: [{ Key: "team", Value: "analytics" }],
          }),
        );
        await put("AWS/Redshift", "DatabaseConnections", "ClusterIdentifier", id, spec.connections);
      }
    } finally {
      for (const client of [elasticache, redshift, cloudwatch]) client.destroy();
    }
    const at = ["--now", NOW.toISOString(), "--db", db, "--config", config, "--json"];
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
    const store = await openStore(db);
    try {
      const rows = await store.connection.runAndReadAll(
        `SELECT resource_id, attributes::VARCHAR AS attributes, tags::VARCHAR AS tags FROM resources_current
         WHERE resource_type IN ('elasticache:cluster', 'redshift:cluster')`,
      );
      const list = rows.getRowObjectsJson();
      attributes = new Map(list.map((r) => [String(r.resource_id), JSON.parse(String(r.attributes))]));
      tags = new Map(list.map((r) => [String(r.resource_id), JSON.parse(String(r.tags))]));
    } finally {
      store.close();
    }
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("collect stores each cluster with its node type, node count and tags, and one day per datapoint", () => {
    for (const name of [
      "inventory:elasticache-clusters",
      "inventory:redshift-clusters",
      "utilization:cloudwatch",
    ]) {
      assert.equal(collectors.find((c) => c.name === name)?.status, "ok", JSON.stringify(collectors));
    }
    assert.deepEqual(attributes.get(cacheArn("cache-7-days")), {
      name: "cache-7-days",
      cacheNodeType: "cache.t3.micro",
      numCacheNodes: 3,
      engine: "memcached",
      replicationGroupId: null,
    });
    assert.deepEqual(attributes.get(warehouseArn("dw-idle")), {
      name: "dw-idle",
      nodeType: "ra3.xlplus",
      numberOfNodes: 2,
    });
    assert.deepEqual(tags.get(cacheArn("cache-idle")), { team: "sessions" });
    assert.deepEqual(tags.get(warehouseArn("dw-idle")), { team: "analytics" });
    const days = [...Object.values(CACHES), ...Object.values(WAREHOUSES)].reduce(
      (sum, c) => sum + c.connections.filter(([ago]) => ago >= 1 && ago <= 30).length,
      0,
    );
    assert.equal(collectors.find((c) => c.name === "utilization:cloudwatch")?.rows, days);
  });

  test("idle-elasticache-cluster: no connections in 14 days, at least 7 days of data", () => {
    assert.deepEqual(flagged("idle-elasticache-cluster"), ["cache-7-days", "cache-idle"]);
    assert.deepEqual(findings.find((f) => f.resourceId === cacheArn("cache-idle"))?.evidence, {
      days: 14,
      maxCurrConnections: 0,
      cacheNodeType: "cache.t3.micro",
      numCacheNodes: 1,
      engine: "redis",
    });
  });

  test("idle-redshift-cluster: no database connections in 14 days, at least 7 days of data", () => {
    assert.deepEqual(flagged("idle-redshift-cluster"), ["dw-7-days", "dw-idle"]);
    assert.deepEqual(findings.find((f) => f.resourceId === warehouseArn("dw-idle"))?.evidence, {
      days: 14,
      maxDatabaseConnections: 0,
      nodeType: "ra3.xlplus",
      numberOfNodes: 2,
    });
  });
});
