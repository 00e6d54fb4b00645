import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ACCOUNT,
  collected,
  daysAgo,
  findingsOfKind,
  REGION,
  resource,
  series,
} from "../../test/helpers/rule-kind.js";

const HOUR = 1 / 24;
const arn = (name: string, kind: "app" | "net" | null) =>
  `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/${kind ? `${kind}/${name}/0123456789abcdef` : name}`;
const KIND = { app: "application", net: "network" } as const;

/** A load balancer `ageDays` old with `targets` registered targets. */
const balancer = (
  name: string,
  kind: "app" | "net" | null,
  targets: number,
  ageDays = 30,
  state = "active",
) =>
  resource("elasticloadbalancing:loadbalancer", arn(name, kind), {
    state,
    createdAt: daysAgo(ageDays),
    attributes: {
      name,
      lbKind: kind ? KIND[kind] : "classic",
      targetGroups: kind ? 1 : 0,
      registeredTargets: targets,
    },
  });
const traffic = (name: string, kind: "app" | "net" | null, days: number, sum = 0) =>
  series(
    arn(name, kind),
    kind === "net" ? "AWS/NetworkELB" : kind === "app" ? "AWS/ApplicationELB" : "AWS/ELB",
    kind === "net" ? "ProcessedBytes" : "RequestCount",
    days,
    { sum },
  );

test("idle-load-balancer: no registered targets, older than minAgeDays (7)", async () => {
  const findings = await findingsOfKind("idle-load-balancer", [
    collected([
      balancer("empty-old", "app", 0, 7 + HOUR),
      balancer("empty-young", "app", 0, 7 - HOUR),
      balancer("empty-classic", null, 0, 30),
      balancer("empty-provisioning", "net", 0, 30, "provisioning"),
      balancer("one-target", "net", 1, 30),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    [arn("empty-old", "app"), arn("empty-classic", null)],
  );
  const old = findings.find((f) => f.resourceId === arn("empty-old", "app"));
  assert.deepEqual(old?.evidence, {
    lbKind: "application",
    registeredTargets: 0,
    targetGroups: 1,
    ageDays: 7,
  });
  assert.match(old?.reason ?? "", /application load balancer has no registered targets/);
});

test("idle-load-balancer: no requests (ALB, classic) or bytes (NLB) in 14 days, at least 7 days of data", async () => {
  const findings = await findingsOfKind("idle-load-balancer", [
    collected(
      [
        balancer("alb-idle", "app", 2),
        balancer("alb-1-request", "app", 2),
        balancer("alb-7-days", "app", 2),
        balancer("alb-6-days", "app", 2),
        balancer("nlb-idle", "net", 2),
        balancer("nlb-1-byte", "net", 2),
        balancer("classic-idle", null, 2),
        balancer("classic-busy", null, 2),
        balancer("alb-no-data", "app", 2),
      ],
      [
        ...traffic("alb-idle", "app", 14),
        ...traffic("alb-1-request", "app", 14).map((d, i) => (i === 3 ? { ...d, sum: 1 } : d)),
        ...traffic("alb-7-days", "app", 7),
        ...traffic("alb-6-days", "app", 6),
        ...traffic("nlb-idle", "net", 14),
        ...traffic("nlb-1-byte", "net", 14).map((d, i) => (i === 13 ? { ...d, sum: 1 } : d)),
        ...traffic("classic-idle", null, 14),
        ...traffic("classic-busy", null, 14, 50),
      ],
    ),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    [arn("alb-7-days", "app"), arn("alb-idle", "app"), arn("classic-idle", null), arn("nlb-idle", "net")],
  );
  assert.deepEqual(findings.find((f) => f.resourceId === arn("nlb-idle", "net"))?.evidence, {
    lbKind: "network",
    days: 14,
    metric: "ProcessedBytes",
    total: 0,
  });
});

test("idle-load-balancer: parameters move the thresholds", async () => {
  const findings = await findingsOfKind(
    "idle-load-balancer",
    [
      collected(
        [balancer("young", "app", 0, 2 + HOUR), balancer("quiet-3-days", "app", 1)],
        traffic("quiet-3-days", "app", 3),
      ),
    ],
    { params: { minAgeDays: 2, minDataDays: 3 } },
  );
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    [arn("quiet-3-days", "app"), arn("young", "app")],
  );
});

test("idle-load-balancer: no targets but traffic (an ALB that only redirects or answers fixed responses) is kept", async () => {
  const findings = await findingsOfKind("idle-load-balancer", [
    collected(
      [balancer("redirect-only", "app", 0, 30), balancer("empty-quiet", "app", 0, 30)],
      [...traffic("redirect-only", "app", 14, 0).map((d, i) => (i === 3 ? { ...d, sum: 1 } : d))],
    ),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    [arn("empty-quiet", "app")],
  );
});
