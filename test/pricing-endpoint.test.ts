import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateVolumeCommand, EC2Client } from "@aws-sdk/client-ec2";
import { runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

describe("collect against an endpoint that does not serve the Price List (moto)", () => {
  const dir = tempDir();
  let moto: Moto;

  before(async () => {
    moto = await startMoto();
    const ec2 = new EC2Client({
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    // A volume no billing prices: pricing asks the Price List for its kind.
    await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 8, VolumeType: "gp3" }));
    ec2.destroy();
  });
  after(() => moto.stop());

  test("the default collect says in words that the endpoint answered HTML, and exits 1", async () => {
    const result = await runFinops([
      "collect",
      "--db",
      join(dir.path, "finops.duckdb"),
      "--endpoint-url",
      moto.endpoint,
      "--regions",
      "us-east-1",
      "--json",
    ]);
    assert.equal(result.code, 1, result.stderr);
    const pricing = (
      JSON.parse(result.stdout).collectors as { name: string; status: string; error?: string }[]
    ).find((c) => c.name === "pricing:price-list");
    assert.equal(pricing?.status, "failed");
    const said = `the endpoint ${moto.endpoint} answered HTML, not the Price List API: it does not serve pricing`;
    assert.ok(pricing?.error?.startsWith(said), pricing?.error);
    assert.match(pricing?.error ?? "", /run with --only billing,inventory,utilization/);
    assert.ok(result.stderr.includes(said), result.stderr);
    assert.doesNotMatch(result.stderr, /SyntaxError|Unexpected token|Deserialization/);
  });
});
