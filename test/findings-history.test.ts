import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory, writeFocusCsv } from "./helpers/seed.js";

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

test("a stopped instance's volumes count once: under the instance, whose finding holds their cost", async () => {
  const db = join(dir.path, "stopped.duckdb");
  const instance: ResourceRecord = {
    ...gp2Unattached,
    resourceId: "i-stopped",
    resourceType: "ec2:instance",
    state: "stopped",
    stateSince: "2024-08-01T00:00:00Z",
    attributes: { instanceType: "m5.large", volumeIds: ["vol-root"] },
  };
  const volume: ResourceRecord = { ...gp2Unattached, resourceId: "vol-root", state: "in-use" };
  await seedInventory(db, "run-1", [instance, volume], new Date("2024-10-14T00:00:00Z"));
  const days = Array.from({ length: 30 }, (_, i) => new Date(Date.parse("2024-09-15") + i * 86_400_000));
  const bill = join(dir.path, "stopped.csv");
  writeFocusCsv(
    bill,
    days.flatMap((day) => [
      { account: "111111111111", resourceId: "vol-root", day: day.toISOString().slice(0, 10), cost: "2.00" },
      { account: "111111111111", resourceId: "i-stopped", day: day.toISOString().slice(0, 10), cost: "0.10" },
    ]),
  );
  assert.equal((await runFinops(["ingest", bill, "--db", db])).code, 0);
  const rules = join(dir.path, "stopped.yaml");
  writeFileSync(rules, "rules:\n  - id: stopped-instance\n  - id: gp2-volume\n");
  const analyzed = await runFinops(["analyze", "--db", db, "--config", rules, "--now", NOW, "--json"]);
  assert.equal(analyzed.code, 0, analyzed.stderr);
  const { findings, summary } = JSON.parse(analyzed.stdout) as {
    findings: { rule: string; estimatedMonthlySavings: number }[];
    summary: { estimatedMonthlySavings: number; grossEstimatedMonthlySavings: number };
  };
  const savings = (rule: string) => findings.find((f) => f.rule === rule)?.estimatedMonthlySavings ?? 0;
  assert.equal(savings("stopped-instance"), 63, "the instance's 3.00 and its volume's 60.00 a month");
  assert.equal(savings("gp2-volume"), 12, "20% of the volume's 60.00");
  assert.equal(summary.grossEstimatedMonthlySavings, 75);
  assert.equal(summary.estimatedMonthlySavings, 63, "the volume's gp3 saving is inside the instance's");
});
