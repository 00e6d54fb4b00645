import { dynamodbTable } from "./dynamodb-table.js";
import { ebsSnapshot } from "./ebs-snapshot.js";
import { ebsVolume } from "./ebs-volume.js";
import { ec2Image } from "./ec2-image.js";
import { ec2Instance } from "./ec2-instance.js";
import { ec2ReservedInstances } from "./ec2-reserved-instances.js";
import { ecrRepository } from "./ecr-repository.js";
import { eksCluster } from "./eks-cluster.js";
import { elasticIp } from "./elastic-ip.js";
import { elasticacheCluster } from "./elasticache-cluster.js";
import { k8sNode } from "./k8s-node.js";
import { k8sPod } from "./k8s-pod.js";
import { loadBalancer } from "./load-balancer.js";
import { logGroup } from "./log-group.js";
import { natGateway } from "./nat-gateway.js";
import { rdsDb } from "./rds-db.js";
import { redshiftCluster } from "./redshift-cluster.js";
import { s3Bucket } from "./s3-bucket.js";
import { savingsPlan } from "./savings-plan.js";
import type { ResourceDescriptor } from "./types.js";

/**
 * Every resource type with a collector of its own: adding one means a descriptor file and a line here.
 * The order is kept where order shows: CloudWatch queries are packed type by type in this order (a replay
 * maps recorded answers back to their queries by it), and the attrs struct's fields follow it.
 * Anything else the Tagging API reports is `service:type` as in its ARN, with no descriptor.
 */
export const RESOURCE_DESCRIPTORS: readonly ResourceDescriptor[] = [
  ec2Instance,
  ebsVolume,
  ebsSnapshot,
  elasticIp,
  natGateway,
  s3Bucket,
  rdsDb,
  loadBalancer,
  logGroup,
  dynamodbTable,
  ecrRepository,
  ec2Image,
  elasticacheCluster,
  eksCluster,
  redshiftCluster,
  ec2ReservedInstances,
  savingsPlan,
  k8sNode,
  k8sPod,
];

const BY_TYPE = new Map(RESOURCE_DESCRIPTORS.map((d) => [d.type, d]));

/** The descriptor of a contract resourceType; undefined for types only the Tagging API reports. */
export function descriptorOf(type: string): ResourceDescriptor | undefined {
  return BY_TYPE.get(type);
}

/** The contract's type names with descriptors, in registry order (`finops resources --type` help). */
export const RESOURCE_TYPES: readonly string[] = RESOURCE_DESCRIPTORS.map((d) => d.type);

export type { ResourceDescriptor } from "./types.js";
