import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { canonicalJson, type PlanContent, planIdOf } from "../remediation/plan.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { PROJECT_ROOT, tempDir } from "./helpers/project.js";
import { type Served, startServe } from "./helpers/serve.js";

const CHROMIUM = process.env.FINOPS_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts");
const TOKEN = "browser-test-token";
const ANCHOR = "2024-09-18";

/** Polls until the condition holds (the page updates after its API answers), at most 15 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the page");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A plan of two items on demo resources, stored as `finops plan` stores one. */
function demoPlan(resources: { id: string; team: string }[]): PlanContent {
  return {
    version: 1,
    items: resources.map((r) => ({
      rule: "idle-instance",
      findingId: null,
      account: "721127780177",
      region: "us-east-1",
      resourceId: r.id,
      resourceType: "ec2:instance",
      action: "stop" as const,
      reason: "idle for 14 days: CPU peaked at 3.1%, network 1.2 MB/day",
      team: r.team,
      estimatedMonthlySavings: "120.5",
      approval: "manual" as const,
      markTag: "finops:marked-for",
      markValue: null,
      preconditions: { state: "running", attachments: [], tags: { team: r.team } },
    })),
  };
}

describe("the web view in Chromium", {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing`,
}, () => {
  const dir = tempDir();
  const db = join(dir.path, "demo.duckdb");
  let served: Served;
  let browser: Browser;
  let planId = "";
  const violations: string[] = [];

  const open = async (hash: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on("console", (message) => {
      // The refused approvals answer 401 and 403 on purpose; anything else (a CSP refusal, a failed
      // script) is a fault.
      const expected = /status of 40[13] \((Unauthorized|Forbidden)\)/.test(message.text());
      if (message.type() === "error" && !expected) violations.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => violations.push(`page: ${error.message}`));
    await page.goto(`${served.base}/${hash}`);
    return page;
  };
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `web-${name}.png`), fullPage: true });

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const built = await runFinops(["--db", db, "--now", ANCHOR, "demo", "--no-serve"]);
    assert.equal(built.code, 0, built.stderr);
    const store = await openStore(db);
    const idle = await store.connection.runAndReadAll(
      "SELECT resource_id, team FROM findings WHERE rule = 'idle-instance' ORDER BY resource_id LIMIT 2",
    );
    const content = demoPlan(
      idle.getRowObjectsJson().map((r) => ({ id: String(r.resource_id), team: String(r.team) })),
    );
    planId = planIdOf(content);
    await store.connection.run("INSERT INTO plans VALUES ($1, now()::TIMESTAMP, now()::TIMESTAMP, $2, 2)", [
      planId,
      canonicalJson(content),
    ]);
    store.close();
    served = await startServe(["--db", db, "--no-schedules"], { FINOPS_WEB_TOKEN: TOKEN });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    dir.remove();
  });

  test("the overview renders the demo's spend chart, hotspots, waste and tag coverage", async () => {
    const page = await open("#/overview");
    const chart = page.getByTestId("spend-chart");
    await chart.locator(".recharts-surface").first().waitFor({ timeout: 30_000 });
    // One stacked series per top service, each drawn as a path.
    assert.ok((await chart.locator(".recharts-area, .recharts-bar-rectangle").count()) >= 3);
    await page.getByTestId("hotspot-row").first().waitFor();
    assert.ok((await page.getByTestId("hotspots-service").getByTestId("hotspot-row").count()) >= 3);
    await page.getByTestId("waste-by-rule").locator(".recharts-surface").waitFor();
    assert.match((await page.getByTestId("tag-coverage").textContent()) ?? "", /%/);
    // The commitments panel: the demo's plans and reservations, the most unused first.
    await page.getByTestId("commitment-row").first().waitFor();
    assert.match((await page.getByTestId("commitments-utilization").textContent()) ?? "", /\d%/);
    assert.match((await page.getByTestId("commitments-expiring").textContent()) ?? "", /expiring|None/);
    // The switch to teams draws the chart again, from the teams' daily sums.
    await page.getByTestId("spend-by").getByRole("button", { name: /team/i }).click();
    await page.waitForSelector('[data-testid="spend-by"] button[aria-pressed="true"]:has-text("Team")');
    await chart.locator(".recharts-surface").first().waitFor();
    await shot(page, "overview");
    await page.close();
  });

  test("a filter narrows the findings table", async () => {
    const page = await open("#/findings");
    const rows = page.getByTestId("finding-row");
    await rows.first().waitFor({ timeout: 30_000 });
    const total = async () =>
      Number(((await page.getByTestId("findings-total").textContent()) ?? "").replace(/\D/g, ""));
    const before = await total();
    assert.ok(before > 100, `${before} findings`);
    await page.getByTestId("filter-rule").selectOption("idle-instance");
    await until(async () => (await total()) < before);
    const after = await total();
    assert.ok(after > 0 && after < before, `${after} of ${before}`);
    const shown = await rows.allTextContents();
    assert.ok(shown.length > 0 && shown.every((text) => text.includes("idle-instance")));
    await rows.first().click();
    await page.getByTestId("finding-panel").getByTestId("resource-cost-chart").waitFor();
    await shot(page, "findings");
    await page.close();
  });

  test("approving a plan needs the token: refused without it and with a wrong one, recorded with it", async () => {
    const page = await open("#/remediation");
    await page.getByTestId("plan-row").first().click();
    await page.getByTestId("plan-item").first().waitFor();
    assert.equal(await page.getByTestId("plan-item").count(), 2);
    const form = page.getByTestId("approve-form");
    const result = page.getByTestId("approve-result");
    const submit = async (token: string) => {
      await form.getByTestId("approve-name").fill("alice");
      await form.getByTestId("approve-token").fill(token);
      await form.getByTestId("approve-submit").click();
      await result.waitFor();
    };
    await submit("");
    assert.equal(await result.getAttribute("data-outcome"), "error");
    assert.match((await result.textContent()) ?? "", /token/i);
    await submit("not-the-token");
    await until(async () => /wrong token/i.test((await result.textContent()) ?? ""));
    const plans = async () =>
      (await (await fetch(`${served.base}/api/plans`)).json()) as {
        planId: string;
        approval: { approvedBy: string } | null;
      }[];
    assert.equal((await plans()).find((p) => p.planId === planId)?.approval, null, "nothing recorded yet");
    await shot(page, "approve-refused");
    await submit(TOKEN);
    await page.waitForSelector('[data-testid="approve-result"][data-outcome="approved"]');
    assert.equal((await plans()).find((p) => p.planId === planId)?.approval?.approvedBy, "alice");
    await shot(page, "approve-done");
    await page.close();
  });

  test("no script error and no content-security-policy violation on any page", () => {
    assert.deepEqual(violations, []);
  });
});
