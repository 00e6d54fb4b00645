import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { type SeedCharge, seedInventory, writeFocusCsv } from "./helpers/seed.js";

// Issue 19: a CLI that fits a terminal and refuses typos.

const NOW = "2024-10-15T00:00:00Z";
const PROD = "111111111111";
const STAGING = "222222222222";
/** An id long enough that an 80-column table must cut it: its start and its end must both show. */
const BUCKET = "ledger-exports-eu-west-1-0123456789-archive-of-payments-2024-q3";

const volume = (
  id: string,
  account: string,
  tags: Record<string, string>,
  sizeGiB: number,
): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:volume",
  account,
  region: "us-east-1",
  state: "available",
  stateSince: null,
  createdAt: "2024-01-01T00:00:00Z",
  tags,
  attributes: { volumeType: "gp2", sizeGiB },
});

const RESOURCES: ResourceRecord[] = [
  volume("vol-1", PROD, { team: "payments", environment: "prod" }, 100),
  volume("vol-2", PROD, { team: "platform", environment: "prod" }, 50),
  volume("vol-3", STAGING, { environment: "dev" }, 20),
  {
    resourceId: BUCKET,
    resourceType: "s3:bucket",
    account: PROD,
    region: "eu-west-1",
    state: null,
    stateSince: null,
    createdAt: "2024-01-01T00:00:00Z",
    tags: {},
    attributes: {},
  },
  {
    resourceId: "i-0123456789abcdef0",
    resourceType: "ec2:instance",
    account: STAGING,
    region: "us-east-1",
    state: "running",
    stateSince: null,
    createdAt: "2024-01-01T00:00:00Z",
    tags: { team: "payments", environment: "dev" },
    attributes: { instanceType: "t3.micro" },
  },
];

const CHARGES: SeedCharge[] = [
  ["vol-1", PROD, "10.00"],
  ["vol-2", PROD, "5.00"],
  ["vol-3", STAGING, "2.00"],
  [BUCKET, PROD, "1.00"],
].flatMap(([id, account, cost]) =>
  ["2024-10-07", "2024-10-08", "2024-10-09", "2024-10-10", "2024-10-11", "2024-10-12", "2024-10-13"].map(
    (day) => ({
      account: account as string,
      resourceId: id as string,
      day,
      cost: cost as string,
      accountName: account === PROD ? "prod" : "staging",
    }),
  ),
);

const RULES =
  "rules:\n  - id: gp2-volume\n  - id: unattached-volume\n    params: { minDays: 0 }\n  - id: missing-tags\n";

/** Each line's width on screen (box-drawing characters count one each). */
const widths = (text: string) => text.split("\n").map((line) => Array.from(line).length);

