import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { resolveAccounts, resolveRegions } from "../aws/accounts.js";
import { livePages } from "../aws/pages.js";
import { configSchema } from "../rules/config.js";
import { runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

const ACCOUNTS = ["111111111111", "222222222222"];
const roleArn = (account: string) => `arn:aws:iam::${account}:role/finops-collector`;

describe("finops collect across accounts by assumed roles (against moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  const instances = new Map<string, string>();

  before(async () => {
    moto = await startMoto();
    const sts = new STSClient({
      region: "us-east-1",
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    // moto keeps one estate per account: an assumed role's credentials act in the role's account.
    for (const account of ACCOUNTS) {
      const assumed = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn(account), RoleSessionName: "seed" }),
      );
      const c = assumed.Credentials;
      assert.ok(c?.AccessKeyId && c.SecretAccessKey);
      const ec2 = new EC2Client({
        region: "us-east-1",
        endpoint: moto.endpoint,
        credentials: {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
        },
      });
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: "ami-12c6146b",
          InstanceType: "t3.micro",
          MinCount: 1,
          MaxCount: 1,
        }),
      );
      instances.set(account, run.Instances?.[0]?.InstanceId ?? "");
      ec2.destroy();
    }
    sts.destroy();
    writeFileSync(
      config,
      `aws:\n  regions: [us-east-1]\n  accounts:\n${ACCOUNTS.map((a) => `    - roleArn: ${roleArn(a)}\n      externalId: finops\n`).join("")}`,
    );
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("each account's resources are collected with its assumed role, and reported per account", async () => {
    const result = await runFinops(
      ["collect", "--only", "inventory", "--config", config, "--db", db, "--json"],
      { AWS_ENDPOINT_URL: moto.endpoint },
    );
    assert.equal(result.code, 0, result.stderr);
    const { collectors } = JSON.parse(result.stdout);
    assert.deepEqual([...new Set(collectors.map((c: { account: string }) => c.account))].sort(), ACCOUNTS);
    const listed = JSON.parse(
      (await runFinops(["resources", "--type", "ec2:instance", "--db", db, "--json"])).stdout,
    ) as { resourceId: string; account: string }[];
    for (const account of ACCOUNTS) {
      assert.deepEqual(
        listed.filter((r) => r.account === account).map((r) => r.resourceId),
        [instances.get(account)],
      );
    }
  });

  test("the collector policy allows assuming exactly the configured roles", async () => {
    const result = await runFinops(["iam-policy", "--role", "collector", "--config", config]);
    assert.equal(result.code, 0, result.stderr);
    const policy = JSON.parse(result.stdout);
    assert.deepEqual(policy.Statement[1], {
      Sid: "FinopsCollectorAssumeRoles",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: ACCOUNTS.map(roleArn),
    });
  });

  test("regions: all asks DescribeRegions; an Organization's active accounts are assumed by role name", async () => {
    process.env.AWS_ACCESS_KEY_ID = "testing";
    process.env.AWS_SECRET_ACCESS_KEY = "testing";
    const aws = { endpointUrl: moto.endpoint, region: "us-east-1" };
    const regions = await resolveRegions(["all"], aws, livePages(), { account: "123456789012" });
    assert.ok(regions.includes("us-east-1") && regions.includes("eu-west-1"), regions.join());
    assert.deepEqual(regions, [...regions].sort());

    const organizations = new OrganizationsClient({ ...aws, endpoint: moto.endpoint });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    await organizations.send(
      new CreateAccountCommand({ AccountName: "sandbox", Email: "sandbox@example.com" }),
    );
    organizations.destroy();
    const config = configSchema.parse({ aws: { organization: { roleName: "finops-collector" } } });
    const targets = await resolveAccounts(config, aws, livePages());
    assert.ok(targets.length >= 2, "the management account and the new one");
    for (const target of targets) {
      assert.match(target.account, /^\d{12}$/);
      assert.ok(target.credentials?.accessKeyId, "credentials of the assumed role");
    }
  });
});
