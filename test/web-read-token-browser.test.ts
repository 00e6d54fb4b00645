import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { configSchema } from "../rules/config.js";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { openStore, type Store } from "../store/database.js";
import { ARTIFACTS, BROWSER_SKIP, CHROMIUM } from "./helpers/browser.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { serveWithTokens, type TokenServer } from "./helpers/read-token-server.js";

// The page of a server beyond loopback: its reads need the read token, which the page asks for in a
// sign-in box, keeps in the tab's sessionStorage (never the URL, never localStorage) and sends with
// every read; "Forget token" drops it and the box asks again.

/* The page's own globals, as far as the functions run in it (page.evaluate) use them. */
declare const document: {
  readonly documentElement: { scrollWidth: number; clientWidth: number };
  readonly activeElement: { getAttribute(name: string): string | null } | null;
};
declare const sessionStorage: { getItem(key: string): string | null; readonly length: number };
declare const localStorage: { readonly length: number };

const READER = "read-token-for-the-browser";
const APPROVER = "approver-token-for-the-browser";
const ANCHOR = "2024-09-18";

describe("the web view of a server beyond loopback asks for the read token", { skip: BROWSER_SKIP }, () => {
  const dir = tempDir("finops-read-token-browser-");
  let store: Store;
  let served: TokenServer;
  let browser: Browser;
  let context: BrowserContext;
  /** Every address the pages asked for, and any script error or refusal other than the 401/403 expected. */
  const requested: string[] = [];
  const faults: string[] = [];

  before(async () => {
    const db = join(dir.path, "demo.duckdb");
    const built = await runFinops(["--db", db, "--now", ANCHOR, "demo", "--no-serve"]);
    assert.equal(built.code, 0, built.stderr);
    const config = configSchema.parse({});
    store = await openStore(db);
    await ensureCostAggregates(store.connection, {
      teamKeys: config.tags.teamKeys,
      caseInsensitiveTags: config.tags.caseInsensitive,
    });
    served = await serveWithTokens(store, config, {
      readToken: READER,
      token: APPROVER,
      loopbackOnly: false,
      now: new Date(`${ANCHOR}T00:00:00Z`),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    context.on("request", (request) => requested.push(request.url()));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await served?.app.close();
    store?.close();
    dir.remove();
  });

  const open = async (hash: string): Promise<Page> => {
    const page = await context.newPage();
    page.on("console", (message) => {
      const expected = /status of 40[13] \((Unauthorized|Forbidden)\)/.test(message.text());
      if (message.type() === "error" && !expected) faults.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => faults.push(`page: ${error.message}`));
    await page.goto(`${served.base}/${hash}`);
    return page;
  };
  const fits = async (page: Page, where: string) => {
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.ok(scroll <= client, `${where}: the page is ${scroll}px wide in a ${client}px window`);
  };
  const overviewShown = async (page: Page) => {
    await page.getByTestId("hotspot-row").first().waitFor({ timeout: 30_000 });
    assert.match((await page.getByTestId("stat-spend").textContent()) ?? "", /\$[\d,]+/);
    assert.equal(await page.getByTestId("sign-in").count(), 0);
  };
  const kept = (page: Page) => page.evaluate(() => sessionStorage.getItem("finops-read-token"));

  test("the box asks, a wrong token is refused, the right one shows the overview; a reload keeps it", async () => {
    const page = await open("#/overview");
    const box = page.getByTestId("sign-in");
    await box.waitFor({ timeout: 30_000 });
    assert.match(
      (await box.textContent()) ?? "",
      /needs a read token: FINOPS_READ_TOKEN or FINOPS_WEB_TOKEN/,
    );
    const field = page.getByLabel("Read token");
    assert.equal(await field.getAttribute("type"), "password");
    // The field has the focus: the token can be typed at once.
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
      "sign-in-token",
    );
    assert.equal(await page.getByTestId("hotspot-row").count(), 0, "no figures without the token");
    await fits(page, "the sign-in box at 390 px");
    await page.screenshot({ path: join(ARTIFACTS, "web-sign-in.png"), fullPage: true });

    await field.fill("not-the-token");
    await page.getByTestId("sign-in-submit").click();
    const error = page.getByTestId("sign-in-error");
    await error.waitFor();
    assert.match((await error.textContent()) ?? "", /wrong token/i);
    assert.equal(await kept(page), null, "a refused token is not kept");
    assert.equal(await field.inputValue(), "", "asked again");
    await page.screenshot({ path: join(ARTIFACTS, "web-sign-in-wrong.png"), fullPage: true });

    await field.fill(READER);
    await page.getByTestId("sign-in-submit").click();
    await overviewShown(page);
    assert.equal(await kept(page), READER);
    assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing in localStorage");
    await fits(page, "the overview, signed in, at 390 px");
    await page.screenshot({ path: join(ARTIFACTS, "web-signed-in.png") });

    await page.reload();
    await overviewShown(page);
    await page.close();
  });

  test("the other pages read with the token kept in the tab; a new tab asks again", async () => {
    const page = await open("#/overview");
    await page.getByTestId("sign-in-token").fill(READER);
    await page.getByTestId("sign-in-submit").click();
    await overviewShown(page);
    await page.getByTestId("tab-findings").click();
    await page.getByTestId("finding-row").first().waitFor({ timeout: 30_000 });
    await page.getByTestId("tab-remediation").click();
    // The plans, or the demo's word that it has none: read either way, not refused.
    await page
      .locator('[data-testid="plan-row"], [data-testid="empty"]')
      .first()
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId("sign-in").count(), 0);
    assert.equal(await page.getByTestId("error").count(), 0);
    const other = await open("#/overview");
    await other.getByTestId("sign-in").waitFor({ timeout: 30_000 });
    await other.close();
    await page.close();
  });

  test("Forget token drops it, and the box asks again", async () => {
    const page = await open("#/overview");
    await page.getByTestId("sign-in-token").fill(APPROVER);
    await page.getByTestId("sign-in-submit").click();
    await overviewShown(page);
    await page.getByTestId("forget-token").click();
    await page.getByTestId("sign-in").waitFor();
    assert.equal(await kept(page), null);
    assert.equal(await page.getByTestId("forget-token").count(), 0);
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
      "sign-in-token",
    );
    await page.close();
  });

  test("the token is never in an address, and nothing failed but the refusals", () => {
    assert.ok(requested.length > 10, `${requested.length} requests`);
    for (const url of requested) {
      assert.ok(!url.includes(READER) && !url.includes(APPROVER), `a token in ${url}`);
    }
    assert.deepEqual(faults, []);
  });
});
