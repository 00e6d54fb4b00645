import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { replayPages } from "../aws/record-replay.js";
import { INVENTORY_COLLECTORS } from "../collectors/collect-run.js";
import type { CollectScope, ResourceRecord } from "../collectors/inventory/resource.js";
import { resourceFromArn, taggingResources } from "../collectors/inventory/tagging.js";
import { KUBERNETES_COLLECTORS } from "../collectors/kubernetes/collect.js";
import { priceQuery } from "../collectors/pricing/price-list.js";
import { buildEstate, DEMO_SEED } from "../demo/estate.js";
import { replayInstant, writeReplay } from "../demo/replay.js";
import { arnMatches, arnName, arnOf, parseArn } from "../resources/arn.js";
import { descriptorOf, RESOURCE_DESCRIPTORS, RESOURCE_TYPES } from "../resources/index.js";
import type { ResourceDescriptor } from "../resources/types.js";
import { attributeStruct } from "../store/current-inventory.js";
import { ARN_OF } from "../store/resources.js";
import { tempDir } from "./helpers/project.js";

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";

describe("resource descriptors: one per type, consistent with themselves and each other", () => {
  test("type names are unique, `service:type`, and their ARN's service is the type's", () => {
    assert.equal(new Set(RESOURCE_TYPES).size, RESOURCE_DESCRIPTORS.length, RESOURCE_TYPES.join(", "));
    for (const d of RESOURCE_DESCRIPTORS) {
      assert.match(d.type, /^[a-z0-9-]+:[a-z0-9-]+$/, d.type);
      assert.equal(d.type.split(":")[0], d.arn.service, d.type);
      assert.equal(descriptorOf(d.type), d);
      assert.ok(d.displayName.one && d.displayName.many && d.displayName.one !== d.displayName.many, d.type);
    }
    assert.deepEqual(RESOURCE_TYPES, [
      "ec2:instance",
      "ec2:volume",
      "ec2:snapshot",
      "ec2:elastic-ip",
      "ec2:nat-gateway",
      "s3:bucket",
      "rds:db",
      "elasticloadbalancing:loadbalancer",
      "logs:log-group",
      "dynamodb:table",
      "ecr:repository",
      "ec2:image",
      "elasticache:cluster",
      "eks:cluster",
      "redshift:cluster",
      "ec2:reserved-instances",
      "savingsplans:savings-plan",
      "eks:node",
      "eks:pod",
    ]);
  });

  test("each ARN shape parses its own example back to its type and id, and no other shape claims it", () => {
    for (const d of RESOURCE_DESCRIPTORS) {
      assert.match(d.id.example, d.id.pattern, `${d.type}: its example id fits its id shape`);
      const arn = arnOf(d, { region: REGION, account: ACCOUNT, id: d.id.example });
      const parsed = parseArn(arn);
      assert.ok(parsed, `${d.type}: ${arn} parses`);
      // A type whose id is its ARN: the ARN is the id, and its id part the name AWS's APIs give it.
      assert.equal(d.arn.idIsArn ? arn : parsed.id, d.id.example, arn);
      assert.equal(parsed.id, arnName(d, d.id.example), arn);
      assert.equal(parsed.region, d.arn.scope === "regional" ? REGION : "", arn);
      // A Savings Plan's ARN names its account and no region.
      assert.equal(parsed.account, d.arn.scope === "global" ? "" : ACCOUNT, arn);
      assert.deepEqual(
        RESOURCE_DESCRIPTORS.filter((other) => arnMatches(other.arn, parsed)).map((o) => o.type),
        [d.type],
        arn,
      );
      // The Tagging API's view of the same resource gets the collector's type and id.
      assert.deepEqual(resourceFromArn(arn), {
        resourceType: d.type,
        resourceId: d.id.example,
        account: parsed.account,
        region: parsed.region,
      });
    }
  });

  test("the store's ARN_OF (billing's match by ARN) is each descriptor's arnOf, and the Tagging ARN otherwise", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      const rows = [
        ...RESOURCE_DESCRIPTORS.map((d) => ({ type: d.type, id: d.id.example, arn: "" })),
        { type: "rds:db", id: "arn:aws:rds:eu-west-1:111122223333:db:orders", arn: "arn:aws:rds:x" },
      ];
      for (const row of rows) {
        const reader = await connection.runAndReadAll(
          `SELECT ${ARN_OF} AS arn FROM (SELECT $1 AS resource_type, $2 AS resource_id, $3 AS region,
             $4 AS account, json_object('arn', $5) AS attributes) r`,
          [row.type, row.id, REGION, ACCOUNT, row.arn],
        );
        const d = descriptorOf(row.type);
        const expected = d ? arnOf(d, { region: REGION, account: ACCOUNT, id: row.id }) : row.arn;
        assert.equal(reader.getRowObjectsJson()[0]?.arn, expected, row.type);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  test("console URLs are the AWS console's, naming region and id", () => {
    for (const d of RESOURCE_DESCRIPTORS) {
      const url = new URL(d.consoleUrl(REGION, d.id.example));
      assert.equal(url.protocol, "https:", d.type);
      assert.ok(url.hostname.endsWith("console.aws.amazon.com"), `${d.type}: ${url}`);
      // The console names a resource whose id is its ARN by its name.
      const name = arnName(d, d.id.example);
      // A name with a path (a node's CLUSTER/NODE, a pod's CLUSTER/NAMESPACE/POD/UID) may be split over the
      // console's own path; the console names a pod by namespace and name, never by its UID.
      const named =
        [d.id.example, name, encodeURIComponent(name)].some((n) => url.href.includes(n)) ||
        name
          .split("/")
          .filter((part) => !/^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(part))
          .every((part) => url.href.includes(encodeURIComponent(part)));
      assert.ok(url.href.includes(REGION) && named, `${d.type}: ${url}`);
    }
    assert.equal(
      descriptorOf("ec2:volume")?.consoleUrl("eu-west-1", "vol-0abc"),
      "https://console.aws.amazon.com/ec2/home?region=eu-west-1#VolumeDetails:volumeId=vol-0abc",
    );
  });

  test("priced types ask the Price List something for a key of their type; unpriced ones nothing", () => {
    const sample: Record<string, string[]> = {
      "ec2:instance": ["m5.large", "Linux/UNIX", "on-demand"],
      "ec2:volume": ["gp3"],
      "rds:db": ["db.m5.large", "postgres", "multi-az"],
      "elasticloadbalancing:loadbalancer": ["application"],
      "elasticache:cluster": ["cache.r6g.large", "redis"],
      "redshift:cluster": ["ra3.xlplus"],
      "dynamodb:table": ["provisioned"],
    };
    for (const d of RESOURCE_DESCRIPTORS) {
      const key = [d.type, REGION, ...(sample[d.type] ?? [])].join("|");
      const query = priceQuery(key);
      if (!d.price) {
        assert.equal(query, null, d.type);
        continue;
      }
      assert.ok(query, `${d.type}: ${key}`);
      assert.equal(query.filters.regionCode, REGION, key);
      assert.equal(query.unit, d.price.unit === "hours" ? "Hrs" : "GB-Mo", key);
      assert.ok(d.price.keyParts.length >= (sample[d.type]?.length ?? 0), key);
    }
    assert.equal(priceQuery("rds:db|eu-west-1"), null, "a key without its parts");
    assert.deepEqual(priceQuery("rds:db|eu-west-1|db.m5.large|postgres|multi-az"), {
      serviceCode: "AmazonRDS",
      filters: {
        regionCode: "eu-west-1",
        productFamily: "Database Instance",
        instanceType: "db.m5.large",
        databaseEngine: "PostgreSQL",
        deploymentOption: "Multi-AZ",
      },
      unit: "Hrs",
      usageTypeSuffix: "Multi-AZUsage:db.m5.large",
    });
    // SQL Server's price depends on an edition and license that inventory does not hold: billing prices it.
    assert.equal(priceQuery("rds:db|eu-west-1|db.m5.large|sqlserver-se|single-az"), null);
  });

  test("typed attributes: a field shared by two types has one type, else the registry fails loudly", () => {
    assert.doesNotThrow(() => attributeStruct(RESOURCE_DESCRIPTORS));
    const [first] = RESOURCE_DESCRIPTORS;
    assert.ok(first);
    const clash: ResourceDescriptor = {
      ...first,
      type: "test:clash",
      attributes: { instanceType: "BIGINT" },
    };
    assert.throws(
      () => attributeStruct([first, clash]),
      /attribute instanceType is "BIGINT" for test:clash but "VARCHAR" for ec2:instance/,
    );
  });

  test("every inventory collector but the Tagging API's collects one registered type, and every type has one", () => {
    // The Kubernetes collectors read clusters' API servers, not AWS's: theirs are inventory types too.
    const own = [...INVENTORY_COLLECTORS.filter((c) => c !== taggingResources), ...KUBERNETES_COLLECTORS];
    for (const collector of own) {
      assert.ok(collector.resource, `${collector.name} names the type it collects`);
      assert.equal(descriptorOf(collector.resource.type), collector.resource, collector.name);
    }
    assert.equal(taggingResources.resource, undefined);
    // Load balancers have two (elbv2's and the classic elb's).
    assert.deepEqual(
      [...new Set(own.map((c) => c.resource?.type))].sort(),
      [...RESOURCE_TYPES].sort(),
      "a collector for every descriptor",
    );
  });
});

describe("resource descriptors against what the collectors produce (the demo estate's API pages)", () => {
  const dir = tempDir("finops-resources-");
  /** Records by collector name, from every account of the estate in its first region. */
  const byCollector = new Map<string, ResourceRecord[]>();

  before(async () => {
    const estate = buildEstate(DEMO_SEED, new Date("2024-09-18T00:00:00Z"));
    const replay = join(dir.path, "replay");
    await writeReplay(estate, replay);
    const now = replayInstant(estate);
    const region = estate.regions[0] ?? "us-east-1";
    for (const account of estate.accounts) {
      const scope: CollectScope = { account: account.id, region, pages: replayPages(replay), aws: {}, now };
      for (const collector of INVENTORY_COLLECTORS) {
        const records = await collector.collect(scope);
        byCollector.set(collector.name, [...(byCollector.get(collector.name) ?? []), ...records]);
      }
    }
  });
  after(() => dir.remove());

  test("each collector's records carry its descriptor's type and ids of its id shape", () => {
    for (const collector of INVENTORY_COLLECTORS.filter((c) => c.resource)) {
      const records = byCollector.get(collector.name) ?? [];
      assert.ok(records.length > 0, `${collector.name} collected something`);
      for (const r of records) {
        assert.equal(r.resourceType, collector.resource?.type, `${collector.name}: ${r.resourceId}`);
        assert.match(r.resourceId, collector.resource?.id.pattern ?? /^$/, collector.name);
      }
    }
  });

  test("the Tagging API's ARNs of described types are the descriptors' ARNs of the collectors' ids", () => {
    const tagged = byCollector.get(taggingResources.name) ?? [];
    const collectedIds = new Set(
      INVENTORY_COLLECTORS.flatMap((c) => (c.resource ? (byCollector.get(c.name) ?? []) : [])).map(
        (r) => `${r.resourceType}|${r.resourceId}`,
      ),
    );
    let described = 0;
    for (const r of tagged) {
      const d = descriptorOf(r.resourceType);
      if (!d) {
        // Anything without a descriptor is named by its full ARN, under a type no collector owns.
        assert.equal(r.resourceId, r.attributes.arn);
        continue;
      }
      described++;
      assert.match(r.resourceId, d.id.pattern, r.resourceType);
      assert.equal(arnOf(d, { region: r.region, account: r.account, id: r.resourceId }), r.attributes.arn);
      assert.ok(
        collectedIds.has(`${r.resourceType}|${r.resourceId}`),
        `${r.attributes.arn} is collected too`,
      );
    }
    assert.ok(described > 0 && described < tagged.length, `${described} of ${tagged.length} described`);
  });
});
