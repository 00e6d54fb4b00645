import {
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
  actions: { ...TAG_IAM_ACTIONS, delete: ["ec2:DeregisterImage", "ec2:DeleteSnapshot"] },

  async describe(scope, target): Promise<ObservedImage | null> {
    let image: NonNullable<Awaited<ReturnType<typeof describeImage>>>;
    try {
      const found = await describeImage(scope, target.resourceId);
      if (!found || found.State === "deregistered") return null;
      image = found;
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error))) return null;
      throw error;
    }
    const snapshots = [
      ...new Set(
        (image.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [])),
      ),
    ].sort();
    // Only a removal needs to know what uses the image: a mark is a tag.
    const removing = target.action === "delete";
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

  // Deregistering first: AWS refuses to delete a snapshot while a registered image uses it. Each call is
  // its own step: a resumed run skips the ones done. A run stopped between the deregistration and the
  // snapshot deletions finds no image on resume ("already gone"): its snapshots, no longer behind an
  // image, are then the snapshot rules' findings.
  async act(scope, target, observed, step) {
    const tagged = await actOnTags(scope, target, step);
    if (tagged) return tagged;
    await step("deregister-image", () =>
      ec2(scope).send(new DeregisterImageCommand({ ImageId: target.resourceId })),
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
};

async function describeImage(scope: ExecutorScope, imageId: string) {
  const page = await ec2(scope).send(
    new DescribeImagesCommand({ ImageIds: [imageId], IncludeDisabled: true }),
  );
  return page.Images?.[0];
}
