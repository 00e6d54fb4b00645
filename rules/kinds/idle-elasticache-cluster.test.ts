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

const arn = (id: string) => `arn:aws:elasticache:${REGION}:${ACCOUNT}:cluster:${id}`;
const cluster = (id: string, state = "available") =>
  resource("elasticache:cluster", arn(id), {
    state,
    attributes: { name: id, cacheNodeType: "cache.r6g.large", numCacheNodes: 2, engine: "redis" },
  });
const connections = (id: string, days: number, maximum = 0) =>
  series(arn(id), "AWS/ElastiCache", "CurrConnections", days, { maximum });

test("idle-elasticache-cluster: no connections in 14 days, at least 7 days of data", async () => {
  const findings = await findingsOfKind("idle-elasticache-cluster", [
    collected(
      [
        cluster("idle"),
        cluster("one-connection"),
        cluster("seven-days"),
        cluster("six-days"),
        cluster("creating", "creating"),
      ],
      [
        ...connections("idle", 14),
        ...connections("one-connection", 14).map((d, i) => (i === 5 ? { ...d, maximum: 1 } : d)),
        ...connections("seven-days", 7),
        ...connections("six-days", 6),
        ...connections("creating", 14),
      ],
    ),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    [arn("idle"), arn("seven-days")],
  );
  assert.deepEqual(findings[0]?.evidence, {
    days: 14,
    maxCurrConnections: 0,
    cacheNodeType: "cache.r6g.large",
    numCacheNodes: 2,
    engine: "redis",
  });
});
