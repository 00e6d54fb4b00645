import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AllocateAddressCommand,
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

const REGION = "us-east-1";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const DAY = 86_400_000;
/** The test's day 0 is today: approvals and applies follow the clock; later days are previews (--now). */
const NOW = Date.parse(`${new Date().toISOString().slice(0, 19)}Z`);
const at = (days: number) => `${new Date(NOW + days * DAY).toISOString().slice(0, 19)}Z`;
const MARK = "finops:marked-for";

/** The rules every test here runs; `remediation` is each test's own. */
const RULES = `
rules:
  - id: expired
    approval: auto
  - id: unattached-volume
    params: { minDays: 0 }
  # Snapshots the test tags drop-me=yes (moto's own AMI snapshots are left alone): auto, like expired.
  - id: drop-snapshot
    kind: sql
    action: delete
    approval: auto
    params:
      query: >-
        SELECT account, resource_id, 'no longer needed' AS reason FROM resources_current
        WHERE resource_type = 'ec2:snapshot' AND tag_value_exact(tags, 'drop-me') = 'yes'
  - id: stop-me
    kind: sql
    action: stop
    params:
      query: >-
        SELECT account, resource_id, 'its owner asked for it to be stopped' AS reason FROM resources_current
        WHERE resource_type = 'ec2:instance' AND state = 'running' AND tag_value_exact(tags, 'stop-me') = 'yes'
`;

interface PlanJson {
  planId: string;
  items: {
    resourceId: string;
    resourceType: string;
    action: string;
    rule: string;
    reason: string;
    alsoFlaggedBy: string[];
    markValue?: string | null;
  }[];
  excluded: { resourceId: string; rule: string; why: string }[];
}
interface ApplyJson {
  results: { resourceId: string; action: string; status: string; detail: string }[];
}
interface CleanupJson {
  auto: {
    planId: string;
    items: { resourceId: string; action: string }[];
    results: ApplyJson["results"] | null;
  };
  waiting: { planId: string; items: { resourceId: string; action: string; rule: string }[] };
}

