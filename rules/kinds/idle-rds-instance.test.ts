import assert from "node:assert/strict";
import { test } from "node:test";
import { database, dbArn } from "../../test/helpers/rds.js";
import { collected, earlierBy, findingsOfKind, series } from "../../test/helpers/rule-kind.js";

test("idle-rds-instance: no connection in 14 days, at least 7 days of data, available only", async () => {
  const connections = (name: string, days: number) =>
    series(dbArn(name), "AWS/RDS", "DatabaseConnections", days, { maximum: 0, average: 0 });
  const findings = await findingsOfKind("idle-rds-instance", [
    collected(
      [
        database("idle"),
        database("one-connection"),
        database("seven-days"),
        database("six-days"),
        database("stopped", {}, { state: "stopped" }),
        database("busy-before"),
        database("other-namespace"),
      ],
      [
        ...connections("idle", 14),
        ...connections("one-connection", 14).map((d, i) => (i === 13 ? { ...d, maximum: 1 } : d)),
        ...connections("seven-days", 7),
        ...connections("six-days", 6),
        ...connections("stopped", 14),
        // Busy 15 days ago: outside the 14 days.
        ...connections("busy-before", 14),
        ...earlierBy(connections("busy-before", 1), 14).map((d) => ({ ...d, maximum: 50 })),
        // Redshift names a metric alike: only AWS/RDS's counts.
        ...series(dbArn("other-namespace"), "AWS/Redshift", "DatabaseConnections", 14, { maximum: 0 }),
      ],
    ),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    [dbArn("busy-before"), dbArn("idle"), dbArn("seven-days")],
  );
  assert.deepEqual(findings.find((f) => f.resourceId === dbArn("seven-days"))?.evidence, {
    days: 7,
    maxConnections: 0,
  });
  assert.equal(
    findings.find((f) => f.resourceId === dbArn("idle"))?.reason,
    "no database connection in 14 days",
  );
});

test("idle-rds-instance: lookbackDays and minDataDays are parameters", async () => {
  const connections = (name: string, days: number) =>
    series(dbArn(name), "AWS/RDS", "DatabaseConnections", days, { maximum: 0 });
  const records = [database("three-days"), database("two-days")];
  const metrics = [...connections("three-days", 3), ...connections("two-days", 2)];
  const flagged = await findingsOfKind("idle-rds-instance", [collected(records, metrics)], {
    params: { lookbackDays: 3, minDataDays: 3 },
  });
  assert.deepEqual(
    flagged.map((f) => f.resourceId),
    [dbArn("three-days")],
  );
});
