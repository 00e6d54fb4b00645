import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, resource } from "../../test/helpers/rule-kind.js";

test("sql: the query's rows are the findings, once per resource", async () => {
  const findings = await findingsOfKind(
    "sql",
    [
      collected([
        resource("s3:bucket", "bucket-no-lifecycle", { attributes: { lifecycleRules: 0 } }),
        resource("s3:bucket", "bucket-lifecycle", { attributes: { lifecycleRules: 1 } }),
      ]),
    ],
    {
      params: {
        // Each bucket without rules twice: a finding is one per rule and resource.
        query: `SELECT account, resource_id, 'no lifecycle (' || n || ')' AS reason
          FROM resources_current, (VALUES (1), (2)) t(n)
          WHERE resource_type = 's3:bucket' AND coalesce(attrs.lifecycleRules, 0) = 0`,
      },
    },
  );
  assert.deepEqual(
    findings.map((f) => [f.resourceId, f.reason]),
    [["bucket-no-lifecycle", "no lifecycle (1)"]],
  );
});
