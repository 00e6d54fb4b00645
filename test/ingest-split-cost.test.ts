import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { parseCostsJson } from "./helpers/decimal.js";
import { tempDir } from "./helpers/project.js";
import {
  CLUSTER,
  HOURS,
  money,
  NODES,
  query,
  ROWS,
  type Row,
  sum,
  sumBy,
  toParquet,
  writeCsv,
} from "./helpers/split-cost.js";

async function costsBy(db: string, by: string): Promise<Record<string, string>> {
  const result = await runFinops(["costs", "--by", by, "--db", db, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  return Object.fromEntries(parseCostsJson(result.stdout).map((l) => [String(l.key), money(l.billedCost)]));
}

describe("EKS split cost allocation data in a CUR 2.0 export", () => {
  const dir = tempDir();
  const csvDb = join(dir.path, "csv.duckdb");
  const parquetDb = join(dir.path, "parquet.duckdb");
  const csv = writeCsv(join(dir.path, "cur-split.csv"), ROWS);
  const dbs = () => [csvDb, parquetDb];

  before(async () => {
    const parquet = await toParquet(csv);
    for (const [db, file] of [
      [csvDb, csv],
      [parquetDb, parquet],
    ] as const) {
      const result = await runFinops(["ingest", file, "--db", db, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { rowsLoaded: number }).rowsLoaded, ROWS.length);
    }
  });
  after(() => dir.remove());

  test("per node-hour, Σ pod split cost + unused cost is the node's cost", async () => {
    const expected = Object.fromEntries(
      HOURS.flatMap((h) => NODES.map((n) => [`${n.id} ${h.slice(0, 13)}`, money(n.cost)])),
    );
    for (const db of dbs()) {
      const rows = await query(
        db,
        `SELECT p.x_SplitParentResourceId || ' ' || strftime(p.ChargePeriodStart, '%Y-%m-%dT%H') AS key,
           CAST(sum(p.x_SplitCost + p.x_SplitUnusedCost) AS VARCHAR) AS split,
           CAST(any_value(n.BilledCost) AS VARCHAR) AS node
         FROM billing p JOIN billing n ON n.ResourceId = p.x_SplitParentResourceId
           AND n.ChargePeriodStart = p.ChargePeriodStart
         WHERE p.x_SplitParentResourceId IS NOT NULL GROUP BY ALL ORDER BY key`,
      );
      assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r.key), money(r.split)])), expected);
      assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r.key), money(r.node)])), expected);
    }
  });

  test("totals by service and account are the file's unblended sums: split rows add nothing", async () => {
    const names: Record<string, string> = {
      AmazonEC2: "Amazon Elastic Compute Cloud",
      AmazonEKS: "Amazon Elastic Kubernetes Service",
      AmazonS3: "Amazon Simple Storage Service",
    };
    const byService = sumBy(
      (r) => names[r.line_item_product_code ?? ""] ?? "",
      (r) => r.line_item_unblended_cost ?? "0",
    );
    const byAccount = sumBy(
      (r) => r.line_item_usage_account_id ?? "",
      (r) => r.line_item_unblended_cost ?? "0",
    );
    assert.equal(byService["Amazon Elastic Kubernetes Service"], "0");
    for (const db of dbs()) {
      assert.deepEqual(await costsBy(db, "service"), byService);
      assert.deepEqual(await costsBy(db, "account"), byAccount);
    }
  });

  test("the split money is only in the x_ columns: ListCost and EffectiveCost count each node once", async () => {
    const nodesAndS3 = ROWS.filter((r) => r.split_line_item_parent_resource_id === undefined);
    const list = sum(nodesAndS3.map((r) => r.pricing_public_on_demand_cost ?? "0"));
    const effective = sum(ROWS.map((r) => r.line_item_unblended_cost ?? "0"));
    for (const db of dbs()) {
      const [row] = await query(
        db,
        `SELECT CAST(sum(ListCost) AS VARCHAR) AS list, CAST(sum(EffectiveCost) AS VARCHAR) AS effective,
           CAST(sum(ListCost) FILTER (WHERE x_SplitParentResourceId IS NOT NULL) AS VARCHAR) AS pod_list,
           count(*) FILTER (WHERE x_SplitCost IS NOT NULL AND x_SplitParentResourceId IS NULL) AS stray
         FROM billing`,
      );
      assert.equal(money(row?.list), list);
      assert.equal(money(row?.effective), effective);
      assert.equal(money(row?.pod_list), "0");
      assert.equal(Number(row?.stray), 0);
    }
  });

  test("the split columns are queryable: cost by namespace, with its usage and ratio", async () => {
    const pods = ROWS.filter((r) => r.split_line_item_parent_resource_id);
    const namespace = (r: Row) =>
      (JSON.parse(r.resource_tags ?? "{}") as Record<string, string>).aws_eks_namespace;
    const expected: Record<string, string> = {};
    for (const ns of new Set(pods.map(namespace))) {
      const mine = pods.filter((r) => namespace(r) === ns);
      expected[String(ns)] = sum(
        mine.flatMap((r) => [r.split_line_item_split_cost ?? "0", r.split_line_item_unused_cost ?? "0"]),
      );
    }
    for (const db of dbs()) {
      const rows = await query(
        db,
        `SELECT json_extract_string(Tags, '$."aws:eks:namespace"') AS ns,
           CAST(sum(x_SplitCost + x_SplitUnusedCost) AS VARCHAR) AS cost, sum(x_SplitUsageRatio) AS ratio,
           sum(x_SplitReservedUsage) AS reserved, count(x_SplitNetCost) AS net,
           count(x_SplitPublicOnDemandUnusedCost) AS od
         FROM billing WHERE x_SplitParentResourceId IS NOT NULL GROUP BY ALL ORDER BY ns`,
      );
      assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r.ns), money(r.cost)])), expected);
      for (const r of rows)
        assert.ok(Number(r.ratio) > 0 && Number(r.reserved) > 0 && Number(r.net) === Number(r.od));
    }
  });

  test("the split tags come out under AWS's keys (aws:eks:*), other tags as before", async () => {
    for (const db of dbs()) {
      const rows = await query(
        db,
        `SELECT DISTINCT CAST(Tags AS VARCHAR) AS tags FROM billing
         WHERE ResourceId LIKE 'arn:aws:eks:%:pod/${CLUSTER}/web/web-7d9f-abcde/%'`,
      );
      assert.equal(rows.length, 1);
      assert.deepEqual(JSON.parse(String(rows[0]?.tags)), {
        "aws:eks:cluster-name": CLUSTER,
        "aws:eks:namespace": "web",
        "aws:eks:node": "ip-10-0-1-1.ec2.internal",
        "aws:eks:workload-name": "web",
        "aws:eks:workload-type": "Deployment",
        "aws:eks:deployment": "web",
        team: "web",
      });
      const [node] = await query(
        db,
        `SELECT DISTINCT CAST(Tags AS VARCHAR) AS tags FROM billing WHERE ResourceId = '${NODES[0]?.id}'`,
      );
      assert.deepEqual(JSON.parse(String(node?.tags)), { team: "platform", "aws:createdBy": "eks" });
    }
  });
});

