import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSnapshotsCommand,
} from "@aws-sdk/client-ec2";
import { awsErrorCode } from "../../aws/errors.js";
import { ec2Image as descriptor } from "../../resources/ec2-image.js";
import { RETAIN_UNTIL_TAG } from "../../store/resource-facts.js";
import { type Executor, type ExecutorScope, ec2DryRun, type Observed } from "../executor.js";
import { actOnTags, ec2, ec2Tags, TAG_IAM_ACTIONS, tagDryRun, tagsDone } from "./ec2-tags.js";

/**
 * An AMI as described live. Its attachments are its snapshots (deleted with it); what uses it and which
 * of its snapshots are finops backups are looked up live too, for `ineligible` to refuse.
 */
interface ObservedImage extends Observed {
  /** Instances that run from it and launch template versions that name it, described for a reason. */
  usedBy: string[];
  /** Its snapshots carrying finops:retain-until: a finops backup is never deleted. */
  backups: string[];
}

const NOT_FOUND = new Set(["InvalidAMIID.NotFound", "InvalidAMIID.Unavailable", "InvalidAMIID.Malformed"]);

/**
 * What a delete writes on the image's snapshots before deregistering it: once the image is gone, its
 * snapshots are found by it, so that a run stopped in between carries on deleting them (resumable).
 */
export const IMAGE_TAG = "finops:image";

/** An image's snapshots that a delete left behind (deregistered, not yet deleted), sorted. */
async function leftSnapshots(scope: ExecutorScope, imageId: string): Promise<string[]> {
  const page = await ec2(scope).send(
    new DescribeSnapshotsCommand({
      OwnerIds: ["self"],
      Filters: [{ Name: `tag:${IMAGE_TAG}`, Values: [imageId] }],
    }),
  );
  return (page.Snapshots ?? []).flatMap((s) => (s.SnapshotId ? [s.SnapshotId] : [])).sort();
}

/** Instances (not terminated: a stopped one can start again) that run from the image. */
async function instancesUsing(scope: ExecutorScope, imageId: string): Promise<string[]> {
  const users: string[] = [];
  let token: string | undefined;
  do {
    const page = await ec2(scope).send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: "image-id", Values: [imageId] },
          { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
        ],
        NextToken: token,
      }),
    );
    for (const reservation of page.Reservations ?? [])
      for (const i of reservation.Instances ?? [])
        if (i.InstanceId) users.push(`instance ${i.InstanceId} (${i.State?.Name ?? "?"}) runs from it`);
    token = page.NextToken;
  } while (token);
  return users;
}

/** Launch template versions (any: any version can be launched) that name the image. */
async function templatesUsing(scope: ExecutorScope, imageId: string): Promise<string[]> {
  const templateIds: string[] = [];
  let token: string | undefined;
  do {
    const page = await ec2(scope).send(
      new DescribeLaunchTemplatesCommand({ MaxResults: 200, NextToken: token }),
    );
    for (const t of page.LaunchTemplates ?? []) if (t.LaunchTemplateId) templateIds.push(t.LaunchTemplateId);
    token = page.NextToken;
  } while (token);
  const users: string[] = [];
  for (const templateId of templateIds) {
    let versionToken: string | undefined;
    do {
      const page = await ec2(scope).send(
        new DescribeLaunchTemplateVersionsCommand({
          LaunchTemplateId: templateId,
          MaxResults: 200,
          NextToken: versionToken,
        }),
      );
      for (const v of page.LaunchTemplateVersions ?? [])
        if (v.LaunchTemplateData?.ImageId === imageId)
          users.push(`launch template ${templateId} version ${v.VersionNumber ?? "?"} names it`);
      versionToken = page.NextToken;
    } while (versionToken);
  }
  return users;
}

/** The snapshots among `ids` that carry finops's backup retention tag. */
async function backupSnapshots(scope: ExecutorScope, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // A filter, not SnapshotIds: a snapshot deleted meanwhile is no error.
  const page = await ec2(scope).send(
    new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: "snapshot-id", Values: ids }] }),
  );
  return (page.Snapshots ?? [])
    .filter((s) => (s.Tags ?? []).some((t) => t.Key === RETAIN_UNTIL_TAG))
    .flatMap((s) => (s.SnapshotId ? [s.SnapshotId] : []))
    .sort();
}

