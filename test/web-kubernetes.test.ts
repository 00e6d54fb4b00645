import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { FOCUS_SAMPLE, PROJECT_ROOT, tempDir } from "./helpers/project.js";
import { type Served, startServe } from "./helpers/serve.js";
import { base, CLUSTER, EKS, HOURS, ROWS, type Row, writeCsv } from "./helpers/split-cost.js";

// The web view's cluster and namespace dimensions (issue 18, item 5) over the split cost fixture, on two
// days, with the EKS control plane (its cluster's "(not split)" cost): the API's figures are
// `finops costs --by cluster | namespace`'s for the same windows, a cluster's idle capacity is flagged and
// never folded into "Other", and a bill without split data says how to get it.

const CHROMIUM = process.env.FINOPS_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts");

/** The fixture's hours moved to 2024-10-02 (a second day for the daily series). */
const DAY_TWO: Record<string, [string, string]> = {
  [HOURS[0] ?? ""]: ["2024-10-02T00:00:00Z", "2024-10-02T01:00:00Z"],
  [HOURS[1] ?? ""]: ["2024-10-02T01:00:00Z", "2024-10-02T02:00:00Z"],
};
const secondDay = (row: Row): Row => {
  const [start, end] = DAY_TWO[row.line_item_usage_start_date ?? ""] ?? ["", ""];
  return { ...row, line_item_usage_start_date: start, line_item_usage_end_date: end };
};
const CONTROL_PLANE: Row = {
  ...base("444455556666", HOURS[0] ?? ""),
  line_item_product_code: "AmazonEKS",
  line_item_unblended_cost: "0.10",
  line_item_usage_amount: "1",
  line_item_usage_type: "USE1-AmazonEKS-Hours:perCluster",
  line_item_resource_id: `arn:aws:eks:us-east-1:444455556666:cluster/${CLUSTER}`,
  pricing_public_on_demand_cost: "0.10",
  product: EKS,
};
const ALL = [...ROWS, CONTROL_PLANE, ...ROWS.map(secondDay)];
const WINDOWS = [
  { from: "2024-10-01", to: "2024-10-03" },
  { from: "2024-10-02", to: "2024-10-03" },
];

interface Line {
  key: string | null;
  billedCost: number;
  effectiveCost: number;
  idle?: boolean;
}
interface Series {
  key: string;
  values: number[];
  idle?: boolean;
  kubernetes?: boolean;
}
interface Daily {
  days: string[];
  series: Series[];
  total: number[];
  split?: boolean;
}

const sorted = (lines: Line[]) => [...lines].sort((a, b) => String(a.key).localeCompare(String(b.key)));
const cents = (value: number) => Math.round(value * 1e6) / 1e6;
const sumOf = (values: number[]) => cents(values.reduce((a, b) => a + b, 0));

