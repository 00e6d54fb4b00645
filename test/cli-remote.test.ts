import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { commandOf, remoteKind } from "../cli/remote/commands.js";
import { readCheck, tokenMatches } from "../web/auth.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { emptyDatabase, tempDir } from "./helpers/project.js";
import { type Served, startServe } from "./helpers/serve.js";

const APPROVER = "approver-token-7f3a9c";
const READER = "read-token-2b8e41";
/** Nothing listens there: a command that would call AWS fails the same way in both modes, offline. */
const NO_AWS = "http://127.0.0.1:9";

type Mode = "local" | "remote";

/** What one case remembers for the next ones (the plan made, in this mode). */
interface Memory {
  planId?: string;
}

interface Case {
  name: string;
  args: (memory: Memory) => string[];
  code: number;
  /** Compare --json output as objects, after removing what depends on the moment it ran. */
  json?: (value: unknown) => unknown;
  /** stderr must be the same too (a usage error's one line). */
  sameStderr?: boolean;
  remember?: (stdout: string, memory: Memory) => void;
}

const withoutKeys = (keys: string[]) => (value: unknown) =>
  JSON.parse(JSON.stringify(value), (key, v) => (keys.includes(key) ? undefined : v));

/**
 * ONE table of CLI acceptance cases, in order (the jobs change the database the later cases read): each
 * runs on a local database, and on a copy of it served by `finops serve` through --server. Same stdout
 * (byte for byte, or as JSON objects where a time of day is in it), same exit code.
 */
const CASES: Case[] = [
  { name: "costs by team (table)", args: () => ["costs", "--by", "team"], code: 0 },
  { name: "costs --json, a page", args: () => ["costs", "--json", "--limit", "5"], code: 0, json: (v) => v },
  { name: "resources (table)", args: () => ["resources", "--limit", "8"], code: 0 },
  {
    name: "resources --type --json",
    args: () => ["resources", "--type", "ec2:volume", "--json"],
    code: 0,
    json: (v) => v,
  },
  { name: "findings (table)", args: () => ["findings", "--limit", "10"], code: 0 },
  {
    name: "findings --rule --json",
    args: () => ["findings", "--rule", "unattached-volume", "--json"],
    code: 0,
    json: (v) => v,
  },
  {
    name: "an unknown rule is a usage error",
    args: () => ["findings", "--rule", "nope"],
    code: 2,
    sameStderr: true,
  },
  { name: "a bad --by is a usage error", args: () => ["costs", "--by", "bogus"], code: 2, sameStderr: true },
  { name: "commitments (tables)", args: () => ["commitments"], code: 0 },
  {
    name: "commitments --json",
    args: () => ["commitments", "--by", "type", "--json"],
    code: 0,
    json: (v) => v,
  },
  { name: "history (empty journal)", args: () => ["history"], code: 0 },
  {
    name: "report to stdout (the files' paths)",
    args: () => ["report", "weekly", "--format", "md"],
    code: 0,
  },
  {
    name: "report --json",
    args: () => ["report", "weekly", "--format", "json", "--json"],
    code: 0,
    json: withoutKeys(["generatedAt", "asOf"]),
  },
  {
    name: "analyze --fail-on high: a job, its table and its last line streamed back, exit 3",
    args: () => ["analyze", "--fail-on", "high"],
    code: 3,
    sameStderr: true,
  },
  {
    name: "plan: a job",
    args: () => ["plan", "--team", "nobody", "--json"],
    code: 0,
    json: withoutKeys(["evaluatedAt"]),
    remember: (stdout, memory) => {
      memory.planId = (JSON.parse(stdout) as { planId: string }).planId;
    },
  },
  { name: "plan (table)", args: () => ["plan", "--team", "nobody"], code: 0 },
  {
    name: "approve: a job",
    args: (m) => ["approve", m.planId ?? "", "--by", "alice", "--json"],
    code: 0,
    json: withoutKeys(["approvedAt", "expiresAt"]),
  },
  { name: "apply: a job", args: (m) => ["apply", m.planId ?? "", "--json"], code: 0, json: (v) => v },
  {
    name: "apply of no plan: exit 2",
    args: () => ["apply", "plan-000000000000000000000000"],
    code: 2,
    sameStderr: true,
  },
  { name: "history after the jobs", args: () => ["history", "--json"], code: 0, json: (v) => v },
];

