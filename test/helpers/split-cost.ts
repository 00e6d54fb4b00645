import { writeFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { stringify } from "csv-stringify/sync";
import { fromScaled, toScaled } from "./decimal.js";
import { readDatabase } from "./project.js";

/** The rows of a query on a test database. */
export const query = readDatabase;

// EKS split cost allocation data in a CUR 2.0 export (issue 18, item 1): two nodes over two hours, pods
// in two namespaces, each pod two rows (CPU, memory) that bill nothing and carry split and unused cost,
// per node-hour adding up to the node's own cost. Every expected figure is computed here from the rows.

export type Row = Record<string, string>;

export const PAYER = "111122223333";
export const CLUSTER = "prod";
export const HOURS = ["2024-10-01T00:00:00Z", "2024-10-01T01:00:00Z"];
export const NEXT: Record<string, string> = {
  "2024-10-01T00:00:00Z": "2024-10-01T01:00:00Z",
  "2024-10-01T01:00:00Z": "2024-10-01T02:00:00Z",
};

export const COLUMNS = [
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
export const NUMBERS = COLUMNS.filter(
  (c) =>
    (c.startsWith("split_line_item_") && c !== "split_line_item_parent_resource_id") ||
    ["line_item_unblended_cost", "line_item_usage_amount", "pricing_public_on_demand_cost"].includes(c),
);

export const EC2 = JSON.stringify({ product_name: "Amazon Elastic Compute Cloud", region: "us-east-1" });
export const EKS = JSON.stringify({ product_name: "Amazon Elastic Kubernetes Service", region: "us-east-1" });

export function base(account: string, hour: string): Row {
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
export const NODES = [
  { id: "i-0aaa1111bbbb2222c", account: "444455556666", cost: "0.192", name: "ip-10-0-1-1.ec2.internal" },
  { id: "i-0ddd3333eeee4444f", account: "777788889999", cost: "0.384", name: "ip-10-0-2-2.ec2.internal" },
];
/** Pods per node: namespace, name, CPU and memory split cost per hour. */
export const PODS: Record<string, { namespace: string; pod: string; cpu: string; memory: string }[]> = {
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

export function nodeRow(node: (typeof NODES)[number], hour: string): Row {
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
export function podRows(
  node: (typeof NODES)[number],
  hour: string,
  pods: (typeof PODS)[string] = PODS[node.id] ?? [],
): Row[] {
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

export const S3: Row = {
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

export const ROWS: Row[] = [
  ...HOURS.flatMap((hour) => NODES.flatMap((node) => [nodeRow(node, hour), ...podRows(node, hour)])),
  S3,
];

export function writeCsv(path: string, rows: Row[], columns: readonly string[] = COLUMNS): string {
  writeFileSync(path, stringify([columns, ...rows.map((row) => columns.map((c) => row[c] ?? ""))]));
  return path;
}

/** The CSV as Parquet: numbers typed, resource_tags and product as MAP(VARCHAR, VARCHAR), as CUR 2.0 writes them. */
export async function toParquet(csv: string): Promise<string> {
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

export const money = (value: unknown) => fromScaled(toScaled(String(value ?? "0")));
export const sum = (values: string[]) => fromScaled(values.reduce((t, v) => t + toScaled(v || "0"), 0n));

export function sumBy(key: (r: Row) => string, value: (r: Row) => string): Record<string, string> {
  const out: Record<string, string[]> = {};
  for (const row of ROWS) {
    const k = key(row);
    out[k] = [...(out[k] ?? []), value(row)];
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, sum(v)]));
}
