import assert from "node:assert/strict";
import { test } from "node:test";
import { database, dbArn, savingsOf } from "../../test/helpers/rds.js";
import { collected, findingsOfKind } from "../../test/helpers/rule-kind.js";

test("rds-gp2-storage: gp2 that gp3's included IOPS serve as fast (up to 4,000 GiB; SQL Server 1,000)", async () => {
  const gp2 = (name: string, allocatedStorageGiB: number, engine = "postgres", state = "available") =>
    database(name, { storageType: "gp2", allocatedStorageGiB, engine }, { state });
  const findings = await findingsOfKind("rds-gp2-storage", [
    collected([
      gp2("small", 20),
      gp2("gib-4000", 4000),
      gp2("gib-4001", 4001),
      gp2("sqlserver-1000", 1000, "sqlserver-se"),
      gp2("sqlserver-1001", 1001, "sqlserver-se"),
      gp2("stopped", 100, "mysql", "stopped"),
      gp2("deleting", 100, "mysql", "deleting"),
      database("gp3", { storageType: "gp3", allocatedStorageGiB: 100 }),
      database("io1", { storageType: "io1", allocatedStorageGiB: 100 }),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["gib-4000", "small", "sqlserver-1000", "stopped"].map(dbArn),
  );
  const small = findings.find((f) => f.resourceId === dbArn("small"));
  assert.equal(small?.reason, "gp2 storage of 20 GiB: gp3 includes 3000 IOPS where gp2 gives 100");
  assert.deepEqual(small?.evidence, {
    storageType: "gp2",
    allocatedStorageGiB: 20,
    multiAz: false,
    gp2Iops: 100,
    gp3Iops: 3000,
  });
});

test("rds-gp2-storage: savings are the gp3 discount of the storage's share of a billed cost, never more", async () => {
  const records = [
    // 100 GiB Single-AZ at 0.115 is 11.50 of the 100 USD billed: 20% of it.
    database("billed", { storageType: "gp2", allocatedStorageGiB: 100 }),
    // Multi-AZ: 1,000 GiB twice is 230 USD, over the 50 billed: the discount of all 50, no more.
    database("multi-az", { storageType: "gp2", allocatedStorageGiB: 1000, multiAz: true }),
    // Unbilled: an estimate would price instance hours only, no storage to save on.
    database("unbilled", { storageType: "gp2", allocatedStorageGiB: 100 }),
  ];
  const billed = { [dbArn("billed")]: 100, [dbArn("multi-az")]: 50 };
  const discounted = await savingsOf("rds-gp2-storage", records, billed, {
    gp2UsdPerGbMonth: 0.115,
    gp3UsdPerGbMonth: 0.092,
  });
  assert.equal(discounted[dbArn("billed")], 2.3);
  assert.equal(discounted[dbArn("multi-az")], 10);
  assert.ok(!discounted[dbArn("unbilled")], `unbilled: ${discounted[dbArn("unbilled")]}`);
  // AWS's public prices are equal: by default, flagged for the IOPS, with no money saved.
  const byDefault = await savingsOf("rds-gp2-storage", records, billed);
  assert.equal(byDefault[dbArn("billed")], 0);
  assert.equal(byDefault[dbArn("multi-az")], 0);
});
