import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { parseCostsJson } from "./helpers/decimal.js";
import { tempDir } from "./helpers/project.js";
import {
  base,
  CLUSTER,
  COLUMNS,
  EC2,
  EKS,
  HOURS,
  money,
  NODES,
  PODS,
  podRows,
  ROWS,
  type Row,
  sum,
  toParquet,
  writeCsv,
} from "./helpers/split-cost.js";

// `finops costs --by cluster|namespace|workload|node` (issue 18, item 2) over split cost allocation data:
// the fixture's two on-demand nodes, plus what a real bill has around them, each expected figure
// computed here from the rows: a node covered by a Savings Plan (billed and effective differ), the
// node's data transfer (billed under the instance, not divided among pods), the EKS control plane, and
// a node of another cluster without split data.

const SP_ARN = "arn:aws:savingsplans::111122223333:savingsplan/8d5e5c1a-0000-4000-8000-000000000001";
const COVERED = {
  id: "i-0fff5555aaaa6666b",
  account: "444455556666",
  cost: "0.12",
  name: "ip-10-0-3-3.ec2.internal",
};
const COVERED_PODS = [
  { namespace: "web", pod: "web-7d9f-zzzzz", cpu: "0.030", memory: "0.017" },
  { namespace: "search", pod: "search-1a2b-yyyyy", cpu: "0.021", memory: "0.009" },
];
const HOUR = HOURS[0] ?? "";
// With the family's amortization columns, so the covered hour's EffectiveCost is the plan's rate.
const EXTRA_COLUMNS = [
  ...COLUMNS,
  "savings_plan_savings_plan_a_r_n",
  "savings_plan_savings_plan_effective_cost",
  "savings_plan_total_commitment_to_date",
  "savings_plan_used_commitment",
];

const ec2 = (account: string, over: Row): Row => ({
  ...base(account, HOUR),
  line_item_product_code: "AmazonEC2",
  line_item_usage_amount: "1",
  product: EC2,
  ...over,
});
const EXTRA: Row[] = [
  ec2(COVERED.account, {
    line_item_line_item_type: "SavingsPlanCoveredUsage",
    line_item_unblended_cost: "0.192",
    line_item_usage_type: "USE1-BoxUsage:m5.xlarge",
    line_item_resource_id: COVERED.id,
    pricing_public_on_demand_cost: "0.192",
    savings_plan_savings_plan_a_r_n: SP_ARN,
    savings_plan_savings_plan_effective_cost: COVERED.cost,
  }),
  ec2(COVERED.account, {
    line_item_line_item_type: "SavingsPlanNegation",
    line_item_unblended_cost: "-0.192",
    line_item_usage_type: "USE1-BoxUsage:m5.xlarge",
    line_item_resource_id: COVERED.id,
    savings_plan_savings_plan_a_r_n: SP_ARN,
  }),
  ...podRows(COVERED, HOUR, COVERED_PODS),
  ec2(NODES[0]?.account ?? "", {
    line_item_unblended_cost: "0.01",
    line_item_usage_amount: "1",
    line_item_usage_type: "USE1-DataTransfer-Regional-Bytes",
    line_item_resource_id: NODES[0]?.id ?? "",
    pricing_public_on_demand_cost: "0.01",
  }),
  {
    ...base("444455556666", HOUR),
    line_item_product_code: "AmazonEKS",
    line_item_unblended_cost: "0.10",
    line_item_usage_amount: "1",
    line_item_usage_type: "USE1-AmazonEKS-Hours:perCluster",
    line_item_resource_id: `arn:aws:eks:us-east-1:444455556666:cluster/${CLUSTER}`,
    pricing_public_on_demand_cost: "0.10",
    product: EKS,
  },
  ec2("777788889999", {
    line_item_unblended_cost: "0.096",
    line_item_usage_type: "USE1-BoxUsage:m5.large",
    line_item_resource_id: "i-0ccc7777dddd8888e",
    pricing_public_on_demand_cost: "0.096",
    resource_tags: JSON.stringify({ "user_eks:cluster-name": "staging" }),
  }),
];
const ALL = [...ROWS, ...EXTRA];

type Lines = Record<string, { billed: string; effective: string; idle: boolean | undefined }>;

const tags = (r: Row) => JSON.parse(r.resource_tags || "{}") as Record<string, string>;
const pods = ALL.filter((r) => r.split_line_item_parent_resource_id);
/** Σ of a column over the pod rows grouped by a key. */
function podSums(key: (r: Row) => string, column: string): Record<string, string> {
  const out: Record<string, string[]> = {};
  for (const r of pods) out[key(r)] = [...(out[key(r)] ?? []), r[column] ?? "0"];
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, sum(v)]));
}