describe("the web view's cluster and namespace dimensions", () => {
  const dir = tempDir();
  const db = join(dir.path, "split.duckdb");
  const plain = join(dir.path, "focus.duckdb");
  // finops serve holds its database: the CLI's figures are taken before it starts.
  const cli = new Map<string, Line[]>();
  let served: Served;
  let servedPlain: Served;
  const json = async (server: Served, path: string) => {
    const response = await fetch(`${server.base}${path}`);
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return response.json();
  };

  before(async () => {
    const loaded = await runFinops(["ingest", writeCsv(join(dir.path, "split.csv"), ALL), "--db", db]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal((await runFinops(["ingest", FOCUS_SAMPLE, "--db", plain])).code, 0);
    for (const by of ["cluster", "namespace"]) {
      for (const window of WINDOWS) {
        const args = ["costs", "--by", by, "--from", window.from, "--to", window.to, "--json", "--db", db];
        const result = await runFinops(args);
        assert.equal(result.code, 0, result.stderr);
        cli.set(`${by} ${window.from} ${window.to}`, JSON.parse(result.stdout));
      }
      const outside = await runFinops(["costs", "--by", by, "--json", "--db", plain]);
      assert.equal(outside.code, 0, outside.stderr);
      cli.set(`${by} plain`, JSON.parse(outside.stdout));
    }
    served = await startServe(["--db", db, "--no-schedules"]);
    servedPlain = await startServe(["--db", plain, "--no-schedules"]);
  });
  after(async () => {
    await served?.stop();
    await servedPlain?.stop();
    dir.remove();
  });

  test("/api/costs?by=cluster|namespace: finops costs' objects and figures, idle flag included", async () => {
    for (const by of ["cluster", "namespace"]) {
      for (const window of WINDOWS) {
        const api = (await json(served, `/api/costs?by=${by}&from=${window.from}&to=${window.to}`)) as Line[];
        const expected = cli.get(`${by} ${window.from} ${window.to}`) ?? [];
        assert.deepEqual(sorted(api), sorted(expected), `${by} ${window.from}`);
      }
      assert.deepEqual(
        sorted((await json(servedPlain, `/api/costs?by=${by}`)) as Line[]),
        sorted(cli.get(`${by} plain`) ?? []),
      );
    }
    const namespaces = cli.get("namespace 2024-10-01 2024-10-03") ?? [];
    assert.deepEqual(namespaces.map((l) => String(l.key)).sort(), [
      "null",
      "prod/(idle)",
      "prod/(not split)",
      "prod/batch",
      "prod/web",
    ]);
    assert.equal(namespaces.find((l) => l.key === "prod/(idle)")?.idle, true);
  });

  test("/api/costs/daily?by=namespace: idle capacity its own series past the top, the rest of the bill its own", async () => {
    const window = WINDOWS[0] ?? { from: "", to: "" };
    const expected = new Map(
      (cli.get(`namespace ${window.from} ${window.to}`) ?? []).map((l) => [l.key, l.effectiveCost]),
    );
    const daily = (await json(
      served,
      `/api/costs/daily?by=namespace&from=${window.from}&to=${window.to}&top=1`,
    )) as Daily;
    assert.deepEqual(daily.days, ["2024-10-01", "2024-10-02"]);
    assert.equal(daily.split, true);
    const top = [...expected.entries()]
      .filter(([key]) => key !== null && !key.endsWith("(idle)"))
      .sort((a, b) => b[1] - a[1])[0]?.[0];
    assert.deepEqual(
      daily.series.map((s) => [s.key, s.idle, s.kubernetes]),
      [
        [top, false, true],
        ["Other", false, true],
        ["prod/(idle)", true, true],
        ["(not Kubernetes)", false, false],
      ],
    );
    const byKey = new Map(daily.series.map((s) => [s.key, sumOf(s.values)]));
    assert.equal(byKey.get("prod/(idle)"), cents(expected.get("prod/(idle)") ?? NaN));
    assert.equal(byKey.get("(not Kubernetes)"), cents(expected.get(null) ?? NaN));
    assert.equal(sumOf(daily.total), sumOf([...expected.values()]), "every day adds up to the bill");

    const clusters = (await json(
      served,
      `/api/costs/daily?by=cluster&from=${window.from}&to=${window.to}`,
    )) as Daily;
    assert.deepEqual(
      clusters.series.map((s) => [s.key, s.idle]),
      [
        [CLUSTER, false],
        [`${CLUSTER} (idle)`, true],
        ["(not Kubernetes)", false],
      ],
    );
    assert.equal(sumOf(clusters.total), sumOf(daily.total));
  });

  test("/api/hotspots?by=namespace: the idle key flagged", async () => {
    const rows = (await json(served, "/api/hotspots?by=namespace&to=2024-10-03&days=1")) as {
      key: string | null;
      current: number;
      idle?: boolean;
    }[];
    const expected = cli.get("namespace 2024-10-02 2024-10-03") ?? [];
    assert.deepEqual(
      rows.map((r) => [r.key, r.current, r.idle]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      sorted(expected).map((l) => [l.key, l.effectiveCost, l.idle]),
    );
  });

  test("a bill without split data: no idle key, split false, every series the rest of the bill", async () => {
    const range = (await json(servedPlain, "/api/range")) as { first: string; last: string };
    const to = new Date(Date.parse(`${range.last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const daily = (await json(
      servedPlain,
      `/api/costs/daily?by=namespace&from=${range.first}&to=${to}`,
    )) as Daily;
    assert.equal(daily.split, false);
    assert.ok(daily.series.length > 0);
    assert.ok(daily.series.every((s) => s.kubernetes === false && s.idle === false));
  });

  test("a dimension the routes do not have: 400 naming by", async () => {
    for (const path of [
      "/api/costs?by=workload",
      "/api/costs?by=pod",
      "/api/costs/daily?by=node&from=2024-10-01&to=2024-10-03",
      "/api/hotspots?by=workload&to=2024-10-03",
    ]) {
      const response = await fetch(`${served.base}${path}`);
      assert.equal(response.status, 400, path);
      assert.match(((await response.json()) as { error: string }).error, /^by: /, path);
    }
  });

  test("the aggregates: built once, and again for a database built before the Kubernetes tables", async () => {
    const own = join(dir.path, "aggregates.duckdb");
    const loaded = await runFinops(["ingest", join(dir.path, "split.csv"), "--db", own]);
    assert.equal(loaded.code, 0, loaded.stderr);
    const store = await openStore(own);
    try {
      const tagging = { teamKeys: ["team"], caseInsensitiveTags: false };
      assert.ok((await ensureCostAggregates(store.connection, tagging)).length > 0);
      assert.deepEqual(await ensureCostAggregates(store.connection, tagging), []);
      // The marker an earlier version recorded: no list of tables.
      await store.connection.run(
        `UPDATE aggregate_state SET marker = json_object('billingRows', json_extract_string(marker, '$.billingRows'))
         WHERE name = 'costs'`,
      );
      await store.connection.run("DROP TABLE cost_daily_cluster");
      assert.ok((await ensureCostAggregates(store.connection, tagging)).length > 0);
      const idle = await store.connection.runAndReadAll(
        "SELECT cluster FROM cost_daily_cluster WHERE idle GROUP BY 1",
      );
      assert.deepEqual(idle.getRowObjectsJson(), [{ cluster: `${CLUSTER} (idle)` }]);
    } finally {
      store.close();
    }
  });

  describe("in Chromium", { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing` }, () => {
    let browser: Browser;
    const violations: string[] = [];
    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    });
    after(async () => {
      await browser?.close();
    });
    const overviewByNamespace = async (server: Served): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      page.on("console", (m) => {
        if (m.type() === "error") violations.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (error) => violations.push(`page: ${error.message}`));
      await page.goto(`${server.base}/#/overview`);
      await page
        .getByTestId("spend-by")
        .getByRole("button", { name: "Namespace" })
        .click({ timeout: 30_000 });
      await page.waitForSelector(
        '[data-testid="spend-by"] button[aria-pressed="true"]:has-text("Namespace")',
      );
      return page;
    };

    test("the namespace dimension: the namespaces, the idle key marked, the rest of the bill hidden", async () => {
      const page = await overviewByNamespace(served);
      const chart = page.getByTestId("spend-chart");
      await chart.locator(".recharts-surface").first().waitFor({ timeout: 30_000 });
      const entries = chart.getByTestId("legend-entry");
      await entries.first().waitFor();
      const texts = await entries.allTextContents();
      for (const key of ["prod/web", "prod/batch", "prod/(not split)", "prod/(idle)", "(not Kubernetes)"]) {
        assert.ok(
          texts.some((t) => t.includes(key)),
          `${key} in ${texts.join(" | ")}`,
        );
      }
      const idle = chart.locator('[data-testid="legend-entry"][data-idle="true"]');
      assert.equal(await idle.count(), 1);
      assert.match((await idle.textContent()) ?? "", /prod\/\(idle\).*idle/);
      const outside = entries.filter({ hasText: "(not Kubernetes)" }).getByRole("button");
      assert.equal(await outside.getAttribute("aria-pressed"), "false", "hidden until pressed");
      assert.match((await page.getByTestId("idle-note").textContent()) ?? "", /Idle node capacity: \$\d/);
      await page.getByTestId("hotspots-namespace").getByTestId("hotspot-row").first().waitFor();
      assert.match((await page.getByTestId("hotspots-namespace").textContent()) ?? "", /prod\/\(idle\)/);
      await page.screenshot({ path: join(ARTIFACTS, "web-namespaces.png"), fullPage: true });
      await page.close();
    });

    test("a bill without split data: the namespace dimension explains how to get it", async () => {
      const page = await overviewByNamespace(servedPlain);
      const chart = page.getByTestId("spend-chart");
      await chart.getByTestId("empty").waitFor({ timeout: 30_000 });
      assert.match(
        (await chart.textContent()) ?? "",
        /enable split cost allocation data for EKS in the CUR 2\.0 export/,
      );
      assert.equal(await chart.locator(".recharts-surface").count(), 0, "no empty chart");
      await page.close();
    });

    test("no script error and no content-security-policy violation", () => {
      assert.deepEqual(violations, []);
    });
  });
});
