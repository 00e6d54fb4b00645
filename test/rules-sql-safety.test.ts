import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { z } from "zod";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { RULE_KINDS } from "../rules/catalogue.js";
import { runUserQuery } from "../rules/user-sql.js";
import { openStore } from "../store/database.js";
import { removeStaleScratch } from "../store/scratch.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory, writeFocusCsv } from "./helpers/seed.js";

const NOW = new Date("2024-10-15T00:00:00Z");
const ACCOUNT = "111111111111";
const SECRET = "aws_secret_access_key = SECRET-DO-NOT-LEAK";
/** A tag key that closes the string it is pasted into and runs a statement of its own. */
const INJECTED = "x'); DELETE FROM billing; DELETE FROM inventory; --";

const volume = (id: string, tags: Record<string, string>): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:volume",
  account: ACCOUNT,
  region: "us-east-1",
  state: "available",
  stateSince: null,
  createdAt: "2024-01-01T00:00:00Z",
  tags: { team: "platform", environment: "prod", ...tags },
  attributes: { volumeType: "gp2", sizeGiB: 50 },
});

describe("SQL from configuration never runs as code", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const secretFile = join(dir.path, "credentials");
  const leak = join(dir.path, "leak.csv");

  /** What an attack must not change: the rows of every table the trial emptied. */
  async function tableCounts(): Promise<Record<string, number>> {
    const store = await openStore(db);
    try {
      const reader = await store.connection.runAndReadAll(
        `SELECT (SELECT count(*) FROM billing) AS billing, (SELECT count(*) FROM inventory) AS inventory,
           (SELECT count(*) FROM journal) AS journal, (SELECT count(*) FROM approvals) AS approvals,
           (SELECT count(*) FROM findings) AS findings`,
      );
      const row = reader.getRowObjectsJson()[0] ?? {};
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
    } finally {
      store.close();
    }
  }

  function analyze(yaml: string, ...extra: string[]) {
    const config = join(dir.path, `rules-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(config, yaml);
    return runFinops(["analyze", "--db", db, "--config", config, "--now", NOW.toISOString(), ...extra]);
  }

  const sqlRule = (query: string, extra = "") =>
    `rules:\n  - id: mine\n    kind: sql\n${extra}    params:\n      query: ${JSON.stringify(query)}\n`;

  let before_: Record<string, number>;
  before(async () => {
    writeFileSync(secretFile, `[default]\n${SECRET}\n`);
    writeFileSync(join(dir.path, "creds.csv"), `key\n${SECRET}\n`);
    await seedInventory(
      db,
      "run-1",
      [
        volume("vol-expired", { "expires-at": "2024-01-01", [INJECTED]: "2024-01-01" }),
        volume("vol-kept", {}),
      ],
      new Date(NOW.getTime() - 3_600_000),
    );
    const bill = join(dir.path, "bill.csv");
    writeFocusCsv(bill, [{ account: ACCOUNT, resourceId: "vol-expired", day: "2024-10-01", cost: "1.50" }]);
    const ingest = await runFinops(["ingest", bill, "--db", db]);
    assert.equal(ingest.code, 0, ingest.stderr);
    before_ = await tableCounts();
    assert.ok(before_.billing && before_.inventory, "the test starts with billing and inventory rows");
  });
  after(() => dir.remove());

  const attacks: { name: string; query: string; error: RegExp }[] = [
    {
      name: "a second statement after the SELECT",
      query: "SELECT account, resource_id, 'x' AS reason FROM resources_current; DELETE FROM billing",
      error: /exactly one SELECT statement; DuckDB's parser finds 2/,
    },
    {
      name: "statements that empty the journal and the approvals",
      query: "DELETE FROM journal; DELETE FROM approvals; SELECT 1",
      error: /exactly one SELECT statement; DuckDB's parser finds 3/,
    },
    {
      name: "a COPY that writes a file",
      query: "COPY (SELECT * FROM billing) TO 'LEAK'",
      // DuckDB refuses to bind the COPY at all (its file is out of reach); were it reachable, it is no SELECT.
      error: /must be a SELECT statement; it is COPY|Permission Error: Cannot access file/,
    },
    {
      name: "read_text of a credentials file",
      query:
        "SELECT r.account, r.resource_id, t.content AS reason FROM resources_current r, read_text('SECRET')",
      error: /Permission Error: Cannot access file/,
    },
    {
      name: "a file named in FROM (a replacement scan)",
      query: "SELECT 'a' AS account, 'b' AS resource_id, key AS reason FROM 'CREDS'",
      error: /Permission Error: Cannot access file/,
    },
    {
      name: "an ATTACH",
      query: "ATTACH 'LEAK.duckdb' AS stolen",
      error: /must be a SELECT statement; it is ATTACH/,
    },
    {
      name: "a statement hidden in the query() table function",
      query: "SELECT * FROM query('DELETE FROM billing')",
      error: /cannot run: .*(single SELECT|SELECT statement)/,
    },
    {
      name: "a write inside a CTE",
      query:
        "WITH gone AS (DELETE FROM billing RETURNING 1) SELECT 'a' AS account, 'b' AS resource_id, 'c' AS reason",
      error: /cannot run: /,
    },
  ];

  for (const { name, query, error } of attacks) {
    test(`${name}: exit 2 naming the rule and its line, nothing changed, nothing read or written`, async () => {
      const resolved = query
        .replace("LEAK", leak)
        .replace("SECRET", secretFile)
        .replace("CREDS", join(dir.path, "creds.csv"));
      const result = await analyze(sqlRule(resolved));
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /rules-\w+\.yaml:5:\d+: rule "mine" cannot run: /);
      assert.match(result.stderr, error);
      assert.equal(result.stdout, "");
      assert.ok(!result.stderr.includes("SECRET-DO-NOT-LEAK"), "the file's content is never shown");
      assert.ok(!existsSync(leak) && !existsSync(`${leak}.duckdb`), "no file written");
      assert.deepEqual(await tableCounts(), before_);
    });
  }

  test("a tag-name parameter is a value, never SQL: the injected key is matched as a key", async () => {
    const result = await analyze(
      `rules:\n  - id: expired\n    params: { expiresAtTag: ${JSON.stringify(INJECTED)} }\n`,
      "--json",
    );
    assert.equal(result.code, 0, result.stderr);
    const { findings } = JSON.parse(result.stdout) as { findings: { resourceId: string; reason: string }[] };
    assert.deepEqual(
      findings.map((f) => f.resourceId),
      ["vol-expired"],
    );
    assert.ok(findings[0]?.reason.includes(`(tag ${INJECTED})`), findings[0]?.reason);
    const counts = await tableCounts();
    assert.equal(counts.billing, before_.billing);
    assert.equal(counts.inventory, before_.inventory);
  });

  test("every text parameter of every built-in kind, and every tag setting, is quoted", async () => {
    const rules: string[] = [];
    for (const kind of RULE_KINDS.values()) {
      if (kind.userQuery) continue;
      const shape = kind.params instanceof z.ZodObject ? kind.params.shape : {};
      const params: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(shape)) {
        const value = (schema as z.ZodType).safeParse(undefined);
        const fallback = value.success ? value.data : undefined;
        if (typeof fallback === "string") params[key] = INJECTED;
        if (Array.isArray(fallback) && typeof fallback[0] === "string") params[key] = [INJECTED];
      }
      rules.push(`  - id: ${kind.kind}\n    params: ${JSON.stringify(params)}`);
    }
    const tags = `tags:\n  teamKeys: [${JSON.stringify(INJECTED)}]\n  required: [${JSON.stringify(INJECTED)}]\n  protect: ${JSON.stringify(INJECTED)}\n  exemption: ${JSON.stringify(INJECTED)}\n`;
    const result = await analyze(`${tags}rules:\n${rules.join("\n")}\n`, "--json");
    assert.equal(result.code, 0, result.stderr);
    const counts = await tableCounts();
    assert.equal(counts.billing, before_.billing);
    assert.equal(counts.inventory, before_.inventory);
  });

  test("$now is the instant rules evaluate at, bound: a user rule previews with --now", async () => {
    const query =
      "SELECT account, resource_id, 'seen at ' || strftime($now, '%Y-%m-%d') AS reason FROM resources_current WHERE created_at < $now - INTERVAL 30 DAY";
    const today = await analyze(sqlRule(query), "--json");
    assert.equal(today.code, 0, today.stderr);
    const reasons = (JSON.parse(today.stdout) as { findings: { reason: string }[] }).findings.map(
      (f) => f.reason,
    );
    assert.deepEqual([...new Set(reasons)], ["seen at 2024-10-15"]);
    const early = await analyze(sqlRule(query), "--json", "--now", "2024-01-15");
    assert.equal(early.code, 0, early.stderr);
    assert.deepEqual((JSON.parse(early.stdout) as { findings: unknown[] }).findings, []);
  });

  test("a user rule's rows are checked: other parameters, missing columns, savings over the cost", async () => {
    const cases: [string, RegExp][] = [
      [
        "SELECT account, resource_id, 'x' AS reason FROM resources_current WHERE account = $acct",
        /only parameter .* \$now/,
      ],
      ["SELECT account, 'x' AS reason FROM resources_current", /lacks resource_id/],
      [
        "SELECT account, resource_id, 'x' AS reason, 2 AS savings_ratio FROM resources_current",
        /savings_ratio 2 is not between 0 and 1/,
      ],
    ];
    for (const [query, error] of cases) {
      const result = await analyze(sqlRule(query));
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, error);
    }
    const { findings: _, ...counts } = await tableCounts();
    const { findings: __, ...expected } = before_;
    assert.deepEqual(counts, expected);
  });

  test("a user rule returning too much is refused by its figures, not by exhausting memory", async () => {
    const cases: [string, RegExp][] = [
      // Ten million rows: read a chunk at a time, refused past a million.
      [
        "SELECT '111111111111' AS account, 'i-' || i AS resource_id, 'x' AS reason FROM range(10000000) t(i)",
        /returns more than 1,000,000 rows/,
      ],
      // A hundred rows of 10 MB reasons: a gigabyte of text.
      [
        "SELECT '111111111111' AS account, 'i-' || i AS resource_id, repeat('x', 10000000) AS reason FROM range(100) t(i)",
        /rows hold more than 64 MiB of text/,
      ],
    ];
    for (const [query, error] of cases) {
      const result = await analyze(sqlRule(query));
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /rules-\w+\.yaml:5:\d+: rule "mine" cannot run: /);
      assert.match(result.stderr, error);
    }
    const { findings: _, ...counts } = await tableCounts();
    const { findings: __, ...expected } = before_;
    assert.deepEqual(counts, expected);
  });

  test("a user query never runs on a connection that can read files", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await assert.rejects(
        runUserQuery(connection, "SELECT 1 AS account, 2 AS resource_id, 'x' AS reason", NOW),
        /external access off/,
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe("a store reads no file but its own, its scratch folder and the inputs it was opened for", () => {
  const dir = tempDir();
  after(() => dir.remove());

  test("read_text of another file is refused; a named input is read", async () => {
    const named = join(dir.path, "named.txt");
    writeFileSync(named, "named input");
    const other = join(dir.path, "other.txt");
    writeFileSync(other, SECRET);
    const store = await openStore(join(dir.path, "confined.duckdb"), { readable: [named] });
    try {
      const read = async (path: string) =>
        (
          await store.connection.runAndReadAll(`SELECT content FROM read_text('${path}')`)
        ).getRowObjectsJson()[0]?.content;
      assert.equal(await read(named), "named input");
      await assert.rejects(read(other), /Permission Error/);
      await assert.rejects(store.connection.run("SET enable_external_access = true"), /Cannot enable/);
    } finally {
      store.close();
    }
    assert.equal(readFileSync(other, "utf8"), SECRET);
  });

  test("scratch folders of processes that are gone are removed, a running one's kept", async () => {
    const parent = join(dir.path, "tmp");
    mkdirSync(parent);
    // A pid that is surely not running: a child that has exited.
    const exited = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => exited.on("close", resolve));
    const running = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    const dead = join(parent, `finops-${exited.pid}-abcdef`);
    const live = join(parent, `finops-${running.pid}-ghijkl`);
    const unrelated = join(parent, "finops-not-a-pid");
    for (const folder of [dead, live, unrelated]) mkdirSync(folder);
    writeFileSync(join(dead, "bill.csv.gz"), "left by a killed ingest");
    try {
      assert.deepEqual(removeStaleScratch(parent), [dead]);
    } finally {
      running.kill("SIGKILL");
    }
    assert.ok(!existsSync(dead) && existsSync(live) && existsSync(unrelated));
  });
});
