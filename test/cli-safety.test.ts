import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openStore } from "../store/database.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { emptyDatabase, tempDir } from "./helpers/project.js";

const CONFIG = `
tags:
  required: []
rules:
  - id: expired
  - id: unattached-volume
  - id: idle-instance
    enabled: false
`;

/** A usage error: exit 2, nothing on stdout, one line on stderr that matches. */
function assertUsageError(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.match(result.stderr, message);
}

describe("approve and apply follow the clock, never --now", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  // An empty database plans an empty plan: no AWS call is needed to make, approve or apply it.
  let planId = "";
  const finops = (args: string[]) => runFinops([...args, "--db", db, "--config", config]);
  const count = async (table: string) => {
    const store = await openStore(db);
    try {
      const reader = await store.connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`);
      return Number(reader.getRowObjectsJson()[0]?.n);
    } finally {
      store.close();
    }
  };
  const expireApprovals = async (at: Date) => {
    const store = await openStore(db);
    try {
      await store.connection.run("UPDATE approvals SET expires_at = CAST($1 AS TIMESTAMP)", [
        at.toISOString(),
      ]);
    } finally {
      store.close();
    }
  };

  before(async () => {
    writeFileSync(config, CONFIG);
    await emptyDatabase(db);
    const planned = await finops(["plan", "--json"]);
    assert.equal(planned.code, 0, planned.stderr);
    planId = (JSON.parse(planned.stdout) as { planId: string }).planId;
  });
  after(() => dir.remove());

  test("approve --now exits 2, before or after the command, and records no approval", async () => {
    for (const args of [
      ["approve", planId, "--by", "alice", "--now", "2099-01-01"],
      ["--now", "2099-01-01", "approve", planId, "--by", "alice"],
    ]) {
      assertUsageError(await finops(args), /^finops: approve: --now is not accepted here: .*clock/);
    }
    assert.equal(await count("approvals"), 0);
  });

  test("approve --by must name someone: empty or blank is exit 2, nothing recorded", async () => {
    for (const by of ["", "   "]) {
      assertUsageError(await finops(["approve", planId, "--by", by]), /--by: .*names no one/);
    }
    assert.equal(await count("approvals"), 0);
  });

  test("an approval is dated by the clock and expires remediation.approvalHours later", async () => {
    const start = Date.now();
    const approved = await finops(["approve", planId, "--by", " alice ", "--json"]);
    assert.equal(approved.code, 0, approved.stderr);
    const approval = JSON.parse(approved.stdout) as {
      approvedBy: string;
      approvedAt: string;
      expiresAt: string;
    };
    assert.equal(approval.approvedBy, "alice");
    const at = Date.parse(approval.approvedAt);
    assert.ok(at >= start - 1_000 && at <= Date.now() + 1_000, approval.approvedAt);
    assert.equal(Date.parse(approval.expiresAt) - at, 24 * 3_600_000);
  });

  test("apply --now exits 2, before or after the command, and touches nothing", async () => {
    // The approval above expires tomorrow; --now in the past or the future must not reach apply.
    for (const args of [
      ["apply", planId, "--now", "2020-01-01"],
      ["--now", "2099-01-01T00:00:00Z", "apply", planId],
    ]) {
      assertUsageError(await finops(args), /^finops: apply: --now is not accepted here: .*clock/);
    }
    assert.equal(await count("journal"), 0);
    assert.equal(await count("locks"), 0);
  });

  test("apply refuses an approval that expired by the clock, and takes one that has not", async () => {
    await expireApprovals(new Date(Date.now() - 60_000));
    const expired = await finops(["apply", planId]);
    assert.equal(expired.code, 1, expired.stderr);
    assert.match(expired.stderr, /refused: the approval of plan .* by alice expired at/);

    await expireApprovals(new Date(Date.now() + 3_600_000));
    const applied = await finops(["apply", planId, "--json"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(JSON.parse(applied.stdout), { planId, results: [] });
  });

  test("cleanup --now is a preview: refused without --dry-run (exit 2), allowed with it", async () => {
    const approvals = await count("approvals");
    for (const args of [
      ["cleanup", "--now", "2099-01-01"],
      ["--now", "2099-01-01", "cleanup"],
    ]) {
      assertUsageError(await finops(args), /^finops: cleanup: --now needs --dry-run/);
    }
    assert.equal(await count("approvals"), approvals);
    const preview = await finops(["cleanup", "--dry-run", "--now", "2099-01-01", "--json"]);
    assert.equal(preview.code, 0, preview.stderr);
    assert.equal((JSON.parse(preview.stdout) as { dryRun: boolean }).dryRun, true);
    assert.equal(await count("approvals"), approvals);
  });

  test("--now must be a real date: 2024-02-30 and its kind are exit 2 naming the value", async () => {
    for (const value of [
      "2024-02-30",
      "2023-02-29",
      "2024-04-31",
      "2024-13-01",
      "2024-02-29T24:00:00Z",
      "2024-09-18T22:60:00Z",
      "2024-09-18T22:00:61Z",
      "2024-09-18T22:00:00+25:00",
      "",
    ]) {
      const result = await finops(["plan", "--now", value]);
      const quoted = value.replace(/[+.]/g, "\\$&");
      assertUsageError(result, new RegExp(`--now: "${quoted}" is not a valid ISO 8601 date`));
    }
  });

  test("--now reads dates, times and offsets exactly (UTC unless a zone is given)", async () => {
    for (const [value, instant] of [
      ["2024-02-29", "2024-02-29T00:00:00.000Z"],
      ["2024-09-18T22:00", "2024-09-18T22:00:00.000Z"],
      ["2024-09-18 22:00:05", "2024-09-18T22:00:05.000Z"],
      ["2024-09-18T22:00:00+02:00", "2024-09-18T20:00:00.000Z"],
      ["2024-09-18T22:00:00.25-0130", "2024-09-18T23:30:00.250Z"],
    ] as const) {
      const result = await finops(["plan", "--json", "--now", value]);
      assert.equal(result.code, 0, `${value}: ${result.stderr}`);
      assert.equal((JSON.parse(result.stdout) as { evaluatedAt: string }).evaluatedAt, instant, value);
    }
  });

  test("plan --rule names a known, enabled rule, else exit 2 with the known ids", async () => {
    assertUsageError(
      await finops(["plan", "--rule", "expird"]),
      /--rule expird: no such rule: did you mean "expired"\? known rules: expired, unattached-volume, idle-instance/,
    );
    assertUsageError(
      await finops(["plan", "--rule", "expired", "--rule", "nonsense"]),
      /--rule nonsense: no such rule: known rules: expired, /,
    );
    assertUsageError(await finops(["plan", "--rule", "idle-instance"]), /--rule idle-instance: .*disabled/);
    assert.equal((await finops(["plan", "--rule", "expired"])).code, 0);
  });
});
