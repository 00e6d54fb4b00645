import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory } from "./helpers/seed.js";

const NOW = "2024-10-15T00:00:00Z";
const gp2Unattached: ResourceRecord = {
  resourceId: "vol-1",
  resourceType: "ec2:volume",
  account: "111111111111",
  region: "us-east-1",
  state: "available",
  stateSince: null,
  createdAt: "2024-01-01T00:00:00Z",
  tags: { team: "platform", environment: "prod" },
  attributes: { volumeType: "gp2", sizeGiB: 50 },
};

const dir = tempDir();
after(() => dir.remove());

test("a rule disabled or removed from rules.yaml leaves no open finding behind, in analyze or in findings", async () => {
  const db = join(dir.path, "finops.duckdb");
  await seedInventory(db, "run-1", [gp2Unattached], new Date("2024-10-14T00:00:00Z"));
  const config = (yaml: string) => {
    const path = join(dir.path, `rules-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, yaml);
    return path;
  };
  const open = async () =>
    (
      JSON.parse((await runFinops(["findings", "--db", db, "--status", "open", "--json"])).stdout) as {
        rule: string;
      }[]
    )
      .map((f) => f.rule)
      .sort();
  const both = config("rules:\n  - id: gp2-volume\n  - id: unattached-volume\n    params: { minDays: 0 }\n");
  assert.equal((await runFinops(["analyze", "--db", db, "--config", both, "--now", NOW])).code, 0);
  assert.deepEqual(await open(), ["gp2-volume", "unattached-volume"]);

  const disabled = config(
    "rules:\n  - id: gp2-volume\n  - id: unattached-volume\n    enabled: false\n    params: { minDays: 0 }\n",
  );
  const analyzed = await runFinops(["analyze", "--db", db, "--config", disabled, "--now", NOW, "--json"]);
  assert.equal(analyzed.code, 0, analyzed.stderr);
  const summary = (JSON.parse(analyzed.stdout) as { summary: { count: number } }).summary;
  assert.equal(summary.count, 1);
  assert.deepEqual(await open(), ["gp2-volume"], "the disabled rule's finding is resolved");

  const removed = config("rules:\n  - id: unattached-volume\n    params: { minDays: 0 }\n");
  assert.equal((await runFinops(["analyze", "--db", db, "--config", removed, "--now", NOW])).code, 0);
  assert.deepEqual(await open(), ["unattached-volume"], "a rule no longer listed is resolved as well");
});
