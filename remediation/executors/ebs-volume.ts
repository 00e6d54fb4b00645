import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateSnapshotCommand,
  DeleteVolumeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
} from "@aws-sdk/client-ec2";
import { awsErrorCode } from "../../aws/errors.js";
import { ebsVolume as descriptor } from "../../resources/ebs-volume.js";
import { backupTags } from "../backup.js";
import { type Executor, type ExecutorScope, ec2DryRun } from "../executor.js";
import { actOnTags, ec2, ec2Tags, TAG_IAM_ACTIONS, tagDryRun, tagsDone } from "./ec2-tags.js";

/** How long a snapshot may take to complete before the delete is given up (a large volume takes hours). */
const SNAPSHOT_TIMEOUT_MS = Number(process.env.FINOPS_SNAPSHOT_TIMEOUT_MS) || 6 * 3_600_000;
const POLL_MS = Number(process.env.FINOPS_SNAPSHOT_POLL_MS) || 15_000;

/** The snapshot a plan took of a volume, found by the tags it was created with. */
async function planSnapshot(scope: ExecutorScope, planId: string, volumeId: string): Promise<string | null> {
  const page = await ec2(scope).send(
    new DescribeSnapshotsCommand({
      OwnerIds: ["self"],
      Filters: [
        { Name: "tag:finops:source-volume", Values: [volumeId] },
        { Name: "tag:finops:plan-id", Values: [planId] },
      ],
    }),
  );
  return page.Snapshots?.find((s) => s.State !== "error")?.SnapshotId ?? null;
}

async function waitForSnapshot(scope: ExecutorScope, snapshotId: string): Promise<void> {
  const deadline = Date.now() + SNAPSHOT_TIMEOUT_MS;
  for (;;) {
    const page = await ec2(scope).send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
    const state = page.Snapshots?.[0]?.State;
    if (state === "completed") return;
    if (state === "error" || state === undefined)
      throw new Error(`snapshot ${snapshotId} is ${state ?? "gone"}`);
    if (Date.now() > deadline) throw new Error(`snapshot ${snapshotId} still ${state}: the volume was kept`);
    await sleep(POLL_MS);
  }
}

export const ebsVolume: Executor = {
  resourceType: descriptor.type,
  readActions: ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
  removeAction: "snapshot-and-delete",
  actions: {
    ...TAG_IAM_ACTIONS,
    delete: ["ec2:DeleteVolume"],
    "snapshot-and-delete": ["ec2:CreateSnapshot", "ec2:CreateTags", "ec2:DeleteVolume"],
  },

  async describe(scope, target) {
    try {
      const page = await ec2(scope).send(new DescribeVolumesCommand({ VolumeIds: [target.resourceId] }));
      const volume = page.Volumes?.[0];
      if (!volume) return null;
      return {
        state: volume.State ?? null,
        attachments: (volume.Attachments ?? []).flatMap((a) => (a.InstanceId ? [a.InstanceId] : [])).sort(),
        tags: ec2Tags(volume.Tags),
      };
    } catch (error) {
      if (awsErrorCode(error) === "InvalidVolume.NotFound") return null;
      throw error;
    }
  },

  ineligible(target, observed) {
    if (
      (target.action === "delete" || target.action === "snapshot-and-delete") &&
      observed.state !== "available"
    ) {
      return `volume is ${observed.state}, not available (detached)`;
    }
    return null;
  },

  async dryRun(scope, target) {
    const tags = tagDryRun(scope, target);
    if (tags) return ec2DryRun(() => tags);
    if (target.action === "snapshot-and-delete") {
      const snapshot = await ec2DryRun(() =>
        ec2(scope).send(new CreateSnapshotCommand({ VolumeId: target.resourceId, DryRun: true })),
      );
      if (snapshot) return snapshot;
    }
    return ec2DryRun(() =>
      ec2(scope).send(new DeleteVolumeCommand({ VolumeId: target.resourceId, DryRun: true })),
    );
  },

  async act(scope, target, observed, step, context) {
    const tagged = await actOnTags(scope, target, step);
    if (tagged) return tagged;
    let detail = "deleted";
    if (target.action === "snapshot-and-delete") {
      // The snapshot carries the volume's tags and id, so that whoever needs the data back finds it, but
      // not its expiry, mark or exemption: it keeps its own retention (backupTags).
      const created = await step(
        "create-snapshot",
        async () => {
          const snapshot = await ec2(scope).send(
            new CreateSnapshotCommand({
              VolumeId: target.resourceId,
              Description: `finops ${target.planId}: ${target.rule} on ${target.resourceId}`,
              TagSpecifications: [
                {
                  ResourceType: "snapshot",
                  Tags: backupTags(observed.tags, context.backup, {
                    "finops:source-volume": target.resourceId,
                    "finops:plan-id": target.planId,
                  }),
                },
              ],
            }),
          );
          if (!snapshot.SnapshotId) throw new Error("CreateSnapshot returned no snapshot id");
          return { snapshotId: snapshot.SnapshotId };
        },
        {
          resumeWith: async () => {
            const snapshotId = await planSnapshot(scope, target.planId, target.resourceId);
            return snapshotId ? { snapshotId } : null;
          },
        },
      );
      await waitForSnapshot(scope, created.snapshotId);
      // The wait may have lasted hours: protection, approval and the volume itself are asked again.
      const held = await context.recheck();
      if (held) throw new Error(`snapshot ${created.snapshotId} kept, volume not deleted: ${held}`);
      detail = `snapshot ${created.snapshotId} completed, volume deleted`;
    }
    await step("delete-volume", () =>
      ec2(scope).send(new DeleteVolumeCommand({ VolumeId: target.resourceId })),
    );
    return detail;
  },

  done(target, observed) {
    return tagsDone(target, observed) ?? observed === null;
  },
};
