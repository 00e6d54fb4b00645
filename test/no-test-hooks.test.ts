import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "./helpers/project.js";

/** Folders that are not the product: the tests (which may name the hooks to forbid them) and tooling. */
const NOT_PRODUCT = new Set(["test", "node_modules", ".venv", ".git", ".demo"]);

function productFiles(root: string, extensions: RegExp): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_PRODUCT.has(entry.name)) walk(path);
      } else if (extensions.test(entry.name)) {
        files.push(path);
      }
    }
  };
  walk(root);
  return files;
}

// An environment variable that makes apply kill or pause itself has no place in what users run: the crash
// and concurrency tests inject their faults from outside (test/helpers/counting-proxy.ts).
test("no product code, compiled or source, reads a FINOPS_TEST_ hook", () => {
  const dist = join(PROJECT_ROOT, "dist");
  assert.ok(existsSync(join(dist, "remediation", "apply.js")), "the build is there to be checked");
  const compiled = productFiles(dist, /\.(js|mjs|cjs)$/);
  const sources = productFiles(PROJECT_ROOT, /\.(ts|tsx|js|mjs|sh)$/).filter(
    (f) => !f.startsWith(`${dist}/`),
  );
  assert.ok(compiled.some((f) => f.endsWith(join("cli", "main.js"))));
  assert.ok(sources.some((f) => f.endsWith(join("remediation", "journal.ts"))));
  const offenders = [...compiled, ...sources].filter((f) => readFileSync(f, "utf8").includes("FINOPS_TEST_"));
  assert.deepEqual(
    offenders.map((f) => relative(PROJECT_ROOT, f)),
    [],
  );
});
