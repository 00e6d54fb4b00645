import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNatGatewaysCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateLoadBalancerCommand as CreateClassicCommand,
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { metricQueriesFor } from "../collectors/utilization/cloudwatch.js";
import { openStore } from "../store/database.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

// Load balancers end to end: Application, Network and Classic load balancers with and without targets
// and CloudWatch datapoints put into moto, then `finops collect --only inventory,utilization` and
// `finops analyze` at NOW (both sides of every idle-load-balancer threshold); then the delete executor
// (and the NAT gateway's) through plan -> approve -> apply.

const REGION = "us-east-1";
const DAY_MS = 86_400_000;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const MARK = "finops:marked-for";

/**
 * Moto stamps a load balancer's CreatedTime with the clock, and collect cannot run at a later day: both
 * run by the clock, every load balancer is seconds old when analyzed, and the datapoints are put on the
 * whole UTC days before today (NOW, its midnight), the days collect and the rules read.
 */
const NOW = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
const noonOf = (ago: number) => new Date(NOW.getTime() - ago * DAY_MS + DAY_MS / 2);

/** Per day (1 = the day before NOW) one value. */
type Days = [daysAgo: number, value: number][];
const lastDays = (count: number, value = 0): Days => Array.from({ length: count }, (_, i) => [i + 1, value]);
const withDay = (days: Days, ago: number, value: number): Days =>
  days.map(([a, v]) => [a, a === ago ? value : v]);

interface BalancerCase {
  kind: "application" | "network" | "classic";
  targets: number;
  traffic?: Days;
}

const BALANCERS: Record<string, BalancerCase> = {
  // No registered target: flagged once older than minAgeDays (0 in this config; 7 for the -week rule).
  "alb-empty": { kind: "application", targets: 0 },
  "classic-empty": { kind: "classic", targets: 0 },
  // With targets: zero RequestCount (ALB, classic) / ProcessedBytes (NLB) over 14 days, >= 7 days of data.
  "alb-idle": { kind: "application", targets: 1, traffic: [...lastDays(14), [15, 900], [0, 900]] },
  "alb-1-request": { kind: "application", targets: 1, traffic: withDay(lastDays(14), 9, 1) },
  "alb-7-days": { kind: "application", targets: 2, traffic: lastDays(7) },
  "alb-6-days": { kind: "application", targets: 1, traffic: lastDays(6) },
  "nlb-idle": { kind: "network", targets: 1, traffic: lastDays(14) },
  "nlb-1-byte": { kind: "network", targets: 1, traffic: withDay(lastDays(14), 1, 1) },
  "classic-idle": { kind: "classic", targets: 1, traffic: lastDays(14) },
  "classic-busy": { kind: "classic", targets: 1, traffic: lastDays(14, 40) },
};

const CONFIG = `
tags:
  required: []
remediation:
  graceDays: 0
  maxPercentPerRule: 100
rules:
  - id: idle-load-balancer
    params: { minAgeDays: 0 }
  - id: idle-load-balancer-week
    kind: idle-load-balancer
  - id: drop-nat
    kind: sql
    action: delete
    params:
      query: >-
        SELECT account, resource_id, 'no longer needed' AS reason FROM resources_current
        WHERE resource_type = 'ec2:nat-gateway' AND tag_value_exact(tags, 'drop-me') = 'yes'
`;

interface Network {
  vpc: string;
  subnets: string[];
}

