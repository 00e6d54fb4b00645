import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "./helpers/project.js";

/**
 * The layers, bottom up, and what each top-level folder may import. Shared homes sit below every stage;
 * stages depend on them and on the store, never on cli/; the few stage-to-stage edges are named, each
 * with its reason. The CLI, the demo, the benchmarks, scripts and tests sit on top.
 */
const HOMES = ["core", "config", "aws", "resources"];
const STAGES = ["collectors", "rules", "remediation", "reports", "web"];
const ALLOWED: Record<string, string[]> = {
  core: ["core"],
  config: ["core", "config"],
  // AWS access knows nothing of the configuration: callers pass what it needs.
  aws: ["core", "aws"],
  resources: ["core", "resources"],
  store: ["core", "config", "resources", "store"],
  collectors: ["core", "config", "aws", "resources", "store", "collectors"],
  rules: ["core", "config", "resources", "store", "rules"],
  // Remediation reads the rule configuration it acts on (the expired rule's tag keys, for backups).
  remediation: ["core", "config", "aws", "resources", "store", "remediation", "rules"],
  // The report and the digests show plans, marks and the savings realised since an action.
  reports: ["core", "config", "resources", "store", "reports", "remediation"],
  // The web view lists plans and records approvals.
  web: ["core", "config", "resources", "store", "web", "remediation"],
  // The demo estate is a product feature (finops demo): built from the stages, run by the CLI.
  demo: [...HOMES, "store", ...STAGES, "demo"],
  cli: [...HOMES, "store", ...STAGES, "demo", "cli"],
  // Benchmarks start moto as the tests do.
  bench: [...HOMES, "store", ...STAGES, "cli", "demo", "bench", "test"],
  scripts: [...HOMES, "store", ...STAGES, "cli", "demo", "scripts"],
  test: [...HOMES, "store", ...STAGES, "cli", "demo", "bench", "scripts", "test"],
};
const SKIPPED = new Set(["node_modules", "dist", ".git", ".venv", "deploy", "test-artifacts", "bench-data"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name) || entry.name.startsWith(".")) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The relative module specifiers a file imports or re-exports (static and dynamic imports). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;
  for (const match of source.matchAll(pattern)) found.push(match[1] as string);
  return found;
}

const topFolder = (path: string) => relative(PROJECT_ROOT, path).split(sep)[0] ?? "";

test("every layer imports only downward: no stage imports cli/, no home or store imports a stage", () => {
  const files = sourceFiles(PROJECT_ROOT).filter(
    (f) => topFolder(f) !== "web" || !f.includes(`${sep}ui${sep}`),
  );
  assert.ok(files.length > 100, `found the sources (${files.length})`);
  const violations: string[] = [];
  for (const file of files) {
    // A test beside the code it tests (a rule kind's) is a test.
    const from = file.endsWith(".test.ts") ? "test" : topFolder(file);
    const allowed = ALLOWED[from];
    if (!allowed) {
      violations.push(`${relative(PROJECT_ROOT, file)}: its folder ${from}/ has no layer: add it to ALLOWED`);
      continue;
    }
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      const to = topFolder(resolve(dirname(file), spec));
      if (!allowed.includes(to))
        violations.push(`${relative(PROJECT_ROOT, file)} imports ${spec} (${from} -> ${to})`);
    }
  }
  assert.deepEqual(violations, []);
});

test("the web page imports nothing from outside web/ (it is built for the browser)", () => {
  const ui = join(PROJECT_ROOT, "web", "ui");
  const violations = sourceFiles(ui).flatMap((file) =>
    importsOf(readFileSync(file, "utf8"))
      .filter((spec) => topFolder(resolve(dirname(file), spec)) !== "web")
      .map((spec) => `${relative(PROJECT_ROOT, file)} imports ${spec}`),
  );
  assert.deepEqual(violations, []);
});

test("the layer check sees a violation when there is one", () => {
  assert.deepEqual(importsOf('import { x } from "../cli/errors.js";\nexport * from "./y.js";'), [
    "../cli/errors.js",
    "./y.js",
  ]);
  assert.ok(!ALLOWED.store?.includes("collectors") && !ALLOWED.remediation?.includes("collectors"));
  assert.deepEqual(ALLOWED.aws, ["core", "aws"]);
  assert.ok(STAGES.every((stage) => !ALLOWED[stage]?.includes("cli")));
  assert.ok(!ALLOWED.reports?.includes("rules"), "reports read findings from the store, not rule code");
});
