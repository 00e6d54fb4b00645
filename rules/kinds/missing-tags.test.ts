import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, instance, TAGS } from "../../test/helpers/rule-kind.js";

const records = [
  instance("i-tagged"),
  instance("i-team-only", { tags: { team: "platform" } }),
  instance("i-untagged", { tags: {} }),
  instance("i-empty-team", { tags: { ...TAGS, team: "" } }),
  // Tag keys match ignoring case (tags.caseInsensitive): Team counts as team.
  instance("i-Team", { tags: { Team: "data", environment: "prod" } }),
];

test("missing-tags names what is missing, of tags.required", async () => {
  const findings = await findingsOfKind("missing-tags", [collected(records)]);
  assert.deepEqual(
    findings.map((f) => [f.resourceId, f.evidence]),
    [
      ["i-empty-team", { missing: ["team"] }],
      ["i-team-only", { missing: ["environment"] }],
      ["i-untagged", { missing: ["team", "environment"] }],
    ],
  );
  assert.equal(findings[2]?.reason, "missing tags team, environment");
});

test("missing-tags: its required parameter replaces tags.required; case counts when asked to", async () => {
  const own = await findingsOfKind("missing-tags", [collected(records)], { params: { required: ["team"] } });
  assert.deepEqual(
    own.map((f) => f.resourceId),
    ["i-empty-team", "i-untagged"],
  );
  const caseSensitive = await findingsOfKind("missing-tags", [collected(records)], {
    config: { tags: { caseInsensitive: false } },
    params: { required: ["team"] },
  });
  assert.deepEqual(
    caseSensitive.map((f) => f.resourceId),
    ["i-Team", "i-empty-team", "i-untagged"],
  );
});
