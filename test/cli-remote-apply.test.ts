import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";
import { type Served, startServe } from "./helpers/serve.js";

const REGION = "us-east-1";
const APPROVER = "approver-token-91c4d2";
const READER = "read-token-6e0b37";
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: REGION,
  AWS_EC2_METADATA_DISABLED: "true",
};

// The expired rule plans a termination at once (no mark first); its approval is manual.
const CONFIG = `
tags:
  required: []
remediation:
  graceDays: 0
  maxPercentPerRule: 100
rules:
  - id: expired
`;

type Mode = "local" | "remote";

interface PlanJson {
  planId: string;
  items: { resourceId: string; action: string; rule: string }[];
}
interface ApplyJson {
  planId: string;
  results: { resourceId: string; action: string; status: string; detail: string }[];
}

/** The same JSON with this mode's AWS and plan ids and team as placeholders, and the moments left out. */
const comparable = (stdout: string, mode: Mode): unknown =>
  JSON.parse(
    stdout
      .replace(/\b(i|vol|plan|snap|eni|apply)-[0-9a-f]{8,}\b/g, "$1-ID")
      .replaceAll(`"${mode}"`, '"TEAM"'),
    (key, value) => (/At$|^at$|^time$|^evaluated/.test(key) ? undefined : value),
  );

/**
 * Plan, approve and apply through `finops --server` on a real, non-empty plan: a served database with
 * collected inventory and findings (an expired instance in moto), and the same steps run locally on a
 * copy, each mode on an instance of its own (team local, team remote): same exit codes, same output
 * but for the ids; the remote apply terminates its instance in moto, and is a job of the server.
 */