describe("the CLI through --server: one table of cases, run locally and against finops serve", () => {
  const dir = tempDir("finops-remote-");
  const local = join(dir.path, "local.duckdb");
  const served = join(dir.path, "served.duckdb");
  const config = join(dir.path, "rules.yaml");
  const memory: Record<Mode, Memory> = { local: {}, remote: {} };
  let server: Served | undefined;

  before(async () => {
    writeFileSync(config, `report:\n  out: ${JSON.stringify(join(dir.path, "reports"))}\n`);
    const demo = await runFinops(["--db", local, "demo", "--no-serve"]);
    assert.equal(demo.code, 0, demo.stderr);
    copyFileSync(local, served);
    server = await startServe(["--db", served, "--config", config], {
      FINOPS_WEB_TOKEN: APPROVER,
      AWS_ENDPOINT_URL: NO_AWS,
    });
  });
  after(async () => {
    await server?.stop();
    dir.remove();
  });

  const run = (mode: Mode, args: string[]): Promise<CliResult> =>
    mode === "local"
      ? runFinops(["--db", local, "--config", config, ...args], { COLUMNS: "120", AWS_ENDPOINT_URL: NO_AWS })
      : // Run where the same rules.yaml is this machine's: a report's files go to its report.out, as locally.
        runFinops(
          ["--server", server?.base ?? "", ...args],
          { COLUMNS: "120", FINOPS_TOKEN: APPROVER },
          dir.path,
        );

  for (const c of CASES) {
    test(c.name, async () => {
      const results = {} as Record<Mode, CliResult>;
      for (const mode of ["local", "remote"] as const) {
        const result = await run(mode, c.args(memory[mode]));
        assert.equal(result.code, c.code, `${mode}: exit ${result.code}\n${result.stderr}`);
        if (c.remember) c.remember(result.stdout, memory[mode]);
        results[mode] = result;
      }
      const { local: here, remote: there } = results;
      if (c.json) assert.deepEqual(c.json(JSON.parse(there.stdout)), c.json(JSON.parse(here.stdout)));
      else assert.equal(there.stdout, here.stdout);
      if (c.sameStderr) assert.equal(there.stderr, here.stderr);
    });
  }

  test("GET /api/cli/<command> answers the --json object itself; a usage error is 400 with the line", async () => {
    const base = server?.base ?? "";
    const local = await run("local", ["costs", "--by", "team", "--json"]);
    const answer = await fetch(`${base}/api/cli/costs?by=team`);
    assert.equal(answer.status, 200);
    // The same bytes: money leaves as the exact literals the store summed, never through a float.
    assert.equal(await answer.text(), local.stdout);
    const bad = await fetch(`${base}/api/cli/findings?rule=nope`);
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { error: string; exitCode: number };
    assert.equal(body.exitCode, 2);
    assert.match(body.error, /^--rule nope: /);
  });

  test("one job at a time: a job asked for while another runs is 409 (exit 1 in the CLI); the log names both", async () => {
    const base = server?.base ?? "";
    const start = () =>
      fetch(`${base}/api/jobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${APPROVER}`, "content-type": "application/json" },
        body: JSON.stringify({ args: ["analyze", "--json"] }),
      });
    const first = await start();
    assert.equal(first.status, 200);
    const second = await start();
    assert.equal(second.status, 409);
    assert.match(
      ((await second.json()) as { error: string }).error,
      /another job is running \(finops analyze/,
    );
    const lines = (await first.text()).trim().split("\n");
    assert.deepEqual(JSON.parse(lines.at(-1) ?? ""), { exitCode: 0 });
    const stdout = lines
      .map((l) => JSON.parse(l) as { stream?: string; text?: string })
      .filter((e) => e.stream === "stdout")
      .map((e) => e.text)
      .join("");
    assert.ok((JSON.parse(stdout) as { findings: unknown[] }).findings.length > 0);
    // The server's stderr reaches this process through a pipe: a moment after the answer.
    // An earlier case's analyze (exit 3) is in the log too: wait for this one's line.
    for (let i = 0; i < 100 && !/job analyze \(through the API\): exit 0/.test(server?.output() ?? ""); i++) {
      await sleep(100);
    }
    assert.match(server?.output() ?? "", /job analyze \(through the API\): exit 0, [\d.]+ s\n/);
  });

  test("a command that needs this machine's files, or names its own database, is refused: exit 2", async () => {
    for (const args of [
      ["ingest", "bill.csv"],
      ["costs", "--db", local],
      ["collect", "--replay", dir.path],
    ]) {
      const result = await run("remote", args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /^finops: .*(--server|through a server)/);
      assert.equal(result.stdout, "");
    }
  });

  test("the held-database message names --server", async () => {
    const held = await runFinops(["--db", served, "history"]);
    assert.equal(held.code, 1);
    assert.match(held.stderr, new RegExp(`held by finops serve .*--server ${server?.base}`));
  });

  test("a job needs the approver token: none 401, a wrong one 403, both exit 2, nothing run", async () => {
    const none = await runFinops(["--server", server?.base ?? "", "analyze"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /refused the request \(401/);
    const wrong = await runFinops(["--server", server?.base ?? "", "--token", "guess", "analyze"]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /refused the request \(403: wrong token\)/);
    assert.ok(!server?.output().includes(APPROVER), "the token is never in the server's log");
  });

  test("an unreachable server is one line and exit 1", async () => {
    const result = await runFinops(["--server", NO_AWS, "costs"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^finops: cannot reach the finops server at http:\/\/127\.0\.0\.1:9 .*\n$/);
  });
});

describe("tokens on a listener beyond loopback", () => {
  const dir = tempDir("finops-remote-tokens-");
  let server: Served | undefined;
  before(async () => {
    const db = await emptyDatabase(join(dir.path, "empty.duckdb"));
    server = await startServe(["--db", db, "--host", "0.0.0.0"], {
      FINOPS_WEB_TOKEN: APPROVER,
      FINOPS_READ_TOKEN: READER,
    });
  });
  after(async () => {
    await server?.stop();
    dir.remove();
  });
  const finops = (args: string[], token?: string) =>
    runFinops(["--server", server?.base ?? "", ...args], token ? { FINOPS_TOKEN: token } : {});

  test("reads need a token: none 401, unknown 403 (exit 2); the read token and the approver token read", async () => {
    const none = await finops(["history"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /\(401: /);
    const unknown = await finops(["history"], "not-a-token");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /\(403: wrong token\)/);
    for (const token of [READER, APPROVER]) {
      const read = await finops(["history"], token);
      assert.equal(read.code, 0, read.stderr);
      assert.equal(read.stdout, "No remediation yet.\n");
    }
    assert.equal((await fetch(`${server?.base}/api/cli/history`)).status, 401);
  });

  test("the read token cannot approve (403, exit 2) and the approver token can run the job", async () => {
    const refused = await finops(["approve", "plan-000000000000000000000000", "--by", "mallory"], READER);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /\(403: wrong token\).*approver token/);
    // The job runs, and its own answer comes back: no such plan, a usage error.
    const ran = await finops(["approve", "plan-000000000000000000000000", "--by", "ana"], APPROVER);
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /^finops: no plan plan-0+: /);
    const log = server?.output() ?? "";
    assert.ok(!log.includes(READER) && !log.includes(APPROVER), "no token in the server's log");
  });
});

describe("the token compare and the CLI's routing", () => {
  test("tokenMatches: equal only when equal, whatever the lengths (no throw on a length mismatch)", () => {
    assert.equal(tokenMatches("s3cret", "s3cret"), true);
    assert.equal(tokenMatches("s3cret", "s3cre"), false);
    assert.equal(tokenMatches("", "s3cret"), false);
    assert.equal(tokenMatches("s3cret-and-much-longer", "s3cret"), false);
  });

  test("readCheck: open on loopback; beyond it 401 without a token, 403 with another, either token reads", () => {
    const access = { readToken: "r", approverToken: "w", loopbackOnly: false };
    assert.equal(readCheck(undefined, { loopbackOnly: true }), null);
    assert.equal(readCheck(undefined, access)?.status, 401);
    assert.equal(readCheck("Bearer x", access)?.status, 403);
    assert.equal(readCheck("Bearer r", access), null);
    assert.equal(readCheck("bearer w", access), null);
    assert.equal(readCheck("Bearer r", { loopbackOnly: false })?.status, 401);
  });

  test("commandOf skips the global options' values; report is a read, --send makes it a job", () => {
    assert.equal(commandOf(["--now", "costs", "findings"]), "findings");
    assert.equal(commandOf(["--json", "history"]), "history");
    assert.equal(remoteKind(["report", "weekly"]), "read");
    assert.equal(remoteKind(["report", "weekly", "--send"]), "job");
    assert.equal(remoteKind(["approve", "p", "--by", "a"]), "job");
    assert.equal(remoteKind(["iam-policy", "--role", "collector"]), "local");
    assert.equal(remoteKind(["ingest", "x.csv"]), "refused");
  });
});
