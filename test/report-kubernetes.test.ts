import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { parseExact } from "./helpers/commitment-bill.js";
import { tempDir } from "./helpers/project.js";
import { money, NODES, ROWS, type Row, S3, sum, writeCsv } from "./helpers/split-cost.js";

// The weekly report's Kubernetes section (issue 18, item 5) over the split cost fixture (2024-10-01, in
// 2024-W40): its figures are `finops costs --by cluster | namespace | node`'s for the same days, the
// idle money and share are the sums of the fixture's unused cost, and every format carries them.

interface BreakdownJson {
  rows: { key: string | null; label: string; current: { effectiveCost: string } }[];
  total: { current: { effectiveCost: string } };
}
interface KubernetesJson {
  any: string | boolean;
  split: string | boolean;
  total: { effectiveCost: string };
  idle: { current: { effectiveCost: string }; share: string | null };
  byCluster: BreakdownJson;
  byNamespace: BreakdownJson;
  topIdleNodes: { node: string; idleCost: string; cost: string; idleShare: string | null }[];
}
interface ReportJson {
  compared: { from: string; to: string };
  kubernetes: KubernetesJson;
}

const WEEK = "2024-W40";
const pods = ROWS.filter((r) => r.split_line_item_parent_resource_id);
const unusedOf = (rows: Row[]) => sum(rows.map((r) => r.split_line_item_unused_cost ?? "0"));

async function weekly(db: string, out: string): Promise<{ report: ReportJson; files: string[] }> {
  const run = await runFinops([
    "report",
    "weekly",
    "--db",
    db,
    "--week",
    WEEK,
    "--now",
    "2024-10-08T00:00:00Z",
    "--out",
    out,
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  return parseExact<{ report: ReportJson; files: string[] }>(run.stdout);
}

describe("the weekly report's Kubernetes section", () => {
  const dir = tempDir();
  const db = join(dir.path, "split.duckdb");
  let report: ReportJson;
  let files: string[];

  before(async () => {
    const loaded = await runFinops(["ingest", writeCsv(join(dir.path, "split.csv"), ROWS), "--db", db]);
    assert.equal(loaded.code, 0, loaded.stderr);
    ({ report, files } = await weekly(db, join(dir.path, "out")));
  });
  after(() => dir.remove());

  test("by cluster and by namespace: finops costs' own figures for the same days, the rest of the bill left out", async () => {
    const k = report.kubernetes;
    for (const [by, breakdown] of [
      ["cluster", k.byCluster],
      ["namespace", k.byNamespace],
    ] as const) {
      const cli = await runFinops([
        "costs",
        "--by",
        by,
        "--db",
        db,
        "--from",
        report.compared.from,
        "--to",
        report.compared.to,
        "--json",
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      const lines = parseExact<{ key: string | null; effectiveCost: string }[]>(cli.stdout).filter(
        (l) => l.key !== null,
      );
      assert.deepEqual(
        breakdown.rows.map((r) => [r.key, money(r.current.effectiveCost)]),
        lines.map((l) => [l.key, money(l.effectiveCost)]),
        by,
      );
      assert.equal(money(breakdown.total.current.effectiveCost), sum(lines.map((l) => l.effectiveCost)));
    }
    // The whole bill but S3: the two nodes' cost, each hour.
    assert.equal(
      money(k.total.effectiveCost),
      sum(ROWS.filter((r) => r !== S3).map((r) => r.line_item_unblended_cost ?? "0")),
    );
  });

  test("the idle money is the fixture's unused cost, its share of what the clusters cost", () => {
    const k = report.kubernetes;
    const idle = unusedOf(pods);
    assert.equal(money(k.idle.current.effectiveCost), idle);
    assert.equal(
      Number(k.idle.share),
      Math.round((Number(idle) / Number(k.total.effectiveCost)) * 1000) / 10,
    );
    assert.equal(String(k.split), "true");
  });

  test("the idle nodes: each node's unused cost against its cost, the most idle money first", () => {
    const expected = NODES.map((n) => {
      const idle = unusedOf(pods.filter((r) => r.split_line_item_parent_resource_id === n.id));
      return { node: n.id, idleCost: idle, cost: sum([n.cost, n.cost]) };
    }).sort((a, b) => Number(b.idleCost) - Number(a.idleCost));
    assert.deepEqual(
      report.kubernetes.topIdleNodes.map((n) => ({
        node: n.node,
        idleCost: money(n.idleCost),
        cost: money(n.cost),
      })),
      expected,
    );
  });

  test("markdown, HTML and CSV carry the section", () => {
    const read = (ext: string) => readFileSync(files.find((f) => f.endsWith(ext)) ?? "", "utf8");
    const md = read(".md");
    assert.match(md, /## \d+\. Kubernetes/);
    assert.match(md, /prod\/\(idle\)/);
    assert.match(md, new RegExp(NODES[0]?.id ?? "-"));
    assert.match(read(".html"), /Kubernetes/);
    const csv = read(".csv");
    assert.match(csv, /kubernetesByNamespace,namespace,prod\/web,effectiveCost,/);
    assert.match(csv, new RegExp(`kubernetesIdleNodes,node,${NODES[1]?.id},idleCost,`));
  });

  test("a bill without Kubernetes: the section says so in a line", async () => {
    const plain = join(dir.path, "plain.duckdb");
    const loaded = await runFinops(["ingest", writeCsv(join(dir.path, "plain.csv"), [S3]), "--db", plain]);
    assert.equal(loaded.code, 0, loaded.stderr);
    const { report: none, files: noneFiles } = await weekly(plain, join(dir.path, "plain-out"));
    assert.equal(String(none.kubernetes.any), "false");
    const md = readFileSync(noneFiles.find((f) => f.endsWith(".md")) ?? "", "utf8");
    assert.match(md, /No Kubernetes cost this week or the week before/);
  });
});
