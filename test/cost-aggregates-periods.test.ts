import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ingestFiles } from "../collectors/billing/ingest.js";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { type CostDimension, type CostQuery, costsBy } from "../store/costs.js";
import { openStore, type Store } from "../store/database.js";
import { accountNames } from "../store/known-values.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { type SeedCharge, writeFocusCsv } from "./helpers/seed.js";

/**
 * The daily cost aggregates are kept per billing period: a load that replaces one period builds that
 * period again and leaves the others, and `finops costs` reads them only while every period is current,
 * with the billing rows' own figures.
 */
const SEPTEMBER = "2026-09-01 00:00:00";
const OCTOBER = "2026-10-01 00:00:00";
const TAGGING = { teamKeys: ["team"], caseInsensitiveTags: false };

function charges(month: "2026-09" | "2026-10", cost: string): SeedCharge[] {
  return ["01", "02", "15", "30"].flatMap((day) => [
    { account: "111111111111", resourceId: `i-${month}-a`, day: `${month}-${day}`, cost },
    { account: "222222222222", resourceId: `vol-${month}-b`, day: `${month}-${day}`, cost: "0.125" },
  ]);
}

const DIMENSIONS: CostDimension[] = [
  { kind: "service" },
  { kind: "account" },
  { kind: "region" },
  { kind: "resource" },
  { kind: "team", tagKeys: ["team"] },
  { kind: "cluster" },
  { kind: "namespace" },
];

/** What costsBy gives for the query from the billing rows themselves: the aggregates' record forgotten. */
async function fromBillingRows(store: Store, query: CostQuery) {
  await store.connection.run("BEGIN TRANSACTION");
  try {
    await store.connection.run("DELETE FROM aggregate_state WHERE name = 'costs'");
    return await costsBy(store.connection, query);
  } finally {
    await store.connection.run("ROLLBACK");
  }
}

const text = (lines: Awaited<ReturnType<typeof costsBy>>) =>
  lines.map((l) => `${l.key}: ${l.billedCost.text} ${l.effectiveCost.text}`);

describe("cost aggregates per billing period", () => {
  const dir = tempDir();
  const files = {
    september: join(dir.path, "september.csv"),
    october: join(dir.path, "october.csv"),
    octoberRestated: join(dir.path, "october-restated.csv"),
  };
  let store: Store;
  before(async () => {
    writeFocusCsv(files.september, charges("2026-09", "1.50"));
    writeFocusCsv(files.october, charges("2026-10", "2.25"));
    // The same rows, the same count, other money: a restatement.
    writeFocusCsv(files.octoberRestated, charges("2026-10", "3.75"));
    store = await openStore(join(dir.path, "finops.duckdb"), { readable: [dir.path] });
    await ingestFiles(store, [files.september]);
    await ingestFiles(store, [files.october]);
  });
  after(() => {
    store.close();
    dir.remove();
  });

  test("the first build takes every period; a second finds them current", async () => {
    assert.deepEqual(await ensureCostAggregates(store.connection, TAGGING), [SEPTEMBER, OCTOBER]);
    assert.deepEqual(await ensureCostAggregates(store.connection, TAGGING), []);
    // Current, they are what costs reads: a figure changed in them (and rolled back) shows.
    await store.connection.run("BEGIN TRANSACTION");
    try {
      await store.connection.run("UPDATE cost_daily SET effective = 100 WHERE account = '222222222222'");
      const lines = await costsBy(store.connection, {
        dimension: { kind: "account" },
        caseInsensitiveTags: false,
      });
      assert.equal(lines[0]?.key, "222222222222");
    } finally {
      await store.connection.run("ROLLBACK");
    }
  });

  test("every dimension and window: the aggregates' figures are the billing rows'", async () => {
    const windows = [
      {},
      { from: "2026-09-02" },
      { from: "2026-09-15", to: "2026-10-02" },
      { to: "2026-10-31" },
    ];
    for (const dimension of DIMENSIONS) {
      for (const window of windows) {
        for (const provider of [undefined, "aws", "Microsoft"]) {
          const query: CostQuery = {
            dimension,
            caseInsensitiveTags: false,
            ...window,
            ...(provider ? { provider } : {}),
          };
          const label = `${dimension.kind} ${JSON.stringify(window)} ${provider ?? ""}`;
          assert.deepEqual(
            text(await costsBy(store.connection, query)),
            text(await fromBillingRows(store, query)),
            label,
          );
        }
      }
    }
  });

  test("a restated period is built again, and only it; until then costs sums the billing rows", async () => {
    await ingestFiles(store, [files.octoberRestated]);
    // Not yet rebuilt: the figures are the new rows', never the aggregates' stale ones.
    const byResource = await costsBy(store.connection, {
      dimension: { kind: "resource" },
      caseInsensitiveTags: false,
    });
    assert.equal(byResource.find((l) => l.key === "i-2026-10-a")?.effectiveCost.text, "15.000000000000");
    assert.deepEqual(await ensureCostAggregates(store.connection, TAGGING), [OCTOBER]);
    const september = await store.connection.runAndReadAll(
      "SELECT count(*) AS n FROM cost_daily WHERE period = TIMESTAMP '2026-09-01'",
    );
    assert.equal(Number(september.getRowObjectsJson()[0]?.n), 4 * 2);
    const again = await costsBy(store.connection, {
      dimension: { kind: "resource" },
      caseInsensitiveTags: false,
    });
    assert.deepEqual(text(again), text(byResource));
  });

  test("Cost Explorer's tag rows: a change rebuilds the month of their day", async () => {
    await store.connection.run(
      `INSERT INTO cost_explorer_tag_costs
       VALUES (DATE '2026-09-03', '333333333333', 'team', 'checkout', 4.5, 4.5, 'USD', 'load-tag-test')`,
    );
    assert.deepEqual(await ensureCostAggregates(store.connection, TAGGING), [SEPTEMBER]);
    const query: CostQuery = { dimension: { kind: "team", tagKeys: ["team"] }, caseInsensitiveTags: false };
    assert.deepEqual(text(await costsBy(store.connection, query)), text(await fromBillingRows(store, query)));
  });

  test("other team keys than the build's, or a time of day: the billing rows answer", async () => {
    const other: CostQuery = { dimension: { kind: "team", tagKeys: ["owner"] }, caseInsensitiveTags: false };
    assert.deepEqual(text(await costsBy(store.connection, other)), text(await fromBillingRows(store, other)));
    const noon: CostQuery = {
      dimension: { kind: "service" },
      caseInsensitiveTags: false,
      from: "2026-10-30 12:00:00.000",
    };
    assert.deepEqual(text(await costsBy(store.connection, noon)), []);
    assert.deepEqual(await ensureCostAggregates(store.connection, { ...TAGGING, teamKeys: ["owner"] }), [
      SEPTEMBER,
      OCTOBER,
    ]);
  });
});

