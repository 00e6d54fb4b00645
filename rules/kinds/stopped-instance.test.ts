import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, daysAgo, findingsOfKind, instance } from "../../test/helpers/rule-kind.js";

test("stopped-instance: stopped over 30 days, naming the volumes it still pays for", async () => {
  const stopped = (id: string, days: number, volumeIds: string[] = []) =>
    instance(id, { state: "stopped", stateSince: daysAgo(days) }, { volumeIds });
  const findings = await findingsOfKind("stopped-instance", [
    collected([
      stopped("i-stopped-31", 31, ["vol-root"]),
      stopped("i-stopped-30", 30),
      stopped("i-stopped-29", 29),
      instance("i-running"),
      // A stop with no date is not known to be long.
      instance("i-stopped-undated", { state: "stopped", stateSince: null }),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["i-stopped-31"],
  );
  assert.equal(findings[0]?.reason, "stopped for 31 days, still paying for 1 volume(s)");
  assert.deepEqual(findings[0]?.evidence.volumeIds, ["vol-root"]);
});
