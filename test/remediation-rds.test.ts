import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  StopDBInstanceCommand,
} from "@aws-sdk/client-rds";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

// The RDS executor against moto: mark, then snapshot-and-delete through plan -> approve -> apply, with
// the backup's retention and the preconditions (a change since the plan, deletion protection, a stopped
// database, a snapshot that vanishes before it is available).

const REGION = "us-east-1";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const DAY = 86_400_000;
const MARK = "finops:marked-for";

const CONFIG = `
tags:
  required: []
remediation:
  graceDays: 0
  maxPercentPerRule: 100
rules:
  - id: drop-db
    kind: sql
    action: snapshot-and-delete
    params:
      query: >-
        SELECT account, resource_id, 'no longer needed' AS reason FROM resources_current
        WHERE resource_type = 'rds:db' AND tag_value_exact(tags, 'drop-me') = 'yes'
`;

interface PlanJson {
  planId: string;
  items: { resourceId: string; action: string; rule: string }[];
  excluded: { resourceId: string; why: string }[];
}
interface ApplyJson {
  results: { resourceId: string; action: string; status: string; detail: string }[];
}

describe("RDS remediation against moto: mark, snapshot-and-delete, preconditions", () => {
  const dir = tempDir();
  const config = join(dir.path, "rules.yaml");
  let db = "";
  let fresh = 0;
  let moto: Moto;
  let proxy: CountingProxy;
  let rds: RDSClient;
  let account = "";

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
  const plan = async () => {
    json(await finops(["collect", "--only", "inventory", "--json"]));
    json(await finops(["analyze", "--json"]));
    return json<PlanJson>(await finops(["plan", "--json"]));
  };
  const approveAndApply = async (planId: string): Promise<ApplyJson> => {
    assert.equal((await finops(["approve", planId, "--by", "alice"])).code, 0);
    const applied = await finops(["apply", planId, "--json"]);
    return JSON.parse(applied.stdout) as ApplyJson;
  };
  const arn = (name: string) => `arn:aws:rds:${REGION}:${account}:db:${name}`;
  const database = async (name: string, tags: Record<string, string>, deletionProtection = false) => {
    const created = await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: name,
        DBInstanceClass: "db.t3.micro",
        Engine: "postgres",
        MasterUsername: "admin",
        MasterUserPassword: "not-a-secret-1",
        AllocatedStorage: 20,
        DeletionProtection: deletionProtection,
        Tags: Object.entries({ "drop-me": "yes", ...tags }).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    account = created.DBInstance?.DBInstanceArn?.split(":")[4] ?? "";
    return arn(name);
  };
  const exists = async (name: string) => {
    try {
      return (
        (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: name }))).DBInstances ?? []
      ).length;
    } catch {
      return 0;
    }
  };
  const tagsOf = async (name: string) =>
    Object.fromEntries(
      (
        (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: name }))).DBInstances?.[0]
          ?.TagList ?? []
      ).map((t) => [t.Key, t.Value]),
    );
  const backupsOf = async (id: string) =>
    ((await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: "manual" }))).DBSnapshots ?? []).filter(
      (s) => s.TagList?.some((t) => t.Key === "finops:source-db" && t.Value === id),
    );
  const deletes = (name: string) =>
    proxy.requests.filter(
      (r) => r.body.includes("Action=DeleteDBInstance") && r.body.includes(`DBInstanceIdentifier=${name}`),
    ).length;

  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    rds = new RDSClient({ region: REGION, endpoint: moto.endpoint, credentials });
    writeFileSync(config, CONFIG);
  });
  beforeEach(async () => {
    delete proxy.failWith;
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
    db = join(dir.path, `finops-${++fresh}.duckdb`);
  });
  after(async () => {
    rds?.destroy();
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("marked first, then snapshotted and deleted; a changed, protected or stopped database is left", async () => {
    const drop = await database("drop", { project: "atlas", "expires-at": "2099-01-01" });
    const changed = await database("changed", {});
    const guarded = await database("guarded", {}, true);
    const stopped = await database("stopped", {});

    const first = await plan();
    assert.deepEqual(
      first.items.map((i) => [i.resourceId, i.action]).sort(),
      [drop, changed, guarded, stopped].sort().map((id) => [id, "mark"]),
    );
    const marked = await approveAndApply(first.planId);
    assert.ok(
      marked.results.every((r) => r.status === "done"),
      JSON.stringify(marked.results),
    );
    assert.match((await tagsOf("drop"))[MARK] ?? "", /^drop-db:snapshot-and-delete@\d{4}-\d{2}-\d{2}$/);

    await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: "stopped" }));
    const second = await plan();
    assert.deepEqual(
      second.items.map((i) => [i.resourceId, i.action]).sort(),
      [drop, changed].sort().map((id) => [id, "snapshot-and-delete"]),
    );
    const why = Object.fromEntries(second.excluded.map((e) => [e.resourceId, e.why]));
    assert.match(why[guarded] ?? "", /deletion protection is on/);
    assert.match(why[stopped] ?? "", /database is stopped, not available/);

    // Between plan and apply, someone tags one of them.
    await rds.send(
      new AddTagsToResourceCommand({ ResourceName: changed, Tags: [{ Key: "owner", Value: "bob" }] }),
    );
    const applyStarted = Date.now();
    const applied = await approveAndApply(second.planId);
    const results = Object.fromEntries(applied.results.map((r) => [r.resourceId, r]));
    assert.equal(results[drop]?.status, "done", results[drop]?.detail);
    assert.match(
      results[drop]?.detail ?? "",
      /^snapshot finops-[0-9a-f]{12}-drop available, database deleted$/,
    );
    assert.equal(await exists("drop"), 0);
    assert.equal(results[changed]?.status, "skipped");
    assert.match(results[changed]?.detail ?? "", /changed since the plan: tag owner changed: \(none\) → bob/);
    assert.equal(await exists("changed"), 1);
    assert.equal(deletes("changed"), 0);

    const [backup, ...more] = await backupsOf(drop);
    assert.equal(more.length, 0, "one snapshot");
    assert.equal(backup?.Status, "available");
    const tags = Object.fromEntries((backup?.TagList ?? []).map((t) => [t.Key, t.Value]));
    assert.equal(tags.project, "atlas", "the database's own tags are kept");
    assert.equal(tags["expires-at"], undefined, "no lifecycle tag");
    assert.equal(tags[MARK], undefined, "no mark");
    assert.equal(tags["finops:plan-id"], second.planId);
    const retainUntil = Date.parse(tags["finops:retain-until"] ?? "");
    assert.ok(
      retainUntil >= applyStarted - 1000 + 30 * DAY && retainUntil <= Date.now() + 30 * DAY,
      `retained backupRetentionDays (30): ${tags["finops:retain-until"]}`,
    );
    // The delete asked for no final snapshot besides it, and kept the automated backups.
    const deleteCall = proxy.requests.find(
      (r) => r.body.includes("Action=DeleteDBInstance") && r.body.includes("DBInstanceIdentifier=drop"),
    );
    assert.match(deleteCall?.body ?? "", /SkipFinalSnapshot=true/);
    assert.match(deleteCall?.body ?? "", /DeleteAutomatedBackups=false/);
  });

  test("an exempted database's mark comes off (RemoveTagsFromResource)", async () => {
    const kept = await database("kept", {});
    await approveAndApply((await plan()).planId);
    assert.match((await tagsOf("kept"))[MARK] ?? "", /^drop-db:/);
    await rds.send(
      new AddTagsToResourceCommand({
        ResourceName: kept,
        Tags: [{ Key: "finops:ignore", Value: "drop-db" }],
      }),
    );
    const unmarking = await plan();
    assert.deepEqual(
      unmarking.items.map((i) => [i.resourceId, i.action]),
      [[kept, "unmark"]],
    );
    const applied = await approveAndApply(unmarking.planId);
    assert.deepEqual(
      applied.results.map((r) => [r.status, r.detail]),
      [["done", `removed ${MARK}`]],
    );
    assert.equal((await tagsOf("kept"))[MARK], undefined);
    assert.equal((await tagsOf("kept"))["finops:ignore"], "drop-db");
  });

  test("a snapshot that vanishes before it is available fails the item: the database is kept", async () => {
    await database("vanish", {});
    await approveAndApply((await plan()).planId);
    const second = await plan();
    assert.deepEqual(
      second.items.map((i) => i.action),
      ["snapshot-and-delete"],
    );
    proxy.failWith = {
      target: "POST /",
      bodyIncludes: "Action=DescribeDBSnapshots",
      status: 404,
      contentType: "text/xml",
      body:
        '<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>' +
        "<Code>DBSnapshotNotFound</Code><Message>DBSnapshot not found.</Message></Error>" +
        "<RequestId>r-1</RequestId></ErrorResponse>",
    };
    const applied = await approveAndApply(second.planId);
    assert.deepEqual(
      applied.results.map((r) => r.status),
      ["failed"],
    );
    assert.match(
      applied.results[0]?.detail ?? "",
      /snapshot finops-[0-9a-f]{12}-vanish is gone: the database was kept/,
    );
    assert.equal(await exists("vanish"), 1);
    assert.equal(deletes("vanish"), 0);
  });
});
