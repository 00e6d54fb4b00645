import { DeleteSnapshotCommand, DescribeSnapshotsCommand } from "@aws-sdk/client-ec2";
import { awsErrorCode } from "../../aws/errors.js";
import { ebsSnapshot as descriptor } from "../../resources/ebs-snapshot.js";
import { type Executor, ec2DryRun } from "../executor.js";
import { actOnTags, ec2, ec2Tags, TAG_IAM_ACTIONS, tagDryRun, tagsDone } from "./ec2-tags.js";

export const ebsSnapshot: Executor = {
  resourceType: descriptor.type,
  readActions: ["ec2:DescribeSnapshots"],
  removeAction: "delete",
  actions: { ...TAG_IAM_ACTIONS, delete: ["ec2:DeleteSnapshot"] },

  async describe(scope, target) {
    try {
      const page = await ec2(scope).send(new DescribeSnapshotsCommand({ SnapshotIds: [target.resourceId] }));
      const snapshot = page.Snapshots?.[0];
      if (!snapshot) return null;
      return { state: snapshot.State ?? null, attachments: [], tags: ec2Tags(snapshot.Tags) };
    } catch (error) {
      if (awsErrorCode(error) === "InvalidSnapshot.NotFound") return null;
      throw error;
    }
  },

  ineligible(target, observed) {
    if (target.action === "delete" && observed.state !== "completed") return `snapshot is ${observed.state}`;
    return null;
  },

  dryRun(scope, target) {
    return ec2DryRun(
      () =>
        tagDryRun(scope, target) ??
        ec2(scope).send(new DeleteSnapshotCommand({ SnapshotId: target.resourceId, DryRun: true })),
    );
  },

  async act(scope, target, _observed, step) {
    const tagged = await actOnTags(scope, target, step);
    if (tagged) return tagged;
    await step("delete-snapshot", () =>
      ec2(scope).send(new DeleteSnapshotCommand({ SnapshotId: target.resourceId })),
    );
    return "deleted";
  },

  done(target, observed) {
    return tagsDone(target, observed) ?? observed === null;
  },
};
