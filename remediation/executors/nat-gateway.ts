import { DeleteNatGatewayCommand, DescribeNatGatewaysCommand } from "@aws-sdk/client-ec2";
import { awsErrorCode } from "../../aws/errors.js";
import { natGateway as descriptor } from "../../resources/nat-gateway.js";
import { type Executor, ec2DryRun } from "../executor.js";
import { actOnTags, ec2, ec2Tags, TAG_IAM_ACTIONS, tagDryRun, tagsDone } from "./ec2-tags.js";

/** Deleting takes a while: a gateway "deleting" is on its way, "deleted" ones are listed for an hour. */
const GOING = new Set(["deleting", "deleted"]);

export const natGateway: Executor = {
  resourceType: descriptor.type,
  readActions: ["ec2:DescribeNatGateways"],
  removeAction: "delete",
  actions: { ...TAG_IAM_ACTIONS, delete: ["ec2:DeleteNatGateway"] },

  async describe(scope, target) {
    try {
      const page = await ec2(scope).send(
        new DescribeNatGatewaysCommand({ NatGatewayIds: [target.resourceId] }),
      );
      const gateway = page.NatGateways?.[0];
      if (!gateway || gateway.State === "deleted") return null;
      return {
        state: gateway.State ?? null,
        // Its addresses: the Elastic IPs stay allocated (and billed) after the gateway is deleted.
        attachments: (gateway.NatGatewayAddresses ?? [])
          .flatMap((a) => (a.AllocationId ? [a.AllocationId] : []))
          .sort(),
        tags: ec2Tags(gateway.Tags),
      };
    } catch (error) {
      if (awsErrorCode(error) === "NatGatewayNotFound") return null;
      throw error;
    }
  },

  ineligible(target, observed) {
    if (target.action === "delete" && GOING.has(observed.state ?? "")) return `gateway is ${observed.state}`;
    return null;
  },

  dryRun(scope, target) {
    return ec2DryRun(
      () =>
        tagDryRun(scope, target) ??
        ec2(scope).send(new DeleteNatGatewayCommand({ NatGatewayId: target.resourceId, DryRun: true })),
    );
  },

  async act(scope, target, _observed, step) {
    const tagged = await actOnTags(scope, target, step);
    if (tagged) return tagged;
    await step("delete-nat-gateway", () =>
      ec2(scope).send(new DeleteNatGatewayCommand({ NatGatewayId: target.resourceId })),
    );
    return "deleted (its Elastic IPs stay allocated: release them, or let unassociated-eip find them)";
  },

  done(target, observed) {
    return tagsDone(target, observed) ?? (observed === null || GOING.has(observed.state ?? ""));
  },
};
