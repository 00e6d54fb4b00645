import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  ACCOUNT,
  type Collection,
  daysAgo,
  findingsOfKind,
  instance,
  type KindFinding,
  NOW,
  REGION,
  resource,
} from "../../test/helpers/rule-kind.js";

const arn = (name: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
const cluster = (name: string, ageDays: number, attributes: Record<string, unknown> = {}, state = "ACTIVE") =>
  resource("eks:cluster", arn(name), {
    state,
    createdAt: daysAgo(ageDays),
    attributes: { name, version: "1.31", nodegroups: 1, desiredNodes: 0, ...attributes },
  });
const node = (id: string, clusterName: string) =>
  instance(id, {}, { kubernetes: { cluster: clusterName, nodegroup: null, nodepool: null } });
const at = (days: number, records: Collection["records"]): Collection => ({
  records,
  metrics: [],
  at: new Date(NOW.getTime() - days * 86_400_000),
});

describe("empty-eks-cluster: active for over 7 days, no node wanted, no node seen in 7 days", () => {
  let findings: KindFinding[] = [];
  before(async () => {
    findings = await findingsOfKind("empty-eks-cluster", [
      // Nodes seen in earlier collections only: 8 days ago is outside the week, 6 days ago inside.
      at(8, [node("i-old-node", "seen-8d"), node("i-other", "busy")]),
      at(6, [node("i-recent-node", "seen-6d"), node("i-other", "busy")]),
      at(0.1, [
        cluster("seen-8d", 30),
        cluster("seen-6d", 30),
        cluster("no-nodegroups", 30, { nodegroups: 0 }),
        cluster("busy", 30),
        cluster("wants-nodes", 30, { desiredNodes: 2 }),
        cluster("age-7.1d", 7.1),
        cluster("age-6.9d", 6.9),
        cluster("creating", 30, {}, "CREATING"),
        node("i-other", "busy"),
      ]),
    ]);
  });

  test("flags the clusters with no node for the week, created over 7 days ago", () => {
    assert.deepEqual(findings.map((f) => f.resourceId).sort(), [
      arn("age-7.1d"),
      arn("no-nodegroups"),
      arn("seen-8d"),
    ]);
  });

  test("the reason names the cluster and its node groups", () => {
    const empty = findings.find((f) => f.resourceId === arn("no-nodegroups"));
    assert.equal(
      empty?.reason,
      "EKS cluster no-nodegroups has had no node for 7 days (0 node group(s), none wanting a node), created 30 days ago",
    );
    assert.equal(empty?.evidence.nodegroups, 0);
  });

  test("the days are a parameter", async () => {
    const flagged = await findingsOfKind(
      "empty-eks-cluster",
      [at(4, [node("i-n", "seen-4d")]), at(0.1, [cluster("seen-4d", 30), instance("i-x")])],
      { params: { minDays: 3 } },
    );
    assert.deepEqual(
      flagged.map((f) => f.resourceId),
      [arn("seen-4d")],
    );
  });
});
