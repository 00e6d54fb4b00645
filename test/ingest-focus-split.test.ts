import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { stringify } from "csv-stringify/sync";
import { runFinops } from "./helpers/cli.js";
import { fromScaled, parseCostsJson, toScaled } from "./helpers/decimal.js";
import { readDatabase, tempDir } from "./helpers/project.js";

// EKS split cost allocation data in a FOCUS file (issue 18, item 5): FOCUS has no split columns, so they
// come as custom x_ columns under finops's own names, and load and are checked as CUR 2.0's do. Two
// nodes over two days, each pod two rows (CPU, memory) billing nothing; per node-day Σ split + unused =
// the node's EffectiveCost. Every expected figure is computed here from the rows.

type Row = Record<string, string>;

const PAYER = "111122223333";
const ACCOUNT = "444455556666";
const DAYS = ["2024-10-01T00:00:00Z", "2024-10-02T00:00:00Z"];
const NEXT: Record<string, string> = {
  "2024-10-01T00:00:00Z": "2024-10-02T00:00:00Z",
  "2024-10-02T00:00:00Z": "2024-10-03T00:00:00Z",
};

const COLUMNS = [
  "BillingAccountId",
  "BillingCurrency",
  "BillingPeriodStart",
  "BillingPeriodEnd",
  "ChargePeriodStart",
  "ChargePeriodEnd",
  "ProviderName",
  "SubAccountId",
  "RegionId",
  "ResourceId",
  "ServiceName",
  "ServiceCategory",
  "SkuMeter",
  "ChargeCategory",
  "PricingQuantity",
  "PricingUnit",
  "ListCost",
  "BilledCost",
  "EffectiveCost",
  "Tags",
  "x_SplitParentResourceId",
  "x_SplitCost",
  "x_SplitUnusedCost",
  "x_SplitNetCost",
  "x_SplitNetUnusedCost",
  "x_SplitPublicOnDemandCost",
  "x_SplitPublicOnDemandUnusedCost",
  "x_SplitUsage",
  "x_SplitReservedUsage",
  "x_SplitActualUsage",
  "x_SplitUsageRatio",
];

const NODES = [
  { id: "i-0aaaaaaaaaaaaaaa1", name: "ip-10-0-1-1.ec2.internal", cost: "2.304", effective: "1.6128" },
  { id: "i-0bbbbbbbbbbbbbbb2", name: "ip-10-0-1-2.ec2.internal", cost: "4.608", effective: "4.608" },
];

const PODS: Record<string, { namespace: string; pod: string; cpu: string; memory: string }[]> = {
  "i-0aaaaaaaaaaaaaaa1": [
    { namespace: "kube-system", pod: "aws-node-x1y2z", cpu: "0.0252", memory: "0.0084" },
    { namespace: "payments", pod: "payments-api-7d9f-abcde", cpu: "0.6048", memory: "0.2016" },
  ],
  "i-0bbbbbbbbbbbbbbb2": [
    { namespace: "kube-system", pod: "aws-node-q8r7s", cpu: "0.0504", memory: "0.0168" },
    { namespace: "search", pod: "search-api-5c4b-pqrst", cpu: "1.2096", memory: "0.4032" },
    { namespace: "search", pod: "indexer-0", cpu: "0.9072", memory: "0.3024" },
  ],
};

function base(day: string): Row {
  return {
    BillingAccountId: PAYER,
    BillingCurrency: "USD",
    BillingPeriodStart: "2024-10-01T00:00:00Z",
    BillingPeriodEnd: "2024-11-01T00:00:00Z",
    ChargePeriodStart: day,
    ChargePeriodEnd: NEXT[day] ?? "",
    ProviderName: "AWS",
    SubAccountId: ACCOUNT,
    RegionId: "us-east-1",
    ChargeCategory: "Usage",
  };
}

function nodeRow(node: (typeof NODES)[number], day: string): Row {
  return {
    ...base(day),
    ResourceId: node.id,
    ServiceName: "Amazon Elastic Compute Cloud",
    ServiceCategory: "Compute",
    SkuMeter: "USE1-BoxUsage:m5.xlarge",
    PricingQuantity: "24",
    PricingUnit: "Hours",
    ListCost: node.cost,
    BilledCost: node.cost,
    EffectiveCost: node.effective,
    Tags: JSON.stringify({ team: "platform" }),
  };
}

