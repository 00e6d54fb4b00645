import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { type CliResult, runFinops, startFinops } from "./helpers/cli.js";
import { type CountingProxy, type RecordedRequest, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

// The AMI executor through plan -> approve -> apply against moto: an unused image is deregistered and
// its snapshot deleted; what uses an image live (an instance before the plan, a launch template after
// it) or a finops backup among its snapshots keeps it, with the reason.

const REGION = "us-east-1";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

// minAgeDays 0: moto dates images by the clock, and plans are made at the present.
const CONFIG = `
tags:
  required: []
remediation:
  graceDays: 0
  maxPercentPerRule: 100
rules:
  - id: unused-ami
    params: { minAgeDays: 0 }
`;

interface PlanJson {
  planId: string;
  items: { resourceId: string; action: string }[];
  excluded: { resourceId: string; why: string }[];
}
interface ApplyJson {
  results: { resourceId: string; action: string; status: string; detail: string }[];
}

describe("unused AMIs remediated: plan, approve, apply (against moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let ec2: EC2Client;
  const images = new Map<string, string>();
  const snapshotOf = new Map<string, string>();
  let marking: PlanJson;
  let marked: ApplyJson;
  let planned: PlanJson;
  let applied: ApplyJson;

  const finops = (args: string[]) =>
    runFinops([
      ...args,
      "--db",
      db,
      "--config",
      config,
      "--endpoint-url",
      moto.endpoint,
      "--regions",
      REGION,
    ]);
  const json = <T>(result: CliResult): T => {
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  const imageExists = async (id: string) =>
    ((await ec2.send(new DescribeImagesCommand({ Owners: ["self"] }))).Images ?? []).some(
      (i) => i.ImageId === id,
    );
  const snapshotExists = async (id: string) =>
    ((await ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: "snapshot-id", Values: [id] }] })))
      .Snapshots?.length ?? 0) > 0;
  const run = async (imageId: string) =>
    (
      await ec2.send(
        new RunInstancesCommand({ ImageId: imageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }),
      )
    ).Instances?.[0]?.InstanceId as string;

  before(async () => {
    moto = await startMoto();
    writeFileSync(config, CONFIG);
    ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    const base =
      (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId ??
      "ami-12c6146b";
    const builder = await run(base);
    for (const name of ["unused", "template-after-plan", "instance-before-plan", "backup-snapshot"]) {
      const id = (await ec2.send(new CreateImageCommand({ InstanceId: builder, Name: name })))
        .ImageId as string;
      images.set(name, id);
      const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images?.[0];
      snapshotOf.set(id, image?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string);
    }
    // A finops backup (snapshot-and-delete's) registered as an image's snapshot: never deleted.
    await ec2.send(
      new CreateTagsCommand({
        Resources: [snapshotOf.get(images.get("backup-snapshot") as string) as string],
        Tags: [{ Key: "finops:retain-until", Value: "2099-01-01T00:00:00Z" }],
      }),
    );
    // The first plan marks each image (graceDays 0: due today), the grace period's tag.
    json(await finops(["collect", "--only", "inventory", "--json"]));
    json(await finops(["analyze", "--json"]));
    marking = json<PlanJson>(await finops(["plan", "--json", "--rule", "unused-ami"]));
    assert.equal((await finops(["approve", marking.planId, "--by", "alice"])).code, 0);
    marked = json<ApplyJson>(await finops(["apply", marking.planId, "--json"]));
    // The next plan acts on the marks that are due.
    json(await finops(["collect", "--only", "inventory", "--json"]));
    json(await finops(["analyze", "--json"]));
    // Used after the findings, before the plan: the plan's live check leaves it out.
    await run(images.get("instance-before-plan") as string);
    planned = json<PlanJson>(await finops(["plan", "--json", "--rule", "unused-ami"]));
    assert.equal((await finops(["approve", planned.planId, "--by", "alice"])).code, 0);
    // Named by a launch template after the plan was approved: the apply's live check keeps it.
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "late",
        LaunchTemplateData: { ImageId: images.get("template-after-plan"), InstanceType: "t3.micro" },
      }),
    );
    applied = json<ApplyJson>(await finops(["apply", planned.planId, "--json"]));
  });
  after(async () => {
    ec2?.destroy();
    await moto?.stop();
    dir.remove();
  });

  test("the first plan marks every unused image, with EC2 tags", async () => {
    assert.deepEqual(
      marking.items.map((i) => i.action),
      ["mark", "mark", "mark", "mark"],
    );
    assert.deepEqual(
      marked.results.map((r) => r.status),
      ["done", "done", "done", "done"],
    );
    const described = await ec2.send(
      new DescribeImagesCommand({ ImageIds: [images.get("template-after-plan") as string] }),
    );
    const mark = described.Images?.[0]?.Tags?.find((t) => t.Key === "finops:marked-for")?.Value;
    assert.match(mark ?? "", /^unused-ami:delete@\d{4}-\d{2}-\d{2}$/);
  });

  test("the next plan deletes the unused images, leaving out one in use and one with a backup snapshot", () => {
    assert.deepEqual(
      planned.items.map((i) => [i.resourceId, i.action]).sort(),
      [
        [images.get("template-after-plan"), "delete"],
        [images.get("unused"), "delete"],
      ].sort(),
    );
    const why = new Map(planned.excluded.map((e) => [e.resourceId, e.why]));
    assert.match(
      why.get(images.get("instance-before-plan") as string) ?? "",
      /^the image is in use: instance i-\w+ \(running\) runs from it$/,
    );
    assert.match(
      why.get(images.get("backup-snapshot") as string) ?? "",
      /snapshots are spared \(snap-\w+: it is a finops backup retained until 2099-01-01T00:00:00Z\): the image is kept/,
    );
  });

  test("apply deregisters the unused image and deletes its snapshot", async () => {
    const unused = images.get("unused") as string;
    const snapshot = snapshotOf.get(unused) as string;
    const result = applied.results.find((r) => r.resourceId === unused);
    assert.deepEqual(result, {
      resourceId: unused,
      action: "delete",
      status: "done",
      detail: `deregistered, snapshot(s) ${snapshot} deleted`,
    });
    assert.equal(await imageExists(unused), false);
    assert.equal(await snapshotExists(snapshot), false);
  });

  test("an image a launch template names since the plan is skipped, with its snapshot kept", async () => {
    const late = images.get("template-after-plan") as string;
    const result = applied.results.find((r) => r.resourceId === late);
    assert.equal(result?.status, "skipped");
    assert.match(result?.detail ?? "", /^the image is in use: launch template lt-\w+ version 1 names it$/);
    assert.equal(await imageExists(late), true);
    assert.equal(await snapshotExists(snapshotOf.get(late) as string), true);
    for (const kept of ["instance-before-plan", "backup-snapshot"]) {
      assert.equal(await imageExists(images.get(kept) as string), true, kept);
      assert.equal(await snapshotExists(snapshotOf.get(images.get(kept) as string) as string), true, kept);
    }
  });

  test("applying again acts on nothing twice", async () => {
    const again = json<ApplyJson>(await finops(["apply", planned.planId, "--json"]));
    const unused = again.results.find((r) => r.resourceId === images.get("unused"));
    assert.equal(unused?.status, "done");
    assert.equal(unused?.detail, "done by an earlier run of this plan");
  });

  test("iam-policy --role remediator holds the calls the executor made", async () => {
    const policy = json<{ Statement: { Sid: string; Action: string[] }[] }>(
      await runFinops(["iam-policy", "--role", "remediator", "--config", config]),
    );
    const write = policy.Statement.find((s) => s.Sid === "FinopsRemediatorWrite")?.Action ?? [];
    for (const action of ["ec2:DeregisterImage", "ec2:DeleteSnapshot", "ec2:CreateTags", "ec2:DeleteTags"])
      assert.ok(write.includes(action), action);
  });
});

