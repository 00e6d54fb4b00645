import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, volume } from "../../test/helpers/rule-kind.js";

test("gp2-volume: every gp2 volume, attached or not; no other type", async () => {
  const findings = await findingsOfKind("gp2-volume", [
    collected([
      volume("vol-gp2", "in-use", { volumeType: "gp2" }),
      volume("vol-gp2-free", "available", { volumeType: "gp2", sizeGiB: 8 }),
      volume("vol-gp3", "in-use", {}),
      volume("vol-io1", "in-use", { volumeType: "io1" }),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["vol-gp2", "vol-gp2-free"],
  );
  assert.equal(findings[0]?.reason, "gp2 volume of 50 GiB: gp3 costs about 20% less");
});