describe("remote plan, approve and apply against moto", () => {
  const dir = tempDir("finops-remote-apply-");
  const local = join(dir.path, "local.duckdb");
  const served = join(dir.path, "served.duckdb");
  const config = join(dir.path, "rules.yaml");
  const instances = {} as Record<Mode, string>;
  const plans = {} as Record<Mode, string>;
  let moto: Moto;
  let ec2: EC2Client;
  let server: Served | undefined;

  const run = (mode: Mode, args: string[], token = APPROVER): Promise<CliResult> =>
    mode === "local"
      ? runFinops(
          ["--db", local, "--config", config, "--endpoint-url", moto.endpoint, "--regions", REGION, ...args],
          { COLUMNS: "120" },
        )
      : runFinops(["--server", server?.base ?? "", ...args], { COLUMNS: "120", FINOPS_TOKEN: token });
  /** Runs the step in both modes: the same exit code; each mode's stdout. */
  const both = async (code: number, args: (mode: Mode) => string[]): Promise<Record<Mode, CliResult>> => {
    const results = {} as Record<Mode, CliResult>;
    for (const mode of ["local", "remote"] as const) {
      const result = await run(mode, args(mode));
      assert.equal(
        result.code,
        code,
        `${mode} ${args(mode).join(" ")}: exit ${result.code}\n${result.stderr}`,
      );
      results[mode] = result;
    }
    return results;
  };
  const sameJson = (results: Record<Mode, CliResult>) =>
    assert.deepEqual(comparable(results.remote.stdout, "remote"), comparable(results.local.stdout, "local"));
  const instanceState = async (id: string) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]
      ?.State?.Name;

  before(async () => {
    moto = await startMoto();
    ec2 = new EC2Client({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    for (const mode of ["local", "remote"] as const) {
      const started = await ec2.send(
        new RunInstancesCommand({
          ImageId: "ami-12c6146b",
          InstanceType: "t3.micro",
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [
            {
              ResourceType: "instance",
              Tags: [
                { Key: "team", Value: mode },
                { Key: "expires-at", Value: "2020-01-01" },
              ],
            },
          ],
        }),
      );
      instances[mode] = started.Instances?.[0]?.InstanceId ?? "";
    }
    writeFileSync(config, CONFIG);
    for (const step of [
      ["collect", "--only", "inventory", "--json"],
      ["analyze", "--json"],
    ]) {
      const result = await run("local", step);
      assert.equal(result.code, 0, `${step.join(" ")}: ${result.stderr}`);
    }
    copyFileSync(local, served);
    server = await startServe(
      [
        "--db",
        served,
        "--config",
        config,
        "--endpoint-url",
        moto.endpoint,
        "--regions",
        REGION,
        "--no-schedules",
      ],
      { ...AWS_ENV, FINOPS_WEB_TOKEN: APPROVER, FINOPS_READ_TOKEN: READER },
    );
  });
  after(async () => {
    await server?.stop();
    ec2?.destroy();
    await moto?.stop();
    dir.remove();
  });

  test("plan: a plan with the mode's expired instance, to terminate", async () => {
    const results = await both(0, (mode) => ["plan", "--team", mode, "--json"]);
    for (const mode of ["local", "remote"] as const) {
      const plan = JSON.parse(results[mode].stdout) as PlanJson;
      plans[mode] = plan.planId;
      assert.deepEqual(
        plan.items.map((i) => [i.resourceId, i.rule, i.action]),
        [[instances[mode], "expired", "terminate"]],
      );
    }
    sameJson(results);
  });

  test("apply with the read token is refused: 403, exit 2, one line; nothing is touched", async () => {
    const refused = await run("remote", ["apply", plans.remote ?? ""], READER);
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, "");
    assert.match(refused.stderr, /^finops: .*\(403: wrong token\).*approver token.*\n$/);
    assert.equal(refused.stderr.split("\n").length, 2, `one line: ${refused.stderr}`);
    assert.equal(await instanceState(instances.remote), "running");
  });

  test("approve --by ana, then apply: the instance is terminated in moto", async () => {
    const approved = await both(0, (mode) => ["approve", plans[mode] ?? "", "--by", "ana", "--json"]);
    sameJson(approved);
    const applied = await both(0, (mode) => ["apply", plans[mode] ?? "", "--json"]);
    for (const mode of ["local", "remote"] as const) {
      const result = JSON.parse(applied[mode].stdout) as ApplyJson;
      assert.deepEqual(
        result.results.map((r) => [r.resourceId, r.action, r.status]),
        [[instances[mode], "terminate", "done"]],
      );
      assert.ok(
        ["shutting-down", "terminated"].includes((await instanceState(instances[mode])) ?? ""),
        `${mode}: the instance is terminated in moto`,
      );
    }
    sameJson(applied);
  });

  test("the journal (history --plan) shows it; apply of no plan is exit 2 in both", async () => {
    const history = await both(0, (mode) => ["history", "--plan", plans[mode] ?? "", "--json"]);
    for (const mode of ["local", "remote"] as const) {
      assert.match(history[mode].stdout, new RegExp(instances[mode]));
    }
    sameJson(history);
    const none = await both(2, () => ["apply", "plan-000000000000000000000000"]);
    assert.equal(none.remote.stderr, none.local.stderr);
    assert.match(none.remote.stderr, /^finops: no plan plan-0+/);
  });

  test("the remote jobs are runs of the server: counted in /metrics by command and status", async () => {
    const metrics = await (await fetch(`${server?.base}/metrics`)).text();
    assert.match(metrics, /^finops_job_runs_total\{job="plan",status="ok"\} 1$/m);
    assert.match(metrics, /^finops_job_runs_total\{job="approve",status="ok"\} 1$/m);
    assert.match(metrics, /^finops_job_runs_total\{job="apply",status="ok"\} 1$/m);
    assert.match(metrics, /^finops_job_runs_total\{job="apply",status="failed"\} 1$/m);
    const log = server?.output() ?? "";
    assert.ok(!log.includes(APPROVER) && !log.includes(READER), "no token in the server's log");
  });
});