describe("an AMI delete stopped between its steps (against moto): the re-run completes it, each call once", () => {
  const dir = tempDir();
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let proxy: CountingProxy;
  let ec2: EC2Client;
  let builder = "";

  const mutating = (action: string) => (r: RecordedRequest) =>
    r.body.includes(`Action=${action}&`) && !r.body.includes("DryRun=true");
  const calls = (action: string, id: string) =>
    proxy.requests.filter((r) => !r.dropped && mutating(action)(r) && r.body.includes(encodeURIComponent(id)))
      .length;

  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    writeFileSync(config, CONFIG);
    ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    const base =
      (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId ??
      "ami-12c6146b";
    builder = (
      await ec2.send(
        new RunInstancesCommand({ ImageId: base, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }),
      )
    ).Instances?.[0]?.InstanceId as string;
  });
  after(async () => {
    ec2?.destroy();
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  /** The image's plans, each approved, on a database of its own; `run` runs finops against the proxy. */
  const session = (name: string) => {
    const db = join(dir.path, `${name}.duckdb`);
    const args = (more: string[]) => [
      ...more,
      ...["--db", db, "--config", config, "--endpoint-url", proxy.endpoint, "--regions", REGION],
    ];
    const json = <T>(result: CliResult): T => {
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as T;
    };
    const planned = async () => {
      json(await runFinops(args(["collect", "--only", "inventory", "--json"])));
      json(await runFinops(args(["analyze", "--json"])));
      const plan = json<PlanJson>(await runFinops(args(["plan", "--json", "--rule", "unused-ami"])));
      assert.equal((await runFinops(args(["approve", plan.planId, "--by", "alice"]))).code, 0);
      return plan;
    };
    return { args, json, planned };
  };
  const imageOf = async (name: string) => {
    const image = (await ec2.send(new CreateImageCommand({ InstanceId: builder, Name: name })))
      .ImageId as string;
    const snapshot = (await ec2.send(new DescribeImagesCommand({ ImageIds: [image] }))).Images?.[0]
      ?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;
    return { image, snapshot };
  };

  test("a deregistration that failed, then one by hand: the re-run deletes none of the snapshots", async () => {
    const { args, json, planned } = session("failed-then-manual");
    const { image, snapshot } = await imageOf("failed-then-manual");
    json(await runFinops(args(["apply", (await planned()).planId, "--json"])));
    const deleting = await planned();
    assert.deepEqual(
      deleting.items.map((i) => [i.resourceId, i.action]),
      [[image, "delete"]],
    );
    proxy.failWith = {
      target: "POST /",
      bodyIncludes: "Action=DeregisterImage",
      status: 400,
      contentType: "text/xml",
      body: "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>",
    };
    let failed: CliResult;
    try {
      failed = await runFinops(args(["apply", deleting.planId, "--json"]));
    } finally {
      delete proxy.failWith;
    }
    assert.equal(failed.code, 1, failed.stderr);
    // The owner deregisters the image by hand and keeps its snapshot on purpose.
    await ec2.send(new DeregisterImageCommand({ ImageId: image }));
    const again = await runFinops(args(["apply", deleting.planId, "--json"]));
    const [result] = (JSON.parse(again.stdout) as ApplyJson).results;
    assert.equal(result?.status, "skipped", again.stdout);
    assert.match(result?.detail ?? "", /changed since the plan: state changed: available → deregistered/);
    assert.equal(calls("DeleteSnapshot", snapshot), 0);
    const kept = await ec2.send(
      new DescribeSnapshotsCommand({ Filters: [{ Name: "snapshot-id", Values: [snapshot] }] }),
    );
    assert.equal(kept.Snapshots?.length, 1, "the snapshot the owner kept is there");
  });

  test("an image whose snapshot carries the protect tag is left out, with its snapshot", async () => {
    const { args, json, planned } = session("protected-snapshot");
    const { image, snapshot } = await imageOf("protected-snapshot");
    json(await runFinops(args(["apply", (await planned()).planId, "--json"])));
    await ec2.send(
      new CreateTagsCommand({ Resources: [snapshot], Tags: [{ Key: "finops:protect", Value: "true" }] }),
    );
    const deleting = await planned();
    assert.deepEqual(deleting.items, []);
    assert.match(
      deleting.excluded.find((e) => e.resourceId === image)?.why ?? "",
      new RegExp(`snapshots are spared \\(${snapshot}: it now carries the protect tag finops:protect\\)`),
    );
  });

  for (const crash of [
    { at: "after", action: "DeregisterImage" },
    { at: "before", action: "DeleteSnapshot" },
  ] as const) {
    test(`stopped ${crash.at} ${crash.action}`, async () => {
      const db = join(dir.path, `${crash.action}-${crash.at}.duckdb`);
      const args = (more: string[]) => [
        ...more,
        "--db",
        db,
        "--config",
        config,
        "--endpoint-url",
        proxy.endpoint,
        "--regions",
        REGION,
      ];
      const json = <T>(result: CliResult): T => {
        assert.equal(result.code, 0, result.stderr);
        return JSON.parse(result.stdout) as T;
      };
      const image = (await ec2.send(new CreateImageCommand({ InstanceId: builder, Name: crash.action })))
        .ImageId as string;
      const snapshot = (await ec2.send(new DescribeImagesCommand({ ImageIds: [image] }))).Images?.[0]
        ?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;
      const planned = async () => {
        json(await runFinops(args(["collect", "--only", "inventory", "--json"])));
        json(await runFinops(args(["analyze", "--json"])));
        const plan = json<PlanJson>(await runFinops(args(["plan", "--json", "--rule", "unused-ami"])));
        assert.equal((await runFinops(args(["approve", plan.planId, "--by", "alice"]))).code, 0);
        return plan;
      };
      json(await runFinops(args(["apply", (await planned()).planId, "--json"])));
      const deleting = await planned();
      assert.deepEqual(
        deleting.items.map((i) => [i.resourceId, i.action]),
        [[image, "delete"]],
      );

      const killed = startFinops(args(["apply", deleting.planId, "--json"]));
      proxy.fault = {
        matches: mutating(crash.action),
        nth: 1,
        at: crash.at,
        kill: killed.child.pid as number,
      };
      const died = await killed.result;
      assert.equal(died.signal, "SIGKILL", died.stderr);
      delete proxy.fault;

      const resumed = json<ApplyJson>(await runFinops(args(["apply", deleting.planId, "--json"])));
      assert.deepEqual(
        resumed.results.map((r) => [r.resourceId, r.status]),
        [[image, "done"]],
        JSON.stringify(resumed),
      );
      assert.equal(calls("DeregisterImage", image), 1, "DeregisterImage reached moto once");
      assert.equal(calls("DeleteSnapshot", snapshot), 1, "DeleteSnapshot reached moto once");
      assert.equal(
        ((await ec2.send(new DescribeImagesCommand({ Owners: ["self"] }))).Images ?? []).some(
          (i) => i.ImageId === image,
        ),
        false,
      );
      const left = await ec2.send(
        new DescribeSnapshotsCommand({ Filters: [{ Name: "snapshot-id", Values: [snapshot] }] }),
      );
      assert.equal(left.Snapshots?.length ?? 0, 0, "its snapshot is deleted");
    });
  }
});
