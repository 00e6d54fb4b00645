import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, resource } from "../../test/helpers/rule-kind.js";

test("s3-no-lifecycle: a bucket without lifecycle rules (none known counts as none)", async () => {
  const findings = await findingsOfKind("s3-no-lifecycle", [
    collected([
      resource("s3:bucket", "bucket-no-lifecycle", { attributes: { lifecycleRules: 0 } }),
      resource("s3:bucket", "bucket-unknown", { attributes: {} }),
      resource("s3:bucket", "bucket-lifecycle", { attributes: { lifecycleRules: 1 } }),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["bucket-no-lifecycle", "bucket-unknown"],
  );
});
