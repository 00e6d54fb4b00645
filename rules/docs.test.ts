import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { runFinops } from "../test/helpers/cli.js";
import { PROJECT_ROOT } from "../test/helpers/project.js";
import { RULE_KINDS } from "./catalogue.js";
import { configSchema, parseConfig } from "./config.js";
import { catalogue, GENERATED, generatedDocs, withGenerated } from "./docs.js";

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), "utf8");

test("the README's rule table and rules.yaml's rules are what the kinds' metadata makes (npm run docs)", () => {
  const readme = read("README.md");
  const rulesYaml = read("rules.yaml");
  const generated = generatedDocs(readme, rulesYaml);
  assert.equal(readme, generated.readme, "README.md's rule table is stale: run npm run docs");
  assert.equal(rulesYaml, generated.rulesYaml, "rules.yaml's rules are stale: run npm run docs");
});

test("a file without the markers is an error, never a silent no-op", () => {
  assert.throws(
    () => withGenerated("# nothing here\n", GENERATED.readme, "table", "README.md"),
    /README\.md: the generated section's markers are missing/,
  );
});

test("the bundled rules.yaml enables what leaving rules out enables, with the same values", () => {
  const bundled = parseConfig(read("rules.yaml"), "rules.yaml");
  const defaults = configSchema.parse({});
  assert.deepEqual(
    bundled.rules.map((r) => r.id),
    defaults.rules.map((r) => r.id),
  );
  for (const rule of bundled.rules) {
    const kind = RULE_KINDS.get(rule.id);
    assert.ok(kind, rule.id);
    assert.equal(rule.enabled, true);
    assert.equal(rule.approval, "manual");
    assert.equal(rule.severity ?? kind.defaultSeverity, kind.defaultSeverity, rule.id);
    assert.equal(rule.action ?? kind.defaultAction, kind.defaultAction, rule.id);
    assert.deepEqual(kind.params.parse(rule.params), kind.params.parse({}), rule.id);
  }
});

test("a kind without defaults has an example that is a valid rule", () => {
  const withoutDefaults = catalogue().filter((entry) => !entry.enabledByDefault);
  assert.deepEqual(
    withoutDefaults.map((entry) => entry.id),
    ["sql"],
  );
  for (const entry of withoutDefaults) {
    const example = RULE_KINDS.get(entry.id)?.example;
    assert.ok(example, `${entry.id} has an example`);
    const config = configSchema.parse({ tags: {}, rules: parse(example) });
    assert.equal(config.rules[0]?.kind ?? config.rules[0]?.id, entry.id);
  }
});

test("finops rules --json is the catalogue; finops rules lists each kind with its defaults", async () => {
  const json = await runFinops(["rules", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const listed = JSON.parse(json.stdout) as ReturnType<typeof catalogue>;
  assert.deepEqual(listed, catalogue());
  assert.deepEqual(
    listed.map((entry) => entry.id),
    [...RULE_KINDS.keys()],
  );
  const idle = listed.find((entry) => entry.id === "idle-instance");
  assert.deepEqual(
    [idle?.pack, idle?.severity, idle?.action, idle?.parameters[0]],
    ["compute", "high", "stop", { name: "lookbackDays", default: 14, required: false }],
  );
  const sql = listed.find((entry) => entry.id === "sql");
  assert.equal(sql?.parameters[0]?.required, true);

  const text = await runFinops(["rules"]);
  assert.equal(text.code, 0, text.stderr);
  for (const entry of listed) {
    assert.match(
      text.stdout,
      new RegExp(`^  ${entry.id}: severity ${entry.severity}, action ${entry.action}`, "m"),
    );
  }
  assert.match(text.stdout, /parameters: lookbackDays = 14, minDataDays = 7, maxCpuPercent = 5/);
  assert.match(text.stdout, /parameters: query \(required\)/);
});
