import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AllocateAddressCommand,
  AttachVolumeCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { openStore } from "../store/database.js";
import { type CliResult, runFinops, startFinops } from "./helpers/cli.js";
import { type CountingProxy, type RecordedRequest, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

const REGION = "us-east-1";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const MARK = "finops:marked-for";

const CONFIG = `
tags:
  required: []
remediation:
  graceDays: 0
  maxPercentPerRule: 100
rules:
  - id: expired
    approval: auto
  - id: unattached-volume
    params: { minDays: 0 }
  - id: unassociated-eip
  # moto's own AMIs come with snapshots of this account: only the test's are dropped.
  - id: drop-snapshot
    kind: sql
    action: delete
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
  items: { resourceId: string; action: string; rule: string; markValue: string | null }[];
  excluded: { resourceId: string; why: string }[];
}
interface ApplyJson {
  planId: string;
  results: { resourceId: string; action: string; status: string; detail: string }[];
}

describe("remediation against moto: plan, approve, apply, journal", () => {
  const dir = tempDir();
  let db = "";
  let fresh = 0;
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let proxy: CountingProxy;
  let ec2: EC2Client;

  const withContext = (args: string[]) => [
    ...args,
    "--db",
    db,
    "--config",
    config,
    "--endpoint-url",
    proxy.endpoint,
    "--regions",
    REGION,
  ];
  const finops = (args: string[], env: Record<string, string> = {}) => runFinops(withContext(args), env);
  const json = <T>(result: CliResult): T => {
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  /** Collects inventory, analyzes, and plans: what a scheduled run does before approval. */
  const plan = async (...rules: string[]): Promise<PlanJson> => {
    json(await finops(["collect", "--only", "inventory", "--json"]));
    json(await finops(["analyze", "--json"]));
    return json<PlanJson>(await finops(["plan", "--json", ...rules.flatMap((r) => ["--rule", r])]));
  };
  // Approve and apply take no --now: approvals are made and checked by the clock.
  const approve = async (planId: string) =>
    assert.equal((await finops(["approve", planId, "--by", "alice"])).code, 0);
  const apply = (planId: string, env: Record<string, string> = {}) =>
    finops(["apply", planId, "--json"], env);
  /** An apply whose process the test holds: the proxy's faults kill it by its pid. */
  const startApply = (planId: string) => startFinops(withContext(["apply", planId, "--json"]));
  /** A mutating EC2 call (not a DryRun check) of this action. */
  const mutating = (action: string) => (r: RecordedRequest) =>
    r.body.includes(`Action=${action}&`) && !r.body.includes("DryRun=true");
  /** Mutating EC2 calls that reached moto, by action and resource. */
  const calls = (action: string, resourceId: string) =>
    proxy.requests.filter(
      (r) => !r.dropped && mutating(action)(r) && r.body.includes(encodeURIComponent(resourceId)),
    ).length;

  const tags = (pairs: Record<string, string>): Tag[] =>
    Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }));
  const instance = async (pairs: Record<string, string>) => {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-12c6146b",
        InstanceType: "t3.micro",
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: "instance", Tags: tags({ team: "platform", ...pairs }) }],
      }),
    );
    return run.Instances?.[0]?.InstanceId as string;
  };
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
  const instanceState = async (id: string) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]
      ?.State?.Name;
  const exists = async (describe: () => Promise<unknown[] | undefined>) => {
    try {
      return ((await describe()) ?? []).length > 0;
    } catch {
      return false;
    }
  };
  const volumeExists = (id: string) =>
    exists(async () => (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes);
  const tagOf = async (id: string, key: string) =>
    (
      await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))
    ).Reservations?.[0]?.Instances?.[0]?.Tags?.find((t) => t.Key === key)?.Value;

  // Each test starts from an empty moto and database: what one test leaves must not be planned by the next.
  beforeEach(async () => {
    delete proxy.fault;
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
    db = join(dir.path, `finops-${++fresh}.duckdb`);
  });

  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    writeFileSync(config, CONFIG);
  });
  after(async () => {
    ec2?.destroy();
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("each action changes moto: marked first, acted on when due; protected, exempted and changed resources untouched", async () => {
    const expired = await instance({ "expires-at": "2020-01-01" });
    const stop = await instance({ "stop-me": "yes" });
    const protectedOne = await instance({ "stop-me": "yes", "finops:protect": "true" });
    const exempt = await instance({ "stop-me": "yes", "finops:ignore": "*" });
    const free = await volume({ project: "atlas" });
    const changing = await volume();
    const address = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId as string;
    const source = await volume();
    const snapshot = (
      await ec2.send(
        new CreateSnapshotCommand({
          VolumeId: source,
          TagSpecifications: [{ ResourceType: "snapshot", Tags: tags({ "drop-me": "yes" }) }],
        }),
      )
    ).SnapshotId as string;
    // The snapshot's volume stays, attached: only the snapshot goes.
    await ec2.send(
      new AttachVolumeCommand({ VolumeId: source, InstanceId: protectedOne, Device: "/dev/sdf" }),
    );

    // First run: the expired instance goes at once; every other destructive action is a mark first.
    const first = await plan();
    const byResource = new Map(first.items.map((i) => [i.resourceId, i]));
    assert.equal(byResource.get(expired)?.action, "terminate");
    for (const id of [stop, free, changing, address, snapshot]) {
      assert.equal(byResource.get(id)?.action, "mark", id);
    }
    assert.match(byResource.get(stop)?.markValue ?? "", /^stop-me:stop@\d{4}-\d{2}-\d{2}$/);
    assert.match(byResource.get(free)?.markValue ?? "", /^unattached-volume:snapshot-and-delete@/);
    assert.ok(!byResource.has(protectedOne) && !byResource.has(exempt));
    assert.match(first.excluded.find((e) => e.resourceId === protectedOne)?.why ?? "", /protected/);
    assert.equal(calls("TerminateInstances", expired), 0, "plan changes nothing");
    assert.equal(calls("CreateTags", stop), 0, "plan changes nothing");

    await approve(first.planId);
    const applied = json<ApplyJson>(await apply(first.planId));
    assert.deepEqual(
      applied.results.map((r) => r.status),
      first.items.map(() => "done"),
    );
    assert.ok(["shutting-down", "terminated"].includes((await instanceState(expired)) ?? ""));
    assert.equal(calls("TerminateInstances", expired), 1);
    assert.match((await tagOf(stop, MARK)) ?? "", /^stop-me:stop@/);

    // Second run: the marks are due (graceDays 0) and the rules still match: the actions themselves.
    const second = await plan();
    const actions = Object.fromEntries(second.items.map((i) => [i.resourceId, i.action]));
    assert.deepEqual(actions, {
      [stop]: "stop",
      [free]: "snapshot-and-delete",
      [changing]: "snapshot-and-delete",
      [address]: "release",
      [snapshot]: "delete",
    });
    // Between plan and apply: a volume gets attached, the address gets protected.
    await ec2.send(
      new AttachVolumeCommand({ VolumeId: changing, InstanceId: protectedOne, Device: "/dev/sdg" }),
    );
    await ec2.send(new CreateTagsCommand({ Resources: [address], Tags: tags({ "finops:protect": "true" }) }));
    await approve(second.planId);
    const results = Object.fromEntries(
      json<ApplyJson>(await apply(second.planId)).results.map((r) => [r.resourceId, r]),
    );
    assert.equal(results[stop]?.status, "done");
    assert.ok(["stopping", "stopped"].includes((await instanceState(stop)) ?? ""));
    assert.equal(results[free]?.status, "done");
    assert.equal(await volumeExists(free), false);
    const kept = (
      await ec2.send(
        new DescribeSnapshotsCommand({ Filters: [{ Name: "tag:finops:source-volume", Values: [free] }] }),
      )
    ).Snapshots;
    assert.equal(kept?.length, 1, "one snapshot of the deleted volume");
    assert.equal(kept?.[0]?.State, "completed");
    assert.equal(
      kept?.[0]?.Tags?.find((t) => t.Key === "project")?.Value,
      "atlas",
      "the volume's tags are kept",
    );
    assert.equal(results[changing]?.status, "skipped");
    assert.match(
      results[changing]?.detail ?? "",
      /changed since the plan: state changed: available → in-use/,
    );
    assert.equal(await volumeExists(changing), true);
    assert.equal(results[address]?.status, "skipped");
    assert.match(results[address]?.detail ?? "", /protect/);
    assert.equal(
      (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [address] }))).Addresses?.length,
      1,
    );
    assert.equal(results[snapshot]?.status, "done");
    assert.equal(
      await exists(
        async () => (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshot] }))).Snapshots,
      ),
      false,
    );
    // Protected and exempted instances were never touched.
    assert.equal(await instanceState(protectedOne), "running");
    assert.equal(await instanceState(exempt), "running");
    for (const id of [protectedOne, exempt]) {
      assert.equal(calls("StopInstances", id) + calls("CreateTags", id), 0);
    }

    const history = json<{ planId: string; resourceId: string; status: string; approvedBy: string }[]>(
      await finops(["history", "--json", "--plan", second.planId]),
    );
    assert.equal(history.length, second.items.length);
    assert.ok(history.every((h) => h.approvedBy === "alice"));
    assert.equal(history.find((h) => h.resourceId === stop)?.status, "done");
  });

  test("an unapproved, expired or edited plan is refused, and nothing is touched", async () => {
    const id = await instance({ "expires-at": "2021-06-01" });
    const planned = await plan("expired");
    assert.deepEqual(
      planned.items.map((i) => i.resourceId),
      [id],
    );
    const unapproved = await apply(planned.planId);
    assert.equal(unapproved.code, 1);
    assert.match(unapproved.stderr, /not approved/);

    await approve(planned.planId);
    // --now cannot reach apply, before or after the command: an approval cannot be revived by it.
    for (const args of [
      ["apply", planned.planId, "--now", "2000-01-01"],
      ["--now", "2000-01-01", "apply", planned.planId],
    ]) {
      const refused = await finops(args);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /apply: --now is not accepted here/);
    }
    // An approval that expired by the clock (a minute ago) is refused.
    const ago = await openStore(db);
    await ago.connection.run("UPDATE approvals SET expires_at = CAST($1 AS TIMESTAMP) WHERE plan_id = $2", [
      new Date(Date.now() - 60_000).toISOString(),
      planned.planId,
    ]);
    ago.close();
    const expired = await apply(planned.planId);
    assert.equal(expired.code, 1);
    assert.match(expired.stderr, /expired at/);
    assert.equal(calls("TerminateInstances", id), 0);

    const store = await openStore(db);
    await store.connection.run(
      `UPDATE plans SET content = replace(content::VARCHAR, '"terminate"', '"stop"')::JSON WHERE plan_id = $1`,
      [planned.planId],
    );
    store.close();
    const edited = await apply(planned.planId);
    assert.equal(edited.code, 1);
    assert.match(edited.stderr, /altered/);
    assert.equal((await finops(["approve", planned.planId, "--by", "mallory"])).code, 1);
    assert.equal(calls("TerminateInstances", id) + calls("StopInstances", id), 0);
    assert.equal(await instanceState(id), "running");
  });

  test("an approval that expires during a run holds back every item not yet begun", async () => {
    const first = await instance({ "expires-at": "2020-01-01" });
    const second = await instance({ "expires-at": "2020-01-01" });
    const planned = await plan("expired");
    assert.deepEqual(planned.items.map((i) => i.action).sort(), ["terminate", "terminate"]);
    await approve(planned.planId);
    // The approval ends while the run works (an approval of approvalHours ending mid-run). The margin
    // covers the apply process's start and checks before its first termination on a loaded machine
    // (three seconds were not enough for CI's two test files at once).
    const ends = new Date(Date.now() + 12_000);
    const store = await openStore(db);
    await store.connection.run("UPDATE approvals SET expires_at = CAST($1 AS TIMESTAMP) WHERE plan_id = $2", [
      ends.toISOString(),
      planned.planId,
    ]);
    store.close();
    const running = startApply(planned.planId);
    // The first termination is answered only once the approval has expired.
    proxy.fault = {
      matches: mutating("TerminateInstances"),
      nth: 1,
      at: "after",
      hold: new Promise((resolve) => setTimeout(resolve, ends.getTime() - Date.now() + 1500)),
    };
    const applied = json<ApplyJson>(await running.result);
    assert.equal(proxy.fault?.fired, true);
    const [done, held] = applied.results;
    assert.equal(done?.status, "done", done?.detail);
    assert.equal(held?.status, "skipped");
    assert.match(held?.detail ?? "", /^not attempted: the approval of plan .* by alice expired at /);
    const states = new Map([
      [first, await instanceState(first)],
      [second, await instanceState(second)],
    ]);
    assert.equal(states.get(done?.resourceId as string), "terminated");
    assert.equal(states.get(held?.resourceId as string), "running", "nothing is done on a lapsed approval");
  });

  test("a backup snapshot that vanishes while waited for fails the item, and the volume stays", async () => {
    const vol = await volume();
    const marked = await plan("unattached-volume");
    await approve(marked.planId);
    json<ApplyJson>(await apply(marked.planId));
    const due = await plan("unattached-volume");
    assert.deepEqual(
      due.items.map((i) => i.action),
      ["snapshot-and-delete"],
    );
    await approve(due.planId);
    // Someone deletes the new snapshot while apply waits for it to complete.
    proxy.failWith = {
      target: "POST /",
      bodyIncludes: "Action=DescribeSnapshots",
      status: 400,
      contentType: "text/xml",
      body: "<Response><Errors><Error><Code>InvalidSnapshot.NotFound</Code><Message>The snapshot does not exist.</Message></Error></Errors><RequestID>r-1</RequestID></Response>",
    };
    let applied: CliResult;
    try {
      applied = await apply(due.planId);
    } finally {
      delete proxy.failWith;
    }
    assert.equal(applied.code, 1, applied.stderr);
    const [result] = (JSON.parse(applied.stdout) as ApplyJson).results;
    assert.equal(result?.status, "failed", result?.detail);
    assert.match(result?.detail ?? "", /InvalidSnapshot\.NotFound/);
    assert.equal(await volumeExists(vol), true, "no backup, no delete");
    assert.equal(calls("DeleteVolume", vol), 0);
  });

  test("a volume protected while apply waits for its backup is not deleted, and the backup is kept", async () => {
    const vol = await volume();
    const marked = await plan("unattached-volume");
    await approve(marked.planId);
    json<ApplyJson>(await apply(marked.planId));
    const due = await plan("unattached-volume");
    await approve(due.planId);
    // While apply waits for the snapshot to complete, the owner protects the volume.
    let release = () => {};
    const protectedNow = new Promise<void>((resolve) => {
      release = resolve;
    });
    proxy.fault = {
      matches: (r) => r.body.includes("Action=DescribeSnapshots"),
      nth: 1,
      at: "before",
      hold: protectedNow,
      onReached: () => {
        void ec2
          .send(new CreateTagsCommand({ Resources: [vol], Tags: tags({ "finops:protect": "true" }) }))
          .then(release);
      },
    };
    const applied = await apply(due.planId);
    assert.equal(proxy.fault?.fired, true);
    assert.equal(applied.code, 1, applied.stderr);
    const [result] = (JSON.parse(applied.stdout) as ApplyJson).results;
    assert.equal(result?.status, "failed");
    assert.match(
      result?.detail ?? "",
      /snapshot snap-\w+ kept, volume not deleted: it now carries the protect tag finops:protect/,
    );
    assert.equal(await volumeExists(vol), true);
    assert.equal(calls("DeleteVolume", vol), 0);
    const backups = (
      await ec2.send(
        new DescribeSnapshotsCommand({ Filters: [{ Name: "tag:finops:source-volume", Values: [vol] }] }),
      )
    ).Snapshots;
    assert.equal(backups?.length, 1, "the backup taken is kept");
  });

  test("two applies at once: one acts, the other is refused", async () => {
    const ids = [
      await instance({ "expires-at": "2022-01-01" }),
      await instance({ "expires-at": "2022-01-01" }),
    ];
    const planned = await plan("expired");
    assert.deepEqual(planned.items.map((i) => i.resourceId).sort(), [...ids].sort());
    await approve(planned.planId);
    // The first apply is held at its first AWS call (its lock taken, its journal row written) while the
    // second one runs from start to end.
    let release = () => {};
    let reached = () => {};
    const atCall = new Promise<void>((resolve) => {
      reached = resolve;
    });
    proxy.fault = {
      matches: mutating("TerminateInstances"),
      nth: 1,
      at: "before",
      hold: new Promise<void>((resolve) => {
        release = resolve;
      }),
      onReached: reached,
    };
    const first = startApply(planned.planId).result;
    await Promise.race([
      atCall,
      first.then((r) => assert.fail(`the first apply ended before its first call: ${r.stderr}`)),
    ]);
    const second = await apply(planned.planId);
    release();
    assert.equal(second.code, 1);
    assert.match(second.stderr, /in use by another process|another apply is running/);
    assert.equal((await first).code, 0);
    for (const id of ids) assert.equal(calls("TerminateInstances", id), 1);
  });

  /**
   * Where a run dies, counted at the emulator: before an AWS call reaches it (the journal says started,
   * AWS never saw it), after AWS acted but before finops heard back (the journal does not know the call
   * was made), or between two items. Steps in the plan: terminate, terminate, create-snapshot,
   * delete-volume.
   */
  const CRASHES: {
    name: string;
    at: "before" | "after";
    action?: string;
    step?: string;
    /** Or: the first request of this item of the plan (the item before it is finished). */
    item?: number;
  }[] = [
    {
      name: "before the 1st TerminateInstances",
      at: "before",
      action: "TerminateInstances",
      step: "terminate-instances",
    },
    {
      name: "after the 1st TerminateInstances",
      at: "after",
      action: "TerminateInstances",
      step: "terminate-instances",
    },
    { name: "between items 1 and 2", at: "before", item: 1 },
    { name: "after CreateSnapshot", at: "after", action: "CreateSnapshot", step: "create-snapshot" },
    { name: "before DeleteVolume", at: "before", action: "DeleteVolume", step: "delete-volume" },
    { name: "after DeleteVolume", at: "after", action: "DeleteVolume", step: "delete-volume" },
  ];
  for (const crash of CRASHES) {
    test(`a crash (${crash.name}) in the middle of a plan: the re-run completes it, every action exactly once`, async () => {
      // The volume is marked by an earlier plan, so that its snapshot-and-delete comes last (steps 3 and 4).
      const vol = await volume();
      const marking = await plan("unattached-volume");
      assert.deepEqual(
        marking.items.map((i) => [i.resourceId, i.action]),
        [[vol, "mark"]],
      );
      await approve(marking.planId);
      assert.equal((await apply(marking.planId)).code, 0);
      const ids = [
        await instance({ "expires-at": "2023-01-01" }),
        await instance({ "expires-at": "2023-01-01" }),
      ];
      const planned = await plan("expired", "unattached-volume");
      assert.deepEqual(
        planned.items.map((i) => i.action),
        ["terminate", "terminate", "snapshot-and-delete"],
      );
      await approve(planned.planId);

      const killed = startApply(planned.planId);
      const itemId = crash.item === undefined ? "" : (planned.items[crash.item]?.resourceId as string);
      proxy.fault = {
        matches: crash.action
          ? mutating(crash.action)
          : (r) => r.body.includes(`=${encodeURIComponent(itemId)}`),
        nth: 1,
        at: crash.at,
        kill: killed.child.pid as number,
      };
      const died = await killed.result;
      assert.equal(died.signal, "SIGKILL", `the proxy killed it where planned: ${died.stderr}`);
      assert.equal(proxy.fault?.fired, true);
      delete proxy.fault;
      const resourceOf = {
        TerminateInstances: planned.items[0]?.resourceId,
        CreateSnapshot: vol,
        DeleteVolume: vol,
      };
      if (crash.action && crash.step) {
        const resource = resourceOf[crash.action as keyof typeof resourceOf] as string;
        assert.equal(
          calls(crash.action, resource),
          crash.at === "after" ? 1 : 0,
          "moto saw the call, or not",
        );
        // Every AWS call is journaled as started before it is made: the crash leaves that row last.
        const store = await openStore(db);
        const rows = (
          await store.connection.runAndReadAll(
            "SELECT status FROM journal WHERE plan_id = $1 AND step = $2 ORDER BY seq",
            [planned.planId, crash.step],
          )
        ).getRowObjectsJson();
        store.close();
        assert.equal(rows.at(-1)?.status, "started", `${crash.step} journaled before the call`);
      } else {
        // Between items: the first is journaled as finished, the next has no row at all.
        const store = await openStore(db);
        const rows = (
          await store.connection.runAndReadAll(
            "SELECT item, step, status FROM journal WHERE plan_id = $1 ORDER BY seq",
            [planned.planId],
          )
        ).getRowObjectsJson();
        store.close();
        assert.deepEqual(
          rows.filter((r) => r.step === "item" && r.status !== "started").map((r) => Number(r.item)),
          [0],
        );
        assert.ok(rows.every((r) => Number(r.item) === 0));
      }

      const resumed = json<ApplyJson>(await apply(planned.planId));
      assert.deepEqual(
        resumed.results.map((r) => r.status),
        ["done", "done", "done"],
      );
      for (const id of ids) {
        assert.equal(calls("TerminateInstances", id), 1, `${crash.name}: TerminateInstances ${id}`);
        assert.ok(["shutting-down", "terminated"].includes((await instanceState(id)) ?? ""));
      }
      assert.equal(calls("CreateSnapshot", vol), 1, `${crash.name}: CreateSnapshot`);
      assert.equal(calls("DeleteVolume", vol), 1, `${crash.name}: DeleteVolume`);
      assert.equal(await volumeExists(vol), false);
      const history = json<{ status: string }[]>(
        await finops(["history", "--json", "--plan", planned.planId]),
      );
      assert.ok(history.some((h) => h.status === "interrupted" || h.status === "done"));
    });
  }

  test("the scheduled cleanup's dry run and real run select the same items", async () => {
    const ids = [
      await instance({ "expires-at": "2024-01-01" }),
      await instance({ "expires-at": "2024-01-01" }),
    ];
    json(await finops(["collect", "--only", "inventory", "--json"]));
    json(await finops(["analyze", "--json"]));
    const dry = json<{ auto: { planId: string; items: { resourceId: string }[] } }>(
      await finops(["cleanup", "--dry-run", "--json"]),
    );
    assert.deepEqual(dry.auto.items.map((i) => i.resourceId).sort(), [...ids].sort());
    for (const id of ids) assert.equal(calls("TerminateInstances", id), 0);
    const real = json<{ auto: { planId: string; results: { resourceId: string; status: string }[] } }>(
      await finops(["cleanup", "--json"]),
    );
    assert.equal(real.auto.planId, dry.auto.planId, "the same plan: the same content hash");
    assert.deepEqual(
      real.auto.results.map((r) => r.resourceId),
      dry.auto.items.map((i) => i.resourceId),
    );
    for (const id of ids) assert.equal(calls("TerminateInstances", id), 1);
  });

  test("iam-policy --role remediator lists exactly the executors' write actions", async () => {
    const policy = json<{ Statement: { Sid: string; Action: string[] }[] }>(
      await runFinops(["iam-policy", "--role", "remediator", "--config", config]),
    );
    const write = policy.Statement.find((s) => s.Sid === "FinopsRemediatorWrite")?.Action;
    assert.deepEqual(write, [
      "ec2:CreateSnapshot",
      "ec2:CreateTags",
      "ec2:DeleteNatGateway",
      "ec2:DeleteSnapshot",
      "ec2:DeleteTags",
      "ec2:DeleteVolume",
      "ec2:DeregisterImage",
      "ec2:ReleaseAddress",
      "ec2:StopInstances",
      "ec2:TerminateInstances",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:RemoveTags",
      "logs:PutRetentionPolicy",
      "logs:TagResource",
      "logs:UntagResource",
      "rds:AddTagsToResource",
      "rds:CreateDBSnapshot",
      "rds:DeleteDBInstance",
      "rds:RemoveTagsFromResource",
      "s3:PutBucketTagging",
      "s3:PutLifecycleConfiguration",
    ]);
    // Every mutating call the runner made in these tests is in it.
    const made = new Set(
      proxy.requests
        .filter((r) => r.body.includes("Version=2016-11-15")) // EC2's API version: not STS
        .map((r) => /Action=([A-Za-z]+)/.exec(r.body)?.[1])
        .filter((a): a is string => !!a && !/^Describe/.test(a)),
    );
    for (const action of made) assert.ok(write?.includes(`ec2:${action}`), action);
  });
});
