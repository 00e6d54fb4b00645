#!/usr/bin/env node
// Writes the documentation made from the rule kinds' metadata (rules/docs.ts): the README's rule table
// and the rules section of the bundled rules.yaml. Run by `npm run docs`, which compiles first: it reads
// the compiled kinds in dist/. rules/docs.test.ts fails when the checked-in copies differ from these.
import { readFileSync, writeFileSync } from "node:fs";

const { generatedDocs } = await import(new URL("../dist/rules/docs.js", import.meta.url).href);
const readmePath = new URL("../README.md", import.meta.url);
const rulesYamlPath = new URL("../rules.yaml", import.meta.url);
const readme = readFileSync(readmePath, "utf8");
const rulesYaml = readFileSync(rulesYamlPath, "utf8");
const generated = generatedDocs(readme, rulesYaml);
for (const [path, before, after] of [
  [readmePath, readme, generated.readme],
  [rulesYamlPath, rulesYaml, generated.rulesYaml],
]) {
  if (after !== before) writeFileSync(path, after);
  process.stdout.write(`${after === before ? "unchanged" : "updated"}: ${path.pathname}\n`);
}
