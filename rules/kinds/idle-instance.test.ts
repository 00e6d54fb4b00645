import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  collected,
  cpu,
  earlierBy,
  findingsOfKind,
  instance,
  type KindFinding,
  network,
  TAGS,
} from "../../test/helpers/rule-kind.js";

describe("idle-instance: max CPU under 5%, network under 5 MB/day, at least 7 days of 14", () => {
  let findings: KindFinding[] = [];
  before(async () => {
    findings = await findingsOfKind("idle-instance", [
      collected(
        [
          instance("i-idle"),
          instance("i-cpu-5.1", { tags: { team: "platform" } }),
          instance("i-net-6mb"),
          instance("i-7-days"),
          instance("i-6-days"),
          instance("i-no-network"),
          instance("i-old-data"),
          instance("i-stopped", { state: "stopped" }),
          instance("i-node", {}, { kubernetes: { cluster: "prod-eks" } }),
          instance("i-exempt", { tags: { ...TAGS, "finops:ignore": "idle-instance" } }),
          instance("i-exempt-all", { tags: { ...TAGS, "finops:ignore": "gp2-volume, *" } }),
          instance("i-exempt-other", { tags: { ...TAGS, "finops:ignore": "gp2-volume" } }),
          instance("i-protected", { tags: { ...TAGS, "finops:protect": "true" } }),
        ],
        [
          ...cpu("i-idle", 14, 4.9),
          ...network("i-idle", 14, 4.9),
          ...cpu("i-cpu-5.1", 14, 5.1),
          ...network("i-cpu-5.1", 14, 1),
          ...cpu("i-net-6mb", 14, 1),
          ...network("i-net-6mb", 14, 6),
          ...cpu("i-7-days", 7, 1),
          ...network("i-7-days", 7, 1),
          ...cpu("i-6-days", 6, 1),
          ...network("i-6-days", 6, 1),
          // Without network data it is not known to be idle.
          ...cpu("i-no-network", 14, 1),
          // Fourteen idle days, all before the 14-day window.
          ...earlierBy([...cpu("i-old-data", 14, 1), ...network("i-old-data", 14, 1)], 14),
          ...cpu("i-stopped", 14, 1),
          ...network("i-stopped", 14, 1),
          ...cpu("i-node", 14, 1),
          ...network("i-node", 14, 1),
          ...cpu("i-exempt", 14, 1),
          ...network("i-exempt", 14, 1),
          ...cpu("i-exempt-all", 14, 1),
          ...network("i-exempt-all", 14, 1),
          ...cpu("i-exempt-other", 14, 1),
          ...network("i-exempt-other", 14, 1),
          ...cpu("i-protected", 14, 1),
          ...network("i-protected", 14, 1),
        ],
      ),
    ]);
  });

  test("flags under both thresholds with 7 days or more; exemptions honoured, protection kept", () => {
    assert.deepEqual(
      findings.map((f) => f.resourceId),
      ["i-7-days", "i-exempt-other", "i-idle", "i-protected"],
    );
    assert.equal(findings.find((f) => f.resourceId === "i-protected")?.protected, true);
    assert.equal(findings.find((f) => f.resourceId === "i-idle")?.protected, false);
  });
  test("says the figures that triggered it", () => {
    const idle = findings.find((f) => f.resourceId === "i-idle");
    assert.equal(idle?.reason, "idle for 14 days: CPU peaked at 4.9%, network 4.9 MB/day");
    assert.deepEqual(idle?.evidence, { days: 14, maxCpuPercent: 4.9, meanNetworkMbPerDay: 4.9 });
  });
});
