import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { openStore } from "../store/database.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { emptyDatabase, tempDir } from "./helpers/project.js";
import { seedInventory } from "./helpers/seed.js";

const DAY = 86_400_000;
const CLOCK = Date.now();
const daysFromNow = (days: number) => new Date(CLOCK + days * DAY).toISOString();
const FUTURE = daysFromNow(20);

const CONFIG = `
tags:
  required: []
rules:
  - id: expired
  - id: unattached-volume
  - id: stopped-instance
`;

const resource = (
  resourceType: string,
  resourceId: string,
  fields: Partial<ResourceRecord> = {},
): ResourceRecord => ({
  resourceId,
  resourceType,
  account: "111111111111",
  region: "us-east-1",
  state: null,
  stateSince: null,
  createdAt: daysFromNow(-100),
  tags: { team: "platform" },
  attributes: {},
  ...fields,
});

/** What a run on the day finds now, and what it would find 20 days later (FUTURE). */
const RECORDS: ResourceRecord[] = [
  // Flagged today and later.
  resource("ec2:volume", "vol-unattached", {
    state: "available",
    attributes: { volumeType: "gp3", sizeGiB: 8 },
  }),
  // Flagged only later: expires in 10 days, stopped for 15 (stopped-instance: more than 30).
  resource("ec2:instance", "i-expires", {
    state: "running",
    tags: { team: "platform", "expires-at": daysFromNow(10) },
    attributes: { instanceType: "m5.large", volumeIds: [] },
  }),
  resource("ec2:instance", "i-stopped", {
    state: "stopped",
    stateSince: daysFromNow(-15),
    attributes: { instanceType: "m5.large", volumeIds: [] },
  }),
];

interface FindingRow {
  id: string;
  resolved: boolean;
  first_seen: string;
  last_seen: string;
  resolved_at: string | null;
}

