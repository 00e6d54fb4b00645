import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ACCOUNT,
  collected,
  findingsOfKind,
  REGION,
  resource,
  series,
} from "../../test/helpers/rule-kind.js";

const arn = (id: string) => `arn:aws:redshift:${REGION}:${ACCOUNT}:cluster:${id}`;
const cluster = (id: string, state = "available") =>
  resource("redshift:cluster", arn(id), {
    state,
    attributes: { name: id, nodeType: "ra3.xlplus", numberOfNodes: 2 },
  });
const connections = (id: string, days: number, maximum = 0) =>
  series(arn(id), "AWS/Redshift", "DatabaseConnections", days, { maximum });

test("idle-redshift-cluster: no database connections in 14 days, at least 7 days of data", async () => {
  const findings = await findingsOfKind("idle-redshift-cluster", [
    collected(
      [
        cluster("idle"),
        cluster("one-connection"),
        cluster("seven-days"),
        cluster("six-days"),
        cluster("paused", "paused"),
      ],
      [
        ...connections("idle", 14),
        ...connections("one-connection", 14).map((d, i) => (i === 13 ? { ...d, maximum: 1 } : d)),
        ...connections("seven-days", 7),
        ...connections("six-days", 6),
        ...connections("paused", 14),
      ],
    ),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    [arn("idle"), arn("seven-days")],
  );
  assert.deepEqual(findings[0]?.evidence, {
    days: 14,
    maxDatabaseConnections: 0,
    nodeType: "ra3.xlplus",
    numberOfNodes: 2,
  });
});
