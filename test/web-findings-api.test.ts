import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { trimDecimal } from "../core/money.js";
import { openStore } from "../store/database.js";
import { type SavingsTotals, savingsTotals } from "../store/savings.js";
import type { DailyCosts, FindingsSummary, RuleCatalogue, SavingsTotal } from "../web/contract.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory, writeFocusCsv } from "./helpers/seed.js";
import { type Served, startServe } from "./helpers/serve.js";

const NOW = new Date("2024-10-15T00:00:00Z");
const DAY = 86_400_000;
const ACCOUNT = "111111111111";
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const NO_TEAM = "nobody's";

const volume = (id: string, state: string, type: string, tags: Record<string, string>): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:volume",
  account: ACCOUNT,
  region: "us-east-1",
  state,
  stateSince: null,
  createdAt: daysAgo(60),
  tags,
  attributes: { volumeType: type, sizeGiB: 100 },
});
/**
 * vol-a: unattached gp2 without its environment tag (three findings on one resource: counted once);
 * vol-b: unattached and untagged (no team); vol-c and vol-d: only untagged. The four missing-tags
 * findings save nothing: a tie on savings, among resources of four different costs.
 */
const RESOURCES: ResourceRecord[] = [
  volume("vol-a", "available", "gp2", { team: "data" }),
  volume("vol-b", "available", "gp3", {}),
  volume("vol-c", "in-use", "gp3", { team: "data" }),
  volume("vol-d", "in-use", "gp3", {}),
  {
    resourceId: "eipalloc-a",
    resourceType: "ec2:elastic-ip",
    account: ACCOUNT,
    region: "us-east-1",
    state: "unassociated",
    stateSince: null,
    createdAt: daysAgo(60),
    tags: { team: "data", environment: "prod" },
    attributes: { publicIp: "198.51.100.7" },
  },
];
/** A day's cost: 30 days of it are the monthly cost. */
const DAILY: Record<string, string> = {
  "vol-a": "2",
  "vol-b": "1",
  "vol-c": "0.5",
  "vol-d": "3",
  "eipalloc-a": "0.12",
};

interface Row {
  id: string;
  rule: string;
  resourceId: string;
  team: string;
  monthlyCost: number | null;
  estimatedMonthlySavings: number | null;
}

