import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { EVIDENCE_TERMS, evidenceLabel } from "../core/evidence-words.js";
import type { Finding, FindingsSummary, RuleCatalogue, SavingsTotal } from "../web/contract.js";
import { runFinops } from "./helpers/cli.js";
import { PROJECT_ROOT, readDatabase, tempDir } from "./helpers/project.js";
import { type Served, startServe } from "./helpers/serve.js";

const CHROMIUM = process.env.FINOPS_CHROMIUM ?? "/usr/bin/chromium";
const ANCHOR = "2024-09-18";
/** A camelCase key as the rules write it ("meanNetworkMbPerDay"), not a unit ("GiB"). */
const CAMEL = /\b[a-z]+[A-Z][a-z]/;

/** Polls until the condition holds (the page updates after its API answers), at most 15 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the page");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The arguments of a SQL call's parentheses from `open` (just after its "("), split at top-level commas. */
function sqlArguments(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = open;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === "(" || c === "{") depth++;
    if (c === ")" || c === "}") {
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
      depth--;
    }
    if (c === "," && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

/** The evidence keys each rule kind's SQL names: the literal keys of its json_object calls. */
function kindEvidenceKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  const folder = join(PROJECT_ROOT, "rules", "kinds");
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
    const text = readFileSync(join(folder, file), "utf8");
    for (const match of text.matchAll(/json_object\(/g)) {
      const args = sqlArguments(text, (match.index ?? 0) + match[0].length);
      args.forEach((arg, i) => {
        const key = /^'([A-Za-z0-9]+)'$/.exec(arg)?.[1];
        if (i % 2 === 0 && key) keys.set(key, file);
      });
    }
  }
  return keys;
}

test("every evidence key a rule kind's SQL writes has words (core/evidence-words.ts)", () => {
  const keys = kindEvidenceKeys();
  assert.ok(
    keys.has("meanNetworkMbPerDay") && keys.has("podsToMove") && keys.has("total"),
    [...keys.keys()].join(),
  );
  const missing = [...keys]
    .filter(([key]) => !Object.hasOwn(EVIDENCE_TERMS, key))
    .map(([k, f]) => `${k} (${f})`);
  assert.deepEqual(missing, []);
  assert.equal(evidenceLabel("meanNetworkMbPerDay"), "mean network, MB/day");
  assert.equal(evidenceLabel("lastLoginDays"), "last login days", "a sql rule's own key, split into words");
  for (const key of Object.keys(EVIDENCE_TERMS)) assert.doesNotMatch(evidenceLabel(key), CAMEL, key);
});

