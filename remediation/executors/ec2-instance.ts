import {
  DescribeInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { awsErrorCode } from "../../aws/errors.js";
import { ec2Instance as descriptor } from "../../resources/ec2-instance.js";
import { type Executor, ec2DryRun } from "../executor.js";
import { actOnTags, ec2, ec2Tags, TAG_IAM_ACTIONS, tagDryRun, tagsDone } from "./ec2-tags.js";

const GONE = new Set(["terminated", "shutting-down"]);

export const ec2Instance: Executor = {
  resourceType: descriptor.type,
  readActions: ["ec2:DescribeInstances"],
  removeAction: "terminate",
  actions: { ...TAG_IAM_ACTIONS, stop: ["ec2:StopInstances"], terminate: ["ec2:TerminateInstances"] },

  async describe(scope, target) {
    try {
      const page = await ec2(scope).send(new DescribeInstancesCommand({ InstanceIds: [target.resourceId] }));
      const instance = page.Reservations?.flatMap((r) => r.Instances ?? [])[0];
      if (!instance || instance.State?.Name === "terminated") return null;
      return {
        state: instance.State?.Name ?? null,
        attachments: (instance.BlockDeviceMappings ?? [])
          .flatMap((m) => (m.Ebs?.VolumeId ? [m.Ebs.VolumeId] : []))
          .sort(),
        tags: ec2Tags(instance.Tags),
      };
    } catch (error) {
      if (awsErrorCode(error) === "InvalidInstanceID.NotFound") return null;
      throw error;
    }
  },

  ineligible(target, observed) {
    if (target.action === "stop" && observed.state !== "running")
      return `instance is ${observed.state}, not running`;
    if (target.action === "terminate" && GONE.has(observed.state ?? ""))
      return `instance is ${observed.state}`;
    return null;
  },

  dryRun(scope, target) {
    const ids = [target.resourceId];
    return ec2DryRun(() => {
      const tags = tagDryRun(scope, target);
      if (tags) return tags;
      if (target.action === "stop")
        return ec2(scope).send(new StopInstancesCommand({ InstanceIds: ids, DryRun: true }));
      return ec2(scope).send(new TerminateInstancesCommand({ InstanceIds: ids, DryRun: true }));
    });
  },

  async act(scope, target, _observed, step) {
    const tagged = await actOnTags(scope, target, step);
    if (tagged) return tagged;
    const ids = [target.resourceId];
    if (target.action === "stop") {
      await step("stop-instances", () => ec2(scope).send(new StopInstancesCommand({ InstanceIds: ids })));
      return "stopped";
    }
    await step("terminate-instances", () =>
      ec2(scope).send(new TerminateInstancesCommand({ InstanceIds: ids })),
    );
    return "terminated";
  },

  done(target, observed) {
    const tags = tagsDone(target, observed);
    if (tags !== undefined) return tags;
    if (observed === null) return true;
    if (target.action === "stop") return observed.state === "stopped" || observed.state === "stopping";
    return GONE.has(observed.state ?? "");
  },
};
