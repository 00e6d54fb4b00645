import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  EC2Client,
  RegisterImageCommand,
} from "@aws-sdk/client-ec2";
import { DuckDBInstance } from "@duckdb/node-api";
import { runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const SNAPSHOT_RULES = ["old-snapshot", "orphaned-snapshot"];

/**
 * The snapshots AWS refuses to delete (InvalidSnapshot.InUse): those behind a registered AMI of the
 * account. The collector links each snapshot to its images; the snapshot rules leave those out.
 */
describe("snapshots that back a registered AMI (against moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let moto: Moto;
  /** A snapshot of a deleted volume, used by no image. */
  let plain = "";
  /** The snapshot behind a registered image, and that image. */
  let backing = "";
  let image = "";
  /** The snapshot of an image that was deregistered: deletable again. */
  let released = "";

  before(async () => {
    moto = await startMoto();
    const ec2 = new EC2Client({ region: "us-east-1", endpoint: moto.endpoint, credentials });
    /** A snapshot of a volume that is then deleted: old and orphaned alike, once time has passed. */
    const orphanSnapshot = async () => {
      const volume =
        (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 8 }))).VolumeId ?? "";
      const snapshot = (await ec2.send(new CreateSnapshotCommand({ VolumeId: volume }))).SnapshotId ?? "";
      await ec2.send(new DeleteVolumeCommand({ VolumeId: volume }));
      return snapshot;
    };
    /** Registers an image from a snapshot; returns it and the snapshot that really backs it, as EC2 says. */
    const register = async (name: string) => {
      const source = await orphanSnapshot();
      const imageId =
        (
          await ec2.send(
            new RegisterImageCommand({
              Name: name,
              RootDeviceName: "/dev/xvda",
              BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: source } }],
            }),
          )
        ).ImageId ?? "";
      const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      const snapshotId = described.Images?.[0]?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId ?? "";
      assert.ok(imageId && snapshotId, `${name}: ${JSON.stringify(described.Images)}`);
      return { imageId, snapshotId };
    };
    plain = await orphanSnapshot();
    ({ imageId: image, snapshotId: backing } = await register("golden"));
    const retired = await register("retired");
    released = retired.snapshotId;
    await ec2.send(new DeregisterImageCommand({ ImageId: retired.imageId }));
    ec2.destroy();

    const result = await runFinops(
      ["collect", "--only", "inventory", "--regions", "us-east-1", "--db", db, "--json"],
      { AWS_ENDPOINT_URL: moto.endpoint },
    );
    assert.equal(result.code, 0, result.stderr);
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("the collector stores, on each snapshot, the registered images it backs", async () => {
    const instance = await DuckDBInstance.create(db, {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
    const connection = await instance.connect();
    const rows = (
      await connection.runAndReadAll(
        `SELECT resource_id, json_extract(attributes, '$.imageIds')::VARCHAR AS image_ids FROM resources_current
         WHERE resource_type = 'ec2:snapshot' AND resource_id IN ($1, $2, $3) ORDER BY resource_id`,
        [plain, backing, released],
      )
    ).getRowObjectsJson();
    connection.closeSync();
    instance.closeSync();
    const imageIds = new Map(rows.map((r) => [String(r.resource_id), JSON.parse(String(r.image_ids))]));
    assert.deepEqual(imageIds.get(backing), [image]);
    assert.deepEqual(imageIds.get(plain), []);
    assert.deepEqual(imageIds.get(released), [], "a deregistered image holds its snapshot no more");
  });

  test("neither snapshot rule flags the AMI's snapshot; the same snapshot without an image is flagged by both", async () => {
    const later = new Date(Date.now() + 400 * 86_400_000).toISOString();
    const result = await runFinops(["analyze", "--db", db, "--now", later, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const findings: { rule: string; resourceId: string }[] = JSON.parse(result.stdout).findings;
    const rulesOf = (id: string) =>
      findings
        .filter((f) => f.resourceId === id && SNAPSHOT_RULES.includes(f.rule))
        .map((f) => f.rule)
        .sort();
    assert.deepEqual(rulesOf(plain), SNAPSHOT_RULES);
    assert.deepEqual(rulesOf(released), SNAPSHOT_RULES);
    assert.deepEqual(rulesOf(backing), []);
  });

  test("a database whose current inventory was built before imageIds existed is rebuilt, not an error", async () => {
    const upgraded = join(dir.path, "upgraded.duckdb");
    const copy = await runFinops(
      ["collect", "--only", "inventory", "--regions", "us-east-1", "--db", upgraded, "--json"],
      { AWS_ENDPOINT_URL: moto.endpoint },
    );
    assert.equal(copy.code, 0, copy.stderr);
    // What the previous version left: the attrs struct without imageIds, and its marker (no shape in it).
    const instance = await DuckDBInstance.create(upgraded, {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
    const connection = await instance.connect();
    const before = JSON.stringify({
      instanceType: "VARCHAR",
      kubernetes: { cluster: "VARCHAR", nodegroup: "VARCHAR", nodepool: "VARCHAR" },
      volumeIds: ["VARCHAR"],
      volumeType: "VARCHAR",
      sizeGiB: "BIGINT",
      iops: "BIGINT",
      volumeId: "VARCHAR",
      publicIp: "VARCHAR",
      lifecycleRules: "BIGINT",
    });
    await connection.run(`CREATE OR REPLACE TABLE inventory_current AS
      SELECT * REPLACE (json_transform(attributes, '${before}') AS attrs) FROM inventory_current`);
    const marker = (
      await connection.runAndReadAll("SELECT marker FROM aggregate_state WHERE name = 'inventory'")
    ).getRowObjectsJson()[0]?.marker;
    const { rows, runs } = JSON.parse(String(marker));
    await connection.run("UPDATE aggregate_state SET marker = $1 WHERE name = 'inventory'", [
      JSON.stringify({ rows, runs }),
    ]);
    connection.closeSync();
    instance.closeSync();

    const later = new Date(Date.now() + 400 * 86_400_000).toISOString();
    const result = await runFinops(["analyze", "--db", upgraded, "--now", later, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const findings: { rule: string; resourceId: string }[] = JSON.parse(result.stdout).findings;
    assert.ok(findings.some((f) => f.resourceId === plain && f.rule === "old-snapshot"));
    assert.ok(!findings.some((f) => f.resourceId === backing && SNAPSHOT_RULES.includes(f.rule)));
  });

  test("the collector policy allows ec2:DescribeImages", async () => {
    const result = await runFinops(["iam-policy", "--role", "collector"]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(JSON.parse(result.stdout).Statement[0].Action.includes("ec2:DescribeImages"));
  });
});
