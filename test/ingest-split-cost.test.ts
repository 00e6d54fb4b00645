import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { stringify } from "csv-stringify/sync";
import { runFinops } from "./helpers/cli.js";
import { fromScaled, parseCostsJson, toScaled } from "./helpers/decimal.js";
import { tempDir } from "./helpers/project.js";

// EKS split cost allocation data in a CUR 2.0 export (issue 18, item 1): two nodes over two hours, pods
// in two namespaces, each pod two rows (CPU, memory) that bill nothing and carry split and unused cost,
// per node-hour adding up to the node's own cost. Every expected figure is computed here from the rows.

type Row = Record<string, string>;

const PAYER = "111122223333";
const CLUSTER = "prod";
const HOURS = ["2024-10-01T00:00:00Z", "2024-10-01T01:00:00Z"];
const NEXT: Record<string, string> = {
  "2024-10-01T00:00:00Z": "2024-10-01T01:00:00Z",
  "2024-10-01T01:00:00Z": "2024-10-01T02:00:00Z",
};

const COLUMNS = [
  "bill_billing_period_start_date",
  "bill_billing_period_end_date",
  "bill_payer_account_id",
  "line_item_usage_account_id",
  "line_item_line_item_type",
  "line_item_product_code",
  "line_item_currency_code",
  "line_item_unblended_cost",
  "line_item_usage_start_date",
  "line_item_usage_end_date",
  "line_item_usage_amount",
  "line_item_usage_type",
  "line_item_resource_id",
  "pricing_public_on_demand_cost",
  "product",
  "resource_tags",
  "split_line_item_parent_resource_id",
  "split_line_item_split_cost",
  "split_line_item_unused_cost",
  "split_line_item_net_split_cost",
  "split_line_item_net_unused_cost",
  "split_line_item_public_on_demand_split_cost",
  "split_line_item_public_on_demand_unused_cost",
  "split_line_item_split_usage",
  "split_line_item_reserved_usage",
  "split_line_item_actual_usage",
  "split_line_item_split_usage_ratio",
];
const NUMBERS = COLUMNS.filter(
  (c) =>
    (c.startsWith("split_line_item_") && c !== "split_line_item_parent_resource_id") ||
    ["line_item_unblended_cost", "line_item_usage_amount", "pricing_public_on_demand_cost"].includes(c),
);

const EC2 = JSON.stringify({ product_name: "Amazon Elastic Compute Cloud", region: "us-east-1" });
const EKS = JSON.stringify({ product_name: "Amazon Elastic Kubernetes Service", region: "us-east-1" });

function base(account: string, hour: string): Row {
  return {
    bill_billing_period_start_date: "2024-10-01T00:00:00Z",
    bill_billing_period_end_date: "2024-11-01T00:00:00Z",
    bill_payer_account_id: PAYER,
    line_item_usage_account_id: account,
    line_item_line_item_type: "Usage",
    line_item_currency_code: "USD",
    line_item_usage_start_date: hour,
    line_item_usage_end_date: NEXT[hour] ?? "",
  };
}

/** Nodes: instance id, account, hourly cost (unblended = public on-demand). */
const NODES = [
  { id: "i-0aaa1111bbbb2222c", account: "444455556666", cost: "0.192", name: "ip-10-0-1-1.ec2.internal" },
  { id: "i-0ddd3333eeee4444f", account: "777788889999", cost: "0.384", name: "ip-10-0-2-2.ec2.internal" },
];
/** Pods per node: namespace, name, CPU and memory split cost per hour. */
const PODS: Record<string, { namespace: string; pod: string; cpu: string; memory: string }[]> = {
  "i-0aaa1111bbbb2222c": [
    { namespace: "web", pod: "web-7d9f-abcde", cpu: "0.061", memory: "0.023" },
    { namespace: "batch", pod: "batch-5c4b-fghij", cpu: "0.040", memory: "0.018" },
  ],
  "i-0ddd3333eeee4444f": [
    { namespace: "web", pod: "web-7d9f-klmno", cpu: "0.090", memory: "0.050" },
    { namespace: "batch", pod: "batch-5c4b-pqrst", cpu: "0.120", memory: "0.044" },
    { namespace: "batch", pod: "batch-5c4b-uvwxy", cpu: "0.010", memory: "0.006" },
  ],
};

function nodeRow(node: (typeof NODES)[number], hour: string): Row {
  return {
    ...base(node.account, hour),
    line_item_product_code: "AmazonEC2",
    line_item_unblended_cost: node.cost,
    line_item_usage_amount: "1",
    line_item_usage_type: "USE1-BoxUsage:m5.xlarge",
    line_item_resource_id: node.id,
    pricing_public_on_demand_cost: node.cost,
    product: EC2,
    resource_tags: JSON.stringify({ user_team: "platform", aws_createdBy: "eks" }),
  };
}