async function network(ec2: EC2Client): Promise<Network> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc?.VpcId ?? "";
  const subnets: string[] = [];
  for (const [i, zone] of ["us-east-1a", "us-east-1b"].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i + 1}.0/24`, AvailabilityZone: zone }),
    );
    subnets.push(subnet.Subnet?.SubnetId ?? "");
  }
  return { vpc, subnets };
}

async function instances(ec2: EC2Client, count: number): Promise<string[]> {
  if (count === 0) return [];
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-12c6146b",
      InstanceType: "t3.micro",
      MinCount: count,
      MaxCount: count,
    }),
  );
  return (run.Instances ?? []).map((i) => i.InstanceId ?? "");
}

/** An elbv2 load balancer with a target group behind a listener, and `targets` instances in it (a group only when asked). */
async function v2Balancer(
  clients: { ec2: EC2Client; elbv2: ElasticLoadBalancingV2Client },
  net: Network,
  name: string,
  kind: "application" | "network",
  options: { targets: number; group: boolean },
): Promise<{ arn: string; dimension: string; group: string | null }> {
  const created = await clients.elbv2.send(
    new CreateLoadBalancerCommand({
      Name: name,
      Subnets: net.subnets,
      Type: kind,
      Tags: [{ Key: "team", Value: "web" }],
    }),
  );
  const arn = created.LoadBalancers?.[0]?.LoadBalancerArn ?? "";
  let group: string | null = null;
  if (options.group || options.targets > 0) {
    const protocol = kind === "network" ? "TCP" : "HTTP";
    group =
      (
        await clients.elbv2.send(
          new CreateTargetGroupCommand({ Name: `${name}-tg`, Protocol: protocol, Port: 80, VpcId: net.vpc }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? "";
    await clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: arn,
        Protocol: protocol,
        Port: 80,
        DefaultActions: [{ Type: "forward", TargetGroupArn: group }],
      }),
    );
    const ids = await instances(clients.ec2, options.targets);
    if (ids.length) {
      await clients.elbv2.send(
        new RegisterTargetsCommand({ TargetGroupArn: group, Targets: ids.map((Id) => ({ Id, Port: 80 })) }),
      );
    }
  }
  return { arn, dimension: arn.split(":loadbalancer/")[1] ?? "", group };
}

async function classicBalancer(
  clients: { ec2: EC2Client; elb: ElasticLoadBalancingClient },
  net: Network,
  name: string,
  targets: number,
): Promise<string> {
  await clients.elb.send(
    new CreateClassicCommand({
      LoadBalancerName: name,
      Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstancePort: 80 }],
      Subnets: [net.subnets[0] ?? ""],
      Tags: [{ Key: "team", Value: "web" }],
    }),
  );
  const ids = await instances(clients.ec2, targets);
  if (ids.length) {
    await clients.elb.send(
      new RegisterInstancesWithLoadBalancerCommand({
        LoadBalancerName: name,
        Instances: ids.map((InstanceId) => ({ InstanceId })),
      }),
    );
  }
  return `arn:aws:elasticloadbalancing:${REGION}:123456789012:loadbalancer/${name}`;
}

/**
 * Moto 5.2.5 names every elbv2 load balancer app/NAME/HASH, Network ones too; AWS names those
 * net/NAME/HASH, which is what picks their metric (ProcessedBytes in AWS/NetworkELB). A stand-in for
 * that piece only: a loopback proxy in front of moto that renames the Network load balancers (named
 * nlb-*) in answers, and back in requests.
 */
async function netArnProxy(upstream: string): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const target = new URL(upstream);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (c: Buffer) => chunks.push(c));
    incoming.on("end", () => {
      const body = Buffer.from(
        Buffer.concat(chunks)
          .toString("utf8")
          .replaceAll("loadbalancer%2Fnet%2Fnlb-", "loadbalancer%2Fapp%2Fnlb-")
          .replaceAll("loadbalancer/net/nlb-", "loadbalancer/app/nlb-"),
      );
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, "content-length": String(body.length), host: target.host },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (c: Buffer) => parts.push(c));
          answer.on("end", () => {
            const text = Buffer.from(
              Buffer.concat(parts)
                .toString("utf8")
                .replaceAll("loadbalancer/app/nlb-", "loadbalancer/net/nlb-"),
            );
            outgoing.writeHead(answer.statusCode ?? 500, {
              ...answer.headers,
              "content-length": String(text.length),
            });
            outgoing.end(text);
          });
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Finding {
  rule: string;
  resourceId: string;
  evidence: Record<string, unknown>;
}

test("each kind of load balancer is asked its own traffic metric, in its namespace and dimension", () => {
  const arn = (rest: string) => `arn:aws:elasticloadbalancing:${REGION}:123456789012:loadbalancer/${rest}`;
  const record = (id: string) => ({
    resourceId: id,
    resourceType: "elasticloadbalancing:loadbalancer",
    account: "123456789012",
    region: REGION,
    state: "active",
    stateSince: null,
    createdAt: null,
    tags: {},
    attributes: {},
  });
  const queries = metricQueriesFor(
    [
      arn("app/web/0123456789abcdef"),
      arn("net/tcp/0123456789abcdef"),
      arn("gwy/fw/0123456789abcdef"),
      arn("legacy"),
    ].map(record),
  );
  assert.deepEqual(
    queries.map((q) => [q.resourceId.split("loadbalancer/")[1], q.namespace, q.metric, q.stat, q.dimensions]),
    [
      [
        "app/web/0123456789abcdef",
        "AWS/ApplicationELB",
        "RequestCount",
        "Sum",
        [{ Name: "LoadBalancer", Value: "app/web/0123456789abcdef" }],
      ],
      ["legacy", "AWS/ELB", "RequestCount", "Sum", [{ Name: "LoadBalancerName", Value: "legacy" }]],
      [
        "net/tcp/0123456789abcdef",
        "AWS/NetworkELB",
        "ProcessedBytes",
        "Sum",
        [{ Name: "LoadBalancer", Value: "net/tcp/0123456789abcdef" }],
      ],
    ],
  );
});

describe("idle-load-balancer on both sides of every threshold (collected from moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let renaming: { endpoint: string; close: () => Promise<void> };
  const names = new Map<string, string>();
  let collectors: { name: string; status: string; rows: number }[] = [];
  let findings: Finding[] = [];
  let resources: {
    resourceId: string;
    attributes: Record<string, unknown>;
    tags: Record<string, string>;
  }[] = [];
  const flagged = (rule: string) =>
    findings
      .filter((f) => f.rule === rule)
      .map((f) => names.get(f.resourceId) ?? f.resourceId)
      .sort();
  const idOf = (name: string) => [...names].find(([, n]) => n === name)?.[0] ?? `(no id for ${name})`;

  before(async () => {
    moto = await startMoto();
    renaming = await netArnProxy(moto.endpoint);
    writeFileSync(config, CONFIG);
    const endpoint = renaming.endpoint;
    const ec2 = new EC2Client({ region: REGION, endpoint, credentials });
    const elbv2 = new ElasticLoadBalancingV2Client({ region: REGION, endpoint, credentials });
    const elb = new ElasticLoadBalancingClient({ region: REGION, endpoint, credentials });
    const cloudwatch = new CloudWatchClient({ region: REGION, endpoint, credentials });
    try {
      const net = await network(ec2);
      for (const [name, spec] of Object.entries(BALANCERS)) {
        let id: string;
        let namespace: string;
        let metric = "RequestCount";
        let dimension: { Name: string; Value: string };
        if (spec.kind === "classic") {
          id = await classicBalancer({ ec2, elb }, net, name, spec.targets);
          namespace = "AWS/ELB";
          dimension = { Name: "LoadBalancerName", Value: name };
        } else {
          const made = await v2Balancer({ ec2, elbv2 }, net, name, spec.kind, {
            targets: spec.targets,
            group: false,
          });
          id = made.arn;
          namespace = spec.kind === "network" ? "AWS/NetworkELB" : "AWS/ApplicationELB";
          if (spec.kind === "network") metric = "ProcessedBytes";
          dimension = { Name: "LoadBalancer", Value: made.dimension };
        }
        names.set(id, name);
        if (!spec.traffic) continue;
        const data: MetricDatum[] = spec.traffic.map(([ago, value]) => ({
          MetricName: metric,
          Dimensions: [dimension],
          Timestamp: noonOf(ago),
          Value: value,
        }));
        await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
      }
    } finally {
      for (const client of [ec2, elbv2, elb, cloudwatch]) client.destroy();
    }
    const at = ["--db", db, "--config", config, "--json"];
    const collect = await runFinops([
      "collect",
      "--only",
      "inventory,utilization",
      "--regions",
      REGION,
      "--endpoint-url",
      renaming.endpoint,
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
         WHERE resource_type = 'elasticloadbalancing:loadbalancer'`,
      );
      resources = rows.getRowObjectsJson().map((row) => ({
        resourceId: String(row.resource_id),
        attributes: JSON.parse(String(row.attributes)) as Record<string, unknown>,
        tags: JSON.parse(String(row.tags)) as Record<string, string>,
      }));
    } finally {
      store.close();
    }
  });
  after(async () => {
    await renaming?.close();
    await moto?.stop();
    dir.remove();
  });

  test("both collectors collect every load balancer with its targets; utilization one day per datapoint", () => {
    for (const name of [
      "inventory:load-balancers",
      "inventory:classic-load-balancers",
      "utilization:cloudwatch",
    ]) {
      assert.equal(collectors.find((c) => c.name === name)?.status, "ok", JSON.stringify(collectors));
    }
    assert.equal(collectors.find((c) => c.name === "inventory:load-balancers")?.rows, 7);
    assert.equal(collectors.find((c) => c.name === "inventory:classic-load-balancers")?.rows, 3);
    const collectedDays = Object.values(BALANCERS).reduce(
      (sum, b) => sum + (b.traffic ?? []).filter(([ago]) => ago >= 1 && ago <= 30).length,
      0,
    );
    assert.equal(collectors.find((c) => c.name === "utilization:cloudwatch")?.rows, collectedDays);
    const byName = new Map(resources.map((r) => [names.get(r.resourceId), r.attributes]));
    assert.deepEqual(
      Object.fromEntries(Object.keys(BALANCERS).map((n) => [n, byName.get(n)?.registeredTargets])),
      Object.fromEntries(Object.entries(BALANCERS).map(([n, b]) => [n, b.targets])),
    );
    assert.equal(byName.get("nlb-idle")?.lbKind, "network");
    assert.equal(byName.get("classic-idle")?.lbKind, "classic");
    // Tags from each API's DescribeTags (the Tagging API's copy of the same ARN is not a second resource).
    assert.equal(resources.length, Object.keys(BALANCERS).length);
    for (const r of resources) assert.deepEqual(r.tags, { team: "web" }, names.get(r.resourceId));
  });

  test("no registered targets: flagged when older than minAgeDays, not before", () => {
    const expected = ["alb-7-days", "alb-empty", "alb-idle", "classic-empty", "classic-idle", "nlb-idle"];
    assert.deepEqual(flagged("idle-load-balancer"), expected);
    // minAgeDays 7: a load balancer created today is too young to judge by its targets; traffic still counts.
    assert.deepEqual(flagged("idle-load-balancer-week"), [
      "alb-7-days",
      "alb-idle",
      "classic-idle",
      "nlb-idle",
    ]);
    const empty = findings.find((f) => f.rule === "idle-load-balancer" && f.resourceId === idOf("alb-empty"));
    assert.deepEqual(empty?.evidence, {
      lbKind: "application",
      registeredTargets: 0,
      targetGroups: 0,
      ageDays: 0,
    });
  });

  test("no requests or bytes in 14 days, with at least 7 days of data", () => {
    const idle = findings.find((f) => f.rule === "idle-load-balancer" && f.resourceId === idOf("alb-idle"));
    // The busy day 15 days ago is collected, but outside the rule's 14 days.
    assert.deepEqual(idle?.evidence, { lbKind: "application", days: 14, metric: "RequestCount", total: 0 });
    const nlb = findings.find((f) => f.rule === "idle-load-balancer" && f.resourceId === idOf("nlb-idle"));
    assert.deepEqual(nlb?.evidence, { lbKind: "network", days: 14, metric: "ProcessedBytes", total: 0 });
  });
});

