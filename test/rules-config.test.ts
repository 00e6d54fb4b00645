import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RULE_KINDS } from "../rules/catalogue.js";
import { runFinops } from "./helpers/cli.js";
import { emptyDatabase, PROJECT_ROOT, tempDir } from "./helpers/project.js";

/** A bad rules.yaml, and what the error must say: file:line:column and the problem. */
const CORPUS: { name: string; yaml: string; error: RegExp }[] = [
  {
    name: "unknown key, with the right one suggested",
    yaml: "tags:\n  requierd: [team]\n",
    error: /rules-\d+\.yaml:2:3: unknown key "tags\.requierd": did you mean "required"\?/,
  },
  {
    name: "unknown rule parameter, with the right one suggested",
    yaml: "rules:\n  - id: idle-instance\n    params:\n      maxCpuPercnt: 5\n",
    error: /rules-\d+\.yaml:4:21: .*unknown parameter of idle-instance: did you mean "maxCpuPercent"\?/,
  },
  {
    name: "wrong type",
    yaml: "rules:\n  - id: old-snapshot\n    params: { minAgeDays: ninety }\n",
    error: /rules-\d+\.yaml:3:27: rules\.2?.*minAgeDays/,
  },
  {
    name: "threshold out of range",
    yaml: "rules:\n  - id: idle-instance\n    params:\n      maxCpuPercent: 150\n",
    error: /rules-\d+\.yaml:4:22: .*maxCpuPercent.*100/,
  },
  {
    name: "unknown rule kind",
    yaml: "rules:\n  - id: idle-instanse\n",
    error: /rules-\d+\.yaml:2:9: .*unknown rule kind "idle-instanse": did you mean "idle-instance"\?/,
  },
  {
    name: "duplicate rule id",
    yaml: "rules:\n  - id: gp2-volume\n  - id: gp2-volume\n",
    error: /rules-\d+\.yaml:3:9: .*duplicate rule id "gp2-volume"/,
  },
  {
    name: "bad severity",
    yaml: "rules:\n  - id: gp2-volume\n    severity: urgent\n",
    error: /rules-\d+\.yaml:3:15: rules\.0\.severity: /,
  },
  {
    name: "bad SQL in a custom rule",
    yaml: "rules:\n  - id: mine\n    kind: sql\n    params:\n      query: SELEC account FROM resources_current\n",
    error: /rules-\d+\.yaml:5:14: rule "mine" cannot run: .*syntax error/i,
  },
  {
    name: "an alias bomb (billion laughs), at the alias that expands too far",
    yaml: [
      "tags:",
      "  required: []",
      "rules:",
      '  - { id: gp2-volume, params: { x: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"] } }',
      "  - { id: old-snapshot, params: { x: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a] } }",
      "  - { id: idle-instance, params: { x: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b] } }",
      "  - { id: unattached-volume, params: { x: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c] } }",
      "  - { id: expired, params: { x: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d] } }",
      "",
    ].join("\n"),
    error: /rules-\d+\.yaml:7:\d+: invalid YAML: alias \*c: too many aliases .*alias bomb/,
  },
  {
    name: "an alias before its anchor",
    yaml: "tags:\n  required: *later\nrules: &later []\n",
    error: /rules-\d+\.yaml:2:13: invalid YAML: alias \*later: Unresolved alias/,
  },
];

describe("a bad rules.yaml exits 2 naming the line and column", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  // A rule's SQL is checked against a store: the database exists, so the error is the rule's.
  before(() => emptyDatabase(db));
  after(() => dir.remove());

  for (const [index, { name, yaml, error }] of CORPUS.entries()) {
    test(name, async () => {
      const config = join(dir.path, `rules-${index}.yaml`);
      writeFileSync(config, yaml);
      const result = await runFinops(["analyze", "--config", config, "--db", db]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, error);
      assert.equal(result.stdout, "");
    });
  }
});

test("anchors and aliases used a few times load as before", async () => {
  const dir = tempDir();
  try {
    const config = join(dir.path, "rules.yaml");
    writeFileSync(
      config,
      "tags:\n  required: &keys [team]\n  teamKeys: *keys\nrules:\n  - id: gp2-volume\n  - id: old-snapshot\n",
    );
    const db = await emptyDatabase(join(dir.path, "f.duckdb"));
    const result = await runFinops(["analyze", "--config", config, "--db", db]);
    assert.equal(result.code, 0, result.stderr);
  } finally {
    dir.remove();
  }
});

test("the README's rule table says what each rule kind of the catalogue does and saves", () => {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  for (const kind of RULE_KINDS.values()) {
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${kind.kind}\``));
    assert.ok(row, `README has a row for ${kind.kind}`);
    assert.ok(row.includes(kind.description), `${kind.kind}: description`);
    assert.ok(row.includes(kind.savings), `${kind.kind}: savings`);
  }
});