/** A node-day's pod rows: unused = the node's EffectiveCost - Σ split, on each pod's memory row. */
function podRows(node: (typeof NODES)[number], day: string): Row[] {
  const pods = PODS[node.id] ?? [];
  const split = pods.reduce((t, p) => t + toScaled(p.cpu) + toScaled(p.memory), 0n);
  const unused = toScaled(node.effective) - split;
  const share = unused / BigInt(pods.length);
  return pods.flatMap((p, i) =>
    (["vCPU", "GB"] as const).map((kind) => {
      const rowUnused =
        kind === "vCPU" ? 0n : i === pods.length - 1 ? unused - share * BigInt(pods.length - 1) : share;
      const cost = kind === "vCPU" ? p.cpu : p.memory;
      const workload = p.pod.replace(/-[a-z0-9]+(-[a-z0-9]+)?$/, "");
      return {
        ...base(day),
        ResourceId: `arn:aws:eks:us-east-1:${ACCOUNT}:pod/prod/${p.namespace}/${p.pod}/0b1c2d3e-${i}`,
        ServiceName: "Amazon Elastic Kubernetes Service",
        ServiceCategory: "Compute",
        SkuMeter: `USE1-EKS-EC2-${kind}-Hours`,
        PricingQuantity: kind === "vCPU" ? "12" : "48",
        PricingUnit: `${kind}-Hours`,
        ListCost: "0",
        BilledCost: "0",
        EffectiveCost: "0",
        Tags: JSON.stringify({
          "aws:eks:cluster-name": "prod",
          "aws:eks:namespace": p.namespace,
          "aws:eks:node": node.name,
          "aws:eks:workload-name": workload,
          "aws:eks:workload-type": p.namespace === "kube-system" ? "DaemonSet" : "Deployment",
        }),
        x_SplitParentResourceId: node.id,
        x_SplitCost: cost,
        x_SplitUnusedCost: fromScaled(rowUnused),
        x_SplitNetCost: cost,
        x_SplitNetUnusedCost: fromScaled(rowUnused),
        x_SplitPublicOnDemandCost: cost,
        x_SplitPublicOnDemandUnusedCost: fromScaled(rowUnused),
        x_SplitUsage: kind === "vCPU" ? "12" : "48",
        x_SplitReservedUsage: kind === "vCPU" ? "12" : "48",
        x_SplitActualUsage: kind === "vCPU" ? "6" : "40",
        x_SplitUsageRatio: "0.125",
      };
    }),
  );
}

const ROWS: Row[] = DAYS.flatMap((day) =>
  NODES.flatMap((node) => [nodeRow(node, day), ...podRows(node, day)]),
);

function writeCsv(path: string, rows: Row[]): string {
  writeFileSync(path, stringify([COLUMNS, ...rows.map((row) => COLUMNS.map((c) => row[c] ?? ""))]));
  return path;
}

const money = (value: unknown) => fromScaled(toScaled(String(value ?? "0")));
const sum = (values: string[]) => fromScaled(values.reduce((t, v) => t + toScaled(v || "0"), 0n));