interface PlanJson {
  planId: string;
  items: { resourceId: string; action: string; rule: string; markValue: string | null }[];
  excluded: { resourceId: string; why: string }[];
}
interface ApplyJson {
  results: { resourceId: string; action: string; status: string; detail: string }[];
}

describe("load balancer and NAT gateway deletion against moto: plan, approve, apply", () => {
  const dir = tempDir();
  let db = "";
  let fresh = 0;
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let proxy: CountingProxy;
  let ec2: EC2Client;
  let elbv2: ElasticLoadBalancingV2Client;
  let elb: ElasticLoadBalancingClient;

  const finops = (args: string[]) =>
    runFinops([
      ...args,
      "--db",
      db,
      "--config",
      config,
      "--endpoint-url",
      proxy.endpoint,
      "--regions",
      REGION,
    ]);
  const json = <T>(result: CliResult): T => {
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  const plan = async (): Promise<PlanJson> => {
    json(await finops(["collect", "--only", "inventory", "--json"]));
    json(await finops(["analyze", "--json"]));
    return json<PlanJson>(await finops(["plan", "--json"]));
  };
  const approveAndApply = async (planId: string) => {
    assert.equal((await finops(["approve", planId, "--by", "alice"])).code, 0);
    return Object.fromEntries(
      json<ApplyJson>(await finops(["apply", planId, "--json"])).results.map((r) => [r.resourceId, r]),
    );
  };
  const v2Exists = async (arn: string) => {
    try {
      return (
        (
          (await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers ??
          []
        ).length > 0
      );
    } catch {
      return false;
    }
  };
  const classicExists = async (name: string) => {
    const all = (await elb.send(new DescribeClassicCommand({}))).LoadBalancerDescriptions ?? [];
    return all.some((b) => b.LoadBalancerName === name);
  };

  // Each test starts from an empty moto and database: what one test leaves must not be planned by the next.
  beforeEach(async () => {
    delete proxy.failWith;
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
    db = join(dir.path, `finops-${++fresh}.duckdb`);
  });
  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    writeFileSync(config, CONFIG);
    ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    elbv2 = new ElasticLoadBalancingV2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    elb = new ElasticLoadBalancingClient({ region: REGION, endpoint: moto.endpoint, credentials });
  });
  after(async () => {
    for (const client of [ec2, elbv2, elb]) client?.destroy();
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("a refused DescribeLoadBalancers fails that collector only, naming the permissions it needs", async () => {
    // The classic API (version 2012-06-01) refuses; elbv2 (2015-12-01) and every other collector answer.
    proxy.failWith = {
      target: "POST /",
      status: 403,
      bodyIncludes: "Action=DescribeLoadBalancers&Version=2012-06-01",
      contentType: "text/xml",
      body: "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: elasticloadbalancing:DescribeLoadBalancers</Message></Error><RequestId>denied</RequestId></ErrorResponse>",
    };
    const net = await network(ec2);
    await v2Balancer({ ec2, elbv2 }, net, "kept", "application", { targets: 0, group: false });
    const result = await finops(["collect", "--only", "inventory", "--json"]);
    const collectors = (
      JSON.parse(result.stdout) as {
        collectors: { name: string; status: string; rows: number; error?: string }[];
      }
    ).collectors;
    const classicRun = collectors.find((c) => c.name === "inventory:classic-load-balancers");
    assert.equal(classicRun?.status, "failed");
    assert.match(
      classicRun?.error ?? "",
      /AccessDenied.*the collector needs elasticloadbalancing:DescribeLoadBalancers, elasticloadbalancing:DescribeTags: see finops iam-policy --role collector/,
    );
    const v2Run = collectors.find((c) => c.name === "inventory:load-balancers");
    assert.equal(v2Run?.status, "ok");
    assert.equal(v2Run?.rows, 1);
    assert.ok(
      collectors.filter((c) => c.name !== classicRun?.name).every((c) => c.status === "ok"),
      JSON.stringify(collectors),
    );
  });

  test("marked, then deleted; a target registered since the plan and deletion protection keep theirs", async () => {
    const net = await network(ec2);
    const doomed = await v2Balancer({ ec2, elbv2 }, net, "doomed", "application", {
      targets: 0,
      group: false,
    });
    const late = await v2Balancer({ ec2, elbv2 }, net, "late-target", "application", {
      targets: 0,
      group: true,
    });
    const guarded = await v2Balancer({ ec2, elbv2 }, net, "guarded", "network", { targets: 0, group: false });
    await elbv2.send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerArn: guarded.arn,
        Attributes: [{ Key: "deletion_protection.enabled", Value: "true" }],
      }),
    );
    const classicArn = await classicBalancer({ ec2, elb }, net, "doomed-classic", 0);
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId ?? "";
    const nat =
      (
        await ec2.send(
          new CreateNatGatewayCommand({
            SubnetId: net.subnets[0],
            AllocationId: eip,
            TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "drop-me", Value: "yes" }] }],
          }),
        )
      ).NatGateway?.NatGatewayId ?? "";
    // Moto's DeleteNatGateway ignores DryRun (it would delete the gateway): the proxy answers every
    // DryRun as AWS does for an allowed call.
    proxy.failWith = {
      target: "POST /",
      status: 412,
      bodyIncludes: "DryRun=true",
      body: "<Response><Errors><Error><Code>DryRunOperation</Code><Message>Request would have succeeded, but DryRun flag is set.</Message></Error></Errors><RequestID>dry-run</RequestID></Response>",
      contentType: "text/xml",
    };

    // First plan: marks (graceDays 0), none on the protected load balancer.
    const first = await plan();
    const marks = Object.fromEntries(first.items.map((i) => [i.resourceId, i]));
    for (const id of [doomed.arn, late.arn, classicArn, nat]) assert.equal(marks[id]?.action, "mark", id);
    assert.match(marks[doomed.arn]?.markValue ?? "", /^idle-load-balancer:delete@\d{4}-\d{2}-\d{2}$/);
    assert.equal(marks[guarded.arn], undefined);
    assert.match(
      first.excluded.find((e) => e.resourceId === guarded.arn)?.why ?? "",
      /deletion protection is on/,
    );
    const marked = await approveAndApply(first.planId);
    for (const id of [doomed.arn, late.arn, classicArn, nat]) assert.equal(marked[id]?.status, "done", id);
    const tags = (await elbv2.send(new DescribeTagsCommand({ ResourceArns: [doomed.arn] })))
      .TagDescriptions?.[0]?.Tags;
    assert.match(tags?.find((t) => t.Key === MARK)?.Value ?? "", /^idle-load-balancer:delete@/);

    // Second plan: the deletions. Then a target is registered behind late-target before the apply.
    const second = await plan();
    assert.deepEqual(Object.fromEntries(second.items.map((i) => [i.resourceId, i.action])), {
      [doomed.arn]: "delete",
      [late.arn]: "delete",
      [classicArn]: "delete",
      [nat]: "delete",
    });
    const [instance] = await instances(ec2, 1);
    await elbv2.send(
      new RegisterTargetsCommand({
        TargetGroupArn: late.group ?? "",
        Targets: [{ Id: instance ?? "", Port: 80 }],
      }),
    );
    const results = await approveAndApply(second.planId);
    assert.equal(results[doomed.arn]?.status, "done");
    assert.equal(await v2Exists(doomed.arn), false);
    assert.equal(results[classicArn]?.status, "done");
    assert.equal(await classicExists("doomed-classic"), false);
    assert.equal(results[late.arn]?.status, "skipped");
    assert.match(results[late.arn]?.detail ?? "", /changed since the plan: attachments changed: \[\] → \[i-/);
    assert.equal(await v2Exists(late.arn), true);
    assert.equal(await v2Exists(guarded.arn), true);
    assert.equal(results[nat]?.status, "done");
    const state = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat] }))).NatGateways?.[0]
      ?.State;
    assert.ok(["deleting", "deleted"].includes(state ?? ""), state);
    const deletes = proxy.requests.filter(
      (r) => r.body.includes("Action=DeleteNatGateway&") && !r.body.includes("DryRun=true"),
    );
    assert.equal(deletes.length, 1, "one DeleteNatGateway, only at apply");
  });
});
