import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stateSince } from "../collectors/inventory/ec2-instances.js";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory } from "./helpers/seed.js";

const NOW = new Date("2024-10-15T00:00:00Z");
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

describe("stateSince reads the stop time whatever the zone is spelled", () => {
  test("GMT (AWS), UTC (moto), Z, a T, fractions, an offset, no zone", () => {
    const at = "2024-09-18T22:00:00.000Z";
    for (const reason of [
      "User initiated (2024-09-18 22:00:00 GMT)",
      "User initiated (2024-09-18 22:00:00 UTC)",
      "User initiated (2024-09-18 22:00:00Z)",
      "User initiated (2024-09-18T22:00:00Z)",
      "User initiated (2024-09-18 22:00:00.000 utc)",
      "User initiated (2024-09-19 00:00:00 +02:00)",
      "User initiated (2024-09-18 20:00:00 -0200)",
      "User initiated (2024-09-18 22:00:00)",
    ]) {
      assert.equal(stateSince(reason), at, reason);
    }
  });

  test("a reason without a date (or a date that is not one) gives null", () => {
    for (const reason of [
      undefined,
      "",
      "Client.UserInitiatedShutdown",
      "User initiated (2024-02-30 10:00:00 GMT)",
    ]) {
      assert.equal(stateSince(reason), null, String(reason));
    }
  });
});

/** An instance as the collector saw it, with no stop date in its reason unless one is given. */
const instance = (id: string, state: string, stoppedAt: Date | null = null): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:instance",
  account: "111111111111",
  region: "us-east-1",
  state,
  stateSince: stoppedAt?.toISOString() ?? null,
  createdAt: daysAgo(300).toISOString(),
  tags: { team: "platform", environment: "prod" },
  attributes: { instanceType: "m5.large", kubernetes: null, volumeIds: [] },
});

describe("a stop without a date is dated by the inventory's history", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  // Each instance's observations, oldest first, one collection each (days before NOW).
  const collections: [number, ResourceRecord[]][] = [
    [
      50,
      [
        instance("i-long", "stopped"),
        instance("i-restarted", "stopped"),
        instance("i-dated", "stopped", daysAgo(60)),
      ],
    ],
    [45, [instance("i-long", "stopped"), instance("i-restarted", "running"), instance("i-dated", "stopped")]],
    [20, [instance("i-long", "stopped"), instance("i-restarted", "stopped"), instance("i-dated", "stopped")]],
    [
      1,
      [
        instance("i-long", "stopped"),
        instance("i-restarted", "stopped"),
        instance("i-dated", "stopped"),
        instance("i-new", "stopped"),
      ],
    ],
  ];

  test("state_since is the first collection of the unbroken run of stopped observations", async () => {
    for (const [days, records] of collections) {
      await seedInventory(db, `run-${days}`, records, daysAgo(days));
    }
    const store = await openStore(db);
    const reader = await store.connection.runAndReadAll(
      `SELECT resource_id, strftime(state_since, '%Y-%m-%dT%H:%M:%SZ') AS since FROM inventory
       WHERE run_id = 'run-1' ORDER BY resource_id`,
    );
    const since = Object.fromEntries(reader.getRowObjectsJson().map((r) => [r.resource_id, r.since]));
    store.close();
    const iso = (days: number) => `${daysAgo(days).toISOString().slice(0, 19)}Z`;
    assert.deepEqual(since, {
      "i-long": iso(50), // stopped at every collection since the first
      "i-restarted": iso(20), // the start seen 45 days ago begins a new run
      "i-dated": iso(60), // the date a reason once gave is kept
      "i-new": iso(1), // first seen stopped now: stopped at least since now
    });
  });

  test("stopped-instance fires on the dated-by-history instances only", async () => {
    const result = await runFinops(["analyze", "--db", db, "--now", NOW.toISOString(), "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const stopped = (JSON.parse(result.stdout).findings as { rule: string; resourceId: string }[])
      .filter((f) => f.rule === "stopped-instance")
      .map((f) => f.resourceId)
      .sort();
    assert.deepEqual(stopped, ["i-dated", "i-long"]);
  });
});