describe("remediation safety against moto: backups, caps, one item per resource, unmarking", () => {
  const dir = tempDir();
  let db = "";
  let fresh = 0;
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let proxy: CountingProxy;
  let ec2: EC2Client;

  const configure = (remediation: string) =>
    writeFileSync(config, `tags:\n  required: []\nremediation:\n${remediation}\n${RULES}`);
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
  /** `--now` for a later day's preview; none for today (the clock). */
  const asOf = (now?: string) => (now ? ["--now", now] : []);
  /** What the scheduled jobs run on a day before planning: collect the inventory, analyze; its findings. */
  const collectAndAnalyze = async (now?: string) => {
    json(await finops(["collect", "--only", "inventory", "--json"]));
    return json<{ findings: { resourceId: string }[] }>(await finops(["analyze", ...asOf(now), "--json"]))
      .findings;
  };
  const plan = async (now?: string, ...rules: string[]) => {
    await collectAndAnalyze(now);
    return json<PlanJson>(
      await finops(["plan", "--json", ...asOf(now), ...rules.flatMap((r) => ["--rule", r])]),
    );
  };
  /** Approvals and applies are by the clock: they take no --now. */
  const approveAndApply = async (planId: string) => {
    assert.equal((await finops(["approve", planId, "--by", "alice"])).code, 0);
    return json<ApplyJson>(await finops(["apply", planId, "--json"]));
  };
  const calls = (action: string, resourceId: string) =>
    proxy.requests.filter(
      (r) =>
        r.body.includes(`Action=${action}&`) &&
        !r.body.includes("DryRun=true") &&
        r.body.includes(encodeURIComponent(resourceId)),
    ).length;

  const tags = (pairs: Record<string, string>): Tag[] =>
    Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }));
  const instance = async (pairs: Record<string, string>) =>
    (
      await ec2.send(
        new RunInstancesCommand({
          ImageId: "ami-12c6146b",
          InstanceType: "t3.micro",
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: "instance", Tags: tags({ team: "platform", ...pairs }) }],
        }),
      )
    ).Instances?.[0]?.InstanceId as string;
  const volume = async (pairs: Record<string, string> = {}) =>
    (
      await ec2.send(
        new CreateVolumeCommand({
          AvailabilityZone: `${REGION}a`,
          Size: 8,
          TagSpecifications: [{ ResourceType: "volume", Tags: tags({ team: "data", ...pairs }) }],
        }),
      )
    ).VolumeId as string;
  const volumeTags = async (id: string) =>
    Object.fromEntries(
      ((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes?.[0]?.Tags ?? []).map(
        (t) => [t.Key, t.Value],
      ),
    );
  const backupsOf = async (volumeId: string) =>
    (
      await ec2.send(
        new DescribeSnapshotsCommand({ Filters: [{ Name: "tag:finops:source-volume", Values: [volumeId] }] }),
      )
    ).Snapshots ?? [];

  beforeEach(async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
    db = join(dir.path, `finops-${++fresh}.duckdb`);
  });
  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
  });
  after(async () => {
    ec2?.destroy();
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("the backup of an expired volume keeps none of its lifecycle tags and no rule touches it for backupRetentionDays", async () => {
    configure("  graceDays: 0\n  maxPercentPerRule: 100");
    const vol = await volume({
      "expires-at": "2020-01-01",
      TTL: "1h",
      "finops:ignore": "stop-me",
      project: "atlas",
      "drop-me": "yes",
    });

    // Day 1: the scheduled cleanup snapshots and deletes the expired volume, unapproved (approval: auto).
    await collectAndAnalyze();
    const applyStarted = Date.now();
    const day1 = json<CleanupJson>(await finops(["cleanup", "--json"]));
    const applyEnded = Date.now();
    assert.deepEqual(
      day1.auto.results?.map((r) => [r.resourceId, r.action, r.status]),
      [[vol, "snapshot-and-delete", "done"]],
    );
    assert.ok(
      !day1.waiting.items.some((i) => i.resourceId === vol),
      "the manual plan holds no mark of the volume the auto plan deletes",
    );
    const [backup] = await backupsOf(vol);
    const backupId = backup?.SnapshotId as string;
    const backupTags = Object.fromEntries((backup?.Tags ?? []).map((t) => [t.Key, t.Value]));
    for (const lifecycle of ["expires-at", "TTL", "finops:ignore", MARK]) {
      assert.equal(backupTags[lifecycle], undefined, `the backup carries no ${lifecycle}`);
    }
    assert.equal(backupTags.project, "atlas", "the volume's other tags are kept");
    assert.equal(backupTags["drop-me"], "yes");
    const retainUntil = Date.parse(backupTags["finops:retain-until"] ?? "");
    assert.ok(
      retainUntil >= applyStarted - 1000 + 30 * DAY && retainUntil <= applyEnded + 30 * DAY,
      `retained backupRetentionDays (30) from the apply: ${backupTags["finops:retain-until"]}`,
    );

    // An automation copies the volume's expiry back onto the backup: still no rule may flag or plan it.
    await ec2.send(
      new CreateTagsCommand({ Resources: [backupId], Tags: tags({ "expires-at": "2020-01-01" }) }),
    );
    for (const day of [1, 2, 29]) {
      const findings = await collectAndAnalyze(at(day));
      assert.ok(!findings.some((f) => f.resourceId === backupId), `day ${day}: no finding on the backup`);
      const planned = json<PlanJson>(await finops(["plan", "--json", "--now", at(day)]));
      assert.ok(
        !planned.items.some((i) => i.resourceId === backupId),
        `day ${day}: the backup is not planned`,
      );
      const cleanup = json<CleanupJson>(await finops(["cleanup", "--dry-run", "--json", "--now", at(day)]));
      assert.ok(!cleanup.auto.items.some((i) => i.resourceId === backupId), `day ${day}: cleanup leaves it`);
      assert.equal((await backupsOf(vol)).length, 1, `day ${day}: the backup exists`);
    }
    assert.equal(
      calls("DeleteSnapshot", backupId) + calls("CreateTags", backupId),
      0,
      "finops never touched it",
    );

    // After its retention it is a snapshot like any other: the expired rule may remove it.
    const after31 = await plan(at(31));
    assert.deepEqual(
      after31.items.filter((i) => i.resourceId === backupId).map((i) => [i.rule, i.action, i.alsoFlaggedBy]),
      [["expired", "delete", ["drop-snapshot"]]],
    );
  });

  test("the per-rule cap counts each resource type of the rule on its own", async () => {
    configure("  graceDays: 0\n  maxPercentPerRule: 50");
    // Six addresses, one expired (a cap of 3), and two expired instances, all there are (a cap of 1):
    // counted by the addresses, the first item's type, both instances would go.
    const addresses: string[] = [];
    for (const expiresAt of [
      "2020-01-01",
      "2099-01-01",
      "2099-01-01",
      "2099-01-01",
      "2099-01-01",
      "2099-01-01",
    ]) {
      const allocation = await ec2.send(
        new AllocateAddressCommand({
          Domain: "vpc",
          TagSpecifications: [{ ResourceType: "elastic-ip", Tags: tags({ "expires-at": expiresAt }) }],
        }),
      );
      addresses.push(allocation.AllocationId as string);
    }
    const instances = [
      await instance({ "expires-at": "2020-01-01" }),
      await instance({ "expires-at": "2020-01-01" }),
    ];
    const planned = await plan(undefined, "expired");
    assert.deepEqual(
      planned.items.map((i) => [i.resourceId, i.action]),
      [[addresses[0], "release"], ...[...instances].sort().map((id) => [id, "terminate"])],
    );
    const applied = await approveAndApply(planned.planId);
    assert.deepEqual(
      applied.results.map((r) => r.status),
      ["done", "done", "skipped"],
    );
    assert.match(
      applied.results[2]?.detail ?? "",
      /expired may act on 1 ec2:instance resource\(s\) per run \(50%/,
    );
    assert.equal(
      instances.map((id) => calls("TerminateInstances", id)).reduce((a, b) => a + b),
      1,
    );
  });

  test("a resource two rules flag gets one item, the strongest action, naming the other rule", async () => {
    configure("  graceDays: 0\n  maxPercentPerRule: 100");
    const vol = await volume({ "expires-at": "2020-01-01" });
    const inst = await instance({ "expires-at": "2020-01-01", "stop-me": "yes" });
    const planned = await plan();
    assert.deepEqual(
      planned.items.map((i) => [i.resourceId, i.rule, i.action, i.alsoFlaggedBy]),
      [
        [inst, "expired", "terminate", ["stop-me"]],
        [vol, "expired", "snapshot-and-delete", ["unattached-volume"]],
      ],
    );
    const human = await finops(["plan"]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /expired \(also unattached-volume\)/);
    assert.match(human.stdout, /expired \(also stop-me\)/);
    // Asked for the weaker rule alone, the plan says why it holds nothing for the resource.
    const weaker = json<PlanJson>(await finops(["plan", "--json", "--rule", "unattached-volume"]));
    assert.deepEqual(weaker.items, []);
    assert.match(
      weaker.excluded.find((e) => e.resourceId === vol)?.why ?? "",
      /expired's snapshot-and-delete \(approval auto\) acts on it instead/,
    );
    const applied = await approveAndApply(planned.planId);
    assert.deepEqual(
      applied.results.map((r) => r.status),
      ["done", "done"],
    );
    assert.equal(calls("DeleteVolume", vol), 1);
    assert.equal(calls("CreateTags", vol), 0, "the volume was never marked");
  });

  test("an old mark comes off a protected or exempted resource, and apply gives the true reason for what it skips", async () => {
    configure("  graceDays: 5\n  maxPercentPerRule: 100");
    const [attached, exempted, stillFound] = [await volume(), await volume(), await volume()];
    const marking = await plan(undefined, "unattached-volume");
    assert.deepEqual(
      marking.items.map((i) => i.action),
      ["mark", "mark", "mark"],
    );
    await approveAndApply(marking.planId);
    for (const id of [attached, exempted, stillFound])
      assert.match((await volumeTags(id))[MARK] ?? "", /^unattached-volume:/);

    // Protected and attached (the rule no longer finds it), exempted, protected while the rule still finds it.
    const host = await instance({});
    await ec2.send(new AttachVolumeCommand({ VolumeId: attached, InstanceId: host, Device: "/dev/sdf" }));
    await ec2.send(
      new CreateTagsCommand({ Resources: [attached, stillFound], Tags: tags({ "finops:protect": "true" }) }),
    );
    await ec2.send(
      new CreateTagsCommand({ Resources: [exempted], Tags: tags({ "finops:ignore": "unattached-volume" }) }),
    );
    const unmarking = await plan(undefined, "unattached-volume");
    assert.deepEqual(Object.fromEntries(unmarking.items.map((i) => [i.resourceId, i.action])), {
      [attached]: "unmark",
      [exempted]: "unmark",
      [stillFound]: "unmark",
    });
    assert.match(
      unmarking.items.find((i) => i.resourceId === stillFound)?.reason ?? "",
      /^protected: never remediated/,
    );
    const applied = await approveAndApply(unmarking.planId);
    assert.deepEqual(
      applied.results.map((r) => [r.status, r.detail]),
      unmarking.items.map(() => ["done", `removed ${MARK}`]),
    );
    for (const id of [attached, exempted, stillFound])
      assert.equal((await volumeTags(id))[MARK], undefined, id);

    // Unmarked, the protected one is left out as protected, the true reason; nothing else is planned.
    const next = await plan(undefined, "unattached-volume");
    assert.deepEqual(next.items, []);
    assert.deepEqual(
      next.excluded.map((e) => [e.resourceId, e.why]),
      [[stillFound, "protected: never remediated"]],
    );
  });

  test("a mark written after its plan was made still gives the whole grace period", async () => {
    // A plan whose marks are due sooner than graceDays from the apply (made long before it was approved,
    // or back-dated): here, made with no grace and applied under three days of it.
    configure("  graceDays: 0\n  maxPercentPerRule: 100");
    const vol = await volume();
    const early = await plan(undefined, "unattached-volume");
    const today = new Date().toISOString().slice(0, 10);
    const item = early.items.find((i) => i.resourceId === vol);
    assert.equal(item?.markValue, `unattached-volume:snapshot-and-delete@${today}`);
    configure("  graceDays: 3\n  maxPercentPerRule: 100");
    const applied = await approveAndApply(early.planId);
    assert.ok(
      applied.results.every((r) => r.status === "done"),
      JSON.stringify(applied.results),
    );
    const dueDay = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10);
    assert.equal((await volumeTags(vol))[MARK], `unattached-volume:snapshot-and-delete@${dueDay}`);
    const next = await plan(undefined, "unattached-volume");
    assert.ok(!next.items.some((i) => i.resourceId === vol), "not acted on before its day");
    assert.match(next.excluded.find((e) => e.resourceId === vol)?.why ?? "", /not due yet/);
  });
});