/** The pod rows of one node-hour: the unused cost divided evenly over the rows, the last one the rest. */
function podRows(node: (typeof NODES)[number], hour: string): Row[] {
  const pods = PODS[node.id] ?? [];
  const split = pods.reduce((t, p) => t + toScaled(p.cpu) + toScaled(p.memory), 0n);
  const unused = toScaled(node.cost) - split;
  const count = BigInt(pods.length * 2);
  const share = unused / count;
  const rows: Row[] = [];
  for (const [i, p] of pods.entries()) {
    for (const [kind, cost] of [
      ["vCPU", p.cpu],
      ["GB", p.memory],
    ] as const) {
      const last = i === pods.length - 1 && kind === "GB";
      const rowUnused = last ? unused - share * (count - 1n) : share;
      rows.push({
        ...base(node.account, hour),
        line_item_product_code: "AmazonEKS",
        line_item_unblended_cost: "0",
        line_item_usage_amount: kind === "vCPU" ? "0.5" : "1.25",
        line_item_usage_type: `USE1-EKS-EC2-${kind}-Hours`,
        line_item_resource_id: `arn:aws:eks:us-east-1:${node.account}:pod/${CLUSTER}/${p.namespace}/${p.pod}/0b1c2d3e-${i}`,
        // An export may fill the pod row's public cost: it must not add to ListCost (the node's has it).
        pricing_public_on_demand_cost: kind === "vCPU" ? cost : "",
        product: EKS,
        resource_tags: JSON.stringify({
          aws_eks_cluster_name: CLUSTER,
          aws_eks_namespace: p.namespace,
          aws_eks_node: node.name,
          aws_eks_workload_name: p.pod.split("-")[0],
          aws_eks_workload_type: "Deployment",
          aws_eks_deployment: p.pod.split("-")[0],
          user_team: p.namespace,
        }),
        split_line_item_parent_resource_id: node.id,
        split_line_item_split_cost: cost,
        split_line_item_unused_cost: fromScaled(rowUnused),
        split_line_item_net_split_cost: cost,
        split_line_item_net_unused_cost: fromScaled(rowUnused),
        split_line_item_public_on_demand_split_cost: cost,
        split_line_item_public_on_demand_unused_cost: fromScaled(rowUnused),
        split_line_item_split_usage: kind === "vCPU" ? "0.5" : "1.25",
        split_line_item_reserved_usage: kind === "vCPU" ? "0.5" : "1",
        split_line_item_actual_usage: kind === "vCPU" ? "0.3" : "1.25",
        split_line_item_split_usage_ratio: kind === "vCPU" ? "0.125" : "0.078125",
      });
    }
  }
  return rows;
}

const S3: Row = {
  ...base("444455556666", "2024-10-01T00:00:00Z"),
  line_item_product_code: "AmazonS3",
  line_item_unblended_cost: "1.25",
  line_item_usage_amount: "50",
  line_item_usage_type: "TimedStorage-ByteHrs",
  line_item_resource_id: "my-bucket",
  pricing_public_on_demand_cost: "1.25",
  product: JSON.stringify({ product_name: "Amazon Simple Storage Service", region: "us-east-1" }),
  resource_tags: "",
};

const ROWS: Row[] = [
  ...HOURS.flatMap((hour) => NODES.flatMap((node) => [nodeRow(node, hour), ...podRows(node, hour)])),
  S3,
];

function writeCsv(path: string, rows: Row[]): string {
  writeFileSync(path, stringify([COLUMNS, ...rows.map((row) => COLUMNS.map((c) => row[c] ?? ""))]));
  return path;
}

/** The CSV as Parquet: numbers typed, resource_tags and product as MAP(VARCHAR, VARCHAR), as CUR 2.0 writes them. */
async function toParquet(csv: string): Promise<string> {
  const parquet = csv.replace(/\.csv$/, ".parquet");
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  try {
    const connection = await instance.connect();
    const casts = [
      ...NUMBERS.map((n) => `CAST(NULLIF("${n}", '') AS DOUBLE) AS "${n}"`),
      ...["product", "resource_tags"].map(
        (n) => `CAST(CAST(coalesce(NULLIF("${n}", ''), '{}') AS JSON) AS MAP(VARCHAR, VARCHAR)) AS "${n}"`,
      ),
    ];
    await connection.run(
      `COPY (SELECT * REPLACE (${casts.join(", ")}) FROM read_csv('${csv}', all_varchar = true))
       TO '${parquet}' (FORMAT parquet)`,
    );
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
  return parquet;
}

async function query(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(db, { access_mode: "READ_ONLY" });
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson();
    connection.closeSync();
    return rows as Record<string, unknown>[];
  } finally {
    instance.closeSync();
  }
}

const money = (value: unknown) => fromScaled(toScaled(String(value ?? "0")));
const sum = (values: string[]) => fromScaled(values.reduce((t, v) => t + toScaled(v || "0"), 0n));

function sumBy(key: (r: Row) => string, value: (r: Row) => string): Record<string, string> {
  const out: Record<string, string[]> = {};
  for (const row of ROWS) {
    const k = key(row);
    out[k] = [...(out[k] ?? []), value(row)];
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, sum(v)]));
}

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