describe("a future --now is a preview: it prints and stores nothing", () => {
  const dir = tempDir();
  const seeded = join(dir.path, "seeded.duckdb");
  const config = join(dir.path, "rules.yaml");
  const finops = (db: string, args: string[]) => runFinops([...args, "--db", db, "--config", config]);
  const ok = (result: CliResult) => {
    assert.equal(result.code, 0, result.stderr);
    return result;
  };
  const copy = (name: string) => {
    const db = join(dir.path, name);
    copyFileSync(seeded, db);
    return db;
  };
  const rows = async (db: string, sql: string) => {
    const store = await openStore(db);
    try {
      return (await store.connection.runAndReadAll(sql)).getRowObjectsJson();
    } finally {
      store.close();
    }
  };
  const history = async (db: string) =>
    (await rows(
      db,
      `SELECT id, resolved_at IS NOT NULL AS resolved, epoch_ms(first_seen) AS first_seen,
         epoch_ms(last_seen) AS last_seen, epoch_ms(resolved_at) AS resolved_at FROM findings ORDER BY id`,
    )) as unknown as FindingRow[];
  const count = async (db: string, table: string) =>
    Number((await rows(db, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

  before(async () => {
    writeFileSync(config, CONFIG);
    await seedInventory(seeded, "run-1", RECORDS, new Date(CLOCK - DAY));
    // The history a preview could spoil: a finding stored by a run yesterday, open.
    ok(await finops(seeded, ["analyze", "--now", daysFromNow(-1)]));
  });
  after(() => dir.remove());

  test("analyze --now <future> shows the later day's findings, and stores none of them", async () => {
    const db = copy("preview.duckdb");
    const before = await history(db);
    const runs = await count(db, "analysis_runs");
    const preview = JSON.parse(ok(await finops(db, ["analyze", "--now", FUTURE, "--json"])).stdout);
    assert.equal(preview.preview, true);
    const found = (preview.findings as { rule: string; resourceId: string; firstSeen: string }[])
      .map((f) => `${f.rule} ${f.resourceId}`)
      .sort();
    assert.deepEqual(found, [
      "expired i-expires",
      "stopped-instance i-stopped",
      "unattached-volume vol-unattached",
    ]);
    assert.equal(preview.summary.count, 3);
    const human = ok(await finops(db, ["analyze", "--now", FUTURE]));
    assert.match(human.stderr, /Preview as of .*: nothing was stored/);
    assert.deepEqual(await history(db), before, "the findings history is as it was");
    assert.equal(await count(db, "analysis_runs"), runs, "no analysis run recorded");
  });

  test("two previews then a normal analyze: the history a normal analyze alone makes", async () => {
    const previewed = copy("previewed.duckdb");
    const alone = copy("alone.duckdb");
    ok(await finops(previewed, ["analyze", "--now", FUTURE]));
    ok(await finops(previewed, ["analyze", "--now", FUTURE, "--json"]));
    ok(await finops(previewed, ["analyze"]));
    ok(await finops(alone, ["analyze"]));
    const [a, b] = [await history(previewed), await history(alone)];
    assert.deepEqual(
      a.map((f) => [f.id, f.resolved]),
      b.map((f) => [f.id, f.resolved]),
    );
    for (const f of a) {
      for (const at of [f.first_seen, f.last_seen, f.resolved_at]) {
        assert.ok(at === null || Number(at) <= Date.now(), `${f.id}: a date in the future: ${at}`);
      }
    }
    assert.equal(await count(previewed, "analysis_runs"), await count(alone, "analysis_runs"));
  });

  test("plan and cleanup --dry-run of a future day store no plan and give no id to approve", async () => {
    const db = copy("plan.duckdb");
    // No candidate in the team: no AWS call is needed, and the old code stored even an empty plan.
    const planned = JSON.parse(
      ok(await finops(db, ["plan", "--json", "--now", FUTURE, "--team", "none"])).stdout,
    );
    assert.equal(planned.preview, true);
    assert.equal(planned.planId, null);
    const human = ok(await finops(db, ["plan", "--now", FUTURE, "--team", "none"]));
    assert.match(human.stdout, /Preview as of .*Not stored, so nothing can approve it/);
    assert.doesNotMatch(human.stdout, /finops approve/);
    // The cleanup plans every team: on a database with no inventory, it needs no AWS call either.
    const empty = await emptyDatabase(join(dir.path, "empty.duckdb"));
    const cleanup = JSON.parse(
      ok(await finops(empty, ["cleanup", "--dry-run", "--now", FUTURE, "--json"])).stdout,
    );
    assert.equal(cleanup.preview, true);
    assert.equal(cleanup.auto.planId, null);
    assert.equal(cleanup.waiting.planId, null);
    assert.equal(await count(empty, "plans"), 0, "no cleanup plan stored");
    assert.equal(await count(db, "plans"), 0, "no plan stored");
    // A plan of today is still stored and approvable.
    const today = JSON.parse(ok(await finops(db, ["plan", "--json", "--team", "none"])).stdout);
    assert.match(today.planId, /^plan-/);
    assert.equal(await count(db, "plans"), 1);
  });

  test("collect, ingest, notify and report weekly --send refuse a future --now: exit 2, one line", async () => {
    const db = copy("refuse.duckdb");
    const csv = join(dir.path, "billing.csv");
    writeFileSync(csv, "x\n");
    for (const [args, command] of [
      [["collect", "--only", "inventory"], "collect"],
      [["ingest", csv], "ingest"],
      [["notify"], "notify"],
      [["report", "weekly", "--send", "--out", join(dir.path, "reports")], "report weekly --send"],
    ] as const) {
      const result = await finops(db, [...args, "--now", FUTURE]);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.equal(result.stdout, "");
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.ok(result.stderr.includes(`${command}: --now ${FUTURE} is in the future`), result.stderr);
    }
    // Their previews are allowed: notify --dry-run and a report written, not sent.
    ok(await finops(db, ["notify", "--dry-run", "--now", FUTURE]));
    ok(
      await finops(db, [
        "report",
        "weekly",
        "--now",
        FUTURE,
        "--format",
        "json",
        "--out",
        join(dir.path, "r"),
      ]),
    );
    assert.deepEqual(await history(db), await history(seeded));
  });
});