describe("account names from the aggregates", () => {
  const dir = tempDir();
  after(() => dir.remove());

  test("the latest name of each account, in any window of days, as the billing rows give it", async () => {
    const file = join(dir.path, "named.csv");
    writeFocusCsv(file, [
      { account: "111111111111", resourceId: "i-1", day: "2026-09-01", cost: "1", accountName: "old-name" },
      { account: "111111111111", resourceId: "i-1", day: "2026-09-20", cost: "1", accountName: "new-name" },
      { account: "222222222222", resourceId: "i-2", day: "2026-09-05", cost: "1", accountName: "" },
      {
        account: "333333333333",
        resourceId: "i-3",
        day: "2026-09-07",
        cost: "1",
        accountName: "333333333333",
      },
    ]);
    const store = await openStore(join(dir.path, "names.duckdb"), { readable: [dir.path] });
    try {
      await ingestFiles(store, [file]);
      assert.deepEqual(await ensureCostAggregates(store.connection, TAGGING), [SEPTEMBER]);
      for (const window of [
        undefined,
        { from: "2026-09-01", to: "2026-09-10" },
        { from: "2026-09-10", to: "2026-10-01" },
      ]) {
        const fromAggregates = [...(await accountNames(store.connection, window))];
        await store.connection.run("BEGIN TRANSACTION");
        await store.connection.run("DELETE FROM aggregate_state WHERE name = 'costs'");
        const fromRows = [...(await accountNames(store.connection, window))];
        await store.connection.run("ROLLBACK");
        assert.deepEqual(fromAggregates, fromRows, JSON.stringify(window));
      }
      assert.deepEqual([...(await accountNames(store.connection))], [["111111111111", "new-name"]]);
      // They are what is read: a name changed in them shows.
      await store.connection.run("UPDATE account_names_daily SET name = 'from-aggregates'");
      assert.deepEqual([...(await accountNames(store.connection))], [["111111111111", "from-aggregates"]]);
    } finally {
      store.close();
    }
  });
});

describe("finops ingest and finops costs", () => {
  const dir = tempDir();
  after(() => dir.remove());

  test("ingest leaves the aggregates current; costs reads the new period at once", async () => {
    const db = join(dir.path, "cli.duckdb");
    const september = join(dir.path, "september.csv");
    const october = join(dir.path, "october.csv");
    writeFocusCsv(september, charges("2026-09", "1.50"));
    writeFocusCsv(october, charges("2026-10", "2.25"));
    for (const file of [september, october]) {
      const loaded = await runFinops(["ingest", file, "--db", db]);
      assert.equal(loaded.code, 0, loaded.stderr);
    }
    const costs = await runFinops(["costs", "--by", "account", "--json", "--db", db]);
    assert.equal(costs.code, 0, costs.stderr);
    assert.deepEqual(
      (JSON.parse(costs.stdout) as { key: string; effectiveCost: number }[]).map((l) => [
        l.key,
        l.effectiveCost,
      ]),
      [
        ["111111111111", 15],
        ["222222222222", 1],
      ],
    );
    const store = await openStore(db);
    try {
      // rules.yaml's team settings, which the CLI built with.
      const tagging = { teamKeys: ["team", "owner"], caseInsensitiveTags: true };
      assert.deepEqual(await ensureCostAggregates(store.connection, tagging), []);
    } finally {
      store.close();
    }
  });
});
