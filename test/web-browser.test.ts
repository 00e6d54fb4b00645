import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { BROWSER_SKIP, type DemoBrowser, startDemoBrowser, until } from "./helpers/browser.js";

const TOKEN = "browser-test-token";

describe("the web view in Chromium", { skip: BROWSER_SKIP }, () => {
  let demo: DemoBrowser;
  const open = (hash: string): Promise<Page> => demo.open(hash);
  const shot = (page: Page, name: string) => demo.shot(page, name);

  before(async () => {
    demo = await startDemoBrowser(TOKEN);
  });
  after(async () => {
    await demo?.stop();
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
      (await (await fetch(`${demo.served.base}/api/plans`)).json()) as {
        planId: string;
        approval: { approvedBy: string } | null;
      }[];
    assert.equal(
      (await plans()).find((p) => p.planId === demo.planId)?.approval,
      null,
      "nothing recorded yet",
    );
    await shot(page, "approve-refused");
    await submit(TOKEN);
    await page.waitForSelector('[data-testid="approve-result"][data-outcome="approved"]');
    assert.equal((await plans()).find((p) => p.planId === demo.planId)?.approval?.approvedBy, "alice");
    await shot(page, "approve-done");
    await page.close();
  });

  test("no script error and no content-security-policy violation on any page", () => {
    assert.deepEqual(demo.violations, []);
  });
});
