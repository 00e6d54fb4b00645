import type { ResourceDescriptor } from "./types.js";

/**
 * An AMI the account owns. It has no price of its own: what it costs is the EBS snapshots behind its
 * block devices, which bill under their own ids (the unused-ami rule adds their cost to its finding).
 */
export const ec2Image: ResourceDescriptor = {
  type: "ec2:image",
  displayName: { one: "AMI", many: "AMIs" },
  id: { pattern: /^ami-[0-9a-f]{8,17}$/, example: "ami-0123456789abcdef0" },
  arn: { service: "ec2", arnType: "image", scope: "regional" },
  attributes: {
    name: "VARCHAR",
    /** The EBS snapshots behind its block devices (deleted with it, else they bill on). */
    snapshotIds: ["VARCHAR"],
    /** The launch templates any version of which names the image (any version can be launched). */
    launchTemplateIds: ["VARCHAR"],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/ec2/home?region=${encodeURIComponent(region)}#ImageDetails:imageId=${encodeURIComponent(id)}`,
};
