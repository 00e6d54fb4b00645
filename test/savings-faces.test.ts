import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { type SeedCharge, seedInventory, writeFocusCsv } from "./helpers/seed.js";
import { type Served, startServe } from "./helpers/serve.js";

const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const NOW = "2024-09-01T00:00:00Z";

const instance = (id: string): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:instance",
  account: ACCOUNT,
  region: REGION,
  state: "running",
  stateSince: null,
  createdAt: "2024-01-01T00:00:00Z",
  tags: { team: "platform", "expires-at": "2024-08-01" },
  attributes: { instanceType: "m5.large", kubernetes: null, volumeIds: [] },
});

/** 30 days of August at a daily cost, under the name billing gives the resource. */
const month = (resourceId: string, daily: string): SeedCharge[] =>
  Array.from({ length: 30 }, (_, i) => ({
    account: ACCOUNT,
    resourceId,
    day: `2024-08-${String(i + 1).padStart(2, "0")}`,
    cost: daily,
  }));

/**
 * Every face's total counts a resource's savings once: i-both is expired (terminate, 300/month) and
 * flagged by a user rule that would stop it (half of it, 150); i-solo is expired alone (60). The rules
 * claim 510; 360 can be saved.
 */
describe("every face counts a resource's savings once (analyze, findings, notify, report, web API, /metrics)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  const outbox = join(dir.path, "outbox");
  const run = (...args: string[]) => runFinops([...args, "--db", db, "--config", config, "--now", NOW]);
  let served: Served;
  let analyzed: {
    summary: Record<string, unknown>;
    findings: { rule: string; resourceId: string; overlaps: unknown }[];
  };

  before(async () => {
    writeFileSync(
      config,
      [
        "rules:",
        "  - id: expired",
        "  - id: half-stop",
        "    kind: sql",
        "    action: stop",
        `    params: { query: "SELECT account, resource_id, 'half idle' AS reason, 0.5 AS savings_ratio FROM resources_current WHERE resource_id = 'i-both'" }`,
        "notify:",
        `  default: [{ outbox: { dir: ${JSON.stringify(outbox)} } }]`,
        "",
      ].join("\n"),
    );
    const billing = join(dir.path, "billing.csv");
    writeFocusCsv(billing, [
      ...month("i-both", "10"),
      ...month("i-solo", "2"),
      // Billing names a snapshot by its ARN.
      ...month(`arn:aws:ec2:${REGION}:${ACCOUNT}:snapshot/snap-arn`, "0.5"),
    ]);
    const ingest = await runFinops(["ingest", billing, "--db", db]);
    assert.equal(ingest.code, 0, ingest.stderr);
    await seedInventory(
      db,
      "run-1",
      [
        instance("i-both"),
        instance("i-solo"),
        {
          resourceId: "snap-arn",
          resourceType: "ec2:snapshot",
          account: ACCOUNT,
          region: REGION,
          state: "completed",
          stateSince: null,
          createdAt: "2024-08-20T00:00:00Z",
          tags: { team: "platform" },
          attributes: { sizeGiB: 10, volumeId: "vol-gone" },
        },
      ],
      new Date(NOW),
    );
    const result = await run("analyze", "--json");
    assert.equal(result.code, 0, result.stderr);
    analyzed = JSON.parse(result.stdout);
  });
  after(async () => {
    await served?.stop();
    dir.remove();
  });

  test("analyze --json: summary counts once, keeps the rules' sum, names the overlap", () => {
    const { summary } = analyzed;
    assert.equal(summary.count, 3);
    assert.equal(summary.estimatedMonthlySavings, 360);
    assert.equal(summary.grossEstimatedMonthlySavings, 510);
    assert.equal(summary.overlappingFindings, 2);
    assert.equal(summary.overlappingResources, 1);
    const overlapsOf = (rule: string, id: string) =>
      analyzed.findings.find((f) => f.rule === rule && f.resourceId === id)?.overlaps;
    assert.deepEqual(
      (overlapsOf("expired", "i-both") as { rule: string }[]).map((o) => o.rule),
      ["half-stop"],
    );
    assert.deepEqual(overlapsOf("expired", "i-solo"), []);
  });

  test("analyze and findings for people: per-rule figures and a total that reconciles", async () => {
    const human = await run("analyze");
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Sum of the rules\s*│\s*3\s*│\s*│\s*510\.00/);
    assert.match(human.stdout, /Counted once per resource\s*│\s*2 resources\s*│\s*│\s*360\.00/);
    assert.match(
      human.stdout,
      /3 findings, 510\.00 summed by rule; 2 findings overlap on 1 resource; counted once: 360\.00 estimated monthly savings\./,
    );
    const findings = await run("findings", "--status", "open");
    assert.equal(findings.code, 0, findings.stderr);
    assert.match(findings.stdout, /counted once: 360\.00 estimated monthly savings/);
    assert.match(findings.stdout, /half-stop/); // the "also flagged by" column
    const json = JSON.parse((await run("findings", "--json")).stdout) as { overlaps: unknown[] }[];
    assert.equal(json.filter((f) => f.overlaps.length === 1).length, 2);
  });

  test("notify: the team's digest totals count once", async () => {
    const notify = await run("notify");
    assert.equal(notify.code, 0, notify.stderr);
    const file = readdirSync(outbox).find((f) => f.endsWith(".json"));
    assert.ok(file, "a digest in the outbox");
    const digest = JSON.parse(readFileSync(join(outbox, file), "utf8"));
    assert.equal(digest.monthlyWaste, 360);
    assert.equal(digest.openMonthlyWaste, 360);
    assert.equal(digest.grossMonthlyWaste, 510);
    // i-both costs 300 however many rules flag it: the flagged resources cost 360, not 660.
    assert.equal(digest.monthlyCost, 360);
    const text = readFileSync(join(outbox, file.replace(/\.json$/, ".md")), "utf8");
    assert.match(
      text,
      /\$360\.00\/month of estimated savings \(2 findings overlap on 1 resource: counted once\), on resources costing \$360\.00\/month\./,
    );
  });

  test("the weekly report's waste total counts once, the by-rule total is the rules' sum", async () => {
    const out = join(dir.path, "report");
    const report = await run("report", "weekly", "--week", "2024-W35", "--format", "json", "--out", out);
    assert.equal(report.code, 0, report.stderr);
    const file = readdirSync(out).find((f) => f.endsWith(".json")) as string;
    const waste = JSON.parse(readFileSync(join(out, file), "utf8")).waste;
    assert.equal(waste.estimatedMonthlySavings, 360);
    assert.equal(waste.grossEstimatedMonthlySavings, 510);
    assert.equal(waste.monthlyCost, 360, "the flagged resources' cost, each once");
    assert.deepEqual(
      waste.byTeam.map((t: { key: string; estimatedMonthlySavings: number; monthlyCost: number }) => [
        t.key,
        t.estimatedMonthlySavings,
        t.monthlyCost,
      ]),
      [["platform", 360, 360]],
    );
  });

  describe("finops serve", () => {
    before(async () => {
      served = await startServe(["--db", db, "--config", config, "--no-schedules"]);
    });

    test("the Overview's summary: total counted once, teams counted once, rules keep their own", async () => {
      const summary = (await (await fetch(`${served.base}/api/findings/summary`)).json()) as {
        total: unknown;
        byTeam: { key: string; savings: number; monthlyCost: number }[];
        byRule: { key: string; savings: number }[];
      };
      assert.deepEqual(summary.total, {
        count: 3,
        resources: 2,
        savings: 360,
        grossSavings: 510,
        monthlyCost: 360,
        overlappingFindings: 2,
        overlappingResources: 1,
      });
      assert.deepEqual(
        summary.byTeam.map((t) => [t.key, t.savings, t.monthlyCost]),
        [["platform", 360, 360]],
      );
      const byRule = Object.fromEntries(summary.byRule.map((r) => [r.key, r.savings]));
      assert.deepEqual(byRule, { expired: 360, "half-stop": 150 });
      const findings = (await (await fetch(`${served.base}/api/findings`)).json()) as {
        overlaps: unknown[];
      }[];
      assert.equal(findings.filter((f) => f.overlaps.length).length, 2);
    });

    test("/metrics: a gauge counted once per resource beside the per-rule one", async () => {
      const text = await (await fetch(`${served.base}/metrics`)).text();
      assert.match(text, /^finops_monthly_savings_dollars\{team="platform"\} 360$/m);
      assert.match(text, /^finops_monthly_waste_dollars\{rule="expired"\} 360$/m);
      assert.match(text, /^finops_monthly_waste_dollars\{rule="half-stop"\} 150$/m);
    });

    test("a resource's daily costs match billing by its ARN as by its id", async () => {
      const costs = async (id: string) => {
        const response = await fetch(`${served.base}/api/resources/${id}/costs?days=30`);
        assert.equal(response.status, 200);
        return ((await response.json()) as { values: number[] }).values.reduce((a, b) => a + b, 0);
      };
      assert.equal(await costs("snap-arn"), 15);
      assert.equal(await costs("i-both"), 300);
      assert.equal(await costs("i-nothing"), 0);
    });
  });
});
