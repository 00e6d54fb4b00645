import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { runFinops } from "./helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

const ALLOWED = "111111111111";
const REFUSED = "222222222222";
const ROLE = "finops-collector";
const roleArn = (account: string) => `arn:aws:iam::${account}:role/${ROLE}`;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

interface Report {
  name: string;
  account: string | null;
  region: string | null;
  status: string;
  rows: number;
  error?: string;
}

/** What STS answers when the caller may not assume the role (a query-protocol XML error). */
const accessDenied = (arn: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
  `<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/finops is not authorized to ` +
  `perform: sts:AssumeRole on resource: ${arn}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;

describe("finops collect when one account refuses its role (against moto)", () => {
  const dir = tempDir();
  let moto: Moto;
  let proxy: CountingProxy;
  /** The instance seeded in each account, by account. */
  const instances = new Map<string, string>();

  /** Runs an instance in `account` (moto keeps one estate per account, reached by an assumed role). */
  const seedInstance = async (account: string) => {
    const sts = new STSClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn(account), RoleSessionName: "seed" })))
      .Credentials;
    sts.destroy();
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
    ec2.destroy();
    instances.set(account, run.Instances?.[0]?.InstanceId ?? "");
  };

  const collect = async (name: string, config: string) => {
    const path = join(dir.path, `${name}.yaml`);
    writeFileSync(path, config);
    const db = join(dir.path, `${name}.duckdb`);
    const result = await runFinops(
      ["collect", "--only", "inventory", "--config", path, "--db", db, "--json"],
      {
        AWS_ENDPOINT_URL: proxy.endpoint,
        AWS_MAX_ATTEMPTS: "1",
      },
    );
    const listed = await runFinops(["resources", "--type", "ec2:instance", "--db", db, "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const resources = JSON.parse(listed.stdout) as { resourceId: string; account: string }[];
    return { result, resources };
  };

  /** The stdout of a failed collect: still exactly one JSON document, with every collector's report. */
  const reportsOf = (stdout: string): Report[] => JSON.parse(stdout).collectors;

  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    for (const account of [ALLOWED, REFUSED]) await seedInstance(account);
  });
  after(async () => {
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("a refused AssumeRole is one failed entry; the other account is collected and stored; exit 1", async () => {
    proxy.failWith = {
      target: "POST /",
      bodyIncludes: encodeURIComponent(roleArn(REFUSED)),
      status: 403,
      contentType: "text/xml",
      body: accessDenied(roleArn(REFUSED)),
    };
    try {
      const { result, resources } = await collect(
        "accounts",
        `aws:\n  regions: [us-east-1]\n  accounts:\n${[ALLOWED, REFUSED].map((a) => `    - roleArn: ${roleArn(a)}\n`).join("")}`,
      );
      assert.equal(result.code, 1, result.stderr);
      const reports = reportsOf(result.stdout);
      const failed = reports.filter((r) => r.status === "failed");
      assert.equal(failed.length, 1, JSON.stringify(failed));
      assert.equal(failed[0]?.name, "accounts:assume-role");
      assert.equal(failed[0]?.account, REFUSED);
      assert.match(
        failed[0]?.error ?? "",
        new RegExp(`AssumeRole ${roleArn(REFUSED)}: AccessDenied: .*not authorized`),
      );
      assert.ok(
        reports.some((r) => r.account === ALLOWED && r.name === "inventory:ec2-instances" && r.rows === 1),
        result.stdout,
      );
      assert.ok(!reports.some((r) => r.account === REFUSED && r.status === "ok"));
      assert.match(result.stderr, new RegExp(`accounts:assume-role ${REFUSED}.*AccessDenied`));
      assert.deepEqual(
        resources.map((r) => [r.account, r.resourceId]),
        [[ALLOWED, instances.get(ALLOWED)]],
      );
    } finally {
      delete proxy.failWith;
    }
  });

  test("an Organization's refused account fails alone; a failed ListAccounts never falls back to the caller", async () => {
    const organizations = new OrganizationsClient({
      region: "us-east-1",
      endpoint: moto.endpoint,
      credentials,
    });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    for (const name of ["sandbox", "staging"])
      await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    const members = ((await organizations.send(new ListAccountsCommand({}))).Accounts ?? [])
      .map((a) => a.Id ?? "")
      .filter((id) => id !== "123456789012")
      .sort();
    organizations.destroy();
    assert.equal(members.length, 2, members.join());
    const [reached = "", refused = ""] = members;
    await seedInstance(reached);
    await seedInstance(refused);

    proxy.failWith = {
      target: "POST /",
      bodyIncludes: encodeURIComponent(roleArn(refused)),
      status: 403,
      contentType: "text/xml",
      body: accessDenied(roleArn(refused)),
    };
    try {
      const { result, resources } = await collect(
        "organization",
        `aws:\n  regions: [us-east-1]\n  organization:\n    roleName: ${ROLE}\n`,
      );
      assert.equal(result.code, 1, result.stderr);
      const failed = reportsOf(result.stdout).filter((r) => r.status === "failed");
      assert.deepEqual(
        failed.map((r) => [r.name, r.account]),
        [["accounts:assume-role", refused]],
      );
      const accounts = new Set(resources.map((r) => r.account));
      assert.ok(accounts.has(reached), `${reached} collected: ${[...accounts].join()}`);
      assert.ok(!accounts.has(refused));
    } finally {
      delete proxy.failWith;
    }

    proxy.failWith = {
      target: "ListAccounts",
      status: 400,
      body: JSON.stringify({ __type: "AccessDeniedException", Message: "not authorized to list accounts" }),
    };
    try {
      const { result, resources } = await collect(
        "organization-unlisted",
        `aws:\n  regions: [us-east-1]\n  accounts:\n    - roleArn: ${roleArn(ALLOWED)}\n  organization:\n    roleName: ${ROLE}\n`,
      );
      assert.equal(result.code, 1, result.stderr);
      const reports = reportsOf(result.stdout);
      const failed = reports.filter((r) => r.status === "failed");
      assert.deepEqual(
        failed.map((r) => [r.name, r.account]),
        [["accounts:organizations", null]],
      );
      assert.match(failed[0]?.error ?? "", /ListAccounts: AccessDeniedException/);
      // The configured account is still collected, and no other (not the caller's own, 123456789012).
      assert.deepEqual(
        [...new Set(reports.filter((r) => r.status === "ok").map((r) => r.account))],
        [ALLOWED],
      );
      assert.deepEqual(
        resources.map((r) => r.account),
        [ALLOWED],
      );
    } finally {
      delete proxy.failWith;
    }
  });
});
