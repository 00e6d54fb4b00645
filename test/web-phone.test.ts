import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import type { RuleCatalogue } from "../web/contract.js";
import { BROWSER_SKIP, type DemoBrowser, startDemoBrowser, until } from "./helpers/browser.js";

/*
 * The page's own globals, as far as the functions run in it (page.evaluate) use them: the tests compile
 * without the DOM library, which would let product code use browser globals too.
 */
interface InPageElement {
  readonly childNodes: ArrayLike<{ nodeType: number; textContent: string | null }> &
    Iterable<{ nodeType: number; textContent: string | null }>;
  readonly parentElement: InPageElement | null;
  readonly style: { color: string };
  getAttribute(name: string): string | null;
  getClientRects(): { length: number };
  closest(selector: string): InPageElement | null;
  matches(selector: string): boolean;
  querySelector(selector: string): InPageElement | null;
  append(child: InPageElement): void;
  remove(): void;
}
interface InPageStyle {
  color: string;
  backgroundColor: string;
  opacity: string;
  stroke: string;
  strokeWidth: string;
  content: string;
}
declare const document: {
  readonly documentElement: { scrollWidth: number; clientWidth: number };
  readonly body: InPageElement;
  readonly activeElement: InPageElement | null;
  createElement(tag: string): InPageElement;
  querySelectorAll(selector: string): Iterable<InPageElement>;
};
declare function getComputedStyle(element: InPageElement, pseudo?: string): InPageStyle;

