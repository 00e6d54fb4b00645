import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  collected,
  daysAgo,
  findingsOfKind,
  instance,
  type KindFinding,
  resource,
} from "../../test/helpers/rule-kind.js";

const image = (id: string, ageDays: number, attributes: Record<string, unknown> = {}, state = "available") =>
  resource("ec2:image", id, {
    state,
    createdAt: daysAgo(ageDays),
    attributes: { name: id, snapshotIds: [`snap-of-${id}`], launchTemplateIds: [], ...attributes },
  });

describe("unused-ami: owned, over 90 days old, no instance runs from it, no launch template names it", () => {
  let findings: KindFinding[] = [];
  before(async () => {
    findings = await findingsOfKind("unused-ami", [
      collected([
        image("ami-91d", 91, { snapshotIds: ["snap-b", "snap-a"] }),
        image("ami-90d", 90),
        image("ami-89d", 89),
        image("ami-run", 200),
        image("ami-stopped-user", 200),
        image("ami-template", 200, { launchTemplateIds: ["lt-1"] }),
        image("ami-pending", 200, {}, "pending"),
        image("ami-disabled", 200, {}, "disabled"),
        { ...image("ami-undated", 200), createdAt: null },
        instance("i-web", {}, { imageId: "ami-run" }),
        // A stopped instance can be started again: its image is in use.
        instance("i-off", { state: "stopped" }, { imageId: "ami-stopped-user" }),
      ]),
    ]);
  });

  test("only the unused image over the age threshold", () => {
    assert.deepEqual(
      findings.map((f) => f.resourceId),
      ["ami-91d"],
    );
  });

  test("the reason and evidence name its age and snapshots", () => {
    assert.equal(
      findings[0]?.reason,
      "AMI ami-91d is 91 days old (over 90), used by no instance or launch template, keeping 2 snapshot(s)",
    );
    assert.deepEqual(findings[0]?.evidence.snapshotIds, ["snap-b", "snap-a"]);
    assert.equal(findings[0]?.evidence.ageDays, 91);
  });

  test("the age threshold is a parameter", async () => {
    const flagged = await findingsOfKind(
      "unused-ami",
      [collected([image("ami-31d", 31), image("ami-29d", 29)])],
      {
        params: { minAgeDays: 30 },
      },
    );
    assert.deepEqual(
      flagged.map((f) => f.resourceId),
      ["ami-31d"],
    );
  });
});
