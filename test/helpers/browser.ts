import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { canonicalJson, type PlanContent, planIdOf } from "../../remediation/plan.js";
import { openStore } from "../../store/database.js";
import { runFinops } from "./cli.js";
import { PROJECT_ROOT, tempDir } from "./project.js";
import { type Served, startServe } from "./serve.js";

/** The browser tests' set-up: the demo database with one plan, `finops serve` on it, and Chromium. */

export const CHROMIUM = process.env.FINOPS_CHROMIUM ?? "/usr/bin/chromium";
/** Why a browser test is skipped, or false: the tests need Chromium and the built page (npm run build). */
export const BROWSER_SKIP = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing`
  : !existsSync(join(PROJECT_ROOT, "dist/page/index.html"))
    ? "the page is not built: npm run build"
    : false;
export const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts");
const ANCHOR = "2024-09-18";

/** Polls until the condition holds (the page updates after its API answers), at most 15 s. */
export async function until(condition: () => Promise<boolean>): Promise<void> {
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

export interface DemoBrowser {
  served: Served;
  browser: Browser;
  /** The plan stored beside the demo's findings (two idle instances). */
  planId: string;
  /** Script errors and CSP refusals seen on any page opened (the refused approvals' 401/403 excepted). */
  violations: string[];
  open(hash: string, width?: number): Promise<Page>;
  /** A screenshot kept in test-artifacts/web-NAME.png: the whole page, or the viewport (a sheet on top). */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the demo (a while: one per test file), stores a plan, serves it and starts Chromium. */
export async function startDemoBrowser(token: string): Promise<DemoBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = tempDir();
  const db = join(dir.path, "demo.duckdb");
  const built = await runFinops(["--db", db, "--now", ANCHOR, "demo", "--no-serve"]);
  assert.equal(built.code, 0, built.stderr);
  const store = await openStore(db);
  const idle = await store.connection.runAndReadAll(
    "SELECT resource_id, team FROM findings WHERE rule = 'idle-instance' ORDER BY resource_id LIMIT 2",
  );
  const content = demoPlan(
    idle.getRowObjectsJson().map((r) => ({ id: String(r.resource_id), team: String(r.team) })),
  );
  const planId = planIdOf(content);
  await store.connection.run("INSERT INTO plans VALUES ($1, now()::TIMESTAMP, now()::TIMESTAMP, $2, 2)", [
    planId,
    canonicalJson(content),
  ]);
  store.close();
  const served = await startServe(["--db", db, "--no-schedules"], { FINOPS_WEB_TOKEN: token });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  const violations: string[] = [];
  return {
    served,
    browser,
    planId,
    violations,
    async open(hash, width = 1440) {
      const page = await browser.newPage({ viewport: { width, height: width < 600 ? 844 : 1000 } });
      page.on("console", (message) => {
        // The refused approvals answer 401 and 403 on purpose; anything else (a CSP refusal, a failed
        // script) is a fault.
        const expected = /status of 40[13] \((Unauthorized|Forbidden)\)/.test(message.text());
        if (message.type() === "error" && !expected) violations.push(`console: ${message.text()}`);
      });
      page.on("pageerror", (error) => violations.push(`page: ${error.message}`));
      await page.goto(`${served.base}/${hash}`);
      return page;
    },
    async shot(page, name, fullPage = true) {
      await page.screenshot({ path: join(ARTIFACTS, `web-${name}.png`), fullPage });
    },
    async stop() {
      await browser.close();
      await served.stop();
      dir.remove();
    },
  };
}