describe("finops costs --by cluster | namespace | workload | node, from split cost allocation data", () => {
  const dir = tempDir();
  const dbs: string[] = [];
  const lines = new Map<string, Lines>();

  before(async () => {
    const csv = writeCsv(join(dir.path, "cur-split.csv"), ALL, EXTRA_COLUMNS);
    for (const file of [csv, await toParquet(csv)]) {
      const db = join(dir.path, `${dbs.length}.duckdb`);
      const loaded = await runFinops(["ingest", file, "--db", db, "--json"]);
      assert.equal(loaded.code, 0, loaded.stderr);
      dbs.push(db);
    }
    for (const [i, db] of dbs.entries()) {
      for (const by of ["cluster", "namespace", "workload", "node", "service"]) {
        const result = await runFinops(["costs", "--by", by, "--db", db, "--json"]);
        assert.equal(result.code, 0, result.stderr);
        const parsed = JSON.parse(result.stdout) as { key: string | null; idle?: boolean }[];
        const costs = parseCostsJson(result.stdout);
        lines.set(
          `${i} ${by}`,
          Object.fromEntries(
            costs.map((l, n) => [
              String(l.key),
              { billed: money(l.billedCost), effective: money(l.effectiveCost), idle: parsed[n]?.idle },
            ]),
          ),
        );
      }
    }
  });
  after(() => dir.remove());

  const each = (by: string, check: (l: Lines) => void) => {
    for (const i of dbs.keys()) check(lines.get(`${i} ${by}`) ?? {});
  };
  const effective = (l: Lines) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.effective]));
  const total = (l: Lines, pick: "billed" | "effective") => sum(Object.values(l).map((v) => v[pick]));
  const invoice = {
    billed: sum(ALL.map((r) => r.line_item_unblended_cost ?? "0")),
    // Amortized: the covered hour at the plan's rate, its negation nothing.
    effective: sum(
      ALL.map((r) =>
        r.line_item_line_item_type === "SavingsPlanNegation"
          ? "0"
          : r.savings_plan_savings_plan_effective_cost || r.line_item_unblended_cost || "0",
      ),
    ),
  };

  test("every dimension adds up to the invoice: billed and effective, split rows counted once", () => {
    for (const by of ["cluster", "namespace", "workload", "node", "service"]) {
      each(by, (l) => {
        assert.equal(total(l, "billed"), invoice.billed, `${by} billed`);
        assert.equal(total(l, "effective"), invoice.effective, `${by} effective`);
      });
    }
  });

  test("by namespace: each namespace its pods' split cost; the unused cost its cluster's (idle) key", () => {
    const byNamespace = podSums(
      (r) => `${CLUSTER}/${tags(r).aws_eks_namespace}`,
      "split_line_item_split_cost",
    );
    const expected = {
      ...byNamespace,
      [`${CLUSTER}/(idle)`]: sum(pods.map((r) => r.split_line_item_unused_cost ?? "0")),
      [`${CLUSTER}/(not split)`]: "0.1",
      "staging/(not split)": "0.096",
      // S3 and the node's data transfer, which no pod used.
      null: sum(["1.25", "0.01"]),
    };
    each("namespace", (l) => {
      assert.deepEqual(effective(l), expected);
      assert.equal(l[`${CLUSTER}/(idle)`]?.idle, true);
      assert.equal(l[`${CLUSTER}/web`]?.idle, false);
    });
  });

  test("by workload and by cluster: the same split, keyed finer and coarser", () => {
    const byWorkload = podSums(
      (r) => `${CLUSTER}/${tags(r).aws_eks_namespace}/${tags(r).aws_eks_workload_name}`,
      "split_line_item_split_cost",
    );
    const unused = sum(pods.map((r) => r.split_line_item_unused_cost ?? "0"));
    each("workload", (l) => {
      for (const [key, value] of Object.entries(byWorkload)) assert.equal(l[key]?.effective, value, key);
      assert.equal(l[`${CLUSTER}/(idle)`]?.effective, unused);
    });
    const split = sum(pods.map((r) => r.split_line_item_split_cost ?? "0"));
    each("cluster", (l) => {
      assert.deepEqual(effective(l), {
        [CLUSTER]: sum([split, "0.1"]),
        [`${CLUSTER} (idle)`]: unused,
        staging: "0.096",
        null: sum(["1.25", "0.01"]),
      });
    });
  });

  test("by node: a node's pods and its idle part add up to its instance-hours, not its data transfer", () => {
    const nodes = [...NODES, COVERED];
    each("node", (l) => {
      for (const node of nodes) {
        const mine = pods.filter((r) => r.split_line_item_parent_resource_id === node.id);
        const split = sum(mine.map((r) => r.split_line_item_split_cost ?? "0"));
        const unused = sum(mine.map((r) => r.split_line_item_unused_cost ?? "0"));
        assert.equal(l[node.id]?.effective, split, node.id);
        assert.equal(l[`${node.id} (idle)`]?.effective, unused, node.id);
        assert.equal(l[`${node.id} (idle)`]?.idle, true);
        const hours = node === COVERED ? 1 : HOURS.length;
        assert.equal(sum([split, unused]), sum(Array(hours).fill(node.cost)), `${node.id}: its cost`);
      }
      // The covered node bills nothing net (its Savings Plan's fee does): its parts bill nothing either.
      assert.equal(sum([l[COVERED.id]?.billed ?? "", l[`${COVERED.id} (idle)`]?.billed ?? ""]), "0");
      // The node outside any split is its cluster's whole, under its own id.
      assert.equal(l["i-0ccc7777dddd8888e"]?.effective, "0.096");
    });
  });

  test("the table: the keys, a total, and the idle share of what the clusters cost", async () => {
    const result = await runFinops(["costs", "--by", "namespace", "--db", dbs[0] ?? ""]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /prod\/\(idle\)/);
    assert.match(result.stdout, /\(not Kubernetes\)/);
    assert.match(result.stdout, /Idle \(unused node capacity\): \$?[\d.,]+ effective, [\d.]+% of the/);
    const unknown = await runFinops(["costs", "--by", "pod", "--db", dbs[0] ?? ""]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--by: expected one of .*cluster, namespace, workload, node/);
  });

  test("the PODS fixture: every pod has both rows", () => {
    const expected = Object.values(PODS).flat().length * 2 * HOURS.length + COVERED_PODS.length * 2;
    assert.equal(pods.length, expected);
  });
});
