import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, findingsOfKind, volume, volumeOps } from "../../test/helpers/rule-kind.js";

test("oversized-volume: 100 GiB or io1 up to 16,000 IOPS, under 1,000 ops a day, 7 days of data", async () => {
  const findings = await findingsOfKind("oversized-volume", [
    collected(
      [
        volume("vol-100g-999ops", "in-use", { sizeGiB: 100 }),
        volume("vol-100g-1001ops", "in-use", { sizeGiB: 100 }),
        volume("vol-99g-idle", "in-use", { sizeGiB: 99 }),
        volume("vol-io1-16000", "in-use", { volumeType: "io1", iops: 16000 }),
        volume("vol-io1-16001", "in-use", { volumeType: "io1", iops: 16001 }),
        volume("vol-100g-7-days", "in-use", { sizeGiB: 100 }),
        volume("vol-100g-6-days", "in-use", { sizeGiB: 100 }),
        volume("vol-100g-available", "available", { sizeGiB: 100 }),
      ],
      [
        ...volumeOps("vol-100g-999ops", 14, 999),
        ...volumeOps("vol-100g-1001ops", 14, 1001),
        ...volumeOps("vol-99g-idle", 14, 0),
        ...volumeOps("vol-io1-16000", 14, 10),
        ...volumeOps("vol-io1-16001", 14, 10),
        ...volumeOps("vol-100g-7-days", 7, 0),
        ...volumeOps("vol-100g-6-days", 6, 0),
        ...volumeOps("vol-100g-available", 14, 0),
      ],
    ),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["vol-100g-7-days", "vol-100g-999ops", "vol-io1-16000"],
  );
});