describe("the findings API behind the Findings page (issue 19)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let served: Served;
  /** The totals of `finops findings` (store/savings.ts), taken before serve holds the database. */
  const expected = new Map<string, SavingsTotals>();
  const get = (path: string) => fetch(`${served.base}${path}`);
  const json = async <T>(path: string): Promise<T> => {
    const response = await get(path);
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return (await response.json()) as T;
  };
  const refusal = async (path: string) => {
    const response = await get(path);
    assert.equal(response.status, 400, path);
    return ((await response.json()) as { error: string }).error;
  };

  before(async () => {
    writeFileSync(
      config,
      [
        "tags:",
        `  noTeamLabel: "${NO_TEAM}"`,
        "rules:",
        "  - id: unattached-volume",
        "  - id: gp2-volume",
        "  - id: missing-tags",
        "  - id: addresses",
        "    kind: unassociated-eip",
        "    title: Addresses nobody uses",
        "",
      ].join("\n"),
    );
    await seedInventory(db, "run-1", RESOURCES, new Date(daysAgo(0.1)));
    const csv = join(dir.path, "billing.csv");
    writeFocusCsv(
      csv,
      Object.entries(DAILY).flatMap(([resourceId, cost]) =>
        Array.from({ length: 30 }, (_, i) => ({
          account: ACCOUNT,
          resourceId,
          accountName: "payments-prod",
          day: daysAgo(i + 1).slice(0, 10),
          cost,
        })),
      ),
    );
    const finops = (args: string[]) => runFinops([...args, "--db", db, "--config", config]);
    assert.equal((await finops(["ingest", csv])).code, 0);
    const analyzed = await finops(["analyze", "--now", NOW.toISOString()]);
    assert.equal(analyzed.code, 0, analyzed.stderr);
    const store = await openStore(db);
    expected.set("open", await savingsTotals(store.connection, { status: "open" }));
    expected.set("data", await savingsTotals(store.connection, { status: "open", team: "data" }));
    expected.set("unowned", await savingsTotals(store.connection, { status: "open", team: "unowned" }));
    store.close();
    served = await startServe(["--db", db, "--config", config, "--no-schedules"]);
  });
  after(async () => {
    await served?.stop();
    dir.remove();
  });

  test("totals: the whole filter's count and savings, each resource counted once, exactly as finops findings totals them", async () => {
    for (const [path, key] of [
      ["/api/findings/totals", "open"],
      ["/api/findings/totals?team=data", "data"],
      [`/api/findings/totals?team=${encodeURIComponent(NO_TEAM)}`, "unowned"],
    ] as const) {
      const cli = expected.get(key);
      assert.ok(cli);
      const response = await get(path);
      assert.equal(response.status, 200, path);
      const text = await response.text();
      const totals = JSON.parse(text) as SavingsTotal;
      assert.equal(totals.count, cli.findings, path);
      assert.equal(totals.resources, cli.resources, path);
      // Exact number literals: every digit DuckDB's DECIMAL sum has.
      assert.match(text, new RegExp(`"savings":${trimDecimal(cli.estimatedMonthlySavings)}[,}]`), path);
      assert.match(text, new RegExp(`"grossSavings":${trimDecimal(cli.grossEstimatedMonthlySavings)}[,}]`));
      assert.match(text, new RegExp(`"monthlyCost":${trimDecimal(cli.monthlyCost)}[,}]`), path);
    }
    // vol-a's unattached-volume (60) and gp2-volume (12) count once: what a page's sum would get wrong.
    const open = await json<SavingsTotal>("/api/findings/totals");
    assert.equal(open.savings, 60 + 30 + 3.6);
    assert.equal(open.grossSavings, 60 + 12 + 30 + 3.6);
    assert.equal(open.overlappingResources, 1);
    // The page's size changes nothing: the totals take no paging at all.
    assert.match(await refusal("/api/findings/totals?limit=1"), /^limit: no such parameter/);
  });

  test("a bad filter is refused (400) with the nearest known value, never an empty list", async () => {
    const cases: [string, RegExp][] = [
      [
        "/api/findings?rule=unattached-volumes",
        /^rule: unattached-volumes: no such rule: did you mean "unattached-volume"\? known rules: /,
      ],
      ["/api/findings/totals?rule=unattached-volumes", /^rule: unattached-volumes: no such rule/],
      ["/api/findings?team=dta", /^team: dta: no such team: did you mean "data"\?/],
      ["/api/findings?team=nobody", /^team: nobody: no such team: .*known teams: .*nobody's/],
      ["/api/findings?account=111111111112", /^account: 111111111112: no such account: did you mean/],
      ["/api/findings?region=us-east-2", /^region: us-east-2: no such region: did you mean "us-east-1"/],
      ["/api/findings?minSavings=abc", /^minSavings: no such parameter: known parameters: rule, team, /],
      ["/api/findings?severty=high", /^severty: no such parameter: did you mean "severity"\?/],
      ["/api/findings?severity=urgent", /^severity: /],
    ];
    for (const [path, message] of cases) assert.match(await refusal(path), message, path);
    // A known value with nothing open is an empty answer, not a refusal.
    const resolved = await get("/api/findings?rule=addresses&status=resolved");
    assert.equal(resolved.status, 200);
    assert.deepEqual(await resolved.json(), []);
  });

  test("no team has one name: findings store unowned, the API takes and shows tags.noTeamLabel", async () => {
    const byLabel = await json<Row[]>(`/api/findings?team=${encodeURIComponent(NO_TEAM)}&limit=100`);
    const byStored = await json<Row[]>("/api/findings?team=unowned&limit=100");
    assert.ok(byLabel.length > 0);
    assert.deepEqual(byLabel, byStored);
    assert.ok(
      byLabel.every((f) => f.team === "unowned"),
      "the contract's objects keep the stored value",
    );
    const summary = await json<FindingsSummary>("/api/findings/summary");
    assert.equal(summary.noTeamLabel, NO_TEAM);
    // Accounts are named as billing names them, as the CLI shows them.
    assert.deepEqual(summary.accountNames, { [ACCOUNT]: "payments-prod" });
    assert.ok(summary.filters.teams.includes(NO_TEAM), summary.filters.teams.join(", "));
    assert.ok(!summary.filters.teams.includes("unowned"));
    assert.deepEqual(summary.byTeam.map((row) => row.key).sort(), ["data", NO_TEAM]);
    // The Overview's spend by team: the bill's untagged spend under the same name.
    const from = daysAgo(30).slice(0, 10);
    const to = daysAgo(0).slice(0, 10);
    const daily = await json<DailyCosts>(`/api/costs/daily?by=team&from=${from}&to=${to}`);
    assert.deepEqual(
      daily.series.map((series) => series.key),
      [NO_TEAM],
    );
  });

  test("rules by title (rules.yaml's own, else the kind's), and the evidence keys' words", async () => {
    const catalogue = await json<RuleCatalogue>("/api/rules");
    const title = (id: string) => catalogue.rules.find((r) => r.id === id)?.title;
    assert.equal(title("addresses"), "Addresses nobody uses");
    assert.equal(title("gp2-volume"), "EBS volume on gp2 (gp3 costs less)");
    assert.equal(title("missing-tags"), "Missing required tags");
    assert.equal(catalogue.rules.find((r) => r.id === "addresses")?.kind, "unassociated-eip");
    assert.deepEqual(catalogue.evidence.meanNetworkMbPerDay, { words: "mean network", unit: "MB/day" });
    assert.deepEqual(catalogue.evidence.storageMonthlyCost, {
      words: "storage cost a month",
      value: "money",
    });
  });

  test("ties on savings follow the monthly cost (then id), in both directions", async () => {
    for (const order of ["desc", "asc"] as const) {
      const rows = await json<Row[]>(`/api/findings?sort=savings&order=${order}&limit=100`);
      const sign = order === "desc" ? -1 : 1;
      const rank = (value: number | null) => (value === null ? Number.POSITIVE_INFINITY : sign * value);
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [rows[i - 1] as Row, rows[i] as Row];
        const key = (r: Row) => [rank(r.estimatedMonthlySavings), rank(r.monthlyCost)] as const;
        const [as, ac] = key(a);
        const [bs, bc] = key(b);
        assert.ok(
          as < bs || (as === bs && (ac < bc || (ac === bc && a.id < b.id))),
          `${order}: ${a.resourceId} (${a.rule}) before ${b.resourceId} (${b.rule})`,
        );
      }
      const tied = rows.filter((r) => r.rule === "missing-tags").map((r) => r.resourceId);
      assert.deepEqual(
        tied,
        order === "desc" ? ["vol-d", "vol-a", "vol-b", "vol-c"] : ["vol-c", "vol-b", "vol-a", "vol-d"],
      );
    }
  });
});