export const ec2Image: Executor = {
  resourceType: descriptor.type,
  readActions: [
    "ec2:DescribeImages",
    "ec2:DescribeInstances",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeSnapshots",
  ],
  removeAction: "delete",
  actions: { ...TAG_IAM_ACTIONS, delete: ["ec2:CreateTags", "ec2:DeregisterImage", "ec2:DeleteSnapshot"] },

  async describe(scope, target): Promise<ObservedImage | null> {
    let image: NonNullable<Awaited<ReturnType<typeof describeImage>>>;
    const removing = target.action === "delete";
    const gone = async (): Promise<ObservedImage | null> => {
      // Deregistered by a delete that stopped before its snapshots were deleted: they are what is left.
      const left = removing ? await leftSnapshots(scope, target.resourceId) : [];
      return left.length === 0
        ? null
        : { state: "deregistered", attachments: left, tags: {}, usedBy: [], backups: [] };
    };
    try {
      const found = await describeImage(scope, target.resourceId);
      if (!found || found.State === "deregistered") return gone();
      image = found;
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error))) return gone();
      throw error;
    }
    const snapshots = [
      ...new Set(
        (image.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [])),
      ),
    ].sort();
    // Only a removal needs to know what uses the image: a mark is a tag.
    return {
      state: image.State ?? null,
      attachments: snapshots,
      tags: ec2Tags(image.Tags),
      usedBy: removing
        ? [
            ...(await instancesUsing(scope, target.resourceId)),
            ...(await templatesUsing(scope, target.resourceId)),
          ]
        : [],
      backups: removing ? await backupSnapshots(scope, snapshots) : [],
    };
  },

  ineligible(target, observed) {
    if (target.action !== "delete") return null;
    if (observed.state !== "available") return `image is ${observed.state}, not available`;
    const { usedBy = [], backups = [] } = observed as Partial<ObservedImage>;
    if (usedBy.length > 0) return `the image is in use: ${usedBy.join("; ")}`;
    if (backups.length > 0) {
      return `snapshot(s) ${backups.join(", ")} of the image are finops backups (${RETAIN_UNTIL_TAG}), never deleted: the image is kept`;
    }
    return null;
  },

  dryRun(scope, target) {
    return ec2DryRun(
      () =>
        tagDryRun(scope, target) ??
        ec2(scope).send(new DeregisterImageCommand({ ImageId: target.resourceId, DryRun: true })),
    );
  },

  // Deregistering first: AWS refuses to delete a snapshot while a registered image uses it. The snapshots
  // are tagged with the image's id before, so that a run stopped between the deregistration and their
  // deletion finds them again (describe's "deregistered", resumable). Each call is its own step: a
  // resumed run skips the ones done.
  async act(scope, target, observed, step) {
    const tagged = await actOnTags(scope, target, step);
    if (tagged) return tagged;
    const imageId = target.resourceId;
    if (observed.attachments.length > 0) {
      await step("tag-snapshots", () =>
        ec2(scope).send(
          new CreateTagsCommand({
            Resources: observed.attachments,
            Tags: [{ Key: IMAGE_TAG, Value: imageId }],
          }),
        ),
      );
    }
    await step(
      "deregister-image",
      async () => {
        try {
          return await ec2(scope).send(new DeregisterImageCommand({ ImageId: imageId }));
        } catch (error) {
          // Deregistered by a run whose answer never came back.
          if (NOT_FOUND.has(awsErrorCode(error))) return { alreadyDeregistered: imageId };
          throw error;
        }
      },
      {
        resumeWith: async () => {
          const image = await describeImage(scope, imageId).catch((error) => {
            if (NOT_FOUND.has(awsErrorCode(error))) return undefined;
            throw error;
          });
          return image && image.State !== "deregistered" ? null : { alreadyDeregistered: imageId };
        },
      },
    );
    for (const snapshotId of observed.attachments) {
      await step(`delete-snapshot ${snapshotId}`, async () => {
        try {
          return await ec2(scope).send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
        } catch (error) {
          if (awsErrorCode(error) === "InvalidSnapshot.NotFound") return { alreadyGone: snapshotId };
          throw error;
        }
      });
    }
    return observed.attachments.length === 0
      ? "deregistered (no snapshots)"
      : `deregistered, snapshot(s) ${observed.attachments.join(", ")} deleted`;
  },

  done(target, observed) {
    return tagsDone(target, observed) ?? observed === null;
  },

  resumable(target, observed) {
    return target.action === "delete" && observed.state === "deregistered";
  },
};

async function describeImage(scope: ExecutorScope, imageId: string) {
  const page = await ec2(scope).send(
    new DescribeImagesCommand({ ImageIds: [imageId], IncludeDisabled: true }),
  );
  return page.Images?.[0];
}