describe("the Findings page on the demo (issue 19)", {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing`,
}, () => {
  const dir = tempDir();
  const db = join(dir.path, "demo.duckdb");
  let served: Served;
  let browser: Browser;
  let catalogue: RuleCatalogue;
  /** The evidence keys of the demo's findings, read before serve holds the database. */
  let demoKeys: string[] = [];
  const violations: string[] = [];
  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${served.base}${path}`)).json()) as T;
  const open = async (hash: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on("console", (message) => {
      // The refused addresses answer 400 on purpose.
      const expected = /status of 400 \(Bad Request\)/.test(message.text());
      if (message.type() === "error" && !expected) violations.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => violations.push(`page: ${error.message}`));
    await page.goto(`${served.base}/${hash}`);
    return page;
  };

  before(async () => {
    const built = await runFinops(["--db", db, "--now", ANCHOR, "demo", "--no-serve"]);
    assert.equal(built.code, 0, built.stderr);
    const rows = await readDatabase(
      db,
      "SELECT DISTINCT unnest(json_keys(evidence)) AS key FROM findings WHERE evidence IS NOT NULL",
    );
    demoKeys = rows.map((row) => String(row.key));
    served = await startServe(["--db", db, "--no-schedules"]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    catalogue = await api<RuleCatalogue>("/api/rules");
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    dir.remove();
  });

  test("every evidence key of the demo's findings has words, served by GET /api/rules", async () => {
    assert.ok(demoKeys.length > 50, `${demoKeys.length} keys`);
    assert.deepEqual(
      demoKeys.filter((key) => !Object.hasOwn(catalogue.evidence, key)),
      [],
    );
  });

  test("the savings are the whole filter's, counted once per resource; rules by title, no team by its label, evidence in words", async () => {
    const page = await open("#/findings");
    const rows = page.getByTestId("finding-row");
    await rows.first().waitFor({ timeout: 30_000 });
    const money = (value: number) =>
      value.toLocaleString("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2 });
    const totals = await api<SavingsTotal>("/api/findings/totals");
    const line = page.getByTestId("findings-savings");
    await line.waitFor();
    assert.match(
      (await line.textContent()) ?? "",
      new RegExp(`${money(totals.savings).replace("$", "\\$")} a month`),
    );
    assert.match((await line.textContent()) ?? "", /each resource counted once/);
    assert.ok(totals.count > 50, "more findings than a page shows");

    // The filter's line follows the filter: the idle instances' own total.
    await page.getByTestId("filter-rule").selectOption("idle-instance");
    const idle = await api<SavingsTotal>("/api/findings/totals?rule=idle-instance");
    await until(async () => ((await line.textContent()) ?? "").includes(`${money(idle.savings)} a month`));
    const title = catalogue.rules.find((r) => r.id === "idle-instance")?.title ?? "";
    assert.equal(title, "Idle EC2 instance");
    await until(
      async () => (await rows.first().locator(".cell-rule").textContent())?.startsWith(title) ?? false,
    );
    const options = await page.getByTestId("filter-rule").locator("option").allTextContents();
    assert.ok(options.includes(title), options.join(", "));
    assert.ok(!options.includes("idle-instance"), "the menu lists titles");
    const keys = await page.locator(".evidence-key").allTextContents();
    assert.ok(
      keys.some((k) => k.startsWith("mean network, MB/day")),
      keys.join(" | "),
    );
    assert.deepEqual(
      keys.filter((k) => CAMEL.test(k)),
      [],
    );
    await rows.first().click();
    const panel = page.getByTestId("finding-panel");
    await panel.waitFor();
    assert.match((await panel.locator(".panel-eyebrow").textContent()) ?? "", /Idle EC2 instance/);
    const terms = await panel.locator(".evidence dt").allTextContents();
    assert.ok(terms.includes("peak CPU, %"), terms.join(" | "));
    assert.deepEqual(
      terms.filter((k) => CAMEL.test(k)),
      [],
    );
    await page.keyboard.press("Escape");

    // No team: the label in the menu, the table and the panel; never the stored "unowned".
    await page.getByTestId("filter-rule").selectOption("");
    await page.getByTestId("filter-team").selectOption("(no team)");
    const unowned = await api<SavingsTotal>(`/api/findings/totals?team=${encodeURIComponent("(no team)")}`);
    await until(async () => ((await line.textContent()) ?? "").includes(`${money(unowned.savings)} a month`));
    const teams = () => rows.evaluateAll((trs) => trs.map((tr) => tr.children[2]?.textContent ?? ""));
    await until(async () => (await teams()).every((t) => t === "(no team)"));
    assert.ok((await teams()).length > 0);
    await rows.first().click();
    assert.doesNotMatch((await page.getByTestId("finding-panel").textContent()) ?? "", /unowned/);
    await page.keyboard.press("Escape");

    // Accounts by the names billing gives them, as the CLI writes them: "437210371508 (prod)".
    const summary = await api<FindingsSummary>("/api/findings/summary");
    const [named, name] = Object.entries(summary.accountNames)[0] ?? [];
    assert.ok(named && name, "the demo's bill names its accounts");
    const accounts = await page.getByTestId("filter-account").locator("option").allTextContents();
    assert.ok(accounts.includes(`${named} (${name})`), accounts.join(", "));
    await page.close();
  });

  test("the page's order is the API's: ties on savings by cost, then id", async () => {
    const page = await open("#/findings?rule=missing-tags");
    const rows = page.getByTestId("finding-row");
    await rows.first().waitFor({ timeout: 30_000 });
    const listed = await api<Finding[]>("/api/findings?rule=missing-tags&sort=savings&order=desc&limit=50");
    const costs = listed.map((f) => f.monthlyCost ?? -1);
    assert.deepEqual(
      costs,
      [...costs].sort((a, b) => b - a),
      "missing-tags saves nothing: its findings follow their cost",
    );
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("aria-label") ?? ""));
    assert.deepEqual(
      shown.map((label) => label.slice(0, label.indexOf(": "))),
      listed.map((f) => f.resourceId),
    );
    await page.close();
  });

  test("a bad address parameter shows the API's refusal in an alert, not an empty list", async () => {
    for (const [hash, refused] of [
      ["#/findings?rule=idle-instances", "/api/findings/totals?rule=idle-instances"],
      ["#/findings?minSavings=abc", "/api/findings/totals?minSavings=abc"],
      ["#/findings?team=nobody", "/api/findings/totals?team=nobody"],
      ["#/findings?sort=price", "/api/findings?sort=price"],
    ] as const) {
      const answer = await fetch(`${served.base}${refused}`);
      assert.equal(answer.status, 400, refused);
      const { error } = (await answer.json()) as { error: string };
      const page = await open(hash);
      const alert = page.getByRole("alert");
      await alert.waitFor({ timeout: 30_000 });
      assert.ok(((await alert.textContent()) ?? "").includes(error), `${hash}: ${await alert.textContent()}`);
      assert.equal(await page.getByTestId("finding-row").count(), 0, hash);
      assert.equal(await page.getByTestId("findings-total").count(), 0, `${hash}: no count of 0`);
      assert.equal(await page.getByTestId("empty").count(), 0, `${hash}: not "no findings"`);
      await page.close();
    }
    const page = await open("#/findings?rule=idle-instances");
    await page.getByRole("alert").waitFor();
    assert.match((await page.getByRole("alert").textContent()) ?? "", /did you mean "idle-instance"\?/);
    await page.close();
  });

  test("no script error and no content-security-policy violation", () => {
    assert.deepEqual(violations, []);
  });
});
