import { DescribeAddressesCommand, ReleaseAddressCommand } from "@aws-sdk/client-ec2";
import { awsErrorCode } from "../../aws/errors.js";
import { elasticIp as descriptor } from "../../resources/elastic-ip.js";
import { type Executor, ec2DryRun } from "../executor.js";
import { actOnTags, ec2, ec2Tags, TAG_IAM_ACTIONS, tagDryRun, tagsDone } from "./ec2-tags.js";

export const elasticIp: Executor = {
  resourceType: descriptor.type,
  readActions: ["ec2:DescribeAddresses"],
  removeAction: "release",
  actions: { ...TAG_IAM_ACTIONS, release: ["ec2:ReleaseAddress"] },

  async describe(scope, target) {
    try {
      const page = await ec2(scope).send(
        new DescribeAddressesCommand({ AllocationIds: [target.resourceId] }),
      );
      const address = page.Addresses?.[0];
      if (!address) return null;
      return {
        state: address.AssociationId ? "associated" : "unassociated",
        attachments: [address.InstanceId ?? address.NetworkInterfaceId].filter((x): x is string => !!x),
        tags: ec2Tags(address.Tags),
      };
    } catch (error) {
      if (awsErrorCode(error) === "InvalidAllocationID.NotFound") return null;
      throw error;
    }
  },

  ineligible(target, observed) {
    if (target.action === "release" && observed.state !== "unassociated") return "address is associated";
    return null;
  },

  dryRun(scope, target) {
    return ec2DryRun(
      () =>
        tagDryRun(scope, target) ??
        ec2(scope).send(new ReleaseAddressCommand({ AllocationId: target.resourceId, DryRun: true })),
    );
  },

  async act(scope, target, _observed, step) {
    const tagged = await actOnTags(scope, target, step);
    if (tagged) return tagged;
    await step("release-address", () =>
      ec2(scope).send(new ReleaseAddressCommand({ AllocationId: target.resourceId })),
    );
    return "released";
  },

  done(target, observed) {
    return tagsDone(target, observed) ?? observed === null;
  },
};
