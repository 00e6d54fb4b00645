/**
 * Records of the demo estate's managed services and machine images (issue 16): DynamoDB tables, ECR
 * repositories, ElastiCache and Redshift clusters, the AMIs the accounts own and their launch templates,
 * and the parts of older records the new collectors read (target groups, node groups, incomplete
 * multipart uploads). Every one of them is derived without drawing from the estate's sequential stream
 * (estate.ts), so the records and bill rows that existed before stay as they were.
 */
import type { Resource, UtilizationProfile } from "./estate-types.js";

export interface DynamoTable extends Resource {
  resourceType: "dynamodb:table";
  name: string;
  billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  /** Provisioned capacity (0 for on-demand tables). */
  readCapacityUnits: number;
  writeCapacityUnits: number;
  sizeGb: number;
  itemCount: number;
  /**
   * Capacity units consumed per day: for a provisioned table what CloudWatch's Consumed*CapacityUnits
   * Sum reports (the provisioned rate x 86,400 s is the most it can be); for an on-demand table the
   * request units the bill charges.
   */
  consumedReadUnitsPerDay: number;
  consumedWriteUnitsPerDay: number;
}

export interface EcrImage {
  digest: string;
  tags: string[];
  sizeBytes: number;
  pushedAt: string;
}

export interface EcrRepository extends Resource {
  resourceType: "ecr:repository";
  name: string;
  /** The lifecycle policy's text; null when the repository has none (images are never expired). */
  lifecyclePolicy: string | null;
  images: EcrImage[];
}

export interface CacheCluster extends Resource {
  resourceType: "elasticache:cluster";
  /** CacheClusterId. */
  name: string;
  engine: "redis" | "memcached";
  engineVersion: string;
  cacheNodeType: string;
  numCacheNodes: number;
  profile: UtilizationProfile;
  /** The day's highest CurrConnections (0 when idle). */
  connectionsMax: number;
}

export interface RedshiftCluster extends Resource {
  resourceType: "redshift:cluster";
  /** ClusterIdentifier. */
  name: string;
  nodeType: string;
  numberOfNodes: number;
  profile: UtilizationProfile;
  connectionsMax: number;
}

/** An AMI the account owns; it costs nothing itself: its snapshots are billed as snapshots. */
export interface MachineImage extends Resource {
  resourceType: "ec2:image";
  name: string;
  snapshotIds: string[];
  rootSizeGb: number;
}

/** A launch template (no resource type of its own): what matters is which images its versions name. */
export interface LaunchTemplate {
  id: string;
  name: string;
  account: string;
  region: string;
  createdAt: string;
  /** The image of each version, version 1 first. */
  versionImageIds: string[];
  tags: Record<string, string>;
}

/** A target group of a load balancer (v2) and the targets registered in it. */
export interface TargetGroup {
  name: string;
  arn: string;
  protocol: "HTTP" | "HTTPS" | "TCP";
  port: number;
  targetType: "instance" | "ip";
  /** Instance ids or IP addresses; empty when nothing is registered. */
  targets: string[];
}

/** An EKS managed node group. */
export interface NodeGroup {
  name: string;
  instanceType: string;
  desiredSize: number;
  createdAt: string;
}

/** An incomplete multipart upload of a bucket: its parts are stored (and billed) until it is aborted. */
export interface MultipartUpload {
  key: string;
  uploadId: string;
  initiated: string;
  /** Sizes of the parts uploaded so far. */
  partBytes: number[];
}

/** The records issue 16 adds beside the older services. */
export interface ManagedServices {
  dynamoTables: DynamoTable[];
  ecrRepositories: EcrRepository[];
  cacheClusters: CacheCluster[];
  redshiftClusters: RedshiftCluster[];
  images: MachineImage[];
  launchTemplates: LaunchTemplate[];
}