/** A phone (iPhone 12 to 15) and a laptop. */
const WIDTHS = [390, 1440] as const;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** GET with exactly these headers (fetch would add its own Accept-Encoding and decode the body). */
function get(base: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = request(
      { hostname: url.hostname, port: url.port, path: url.pathname, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Nothing scrolls the page sideways. */
async function assertNoOverflow(page: Page, where: string): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `${where}: the page is ${scroll}px wide in a ${client}px window`);
}

/** One h1 per page, with this text. */
async function assertHeading(page: Page, text: string): Promise<void> {
  const headings = await page.getByRole("heading", { level: 1 }).allTextContents();
  assert.deepEqual(headings, [text]);
}

/**
 * Every visible text in the muted colour (the CSS's --muted, read back through getComputedStyle) against
 * the background it sits on (the nearest ancestor with an opaque background): at least 4.5:1.
 */
async function assertMutedContrast(page: Page, where: string): Promise<void> {
  const result = await page.evaluate(() => {
    const TEXT_NODE = 3;
    const probe = document.createElement("span");
    probe.style.color = "var(--muted)";
    document.body.append(probe);
    const muted = getComputedStyle(probe).color;
    probe.remove();
    const rgba = (value: string) => (value.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const [lr = 0, lg = 0, lb = 0] = [r, g, b].map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    };
    const background = (element: InPageElement): number[] => {
      for (let node: InPageElement | null = element; node; node = node.parentElement) {
        const [r = 0, g = 0, b = 0, a = 1] = rgba(getComputedStyle(node).backgroundColor);
        if (a >= 1) return [r, g, b];
      }
      return [255, 255, 255];
    };
    const faded = (element: InPageElement) => {
      for (let node: InPageElement | null = element; node; node = node.parentElement) {
        if (Number(getComputedStyle(node).opacity) < 1) return true;
      }
      return false;
    };
    const failures: string[] = [];
    let checked = 0;
    for (const element of document.querySelectorAll("body *")) {
      const text = [...element.childNodes]
        .filter((node) => node.nodeType === TEXT_NODE)
        .map((node) => node.textContent ?? "")
        .join("")
        .trim();
      if (!text || getComputedStyle(element).color !== muted) continue;
      if (element.getClientRects().length === 0 || element.closest(".sr-only") || faded(element)) continue;
      const [l1, l2] = [luminance(rgba(muted)), luminance(background(element))].sort((a, b) => b - a);
      const ratio = ((l1 ?? 0) + 0.05) / ((l2 ?? 0) + 0.05);
      checked++;
      if (ratio < 4.5) failures.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)}:1`);
    }
    return { muted, checked, failures };
  });
  assert.ok(result.checked > 0, `${where}: no text in the muted colour ${result.muted}`);
  assert.deepEqual(result.failures, [], `${where}: muted text under 4.5:1`);
}

describe("the web view on a phone (390 px) and a laptop (1440 px)", { skip: BROWSER_SKIP }, () => {
  let demo: DemoBrowser;

  before(async () => {
    demo = await startDemoBrowser("phone-test-token");
  });
  after(async () => {
    await demo?.stop();
  });

  test("the page's scripts and styles are sent compressed, with the same headers, to a client that asks", async () => {
    const base = demo.served.base;
    const page = await get(base, "/", { "accept-encoding": "gzip, deflate, br" });
    assert.equal(page.status, 200, "the page itself, to a browser");
    const assets = [...page.body.toString("utf8").matchAll(/\/assets\/[\w.-]+\.(?:js|css)/g)].map(
      (m) => m[0],
    );
    assert.ok(assets.some((a) => a.endsWith(".js")) && assets.some((a) => a.endsWith(".css")), `${assets}`);
    for (const asset of assets) {
      const plain = await get(base, asset, {});
      assert.equal(plain.status, 200);
      assert.equal(plain.headers["content-encoding"], undefined, `${asset} without Accept-Encoding`);
      const br = await get(base, asset, { "accept-encoding": "gzip, br" });
      assert.equal(br.headers["content-encoding"], "br", asset);
      assert.ok(
        br.body.length < plain.body.length / 2,
        `${asset}: ${br.body.length} of ${plain.body.length}`,
      );
      assert.deepEqual(brotliDecompressSync(br.body), plain.body);
      const gzip = await get(base, asset, { "accept-encoding": "gzip" });
      assert.equal(gzip.headers["content-encoding"], "gzip", asset);
      assert.deepEqual(gunzipSync(gzip.body), plain.body);
      for (const answer of [br, gzip]) {
        assert.equal(answer.headers["content-type"], plain.headers["content-type"]);
        assert.match(String(answer.headers["content-security-policy"]), /default-src 'self'/);
        assert.equal(answer.headers["x-content-type-options"], "nosniff");
        assert.match(String(answer.headers["cache-control"]), /immutable/);
        assert.match(String(answer.headers.vary), /accept-encoding/i);
      }
    }
  });

  for (const width of WIDTHS) {
    test(`${width} px: the overview fits, names its charts, and a waste bar works from the keyboard`, async () => {
      const page = await demo.open("#/overview", width);
      await page.getByTestId("waste-bar").first().waitFor({ timeout: 30_000 });
      await page.getByTestId("spend-chart").locator(".recharts-surface").first().waitFor();
      await page.getByTestId("commitment-row").first().waitFor();
      await page.getByTestId("hotspot-row").first().waitFor();
      await assertHeading(page, "Overview");
      await assertNoOverflow(page, `overview at ${width}px`);
      await assertMutedContrast(page, `overview at ${width}px`);

      // Each chart has a name, and its figures as a table.
      const spend = page.getByRole("img", { name: /^Stacked area chart: effective cost per day by service/ });
      assert.equal(await spend.count(), 1);
      const byRule = page.getByRole("figure", { name: /savings per month .* by rule/ });
      const byTeam = page.getByRole("figure", { name: /savings per month .* by team/ });
      assert.equal(await byRule.count(), 1);
      assert.equal(await byTeam.count(), 1);
      const bars = byRule.getByTestId("waste-bar");
      const table = byRule.getByTestId("chart-table");
      await table.locator("summary").click();
      const rows = table.locator("tbody tr");
      assert.equal(await rows.count(), await bars.count());
      const first = (await bars.first().getAttribute("aria-label")) ?? "";
      const [rule = ""] = first.split(":");
      // Rules by title, not id ("Idle EC2 instance", not idle-instance).
      assert.doesNotMatch(rule, /^[a-z0-9-]+$/, "a waste bar labelled by a rule id");
      assert.ok(((await rows.first().textContent()) ?? "").startsWith(`${rule}$`), rule);
      await table.locator("summary").click();
      await page.getByTestId("spend-chart").getByTestId("chart-table").locator("summary").click();
      assert.ok((await page.getByTestId("spend-chart").locator("tbody tr").count()) >= 28, "a row a day");
      await page.getByTestId("spend-chart").getByTestId("chart-table").locator("summary").click();
      await assertNoOverflow(page, `overview at ${width}px, a chart's table open`);
      await demo.shot(page, `overview-${width}`);

      // Tab reaches the first waste bar; it shows a ring; Enter (phone) or Space (laptop) opens its findings.
      let reached = false;
      for (let presses = 0; presses < 150 && !reached; presses++) {
        await page.keyboard.press("Tab");
        reached = await page.evaluate(
          () => document.activeElement?.getAttribute("data-testid") === "waste-bar",
        );
      }
      assert.ok(reached, "Tab never reached a waste bar");
      const focus = await page.evaluate(() => {
        const bar = document.activeElement as InPageElement;
        const ring = getComputedStyle(bar.querySelector(".bar-track") as InPageElement);
        return {
          label: bar.getAttribute("aria-label"),
          role: bar.getAttribute("role"),
          visible: bar.matches(":focus-visible"),
          stroke: ring.stroke,
          width: ring.strokeWidth,
        };
      });
      assert.equal(focus.label, first);
      assert.equal(focus.role, "button");
      assert.ok(
        focus.visible && focus.stroke !== "none" && Number.parseFloat(focus.width) >= 2,
        JSON.stringify(focus),
      );
      await demo.shot(page, `overview-bar-focus-${width}`, false);
      await page.keyboard.press(width < 600 ? "Enter" : " ");
      await until(async () => page.url().includes("#/findings"));
      // The bar names the rule by title and opens its findings by id.
      const catalogue = (await (await fetch(`${demo.served.base}/api/rules`)).json()) as RuleCatalogue;
      const id = catalogue.rules.find((r) => r.title === rule)?.id ?? `(no rule titled ${rule})`;
      assert.equal(new URL(page.url()).hash, `#/findings?rule=${encodeURIComponent(id)}`);
      await page.getByTestId("finding-row").first().waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId("filter-rule").inputValue(), id);
      await page.close();
    });

    test(`${width} px: the findings fit, and the finding panel opens from the keyboard`, async () => {
      const page = await demo.open("#/findings", width);
      const rows = page.getByTestId("finding-row");
      await rows.first().waitFor({ timeout: 30_000 });
      await assertHeading(page, "Findings");
      await assertNoOverflow(page, `findings at ${width}px`);
      await assertMutedContrast(page, `findings at ${width}px`);
      if (width < 600) {
        // A card per finding: the row is as wide as its card, its cells labelled.
        const box = await rows.first().boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= width, JSON.stringify(box));
        assert.equal(await page.getByTestId("findings-table").locator("thead").isVisible(), false);
        assert.equal(
          await rows
            .first()
            .locator('td[data-label="Savings/mo"]')
            .evaluate((td) => getComputedStyle(td, "::before").content),
          '"Savings/mo"',
        );
      }
      await demo.shot(page, `findings-${width}`);

      await rows.first().focus();
      await page.keyboard.press("Enter");
      const panel = page.getByTestId("finding-panel");
      await panel
        .getByTestId("resource-cost-chart")
        .locator(".recharts-surface")
        .waitFor({ timeout: 30_000 });
      const sheet = await panel.boundingBox();
      if (width < 600) {
        assert.deepEqual(sheet, { x: 0, y: 0, width, height: 844 }, "a full-screen sheet");
      } else {
        assert.ok(sheet && sheet.width === 560 && sheet.x + sheet.width === width, JSON.stringify(sheet));
      }
      assert.equal(
        await panel.getByRole("img", { name: /^Bar chart: this resource's cost per day/ }).count(),
        1,
      );
      assert.ok((await panel.getByTestId("chart-table").locator("tbody tr", { hasText: "$" }).count()) > 0);
      await assertNoOverflow(page, `the finding panel at ${width}px`);
      await assertMutedContrast(page, `the finding panel at ${width}px`);
      // The panel is on top of the page: only the viewport is the picture.
      await demo.shot(page, `finding-panel-${width}`, false);
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "detached" });
      assert.equal(await rows.first().evaluate((row) => row === document.activeElement), true, "focus back");
      await page.close();
    });

    test(`${width} px: the plans and a plan fit`, async () => {
      const page = await demo.open("#/remediation", width);
      await page.getByTestId("plan-row").first().waitFor({ timeout: 30_000 });
      await assertHeading(page, "Remediation");
      await assertNoOverflow(page, `remediation at ${width}px`);
      await assertMutedContrast(page, `remediation at ${width}px`);
      await demo.shot(page, `remediation-${width}`);
      await page.getByTestId("plan-row").first().click();
      await page.getByTestId("plan-item").first().waitFor();
      await assertHeading(page, "Remediation");
      assert.equal(await page.getByRole("heading", { level: 2, name: demo.planId }).count(), 1);
      await assertNoOverflow(page, `a plan at ${width}px`);
      await assertMutedContrast(page, `a plan at ${width}px`);
      await demo.shot(page, `plan-${width}`);
      await page.close();
    });
  }

  test("no script error and no content-security-policy violation at either width", () => {
    assert.deepEqual(demo.violations, []);
  });
});
