import { expired } from "./kinds/expired.js";
import { gp2Volume } from "./kinds/gp2-volume.js";
import { idleInstance } from "./kinds/idle-instance.js";
import { idleK8sNode } from "./kinds/idle-k8s-node.js";
import { idleNatGateway } from "./kinds/idle-nat-gateway.js";
import { missingTags } from "./kinds/missing-tags.js";
import { oldSnapshot } from "./kinds/old-snapshot.js";
import { orphanedSnapshot } from "./kinds/orphaned-snapshot.js";
import { oversizedVolume } from "./kinds/oversized-volume.js";
import { previousGeneration } from "./kinds/previous-generation.js";
import { s3NoLifecycle } from "./kinds/s3-no-lifecycle.js";
import { sqlRule } from "./kinds/sql-rule.js";
import { stoppedInstance } from "./kinds/stopped-instance.js";
import { unassociatedEip } from "./kinds/unassociated-eip.js";
import { unattachedVolume } from "./kinds/unattached-volume.js";
import type { RuleKind } from "./rule-kind.js";

/** The rule catalogue, in packs: one place that names every rule kind. */
export const RULE_PACKS = {
  compute: [idleInstance, idleK8sNode, stoppedInstance, previousGeneration],
  storage: [unattachedVolume, gp2Volume, oversizedVolume, oldSnapshot, orphanedSnapshot],
  network: [unassociatedEip, idleNatGateway],
  governance: [missingTags, expired, s3NoLifecycle],
  custom: [sqlRule],
} as const satisfies Record<string, readonly RuleKind[]>;

export const RULE_KINDS: ReadonlyMap<string, RuleKind> = new Map(
  Object.values(RULE_PACKS)
    .flat()
    .map((kind) => [kind.kind, kind as RuleKind]),
);