describe("EKS split cost allocation data in a FOCUS file (x_Split* columns)", () => {
  const dir = tempDir();
  const db = join(dir.path, "focus.duckdb");
  const csv = writeCsv(join(dir.path, "focus-split.csv"), ROWS);

  before(async () => {
    const result = await runFinops(["ingest", csv, "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { rowsLoaded: number }).rowsLoaded, ROWS.length);
  });
  after(() => dir.remove());

  test("per node-day, Σ pod split cost + unused cost is the node's EffectiveCost", async () => {
    const expected = Object.fromEntries(
      DAYS.flatMap((d) => NODES.map((n) => [`${n.id} ${d.slice(0, 10)}`, money(n.effective)])),
    );
    const rows = await readDatabase(
      db,
      `SELECT p.x_SplitParentResourceId || ' ' || strftime(p.ChargePeriodStart, '%Y-%m-%d') AS key,
         CAST(sum(p.x_SplitCost + p.x_SplitUnusedCost) AS VARCHAR) AS split,
         CAST(any_value(n.EffectiveCost) AS VARCHAR) AS node
       FROM billing p JOIN billing n ON n.ResourceId = p.x_SplitParentResourceId
         AND n.ChargePeriodStart = p.ChargePeriodStart
       WHERE p.x_SplitParentResourceId IS NOT NULL GROUP BY ALL ORDER BY key`,
    );
    assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r.key), money(r.split)])), expected);
    assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r.key), money(r.node)])), expected);
  });

  test("totals by service are the file's sums: the split rows add nothing", async () => {
    const result = await runFinops(["costs", "--by", "service", "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const lines = parseCostsJson(result.stdout);
    const byService = Object.fromEntries(lines.map((l) => [String(l.key), money(l.effectiveCost)]));
    const node = (r: Row) => r.x_SplitParentResourceId === undefined;
    assert.deepEqual(byService, {
      "Amazon Elastic Compute Cloud": sum(ROWS.filter(node).map((r) => r.EffectiveCost ?? "0")),
      "Amazon Elastic Kubernetes Service": "0",
    });
  });

  test("the x_ columns are kept on the pod rows only, typed, and the tags as written", async () => {
    const [row] = await readDatabase(
      db,
      `SELECT count(*) FILTER (WHERE x_SplitParentResourceId IS NOT NULL) AS pods,
         count(*) FILTER (WHERE x_SplitCost IS NOT NULL AND x_SplitParentResourceId IS NULL) AS stray,
         CAST(sum(x_SplitPublicOnDemandUnusedCost) AS VARCHAR) AS od_unused,
         sum(x_SplitUsage) FILTER (WHERE SkuMeter LIKE '%vCPU%') AS cpu_hours,
         count(*) FILTER (WHERE json_extract_string(Tags, '$."aws:eks:namespace"') = 'search') AS search
       FROM billing`,
    );
    const pods = ROWS.filter((r) => r.x_SplitParentResourceId);
    assert.equal(Number(row?.pods), pods.length);
    assert.equal(Number(row?.stray), 0);
    assert.equal(money(row?.od_unused), sum(pods.map((r) => r.x_SplitPublicOnDemandUnusedCost ?? "0")));
    assert.equal(Number(row?.cpu_hours), 12 * (pods.length / 2));
    assert.equal(Number(row?.search), 8);
  });
});

describe("bad split data in a FOCUS file: named and counted, the load refused", () => {
  const dir = tempDir();
  const db = join(dir.path, "bad.duckdb");
  after(() => dir.remove());

  async function refused(name: string, rows: Row[], where: number, tail: string) {
    const file = writeCsv(join(dir.path, `${name}.csv`), rows);
    const result = await runFinops(["ingest", file, "--db", db, "--json"]);
    assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
    assert.match(
      result.stderr,
      new RegExp(`${name}\\.csv: row ${where} \\(line ${where + 1}\\), column ${tail}`),
    );
    const [count] = await readDatabase(db, "SELECT count(*) AS n FROM billing");
    assert.equal(Number(count?.n), 0, "nothing loaded");
  }

  test("a split row whose parent node has no row for that charge period", async () => {
    const gone = NODES[1]?.id;
    const rows = ROWS.filter((r) => !(r.ResourceId === gone && r.ChargePeriodStart === DAYS[1]));
    const orphan = (r: Row) => r.x_SplitParentResourceId === gone && r.ChargePeriodStart === DAYS[1];
    const first = rows.findIndex(orphan) + 1;
    const orphans = rows.filter(orphan).length;
    assert.equal(orphans, 6);
    await refused(
      "orphan",
      rows,
      first,
      `x_SplitParentResourceId: a split row whose parent node ${gone} has no row for that charge period in this load.*\\(${orphans} such rows in the file\\)`,
    );
  });

  test("a pod row without its cluster tag", async () => {
    const index = ROWS.findLastIndex((r) => r.x_SplitParentResourceId !== undefined);
    const row = ROWS[index] as Row;
    const tags = JSON.parse(row.Tags ?? "{}") as Record<string, string>;
    delete tags["aws:eks:cluster-name"];
    const rows = ROWS.map((r, i) => (i === index ? { ...r, Tags: JSON.stringify(tags) } : r));
    await refused(
      "no-cluster",
      rows,
      index + 1,
      "Tags: an EKS pod row without its cluster tag \\(aws:eks:cluster-name\\).*\\(1 such row in the file\\)",
    );
  });

  test("a split row that bills money itself: the node's money would count twice", async () => {
    const index = ROWS.findIndex((r) => r.x_SplitParentResourceId !== undefined);
    const rows = ROWS.map((r, i) => (i === index ? { ...r, EffectiveCost: "0.0252" } : r));
    await refused(
      "pod-money",
      rows,
      index + 1,
      "EffectiveCost: a split row .* with EffectiveCost other than 0: .*count twice \\(1 such row in the file\\)",
    );
  });
});
