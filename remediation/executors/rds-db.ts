import { setTimeout as sleep } from "node:timers/promises";
import {
  AddTagsToResourceCommand,
  CreateDBSnapshotCommand,
  type DBInstance,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RemoveTagsFromResourceCommand,
} from "@aws-sdk/client-rds";
import { awsErrorCode } from "../../aws/errors.js";
import { arnName } from "../../resources/arn.js";
import { rdsDb as descriptor } from "../../resources/rds-db.js";
import { backupTags } from "../backup.js";
import type { Executor, ExecutorScope, Observed, PlanTarget } from "../executor.js";
import { tagsDone } from "./ec2-tags.js";

/** How long a snapshot may take before the delete is given up (a large database takes hours). */
const SNAPSHOT_TIMEOUT_MS = Number(process.env.FINOPS_SNAPSHOT_TIMEOUT_MS) || 6 * 3_600_000;
const POLL_MS = Number(process.env.FINOPS_SNAPSHOT_POLL_MS) || 15_000;

/** A database as described: Observed, and whether deletion protection is on (which no delete passes). */
interface ObservedDb extends Observed {
  deletionProtection: boolean;
  /** The databases that replicate this one. */
  readReplicas: string[];
}

const rds = (scope: ExecutorScope) => scope.client(RDSClient);

/** The database's identifier: its id is its ARN, its API name the ARN's id part. */
const identifier = (target: PlanTarget) => arnName(descriptor, target.resourceId);

/** The snapshot a plan's item takes: one name per plan and database, so a resumed run finds it. */
function snapshotName(target: PlanTarget): string {
  return `finops-${target.planId.replace(/^plan-/, "").slice(0, 12)}-${identifier(target)}`;
}

const notFound = (error: unknown, fault: string) =>
  awsErrorCode(error) === fault || awsErrorCode(error) === `${fault}Fault`;

/** RDS tags as an object, without AWS's own (aws:*), which nobody can set. */
function rdsTags(tags: DBInstance["TagList"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key && !t.Key.startsWith("aws:")) out[t.Key] = t.Value ?? "";
  return out;
}

/** The snapshot's status, or null when there is none of that name. */
async function snapshotStatus(scope: ExecutorScope, name: string): Promise<string | null> {
  try {
    const page = await rds(scope).send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: name }));
    return page.DBSnapshots?.[0]?.Status ?? null;
  } catch (error) {
    if (notFound(error, "DBSnapshotNotFound")) return null;
    throw error;
  }
}

/** Waits for the snapshot; one that fails or vanishes on the way fails the item (the database is kept). */
async function waitForSnapshot(scope: ExecutorScope, name: string): Promise<void> {
  const deadline = Date.now() + SNAPSHOT_TIMEOUT_MS;
  for (;;) {
    const status = await snapshotStatus(scope, name);
    if (status === "available") return;
    if (status === null || status === "failed" || status === "error")
      throw new Error(`snapshot ${name} is ${status ?? "gone"}: the database was kept`);
    if (Date.now() > deadline) throw new Error(`snapshot ${name} still ${status}: the database was kept`);
    await sleep(POLL_MS);
  }
}

export const rdsDb: Executor = {
  resourceType: descriptor.type,
  readActions: ["rds:DescribeDBInstances", "rds:DescribeDBSnapshots"],
  removeAction: "snapshot-and-delete",
  actions: {
    mark: ["rds:AddTagsToResource"],
    unmark: ["rds:RemoveTagsFromResource"],
    tag: ["rds:AddTagsToResource"],
    // A snapshot created with tags needs AddTagsToResource too.
    "snapshot-and-delete": ["rds:CreateDBSnapshot", "rds:AddTagsToResource", "rds:DeleteDBInstance"],
  },

  async describe(scope, target): Promise<ObservedDb | null> {
    try {
      const page = await rds(scope).send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier(target) }),
      );
      const db = page.DBInstances?.[0];
      if (!db) return null;
      return {
        state: db.DBInstanceStatus ?? null,
        // Its read replicas, or the database it replicates: a replica added since the plan is a change.
        attachments: [
          ...(db.ReadReplicaDBInstanceIdentifiers ?? []),
          ...(db.ReadReplicaSourceDBInstanceIdentifier ? [db.ReadReplicaSourceDBInstanceIdentifier] : []),
        ].sort(),
        tags: rdsTags(db.TagList),
        deletionProtection: db.DeletionProtection === true,
        readReplicas: [...(db.ReadReplicaDBInstanceIdentifiers ?? [])].sort(),
      };
    } catch (error) {
      if (notFound(error, "DBInstanceNotFound")) return null;
      throw error;
    }
  },

  ineligible(target, observed) {
    if (target.action !== "snapshot-and-delete") return null;
    if ((observed as Partial<ObservedDb>).deletionProtection) {
      return "deletion protection is on: finops never turns it off";
    }
    if (observed.state !== "available") return `database is ${observed.state}, not available`;
    // Deleting a replication source promotes its replicas to databases of their own: never as a side effect.
    const replicas = (observed as Partial<ObservedDb>).readReplicas ?? [];
    if (replicas.length) return `it is the source of read replica(s) ${replicas.join(", ")}`;
    return null;
  },

  // RDS has no DryRun: the describe the plan made of the resource is its permission check, and a write
  // AWS refuses fails its item at apply, with AWS's reason.
  dryRun: async () => null,

  async act(scope, target, observed, step, context) {
    const resourceName = target.resourceId;
    if (target.action === "mark" || target.action === "tag") {
      await step("add-tags", () =>
        rds(scope).send(
          new AddTagsToResourceCommand({
            ResourceName: resourceName,
            Tags: [{ Key: target.markTag, Value: target.markValue ?? "" }],
          }),
        ),
      );
      return `tagged ${target.markTag}=${target.markValue}`;
    }
    if (target.action === "unmark") {
      await step("remove-tags", () =>
        rds(scope).send(
          new RemoveTagsFromResourceCommand({ ResourceName: resourceName, TagKeys: [target.markTag] }),
        ),
      );
      return `removed ${target.markTag}`;
    }
    if (target.action !== "snapshot-and-delete") throw new Error(`rds:db does not support ${target.action}`);
    const snapshot = snapshotName(target);
    // The snapshot carries the database's tags and ARN, so that whoever needs the data back finds it, but
    // not its expiry, mark or exemption: it keeps its own retention (backupTags).
    await step(
      "create-db-snapshot",
      async () => {
        await rds(scope).send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: identifier(target),
            DBSnapshotIdentifier: snapshot,
            Tags: backupTags(observed.tags, context.backup, {
              "finops:source-db": target.resourceId,
              "finops:plan-id": target.planId,
            }),
          }),
        );
        return { snapshot };
      },
      { resumeWith: async () => ((await snapshotStatus(scope, snapshot)) ? { snapshot } : null) },
    );
    await waitForSnapshot(scope, snapshot);
    // The wait may have lasted hours: protection, approval and the database itself are asked again.
    const held = await context.recheck();
    if (held) throw new Error(`snapshot ${snapshot} kept, database not deleted: ${held}`);
    // The snapshot just taken is the backup: no final snapshot besides it, and the automated backups stay
    // for their own retention (point-in-time recovery until they expire).
    await step("delete-db-instance", () =>
      rds(scope).send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: identifier(target),
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: false,
        }),
      ),
    );
    return `snapshot ${snapshot} available, database deleted`;
  },

  done(target, observed) {
    return tagsDone(target, observed) ?? (observed === null || observed.state === "deleting");
  },
};
