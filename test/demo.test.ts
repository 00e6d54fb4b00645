import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { parseCostsJson, toScaled } from "./helpers/decimal.js";
import { emptyDatabase, readDatabase, tempDir } from "./helpers/project.js";
import { startServe } from "./helpers/serve.js";

const ANCHOR = "2024-09-18T12:00:00Z";

async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await runFinops(args, env);
  assert.equal(result.code, 0, `finops ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

async function costs(db: string, ...args: string[]) {
  return parseCostsJson(await ok(["--db", db, "--json", "costs", ...args]));
}

/** Exact sums of the costs lines' money, as scaled integers. */
function sums(lines: { billedCost: string; effectiveCost: string }[]): { billed: bigint; effective: bigint } {
  let billed = 0n;
  let effective = 0n;
  for (const line of lines) {
    billed += toScaled(line.billedCost);
    effective += toScaled(line.effectiveCost);
  }
  return { billed, effective };
}

/** The `"billedCost"` and `"effectiveCost"` literals of the object after `"key": {`, every digit kept. */
function moneyOf(json: string, key: string): { billed: bigint; effective: bigint } {
  const rest = json.slice(json.indexOf(`"${key}": {`));
  const billed = /"billedCost": (-?[0-9.]+)/.exec(rest)?.[1];
  const effective = /"effectiveCost": (-?[0-9.]+)/.exec(rest)?.[1];
  assert.ok(billed && effective, `no ${key} money in the demo's JSON`);
  return { billed: toScaled(billed), effective: toScaled(effective) };
}

/** Runs finops in another folder (runFinops always runs in the project root). */

interface DemoReport {
  database: string;
  anchor: string;
  window: { from: string; to: string; days: number };
  rowsLoaded: number;
  billingPeriods: string[];
  accounts: { id: string; name: string }[];
  estate: Record<string, number>;
  last30Days: { from: string; to: string };
}

describe("finops demo", () => {
  const dir = tempDir("finops-demo-test-");
  const db = join(dir.path, "demo.duckdb");
  let built: CliResult;
  let report: DemoReport;

  before(async () => {
    built = await runFinops(["--db", db, "--now", ANCHOR, "--json", "demo", "--no-serve"]);
    assert.equal(built.code, 0, built.stderr);
    report = JSON.parse(built.stdout);
  });
  after(() => dir.remove());

  test("writes last week's report in every format and one notification per team into the demo folder", () => {
    const files = (report as unknown as { report: { week: string; files: string[] } }).report.files;
    assert.deepEqual(files.map((f) => f.split(".").at(-1)).sort(), ["csv", "html", "json", "md"]);
    for (const file of files) assert.ok(existsSync(file), file);
    const notifications = (
      report as unknown as { notifications: { outbox: string; messages: { team: string }[] } }
    ).notifications;
    const teams = notifications.messages.map((m) => m.team);
    assert.equal(new Set(teams).size, teams.length, "one digest per team");
    assert.ok(teams.includes("unowned"));
    assert.equal(readdirSync(notifications.outbox).filter((f) => f.endsWith(".md")).length, teams.length);
  });

  test("without --no-serve it serves the web view on the demo and prints the URL", async () => {
    const served = await startServe([], {}, ["--db", db, "--now", ANCHOR, "demo"]);
    try {
      const range = (await (await fetch(`${served.base}/api/range`)).json()) as { last: string };
      assert.equal(range.last, "2024-09-17");
      const page = await fetch(`${served.base}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="root">/);
    } finally {
      await served.stop();
    }
  });

  test("builds the database and prints one JSON document", () => {
    assert.equal(report.database, db);
    assert.equal(report.anchor, "2024-09-18");
    assert.deepEqual(report.window, { from: "2024-06-20", to: "2024-09-18", days: 90 });
    assert.deepEqual(report.billingPeriods, ["2024-06", "2024-07", "2024-08", "2024-09"]);
    assert.ok(report.rowsLoaded > 100_000, `only ${report.rowsLoaded} rows`);
    const instances = report.estate.instances ?? 0;
    assert.ok(instances >= 500 && instances <= 700, `${instances} instances`);
    assert.ok(existsSync(join(dir.path, ".demo", "billing", "focus-2024-07.csv.gz")));
  });

  test("has three accounts with 12-digit ids", async () => {
    assert.deepEqual(
      report.accounts.map((a) => a.name),
      ["prod", "staging", "sandbox"],
    );
    const lines = await costs(db, "--by", "account");
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line.key ?? "", /^\d{12}$/);
    assert.deepEqual(new Set(lines.map((l) => l.key)), new Set(report.accounts.map((a) => a.id)));
  });

  test("has about twelve teams, and untagged spend", async () => {
    const lines = await costs(db, "--by", "team");
    const teams = lines.filter((l) => l.key !== null);
    assert.ok(teams.length >= 10 && teams.length <= 14, `${teams.length} teams`);
    assert.ok(
      lines.some((l) => l.key === null && toScaled(l.effectiveCost) > 0n),
      "no untagged spend",
    );
  });

  test("covers exactly the 90 days before the anchor, one charge period a day", async () => {
    assert.deepEqual(await costs(db, "--to", "2024-06-20"), []);
    assert.deepEqual(await costs(db, "--from", "2024-09-18"), []);
    const instance = await DuckDBInstance.create(db, { access_mode: "READ_ONLY" });
    try {
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll(
        `SELECT count(DISTINCT ChargePeriodStart) AS days,
                count(*) FILTER (WHERE ChargePeriodEnd - ChargePeriodStart <> INTERVAL 1 DAY) AS not_daily,
                count(DISTINCT SubAccountId) AS accounts
         FROM billing`,
      );
      const row = reader.getRowObjectsJson()[0];
      connection.closeSync();
      assert.equal(Number(row?.days), 90);
      assert.equal(Number(row?.not_daily), 0);
      assert.equal(Number(row?.accounts), 3);
    } finally {
      instance.closeSync();
    }
  });

  test("its printed totals reconcile with finops costs --json", async () => {
    const total = moneyOf(built.stdout, "totals");
    for (const by of ["account", "service", "team", "region"]) {
      assert.deepEqual(sums(await costs(db, "--by", by)), total, `by ${by}`);
    }
    const { from, to } = report.last30Days;
    const recent = moneyOf(built.stdout, "last30Days");
    assert.deepEqual(sums(await costs(db, "--by", "team", "--from", from, "--to", to)), recent);
  });

  test("EKS split cost rows: per node-day Σ split + unused cost is the node's EffectiveCost", async () => {
    const [row] = await readDatabase(
      db,
      `WITH pods AS (
         SELECT x_SplitParentResourceId AS node, ChargePeriodStart AS day,
           sum(x_SplitCost + x_SplitUnusedCost) AS split, count(*) AS rows,
           count(DISTINCT json_extract_string(Tags, '$."aws:eks:cluster-name"')) AS clusters
         FROM billing WHERE x_SplitParentResourceId IS NOT NULL GROUP BY ALL),
       nodes AS (
         SELECT ResourceId AS node, ChargePeriodStart AS day, sum(EffectiveCost) AS cost
         FROM billing WHERE x_SplitParentResourceId IS NULL GROUP BY ALL)
       SELECT count(*) AS node_days, count(*) FILTER (WHERE nodes.cost IS DISTINCT FROM pods.split) AS unequal,
         count(*) FILTER (WHERE pods.rows % 2 <> 0 OR pods.clusters <> 1) AS odd,
         (SELECT count(DISTINCT json_extract_string(Tags, '$."aws:eks:cluster-name"')) FROM billing
          WHERE x_SplitParentResourceId IS NOT NULL) AS clusters
       FROM pods LEFT JOIN nodes USING (node, day)`,
    );
    assert.ok(Number(row?.node_days) > 3000, `${row?.node_days} node-days with split rows`);
    assert.equal(Number(row?.unequal), 0, "node-days whose split + unused cost is not the node's cost");
    assert.equal(Number(row?.odd), 0, "node-days whose pods lack a CPU or memory row, or span clusters");
    assert.equal(Number(row?.clusters), 3, "every EKS cluster of the demo has split rows");
  });

  test("the split rows bill nothing: totals by service are those of the other rows", async () => {
    const [pods] = await readDatabase(
      db,
      `SELECT count(*) AS n, count(*) FILTER (WHERE BilledCost <> 0 OR EffectiveCost <> 0 OR ListCost <> 0) AS money
       FROM billing WHERE x_SplitParentResourceId IS NOT NULL`,
    );
    assert.ok(Number(pods?.n) > 50_000, `${pods?.n} split rows`);
    assert.equal(Number(pods?.money), 0);
    const others = await readDatabase(
      db,
      `SELECT ServiceName AS key, CAST(sum(BilledCost) AS VARCHAR) AS billed, CAST(sum(EffectiveCost) AS VARCHAR) AS effective
       FROM billing WHERE x_SplitParentResourceId IS NULL GROUP BY ALL`,
    );
    const expected = Object.fromEntries(
      others.map((r) => [String(r.key), [toScaled(String(r.billed)), toScaled(String(r.effective))]]),
    );
    const lines = await costs(db, "--by", "service");
    assert.deepEqual(
      Object.fromEntries(
        lines.map((l) => [String(l.key), [toScaled(l.billedCost), toScaled(l.effectiveCost)]]),
      ),
      expected,
    );
  });

  test("the split rows show cost by namespace and idle nodes: unused > 70% over the last 7 days", async () => {
    const namespaces = await readDatabase(
      db,
      `SELECT DISTINCT json_extract_string(Tags, '$."aws:eks:namespace"') AS ns FROM billing
       WHERE x_SplitParentResourceId IS NOT NULL`,
    );
    const names = namespaces.map((r) => String(r.ns));
    for (const ns of ["kube-system", "payments", "search", "observability"])
      assert.ok(names.includes(ns), ns);
    const nodes = await readDatabase(
      db,
      `SELECT x_SplitParentResourceId AS node,
         sum(x_SplitUnusedCost) / sum(x_SplitCost + x_SplitUnusedCost) AS unused,
         bool_and(json_extract_string(Tags, '$."aws:eks:workload-type"') = 'DaemonSet') AS daemon_sets_only
       FROM billing WHERE x_SplitParentResourceId IS NOT NULL AND ChargePeriodStart >= TIMESTAMP '2024-09-11'
       GROUP BY ALL`,
    );
    const idle = nodes.filter((n) => Number(n.unused) > 0.7);
    assert.ok(idle.length >= 2, `${idle.length} idle nodes`);
    assert.ok(
      idle.length <= nodes.length * 0.2,
      `${idle.length} of ${nodes.length} nodes idle: most are used`,
    );
    assert.ok(
      nodes.some((n) => n.daemon_sets_only === true && Number(n.unused) < 0.7),
      "a node with busy DaemonSets and no workload pods",
    );
  });

  test("resource ids are in AWS formats", async () => {
    const formats = [
      /^i-0[0-9a-f]{16}$/,
      /^vol-0[0-9a-f]{16}$/,
      /^arn:aws:ec2:[a-z]{2}-[a-z]+-\d:\d{12}:(snapshot\/snap|elastic-ip\/eipalloc|natgateway\/nat)-0[0-9a-f]{16}$/,
      /^arn:aws:(rds|lambda|logs|kms|eks|elasticloadbalancing|dynamodb|ecr|elasticache|redshift):[a-z]{2}-[a-z]+-\d:\d{12}:.+$/,
      /^arn:aws:route53:::hostedzone\/Z[0-9A-Z]+$/,
      /^arn:aws:savingsplans::\d{12}:savingsplan\/[0-9a-f-]{36}$/,
      /^arn:aws:ec2:[a-z]{2}-[a-z]+-\d:\d{12}:reserved-instances\/[0-9a-f-]{36}$/,
      /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, // S3 bucket names
    ];
    const ids = (await costs(db, "--by", "resource"))
      .map((l) => l.key)
      .filter((k): k is string => k !== null);
    assert.ok(ids.length > 1500, `${ids.length} resources`);
    for (const id of ids) {
      assert.ok(
        formats.some((f) => f.test(id)),
        `${id} is not in an AWS format`,
      );
    }
    for (const kind of [
      /^i-/,
      /^vol-/,
      /snapshot\/snap-/,
      /elastic-ip\/eipalloc-/,
      /natgateway\/nat-/,
      /^arn:aws:rds:/,
      /^arn:aws:dynamodb:[^:]+:\d{12}:table\//,
      /^arn:aws:ecr:[^:]+:\d{12}:repository\//,
      /^arn:aws:elasticache:[^:]+:\d{12}:cluster:/,
      /^arn:aws:redshift:[^:]+:\d{12}:cluster:/,
      /^arn:aws:elasticloadbalancing:[^:]+:\d{12}:loadbalancer\/[^/]+$/,
    ]) {
      assert.ok(
        ids.some((id) => kind.test(id)),
        `no resource like ${kind}`,
      );
    }
  });

  test("the same anchor day gives byte-identical costs; a rebuild replaces, never doubles", async () => {
    const json = (by: string) => ok(["--db", db, "--json", "costs", "--by", by]);
    const before = [await json("resource"), await json("team")];
    const again = await ok(["--db", db, "--now", "2024-09-18T23:59:00Z", "demo", "--no-serve"]);
    assert.match(again, /Last 30 days/);
    assert.ok(again.includes(`--db ${db} costs --by team`), again);
    assert.equal(await json("resource"), before[0]);
    assert.equal(await json("team"), before[1]);
  });

  test("defaults to .demo/finops.duckdb and follows the anchor of --now", async () => {
    const cwd = join(dir.path, "elsewhere");
    mkdirSync(cwd);
    const run = await runFinops(["--now", "2025-01-10", "--json", "demo", "--no-serve"], {}, cwd);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const other: DemoReport = JSON.parse(run.stdout);
    assert.equal(other.database, ".demo/finops.duckdb");
    assert.ok(existsSync(join(cwd, ".demo", "finops.duckdb")));
    assert.deepEqual(other.window, { from: "2024-10-12", to: "2025-01-10", days: 90 });
    // The estate comes from the seed; the anchor only moves it in time.
    assert.deepEqual(other.accounts, report.accounts);
    assert.deepEqual(other.estate, report.estate);
  });

  test("refuses to replace a database that the demo did not build", async () => {
    const real = join(dir.path, "real.duckdb");
    await emptyDatabase(real);
    const digest = () => createHash("sha256").update(readFileSync(real)).digest("hex");
    const original = digest();

    const refused = await runFinops(["--db", real, "--now", ANCHOR, "demo", "--no-serve"]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /not a finops demo database/);
    assert.equal(refused.stdout, "");
    assert.equal(digest(), original);

    const viaEnv = await runFinops(["--now", ANCHOR, "demo", "--no-serve"], { FINOPS_DB: real });
    assert.equal(viaEnv.code, 2, viaEnv.stderr);
    assert.equal(digest(), original);

    const text = join(dir.path, "notes.duckdb");
    writeFileSync(text, "not a database\n");
    const notDuckDb = await runFinops(["--db", text, "--now", ANCHOR, "demo", "--no-serve"]);
    assert.equal(notDuckDb.code, 2, notDuckDb.stderr);
    assert.match(notDuckDb.stderr, /cannot be opened as a DuckDB database/);
    assert.equal(readFileSync(text, "utf8"), "not a database\n");
  });
});
