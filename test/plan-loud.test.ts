import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { openStore } from "../store/database.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory } from "./helpers/seed.js";

const CONFIG = `
tags:
  required: []
remediation:
  graceDays: 0
  maxPercentPerRule: 100
rules:
  - id: unattached-volume
    params: { minDays: 0 }
`;
const VOLUMES = 12;

const volumes = (account: string): ResourceRecord[] =>
  Array.from({ length: VOLUMES }, (_, i) => ({
    resourceId: `vol-${String(i).padStart(17, "0")}`,
    resourceType: "ec2:volume",
    account,
    region: "us-east-1",
    state: "available",
    stateSince: null,
    createdAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
    tags: { team: "data" },
    attributes: { volumeType: "gp3", sizeGiB: 8 },
  }));

/** Exit 1, nothing on stdout, one line on stderr that says it all. */
function assertLoud(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, "");
  const lines = result.stderr
    .trim()
    .split("\n")
    .filter(
      (l) =>
        !/NodeVersionSupportWarning|node >=22|upgrade to node|a\.co\/|^$|trace-warnings|versions published|will require|To continue receiving|More information/.test(
          l,
        ),
    );
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", message);
}

describe("a plan that cannot describe its resources fails loudly and stores nothing", () => {
  const dir = tempDir();
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let proxy: CountingProxy;

  const plans = async (db: string) => {
    const store = await openStore(db);
    try {
      const reader = await store.connection.runAndReadAll("SELECT count(*) AS n FROM plans");
      return Number(reader.getRowObjectsJson()[0]?.n);
    } finally {
      store.close();
    }
  };
  const seeded = async (name: string, account: string) => {
    const db = join(dir.path, name);
    await seedInventory(db, "run-1", volumes(account), new Date(Date.now() - 3_600_000));
    const analyzed = await runFinops(["analyze", "--db", db, "--config", config]);
    assert.equal(analyzed.code, 0, analyzed.stderr);
    return db;
  };

  before(async () => {
    writeFileSync(config, CONFIG);
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
  });
  after(async () => {
    await proxy.close();
    await moto.stop();
    dir.remove();
  });

  test("without credentials: plan and cleanup --dry-run exit 1 with one grouped line", async () => {
    const db = await seeded("nocreds.duckdb", "111111111111");
    const env = {
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      HOME: dir.path,
      AWS_CONFIG_FILE: join(dir.path, "none"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir.path, "none"),
    };
    const message = new RegExp(
      `^finops: ${VOLUMES} resources in 111111111111/us-east-1 could not be described: CredentialsProviderError: .*; check the credentials \\(--profile, AWS_PROFILE\\) or the role.*No plan was stored\\.$`,
    );
    assertLoud(await runFinops(["plan", "--db", db, "--config", config], env), message);
    assertLoud(await runFinops(["plan", "--json", "--db", db, "--config", config], env), message);
    assertLoud(await runFinops(["cleanup", "--dry-run", "--db", db, "--config", config], env), message);
    assert.equal(await plans(db), 0, "no plan stored");
  });

  test("an endpoint nobody answers: exit 1, check the network", async () => {
    const db = await seeded("unreachable.duckdb", "111111111111");
    const result = await runFinops(
      ["plan", "--db", db, "--config", config, "--endpoint-url", "http://127.0.0.1:1"],
      { AWS_MAX_ATTEMPTS: "1" },
    );
    assertLoud(result, /could not be described: .*ECONNREFUSED.*check the network and the endpoint/);
    assert.equal(await plans(db), 0);
  });

  test("moto behind a proxy that refuses every EC2 describe: exit 1, no plan", async () => {
    const db = await seeded("refused.duckdb", "123456789012");
    proxy.failWhen = (headers) => String(headers.authorization ?? "").includes("/ec2/aws4_request");
    try {
      const args = [
        "--db",
        db,
        "--config",
        config,
        "--endpoint-url",
        proxy.endpoint,
        "--regions",
        "us-east-1",
      ];
      const env = { AWS_MAX_ATTEMPTS: "1" };
      const message = new RegExp(
        `^finops: ${VOLUMES} resources in 123456789012/us-east-1 could not be described: `,
      );
      assertLoud(await runFinops(["plan", ...args], env), message);
      assertLoud(await runFinops(["cleanup", "--dry-run", ...args], env), message);
      assert.equal(await plans(db), 0);
    } finally {
      delete proxy.failWhen;
    }
    // With EC2 answering again the same database plans (moto has no such volumes: left out, exit 0).
    const copy = join(dir.path, "refused-then-ok.duckdb");
    copyFileSync(db, copy);
    const planned = await runFinops([
      "plan",
      "--json",
      "--db",
      copy,
      "--config",
      config,
      "--endpoint-url",
      proxy.endpoint,
      "--regions",
      "us-east-1",
    ]);
    assert.equal(planned.code, 0, planned.stderr);
    assert.equal(await plans(copy), 1);
  });
});
