import { ecrNoLifecycle } from "./kinds/ecr-no-lifecycle.js";
import { emptyEksCluster } from "./kinds/empty-eks-cluster.js";
import { expired } from "./kinds/expired.js";
import { expiringCommitment } from "./kinds/expiring-commitment.js";
import { gp2Volume } from "./kinds/gp2-volume.js";
import { idleDynamodbTable } from "./kinds/idle-dynamodb-table.js";
import { idleElasticacheCluster } from "./kinds/idle-elasticache-cluster.js";
import { idleInstance } from "./kinds/idle-instance.js";
import { idleK8sNode } from "./kinds/idle-k8s-node.js";
import { idleLoadBalancer } from "./kinds/idle-load-balancer.js";
import { idleNatGateway } from "./kinds/idle-nat-gateway.js";
import { idleRdsInstance } from "./kinds/idle-rds-instance.js";
import { idleRedshiftCluster } from "./kinds/idle-redshift-cluster.js";
import { logGroupNoRetention } from "./kinds/log-group-no-retention.js";
import { missingTags } from "./kinds/missing-tags.js";
import { oldSnapshot } from "./kinds/old-snapshot.js";
import { orphanedSnapshot } from "./kinds/orphaned-snapshot.js";
import { oversizedInstance } from "./kinds/oversized-instance.js";
import { oversizedVolume } from "./kinds/oversized-volume.js";
import { previousGeneration } from "./kinds/previous-generation.js";
import { rdsGp2Storage } from "./kinds/rds-gp2-storage.js";
import { rdsMultiAzNonprod } from "./kinds/rds-multi-az-nonprod.js";
import { rdsPreviousGeneration } from "./kinds/rds-previous-generation.js";
import { s3IncompleteMultipart } from "./kinds/s3-incomplete-multipart.js";
import { s3NoLifecycle } from "./kinds/s3-no-lifecycle.js";
import { sqlRule } from "./kinds/sql-rule.js";
import { staleLogGroup } from "./kinds/stale-log-group.js";
import { stoppedInstance } from "./kinds/stopped-instance.js";
import { unassociatedEip } from "./kinds/unassociated-eip.js";
import { unattachedVolume } from "./kinds/unattached-volume.js";
import { underusedCommitment } from "./kinds/underused-commitment.js";
import { unusedAmi } from "./kinds/unused-ami.js";
import { PACKS, type RuleKind } from "./rule-kind.js";

/**
 * The rule catalogue: one place that names every rule kind. Each kind says its own pack; the catalogue
 * lists them by pack (the order of PACKS), and within a pack in the order given here: the order of the
 * default rules, of `finops rules` and of the README table.
 */
const KINDS: readonly RuleKind[] = [
  idleInstance,
  idleK8sNode,
  idleDynamodbTable,
  stoppedInstance,
  previousGeneration,
  oversizedInstance,
  emptyEksCluster,
  underusedCommitment,
  expiringCommitment,
  unattachedVolume,
  gp2Volume,
  oversizedVolume,
  oldSnapshot,
  orphanedSnapshot,
  logGroupNoRetention,
  staleLogGroup,
  ecrNoLifecycle,
  s3IncompleteMultipart,
  unusedAmi,
  unassociatedEip,
  idleNatGateway,
  idleRdsInstance,
  rdsPreviousGeneration,
  rdsGp2Storage,
  rdsMultiAzNonprod,
  idleLoadBalancer,
  idleElasticacheCluster,
  idleRedshiftCluster,
  missingTags,
  expired,
  s3NoLifecycle,
  sqlRule,
] as RuleKind[];

export const RULE_KINDS: ReadonlyMap<string, RuleKind> = new Map(
  PACKS.flatMap((pack) => KINDS.filter((kind) => kind.pack === pack)).map((kind) => [kind.kind, kind]),
);
