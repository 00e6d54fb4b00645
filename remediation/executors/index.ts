import type { Executor, StepAction } from "../executor.js";
import { ebsSnapshot } from "./ebs-snapshot.js";
import { ebsVolume } from "./ebs-volume.js";
import { ec2Image } from "./ec2-image.js";
import { ec2Instance } from "./ec2-instance.js";
import { elasticIp } from "./elastic-ip.js";
import { loadBalancer } from "./load-balancer.js";
import { logGroup } from "./log-group.js";
import { natGateway } from "./nat-gateway.js";
import { rdsDb } from "./rds-db.js";
import { s3Bucket } from "./s3-bucket.js";

/** Every executor, by the resource type it acts on. */
export const EXECUTORS: ReadonlyMap<string, Executor> = new Map(
  [
    ec2Instance,
    ebsVolume,
    ebsSnapshot,
    ec2Image,
    elasticIp,
    natGateway,
    loadBalancer,
    rdsDb,
    logGroup,
    s3Bucket,
  ].map((e) => [e.resourceType, e]),
);

/** Every IAM write action the executors call: the remediator role's policy. */
export function remediatorActions(): string[] {
  const actions = new Set<string>();
  for (const executor of EXECUTORS.values()) {
    for (const list of Object.values(executor.actions) as (readonly string[])[])
      for (const a of list) actions.add(a);
  }
  return [...actions].sort();
}

/** Every IAM read action the executors call to describe resources before and after acting. */
export function remediatorReadActions(): string[] {
  return [...new Set([...EXECUTORS.values()].flatMap((e) => e.readActions))].sort();
}

export function supports(resourceType: string, action: StepAction): boolean {
  return EXECUTORS.get(resourceType)?.actions[action] !== undefined;
}

/**
 * The action to take for a rule's action on a type: the action itself where the type supports it, else
 * for a removal (terminate, delete) the type's own way of removing (a volume is snapshotted and deleted,
 * an address released); null when the type has no executor for it.
 */
export function actionFor(resourceType: string, action: StepAction): StepAction | null {
  const executor = EXECUTORS.get(resourceType);
  if (!executor) return null;
  if (executor.actions[action] !== undefined) return action;
  // A type finops never removes (a log group, a bucket) has a removeAction it does not support: none.
  const removal = action === "terminate" || action === "delete";
  return removal && executor.actions[executor.removeAction] !== undefined ? executor.removeAction : null;
}