describe("bad split cost allocation data: named and counted, the load refused", () => {
  const dir = tempDir();
  const db = join(dir.path, "bad.duckdb");
  after(() => dir.remove());

  async function refused(name: string, rows: Row[], where: number, tail: string) {
    const csv = writeCsv(join(dir.path, `${name}.csv`), rows);
    for (const [file, label] of [
      [csv, `${name}\\.csv: row ${where} \\(line ${where + 1}\\)`],
      [await toParquet(csv), `${name}\\.parquet: row ${where}`],
    ] as const) {
      const result = await runFinops(["ingest", file, "--db", db, "--json"]);
      assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`${label}, column ${tail}`));
      const [count] = await query(db, "SELECT count(*) AS n FROM billing");
      assert.equal(Number(count?.n), 0, "nothing loaded");
    }
  }

  test("a pod in one part of the export and its node in another: the load checks the whole load", async () => {
    const isPod = (r: Row) => r.split_line_item_parent_resource_id !== undefined;
    const pods = writeCsv(join(dir.path, "part-1.csv"), ROWS.filter(isPod));
    const nodes = writeCsv(
      join(dir.path, "part-2.csv"),
      ROWS.filter((r) => !isPod(r)),
    );
    const parts = join(dir.path, "parts.duckdb");
    const result = await runFinops(["ingest", pods, nodes, "--db", parts, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { rowsLoaded: number }).rowsLoaded, ROWS.length);
  });

  test("a split row whose parent node has no row in the file", async () => {
    // The second node's rows of the first hour left out: its pods' rows name a node with no row.
    const gone = NODES[1]?.id;
    const rows = ROWS.filter(
      (r) => !(r.line_item_resource_id === gone && r.line_item_usage_start_date === HOURS[0]),
    );
    const first = rows.findIndex((r) => r.split_line_item_parent_resource_id === gone) + 1;
    const orphans = rows.filter(
      (r) => r.split_line_item_parent_resource_id === gone && r.line_item_usage_start_date === HOURS[0],
    ).length;
    assert.equal(orphans, 6);
    await refused(
      "orphan",
      rows,
      first,
      `split_line_item_parent_resource_id: a split row whose parent node ${gone} has no row for that hour in this load.*\\(${orphans} such rows in the file\\)`,
    );
  });

  test("a pod row without its cluster tag", async () => {
    const index = ROWS.findIndex((r) => r.split_line_item_parent_resource_id !== undefined);
    const row = ROWS[index] as Row;
    const tags = JSON.parse(row.resource_tags ?? "{}") as Record<string, string>;
    delete tags.aws_eks_cluster_name;
    const rows = ROWS.map((r, i) => (i === index ? { ...r, resource_tags: JSON.stringify(tags) } : r));
    await refused(
      "no-cluster",
      rows,
      index + 1,
      "resource_tags: an EKS pod row without its cluster tag \\(aws_eks_cluster_name\\).*\\(1 such row in the file\\)",
    );
  });
});
