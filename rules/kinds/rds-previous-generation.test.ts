import assert from "node:assert/strict";
import { test } from "node:test";
import { database, dbArn, savingsOf } from "../../test/helpers/rds.js";
import { collected, flaggedBy } from "../../test/helpers/rule-kind.js";

test("rds-previous-generation: db.m4, db.r4, db.t2 (and older) classes, available or stopped", async () => {
  const flagged = await flaggedBy("rds-previous-generation", [
    collected([
      database("m4", { instanceClass: "db.m4.large" }),
      database("r4", { instanceClass: "db.r4.xlarge" }),
      database("t2", { instanceClass: "db.t2.micro" }, { state: "stopped" }),
      database("m3", { instanceClass: "db.m3.medium" }),
      database("m5", { instanceClass: "db.m5.large" }),
      database("t3", { instanceClass: "db.t3.micro" }),
      database("r6g", { instanceClass: "db.r6g.large" }),
      database("m4-deleting", { instanceClass: "db.m4.large" }, { state: "deleting" }),
    ]),
  ]);
  assert.deepEqual(flagged, ["m3", "m4", "r4", "t2"].map(dbArn));

  const narrowed = await flaggedBy(
    "rds-previous-generation",
    [
      collected([
        database("m4", { instanceClass: "db.m4.large" }),
        database("t2", { instanceClass: "db.t2.micro" }),
      ]),
    ],
    { params: { families: ["db.t2"] } },
  );
  assert.deepEqual(narrowed, [dbArn("t2")]);
});

test("rds-previous-generation: savings are savingsRatio of the instance hours, the billed storage left out", async () => {
  const records = [
    // Billed 100 USD a month, of which 100 GiB of Single-AZ storage is 11.50: 10% of 88.50.
    database("billed", { instanceClass: "db.m4.large", storageType: "gp2" }),
    // Multi-AZ storage bills twice: 1,000 GiB is 230 USD, more than all it was billed: no instance share.
    database("storage-only", { instanceClass: "db.m4.large", allocatedStorageGiB: 1000, multiAz: true }),
  ];
  const savings = await savingsOf("rds-previous-generation", records, {
    [dbArn("billed")]: 100,
    [dbArn("storage-only")]: 50,
  });
  assert.equal(savings[dbArn("billed")], 8.85);
  assert.equal(savings[dbArn("storage-only")], 0);
});