describe("finops on a terminal: typos refused, tables fitted, lists paged, names shown", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  const finops = (args: string[], env: Record<string, string> = {}) =>
    runFinops([...args, "--db", db, "--config", config], env);
  const json = async <T>(args: string[]) => {
    const result = await finops([...args, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  after(() => dir.remove());

  before(async () => {
    writeFileSync(config, RULES);
    const csv = join(dir.path, "billing.csv");
    writeFocusCsv(csv, CHARGES);
    assert.equal((await finops(["ingest", csv])).code, 0);
    await seedInventory(db, "run-1", RESOURCES, new Date("2024-10-14T00:00:00Z"));
    const analyzed = await finops(["analyze", "--now", NOW]);
    assert.equal(analyzed.code, 0, analyzed.stderr);
  });

  test("a mistyped filter value exits 2 with the nearest known value, not an empty answer", async () => {
    for (const [args, pattern] of [
      [
        ["findings", "--rule", "idle-instances"],
        /--rule idle-instances: no such rule: did you mean "idle-instance"\?/,
      ],
      [["findings", "--team", "paymnets"], /--team paymnets: no such team: did you mean "payments"\?/],
      [
        ["resources", "--type", "ec2:instances"],
        /--type ec2:instances: no such resource type: did you mean "ec2:instance"\?/,
      ],
      [["resources", "--account", "11111111111"], /did you mean "111111111111"\?/],
      [["costs", "--provider", "azure"], /--provider azure: no such provider: known providers: AWS/],
    ] as [string[], RegExp][]) {
      const result = await finops(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stdout, "");
    }
    // Known values still work: the provider ignoring case, as the cost query does.
    assert.equal((await finops(["costs", "--provider", "aws"])).code, 0);
    assert.equal((await json<unknown[]>(["findings", "--rule", "gp2-volume"])).length, 3);
  });

  test("no team has one name, tags.noTeamLabel, in every table; --team takes it; stored values stay", async () => {
    const unowned = await json<{ team: string }[]>(["findings", "--team", "(no team)"]);
    assert.ok(unowned.length > 0 && unowned.every((f) => f.team === "unowned"), "stored as before");
    const findings = await finops(["findings", "--team", "unowned"]);
    assert.match(findings.stdout, /\(no team\)/);
    assert.doesNotMatch(findings.stdout, /unowned/);
    assert.match((await finops(["resources"])).stdout, /\(no team\)/);
    assert.match((await finops(["costs", "--by", "team"])).stdout, /\(no team\)/);

    const custom = join(dir.path, "rules-label.yaml");
    writeFileSync(custom, `tags:\n  noTeamLabel: "nobody's"\n${RULES}`);
    const withLabel = (args: string[]) => runFinops([...args, "--db", db, "--config", custom]);
    for (const args of [["findings"], ["resources"], ["costs", "--by", "team"]]) {
      const result = await withLabel(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /nobody's/, args.join(" "));
      assert.doesNotMatch(result.stdout, /\(no team\)|\(none\)|unowned/, args.join(" "));
    }
    assert.equal((await withLabel(["findings", "--team", "nobody's", "--json"])).code, 0);
    const out = join(dir.path, "reports");
    const report = await withLabel([
      "report",
      "weekly",
      "--week",
      "2024-W41",
      "--format",
      "md",
      "--out",
      out,
    ]);
    assert.equal(report.code, 0, report.stderr);
    const md = readFileSync(join(out, "finops-weekly-2024-W41.md"), "utf8");
    assert.match(md, /nobody's/);
    assert.doesNotMatch(md, /\(no team tag\)/);
  });

  test("accounts are shown with the name billing gives them", async () => {
    for (const args of [["findings"], ["resources"], ["costs", "--by", "account"]]) {
      const result = await finops(args);
      assert.match(result.stdout, /111111111111 \(prod\)/, args.join(" "));
      assert.match(result.stdout, /222222222222 \(staging\)/, args.join(" "));
    }
    // The JSON keeps the id alone.
    const byAccount = await json<{ key: string }[]>(["costs", "--by", "account"]);
    assert.deepEqual(byAccount.map((l) => l.key).sort(), [PROD, STAGING]);
  });

  test("tables fit COLUMNS: no line wider, ids cut in the middle (start and end kept), never from the left", async () => {
    for (const args of [
      ["findings"],
      ["resources"],
      ["costs", "--by", "resource"],
      ["analyze", "--now", NOW],
    ]) {
      const result = await finops(args, { COLUMNS: "80" });
      assert.equal(result.code, 0, result.stderr);
      const widest = Math.max(...widths(result.stdout));
      assert.ok(widest <= 80, `${args.join(" ")}: a line of ${widest} columns\n${result.stdout}`);
      if (args[0] === "analyze") continue;
      const cut = result.stdout.split("\n").find((line) => line.includes(BUCKET.slice(0, 8)));
      assert.ok(cut, `${args.join(" ")}: the bucket's row\n${result.stdout}`);
      const cell = /ledger-\S*…\S*/.exec(cut)?.[0] ?? "";
      assert.ok(cell.endsWith(BUCKET.slice(-4)), `${args.join(" ")}: ends as the id does: ${cut}`);
    }
    // The least important columns go first: the reason, not the resource or the savings.
    const narrow = await finops(["findings"], { COLUMNS: "80" });
    assert.match(narrow.stdout, /resource/);
    assert.match(narrow.stdout, /savings/);
    assert.doesNotMatch(narrow.stdout, /│ reason/);
    assert.match(narrow.stdout, /Not shown, to fit 80 columns: .*reason/s);
    // A pipe without COLUMNS has no width: every id whole, every column there.
    const piped = await finops(["findings"]);
    assert.ok(piped.stdout.includes(BUCKET));
    assert.match(piped.stdout, /│ reason/);
  });

  test("findings shows status, first seen and last seen; analyze ends with the waste by rule", async () => {
    const findings = await finops(["findings"]);
    for (const head of ["status", "first seen", "last seen"])
      assert.match(findings.stdout, new RegExp(`│ ${head}`));
    assert.match(findings.stdout, /│ open +│ 2024-10-15 +│ 2024-10-15/);
    const analyzed = await finops(["analyze", "--now", NOW]);
    const tables = analyzed.stdout.split("┌");
    const last = tables[tables.length - 1] ?? "";
    assert.match(last, /Rule +│ +Findings │ +Monthly cost │ +Est\. monthly savings/);
    assert.match(last, /gp2-volume +│ +3 │/);
  });

  test("--limit and --offset page every list, and say what is left out and its money", async () => {
    const all = await json<{ id: string; estimatedMonthlySavings: number }[]>(["findings"]);
    const page = await finops(["findings", "--limit", "2", "--json"]);
    assert.equal(page.code, 0, page.stderr);
    assert.deepEqual(JSON.parse(page.stdout), all.slice(0, 2), "the same objects, the same array");
    assert.match(page.stderr, new RegExp(`${all.length - 2} more findings`));
    const next = await json<{ id: string }[]>(["findings", "--limit", "2", "--offset", "2"]);
    assert.deepEqual(
      next.map((f) => f.id),
      all.slice(2, 4).map((f) => f.id),
    );

    const human = await finops(["findings", "--limit", "1"]);
    const rest = all
      .slice(1)
      .reduce((sum, f) => sum + Number(f.estimatedMonthlySavings ?? 0), 0)
      .toFixed(2);
    assert.match(
      human.stdout,
      new RegExp(
        `… ${all.length - 1} more findings, ${rest.replace(".", "\\.")}/month of estimated savings: use --offset 1`,
      ),
    );

    const resources = await json<unknown[]>(["resources"]);
    assert.deepEqual(await json(["resources", "--limit", "2", "--offset", "1"]), resources.slice(1, 3));
    assert.match(
      (await finops(["resources", "--limit", "4"])).stdout,
      /… 1 more resource, .*: use --offset 4/,
    );
    const costs = await json<unknown[]>(["costs", "--by", "resource"]);
    assert.deepEqual(await json(["costs", "--by", "resource", "--limit", "1"]), costs.slice(0, 1));
    const costTable = await finops(["costs", "--by", "resource", "--limit", "1"]);
    assert.match(costTable.stdout, /Total \(all 4 keys\)/);
    assert.match(costTable.stdout, /… 3 more keys, 56\.00 of effective cost: use --offset 1/);
    assert.deepEqual(await json(["history", "--limit", "1"]), []);

    for (const args of [
      ["findings", "--limit", "0"],
      ["resources", "--limit", "ten"],
      ["costs", "--offset", "-1"],
      ["history", "--limit", "1.5"],
    ]) {
      const refused = await finops(args);
      assert.equal(refused.code, 2, args.join(" "));
      assert.match(refused.stderr, /--(limit|offset)/);
    }
  });

  test("counts read right: 1 finding, 1 resource, 2 resources", async () => {
    const one = await finops(["findings", "--rule", "gp2-volume", "--team", "platform"]);
    assert.match(one.stdout, /^1 finding, /m);
    assert.match((await finops(["resources", "--type", "ec2:instance"])).stdout, /^1 resource$/m);
    assert.match(
      (await finops(["resources", "--type", "s3:bucket", "--account", PROD])).stdout,
      /^1 resource$/m,
    );
    assert.match(
      (await finops(["resources", "--type", "ec2:volume", "--account", PROD])).stdout,
      /^2 resources$/m,
    );
  });
});
